//! Incidents: list, inspect, and respond (acknowledge, resolve, reassign, snooze,
//! update, create, notes, alerts, timeline, related and past incidents).
//!
//! This module has the incident itself (`ListIncidents`, `GetIncident`); its
//! history, notes and alerts are in `activity`, the writes in `respond`, and what
//! PagerDuty relates to it (changes, related and past incidents) in `insight`. All
//! their items are re-exported here.

mod activity;
mod insight;
mod respond;

pub use activity::*;
pub use insight::*;
pub use respond::*;

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, check_time, clamp_limit, de, list_page_of, path_id};
use crate::client::{Query, Session};

/// An incident's status.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum IncidentStatus {
    /// Open and not yet acknowledged.
    Triggered,
    /// Someone is working on it.
    Acknowledged,
    /// Closed.
    Resolved,
}

impl IncidentStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Triggered => "triggered",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }
}

/// An incident's urgency.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    /// Notifies with high-urgency rules.
    High,
    /// Notifies with low-urgency rules.
    Low,
}

impl Urgency {
    fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Low => "low",
        }
    }
}

/// An incident, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Incident {
    /// The incident ID (use it with the other incident tools).
    pub id: String,
    /// The account-wide incident number.
    pub number: Option<u64>,
    /// The title.
    pub title: Option<String>,
    /// `triggered`, `acknowledged` or `resolved`.
    pub status: Option<String>,
    /// `high` or `low`.
    pub urgency: Option<String>,
    /// The priority's name (e.g. `P1`).
    pub priority: Option<String>,
    /// The affected service.
    pub service: Option<Ref>,
    /// The escalation policy.
    pub escalation_policy: Option<Ref>,
    /// The teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// Who it is assigned to now.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub assignees: Vec<Ref>,
    /// Who acknowledged it.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub acknowledged_by: Vec<Ref>,
    /// The de-duplication key.
    pub incident_key: Option<String>,
    /// When it was created (ISO 8601 with zone).
    pub created_at: Option<String>,
    /// When its status last changed.
    pub last_status_change_at: Option<String>,
    /// When it was resolved.
    pub resolved_at: Option<String>,
    /// Alerts: triggered and resolved counts (only from GetIncident).
    pub alert_counts: Option<AlertCounts>,
    /// The incident's web page.
    pub html_url: Option<String>,
}

/// How many alerts an incident has.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AlertCounts {
    /// Alerts still triggered.
    pub triggered: u64,
    /// Alerts resolved.
    pub resolved: u64,
}

impl Incident {
    /// The compact form of PagerDuty's incident object.
    pub fn from_api(v: &Value) -> Self {
        de::object::<ApiIncident>(v).into()
    }
}

/// PagerDuty's incident object as `Incident` keeps it, read straight from a page's
/// body by [`list_incidents`] (see `tools::de`); the rest of the object is skipped.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ApiIncident {
    #[serde(deserialize_with = "de::text")]
    id: Option<String>,
    #[serde(deserialize_with = "de::lenient")]
    incident_number: Option<u64>,
    #[serde(deserialize_with = "de::text")]
    title: Option<String>,
    #[serde(deserialize_with = "de::text")]
    summary: Option<String>,
    #[serde(deserialize_with = "de::text")]
    status: Option<String>,
    #[serde(deserialize_with = "de::text")]
    urgency: Option<String>,
    priority: de::Object<Named>,
    #[serde(deserialize_with = "de::reference")]
    service: Option<Ref>,
    #[serde(deserialize_with = "de::reference")]
    escalation_policy: Option<Ref>,
    #[serde(deserialize_with = "de::references")]
    teams: Vec<Ref>,
    #[serde(deserialize_with = "de::objects")]
    assignments: Vec<Assignment>,
    #[serde(deserialize_with = "de::objects")]
    acknowledgements: Vec<Acknowledgement>,
    #[serde(deserialize_with = "de::text")]
    incident_key: Option<String>,
    #[serde(deserialize_with = "de::text")]
    created_at: Option<String>,
    #[serde(deserialize_with = "de::text")]
    last_status_change_at: Option<String>,
    #[serde(deserialize_with = "de::text")]
    resolved_at: Option<String>,
    #[serde(deserialize_with = "de::text")]
    html_url: Option<String>,
}

/// A priority (or anything named by `summary` or `name`).
#[derive(Default, Deserialize)]
#[serde(default)]
struct Named {
    #[serde(deserialize_with = "de::text")]
    summary: Option<String>,
    #[serde(deserialize_with = "de::text")]
    name: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Assignment {
    #[serde(deserialize_with = "de::reference")]
    assignee: Option<Ref>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Acknowledgement {
    #[serde(deserialize_with = "de::reference")]
    acknowledger: Option<Ref>,
}

// `title` falls back to `summary`, the priority is a name, and assignees and
// acknowledgers are nested.
impl From<ApiIncident> for Incident {
    fn from(v: ApiIncident) -> Self {
        Self {
            id: v.id.unwrap_or_default(),
            number: v.incident_number,
            title: v.title.or(v.summary),
            status: v.status,
            urgency: v.urgency,
            priority: v.priority.0.summary.or(v.priority.0.name),
            service: v.service,
            escalation_policy: v.escalation_policy,
            teams: v.teams,
            assignees: v
                .assignments
                .into_iter()
                .filter_map(|a| a.assignee)
                .collect(),
            acknowledged_by: v
                .acknowledgements
                .into_iter()
                .filter_map(|a| a.acknowledger)
                .collect(),
            incident_key: v.incident_key,
            created_at: v.created_at,
            last_status_change_at: v.last_status_change_at,
            resolved_at: v.resolved_at,
            alert_counts: None,
            html_url: v.html_url,
        }
    }
}

/// A page of incidents.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct IncidentList {
    /// The incidents, newest first.
    pub incidents: Vec<Incident>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List PagerDuty incidents, newest first, optionally filtered by status, urgency,
/// services, teams and a creation time range. Use it to answer "what is on fire",
/// "open incidents for service X" or "incidents last week". Returns compact incidents
/// (id, number, title, status, urgency, priority, service, assignees, times, link) and
/// pagination: when `more` is true, call again with `offset` = `next_offset`.
#[tool(preset = crate::tools::pagerduty_read, output = "Incidents with pagination fields")]
pub async fn list_incidents(
    context: ToolContext,
    /// Filter by status. Default is None (all statuses).
    status: Option<IncidentStatus>,
    /// Filter by urgency. Default is None.
    urgency: Option<Urgency>,
    /// Filter by service IDs. Default is None.
    service_ids: Option<Vec<String>>,
    /// Filter by team IDs. Default is None.
    team_ids: Option<Vec<String>>,
    /// Start of the creation-time range, ISO 8601 with zone (e.g. 2026-01-31T00:00:00Z). Default is None.
    since: Option<String>,
    /// End of the creation-time range, ISO 8601 with zone. Default is None.
    until: Option<String>,
    /// Maximum incidents to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination (use `next_offset` from a previous call). Default is None.
    offset: Option<i64>,
) -> Result<IncidentList, ToolError> {
    check_time("since", &since)?;
    check_time("until", &until)?;
    let session = Session::from_context(&context)?;
    let query = Query::new()
        .list("statuses", status.map(IncidentStatus::as_str))
        .list("urgencies", urgency.map(Urgency::as_str))
        .list("service_ids", service_ids.unwrap_or_default())
        .list("team_ids", team_ids.unwrap_or_default())
        .opt("since", since)
        .opt("until", until)
        .set("time_zone", "UTC")
        .set("sort_by", "created_at:desc");
    let (incidents, pagination) = list_page_of(
        &session,
        "/incidents",
        &query,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        |i: de::Object<ApiIncident>| Incident::from(i.0),
    )
    .await?;
    Ok(IncidentList {
        incidents,
        pagination,
    })
}

/// Get one PagerDuty incident by ID (or incident number): status, urgency, priority,
/// service, escalation policy, assignees, who acknowledged it, alert counts and times.
/// Use ListIncidents first when you only know the title.
#[tool(preset = crate::tools::pagerduty_read, output = "The incident")]
pub async fn get_incident(
    context: ToolContext,
    /// Incident ID to fetch (an incident number also works).
    incident_id: String,
) -> Result<Incident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let raw = session
        .get_object(&format!("/incidents/{id}"), "incident", &Query::new())
        .await?;
    let mut incident = Incident::from_api(&raw);
    incident.alert_counts = raw.get("alert_counts").map(|c| AlertCounts {
        triggered: c.get("triggered").and_then(Value::as_u64).unwrap_or(0),
        resolved: c.get("resolved").and_then(Value::as_u64).unwrap_or(0),
    });
    Ok(incident)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{ApiIncident, Incident};
    use crate::tools::{Ref, de};

    fn named(id: &str, name: &str) -> Option<Ref> {
        Some(Ref {
            id: id.into(),
            name: Some(name.into()),
        })
    }

    /// A page record read straight from the body's text, as `ListIncidents` reads it.
    fn from_text(v: &Value) -> Incident {
        let record: de::Object<ApiIncident> = serde_json::from_str(&v.to_string()).unwrap();
        record.0.into()
    }

    #[test]
    fn an_incident_reads_the_same_from_text_as_from_a_value() {
        let raw = json!({
            "id": "PINC001", "type": "incident", "incident_number": 7,
            "title": "", "summary": "[#7] Disk full", "status": "triggered",
            "urgency": "high", "priority": {"id": "PP1", "name": "P1", "color": "a8171c"},
            "service": {"id": "PSVC001", "type": "service_reference", "summary": "Checkout"},
            "escalation_policy": {"id": "PEP001", "summary": "Checkout EP", "html_url": "x"},
            "teams": [{"id": "PT1", "summary": "SRE"}, {"summary": "no id"}, "PT2"],
            "assignments": [
                {"at": "2026-01-01T00:00:00Z", "assignee": {"id": "PU1", "summary": "Alice"}},
                {"assignee": null}, 3
            ],
            "acknowledgements": [{"acknowledger": {"id": "PU2", "name": "Bob"}}],
            "incident_key": 42, "created_at": "2026-01-01T00:00:00Z",
            "last_status_change_at": "2026-01-01T00:05:00Z", "resolved_at": null,
            "html_url": "https://example.pagerduty.com/incidents/PINC001",
            "alert_counts": {"all": 1, "triggered": 1, "resolved": 0},
            "pending_actions": [{"type": "escalate", "at": "2026-01-01T00:30:00Z"}],
            "body": {"details": {"nested": [1, {"deep": true}]}}
        });
        let expected = Incident {
            id: "PINC001".into(),
            number: Some(7),
            title: Some("[#7] Disk full".into()),
            status: Some("triggered".into()),
            urgency: Some("high".into()),
            priority: Some("P1".into()),
            service: named("PSVC001", "Checkout"),
            escalation_policy: named("PEP001", "Checkout EP"),
            teams: named("PT1", "SRE").into_iter().collect(),
            assignees: named("PU1", "Alice").into_iter().collect(),
            acknowledged_by: named("PU2", "Bob").into_iter().collect(),
            incident_key: Some("42".into()),
            created_at: Some("2026-01-01T00:00:00Z".into()),
            last_status_change_at: Some("2026-01-01T00:05:00Z".into()),
            resolved_at: None,
            alert_counts: None,
            html_url: Some("https://example.pagerduty.com/incidents/PINC001".into()),
        };
        assert_eq!(Incident::from_api(&raw), expected);
        assert_eq!(from_text(&raw), expected);
    }

    #[test]
    fn fields_of_another_kind_read_as_absent_and_a_record_that_is_not_an_object_as_empty() {
        let raw = json!({
            "id": ["PINC001"], "incident_number": -3, "title": {"text": "x"},
            "priority": "P1", "service": "PSVC001", "teams": {"id": "PT1"},
            "assignments": "PU1", "acknowledgements": [[{"acknowledger": {"id": "PU2"}}]],
            "created_at": 5.5, "status": true
        });
        let incident = from_text(&raw);
        assert_eq!(incident, Incident::from_api(&raw));
        assert_eq!(incident.id, "");
        assert_eq!(incident.number, None);
        assert_eq!((incident.title, incident.priority), (None, None));
        assert_eq!((incident.service, incident.status), (None, None));
        assert!(incident.teams.is_empty() && incident.assignees.is_empty());
        assert!(incident.acknowledged_by.is_empty());
        assert_eq!(incident.created_at.as_deref(), Some("5.5"));
        for other in [
            json!("PINC001"),
            json!(null),
            json!([{"id": "P1"}]),
            json!(1),
        ] {
            assert_eq!(from_text(&other), Incident::from_api(&json!({})));
            assert_eq!(Incident::from_api(&other).id, "");
        }
    }
}
