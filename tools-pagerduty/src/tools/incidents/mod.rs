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

use super::{
    MAX_LIMIT, Pagination, Ref, check_time, clamp_limit, list_page, path_id, ref_at, refs_at, s,
};
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

// By hand, not serde (see `tools::de`): `title` falls back to `summary`, the priority is
// a name, and assignees and acknowledgers are nested.
impl Incident {
    /// The compact form of PagerDuty's incident object.
    pub fn from_api(v: &Value) -> Self {
        let nested = |key: &str, inner: &str| -> Vec<Ref> {
            v.get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| ref_at(x, inner)).collect())
                .unwrap_or_default()
        };
        Self {
            id: s(v, "id").unwrap_or_default(),
            number: v.get("incident_number").and_then(Value::as_u64),
            title: s(v, "title").or_else(|| s(v, "summary")),
            status: s(v, "status"),
            urgency: s(v, "urgency"),
            priority: v
                .get("priority")
                .and_then(|p| s(p, "summary").or_else(|| s(p, "name"))),
            service: ref_at(v, "service"),
            escalation_policy: ref_at(v, "escalation_policy"),
            teams: refs_at(v, "teams"),
            assignees: nested("assignments", "assignee"),
            acknowledged_by: nested("acknowledgements", "acknowledger"),
            incident_key: s(v, "incident_key"),
            created_at: s(v, "created_at"),
            last_status_change_at: s(v, "last_status_change_at"),
            resolved_at: s(v, "resolved_at"),
            alert_counts: None,
            html_url: s(v, "html_url"),
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
    let (incidents, pagination) = list_page(
        &session,
        "/incidents",
        &query,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        Incident::from_api,
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
