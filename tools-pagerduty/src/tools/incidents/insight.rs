//! What PagerDuty relates to an incident: recent changes, related incidents (AIOps)
//! and similar past incidents.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Incident;
use crate::client::{Query, Session};
use crate::tools::{MAX_LIMIT, Ref, clamp_limit, path_id, refs_at, s};

/// A change (deploy, config change) that may be related to an incident.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangeEvent {
    /// The change event ID.
    pub id: String,
    /// What changed.
    pub summary: Option<String>,
    /// When (ISO 8601 with zone).
    pub timestamp: Option<String>,
    /// Where it came from (e.g. a CI system).
    pub source: Option<String>,
    /// The services it touched.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub services: Vec<Ref>,
    /// Why PagerDuty relates it: `most_recent`, `related_service` or `intelligent`.
    pub correlation: Option<String>,
    /// Links (build, diff).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub links: Vec<String>,
    /// Free-form details.
    pub details: Option<Value>,
}

// By hand, not serde (see `tools::de`): `correlation` is nested and `links` keeps only
// each link's `href`.
impl ChangeEvent {
    /// The compact form of PagerDuty's change event.
    pub fn from_api(c: &Value) -> Self {
        Self {
            id: s(c, "id").unwrap_or_default(),
            summary: s(c, "summary"),
            timestamp: s(c, "timestamp"),
            source: s(c, "source"),
            services: refs_at(c, "services"),
            correlation: c.get("correlation_reason").and_then(|r| s(r, "reason")),
            links: c
                .get("links")
                .and_then(Value::as_array)
                .map(|l| l.iter().filter_map(|x| s(x, "href")).collect())
                .unwrap_or_default(),
            details: c.get("custom_details").filter(|d| !d.is_null()).cloned(),
        }
    }
}

/// Changes related to an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangeEventList {
    /// The incident ID.
    pub incident_id: String,
    /// The changes, most likely cause first.
    pub change_events: Vec<ChangeEvent>,
}

/// List the recent changes (deploys, config changes) PagerDuty relates to an
/// incident, most likely cause first. Use it early in triage: "what changed before
/// this broke?".
#[tool(preset = crate::tools::pagerduty_read, output = "Change events related to the incident")]
pub async fn list_incident_change_events(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// Maximum changes to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
) -> Result<ChangeEventList, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let body = session
        .get(
            &format!("/incidents/{id}/related_change_events"),
            &Query::new().set("limit", clamp_limit(limit, MAX_LIMIT)),
        )
        .await?;
    let change_events = body
        .get("change_events")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(ChangeEvent::from_api).collect())
        .unwrap_or_default();
    Ok(ChangeEventList {
        incident_id: id,
        change_events,
    })
}

/// Why PagerDuty relates two incidents.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Relationship {
    /// `machine_learning_inferred` (similar alerts, or responders' past feedback) or
    /// `service_dependency` (the services depend on each other).
    pub kind: String,
    /// For `machine_learning_inferred`: `similar_contents` or `prior_feedback`.
    pub grouping: Option<String>,
    /// How many times users agreed the incidents are related.
    pub positive_feedback: Option<u64>,
    /// How many times users disagreed.
    pub negative_feedback: Option<u64>,
    /// For `service_dependency`: the services that depend on the others.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dependent_services: Vec<Ref>,
    /// For `service_dependency`: the services they depend on.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub supporting_services: Vec<Ref>,
}

// By hand, not serde (see `tools::de`): its fields come from `metadata`, whose services
// are an array or a single object.
impl Relationship {
    fn from_api(r: &Value) -> Self {
        let meta = r.get("metadata").cloned().unwrap_or_default();
        // The schema says arrays; PagerDuty's own example sends single objects.
        let services = |key: &str| -> Vec<Ref> {
            match meta.get(key) {
                Some(Value::Array(a)) => a.iter().filter_map(crate::tools::reference).collect(),
                Some(v @ Value::Object(_)) => crate::tools::reference(v).into_iter().collect(),
                _ => Vec::new(),
            }
        };
        let feedback = |key: &str| {
            meta.get("user_feedback")
                .and_then(|f| f.get(key))
                .and_then(Value::as_u64)
        };
        Self {
            kind: s(r, "type").unwrap_or_default(),
            grouping: s(&meta, "grouping_classification"),
            positive_feedback: feedback("positive_feedback_count"),
            negative_feedback: feedback("negative_feedback_count"),
            dependent_services: services("dependent_services"),
            supporting_services: services("supporting_services"),
        }
    }
}

/// An incident related to another one, and why.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RelatedIncident {
    /// The related incident.
    pub incident: Incident,
    /// The reasons PagerDuty relates it.
    pub relationships: Vec<Relationship>,
}

/// The incidents related to an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RelatedIncidentList {
    /// The incident asked about.
    pub incident_id: String,
    /// The related incidents, most recent first (at most 20).
    pub related_incidents: Vec<RelatedIncident>,
}

/// List the incidents PagerDuty's AIOps relates to an incident right now: incidents on
/// other services that look like the same problem (machine learning) or sit on
/// services that depend on each other, with the reasons. Use it in triage to spot a
/// wider outage and the other responders already working on it. Returns at most 20
/// incidents, most recent first. Needs PagerDuty's AIOps (Event Intelligence) add-on.
#[tool(preset = crate::tools::pagerduty_read, output = "Related incidents with the reasons they are related")]
pub async fn get_related_incidents(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
) -> Result<RelatedIncidentList, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let body = session
        .get(
            &format!("/incidents/{id}/related_incidents"),
            &Query::new().list("additional_details", ["incident"]),
        )
        .await?;
    let related_incidents = body
        .get("related_incidents")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| {
                    Some(RelatedIncident {
                        incident: Incident::from_api(r.get("incident")?),
                        relationships: r
                            .get("relationships")
                            .and_then(Value::as_array)
                            .map(|l| l.iter().map(Relationship::from_api).collect())
                            .unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(RelatedIncidentList {
        incident_id: id,
        related_incidents,
    })
}

/// An earlier incident similar to another one.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PastIncident {
    /// The past incident's ID (use it with GetIncidentTimeline or ListIncidentNotes to
    /// see how it was handled).
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// When it was triggered (ISO 8601 with zone).
    pub created_at: Option<String>,
    /// PagerDuty's similarity score (higher is more similar).
    pub score: f64,
}

/// The past incidents similar to an incident.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PastIncidentList {
    /// The incident asked about.
    pub incident_id: String,
    /// The similar past incidents, most similar first.
    pub past_incidents: Vec<PastIncident>,
    /// How many similar past incidents exist in all, when PagerDuty reported it.
    pub total: Option<u64>,
}

/// List earlier incidents similar to an incident: incidents of the last 6 months on
/// the same service with similar content, with PagerDuty's similarity score, most
/// similar first. Use it to answer "has this happened before, and how was it fixed?";
/// then read a past incident's notes (ListIncidentNotes) or timeline
/// (GetIncidentTimeline). Needs PagerDuty's AIOps (Event Intelligence) add-on.
#[tool(preset = crate::tools::pagerduty_read, output = "Similar past incidents with similarity scores")]
pub async fn get_past_incidents(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// Maximum past incidents to return (1-50). Default is 5.
    #[arg(default = 5)]
    limit: i64,
) -> Result<PastIncidentList, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let body = session
        .get(
            &format!("/incidents/{id}/past_incidents"),
            &Query::new()
                .set("limit", clamp_limit(limit, MAX_LIMIT))
                .set("total", true),
        )
        .await?;
    let past_incidents = body
        .get("past_incidents")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| {
                    let inc = p.get("incident")?;
                    Some(PastIncident {
                        id: s(inc, "id")?,
                        title: s(inc, "title").or_else(|| s(inc, "summary")),
                        created_at: s(inc, "created_at"),
                        score: p.get("score").and_then(Value::as_f64).unwrap_or(0.0),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(PastIncidentList {
        incident_id: id,
        past_incidents,
        total: body.get("total").and_then(Value::as_f64).map(|t| t as u64),
    })
}

/// How unusual an incident is on its service.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OutlierIncident {
    /// The incident asked about.
    pub incident_id: String,
    /// Its title.
    pub title: Option<String>,
    /// PagerDuty's verdict: `outlier` (never seen before), `rare` or `frequent`.
    pub category: Option<String>,
    /// How many incidents of its kind the service had over the period.
    pub occurrences: Option<u64>,
    /// Their share of the service's incidents over the period (0-1).
    pub frequency: Option<f64>,
    /// The period's start (ISO 8601 with zone).
    pub since: Option<String>,
    /// The period's end.
    pub until: Option<String>,
    /// The pattern PagerDuty mined from incidents of its kind (`<*>` for what varies).
    pub pattern: Option<String>,
}

/// Tell whether an incident is unusual for its service: `outlier` (never seen
/// before), `rare` or `frequent`, with how often its kind occurred and the pattern
/// PagerDuty mined from it. Use it in triage to judge "is this new, or the usual
/// noise?"; GetPastIncidents lists the similar incidents themselves. Needs PagerDuty's
/// AIOps (Event Intelligence) add-on.
#[tool(preset = crate::tools::pagerduty_read, output = "How unusual the incident is")]
pub async fn get_outlier_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// Start of the period to compare with (ISO 8601 with zone). Default is None (PagerDuty's default).
    since: Option<String>,
) -> Result<OutlierIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    crate::tools::check_time("since", &since)?;
    let session = Session::from_context(&context)?;
    let body = session
        .get_object(
            &format!("/incidents/{id}/outlier_incident"),
            "outlier_incident",
            &Query::new().opt("since", since),
        )
        .await?;
    let inc = body.get("incident").cloned().unwrap_or_default();
    let occurrence = inc.get("occurrence").cloned().unwrap_or_default();
    Ok(OutlierIncident {
        incident_id: id,
        title: s(&inc, "title"),
        category: s(&occurrence, "category"),
        occurrences: occurrence.get("count").and_then(Value::as_u64),
        frequency: occurrence.get("frequency").and_then(Value::as_f64),
        since: s(&occurrence, "since"),
        until: s(&occurrence, "until"),
        pattern: body
            .get("incident_template")
            .and_then(|t| s(t, "mined_text")),
    })
}
