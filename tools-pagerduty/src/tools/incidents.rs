//! Incidents: list, inspect, and respond (acknowledge, resolve, reassign, snooze,
//! update, create, notes, alerts, timeline, related and past incidents).

use arcade_tdk::{ToolContext, ToolError, tool};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{
    MAX_LIMIT, Pagination, Ref, check_time, clamp_limit, list_page, path_id, path_ids, ref_at,
    refs_at, s,
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
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Incident {
    /// The incident ID (use it with the other incident tools).
    pub id: String,
    /// The account-wide incident number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u64>,
    /// The title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `triggered`, `acknowledged` or `resolved`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `high` or `low`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urgency: Option<String>,
    /// The priority's name (e.g. `P1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// The affected service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Ref>,
    /// The escalation policy.
    #[serde(skip_serializing_if = "Option::is_none")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident_key: Option<String>,
    /// When it was created (ISO 8601 with zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// When its status last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status_change_at: Option<String>,
    /// When it was resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
    /// Alerts: triggered and resolved counts (only from GetIncident).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_counts: Option<AlertCounts>,
    /// The incident's web page.
    #[serde(skip_serializing_if = "Option::is_none")]
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
#[tool(preset = super::pagerduty_read, output = "Incidents with pagination fields")]
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
#[tool(preset = super::pagerduty_read, output = "The incident")]
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

/// A log entry: one event in an incident's life.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LogEntry {
    /// The log entry ID.
    pub id: String,
    /// What happened: `trigger`, `acknowledge`, `resolve`, `assign`, `escalate`,
    /// `notify`, `annotate`, `snooze`, `reach_trigger_limit`, ...
    pub kind: String,
    /// When (ISO 8601 with zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// PagerDuty's one-line description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Who or what did it (a user, a service, an integration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<Ref>,
    /// The incident.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incident: Option<Ref>,
    /// The service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Ref>,
    /// The channel it came through (`web_ui`, `api`, `email`, `auto`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// A note or resolution text carried by the entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl LogEntry {
    /// The compact form of PagerDuty's log entry.
    pub fn from_api(v: &Value) -> Self {
        let kind = s(v, "type").unwrap_or_default();
        let channel = v.get("channel");
        Self {
            id: s(v, "id").unwrap_or_default(),
            kind: kind.trim_end_matches("_log_entry").to_owned(),
            created_at: s(v, "created_at"),
            summary: s(v, "summary"),
            agent: ref_at(v, "agent"),
            incident: ref_at(v, "incident"),
            service: ref_at(v, "service"),
            channel: channel.and_then(|c| s(c, "type")),
            note: s(v, "note")
                .or_else(|| channel.and_then(|c| s(c, "summary").or_else(|| s(c, "details")))),
        }
    }
}

/// A page of log entries.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LogEntryList {
    /// The entries, newest first.
    pub log_entries: Vec<LogEntry>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List log entries (activity feed) showing recent incident events.
///
/// Returns events like incident triggers, acknowledgments, escalations, notifications
/// and resolutions across the account, newest first. Use GetIncidentTimeline for the
/// history of one incident.
#[tool(preset = super::pagerduty_read, output = "Log entries with pagination fields")]
pub async fn list_log_entries(
    context: ToolContext,
    /// Start time filter (ISO 8601 UTC). Default is None.
    since: Option<String>,
    /// End time filter (ISO 8601 UTC). Default is None.
    until: Option<String>,
    /// Filter by team IDs. Default is None.
    team_ids: Option<Vec<String>>,
    /// Time zone for times (IANA format, e.g., America/New_York). Default is None (UTC).
    time_zone: Option<String>,
    /// Return compact overview entries (state changes only). Default is True.
    #[arg(default = true)]
    is_overview: bool,
    /// Maximum entries to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<LogEntryList, ToolError> {
    check_time("since", &since)?;
    check_time("until", &until)?;
    let session = Session::from_context(&context)?;
    let query = Query::new()
        .opt("since", since)
        .opt("until", until)
        .list("team_ids", team_ids.unwrap_or_default())
        .set("time_zone", time_zone.as_deref().unwrap_or("UTC"))
        .set("is_overview", is_overview);
    let (log_entries, pagination) = list_page(
        &session,
        "/log_entries",
        &query,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        LogEntry::from_api,
    )
    .await?;
    Ok(LogEntryList {
        log_entries,
        pagination,
    })
}

/// Get the timeline of one incident: every log entry (triggered, notified, escalated,
/// acknowledged, reassigned, annotated, snoozed, resolved) with who did it and when,
/// newest first. Use it to explain what happened during an incident or to write a
/// post-incident summary.
#[tool(preset = super::pagerduty_read, output = "The incident's log entries with pagination fields")]
pub async fn get_incident_timeline(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// Only state changes (true) or every entry including notifications (false). Default is False.
    #[arg(default = false)]
    is_overview: bool,
    /// Time zone for times (IANA format). Default is None (UTC).
    time_zone: Option<String>,
    /// Maximum entries to return (1-100). Default is 25.
    #[arg(default = 25)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<LogEntryList, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let query = Query::new()
        .set("time_zone", time_zone.as_deref().unwrap_or("UTC"))
        .set("is_overview", is_overview);
    let (log_entries, pagination) = list_page(
        &session,
        &format!("/incidents/{id}/log_entries"),
        &query,
        clamp_limit(limit, 100),
        offset,
        LogEntry::from_api,
    )
    .await?;
    Ok(LogEntryList {
        log_entries,
        pagination,
    })
}

/// A note on an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Note {
    /// The note ID.
    pub id: String,
    /// The text.
    pub content: String,
    /// Who wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Ref>,
    /// When (ISO 8601 with zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

impl Note {
    fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            content: s(v, "content").unwrap_or_default(),
            author: ref_at(v, "user"),
            created_at: s(v, "created_at"),
        }
    }
}

/// An incident's notes.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct NoteList {
    /// The incident ID.
    pub incident_id: String,
    /// The notes, oldest first (PagerDuty returns all of them; there is no paging).
    pub notes: Vec<Note>,
}

/// List the notes responders left on an incident (status updates, findings,
/// hand-offs), oldest first.
#[tool(preset = super::pagerduty_read, output = "The incident's notes")]
pub async fn list_incident_notes(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
) -> Result<NoteList, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let body = session
        .get(&format!("/incidents/{id}/notes"), &Query::new())
        .await?;
    let notes = body
        .get("notes")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(Note::from_api).collect())
        .unwrap_or_default();
    Ok(NoteList {
        incident_id: id,
        notes,
    })
}

/// An alert grouped into an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Alert {
    /// The alert ID.
    pub id: String,
    /// `triggered` or `resolved`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The alert's summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// `critical`, `error`, `warning` or `info`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// The de-duplication key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert_key: Option<String>,
    /// The service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Ref>,
    /// The integration that sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<Ref>,
    /// Whether it was suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<bool>,
    /// When it was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The monitoring tool's details (`body.details`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

impl Alert {
    fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            status: s(v, "status"),
            summary: s(v, "summary"),
            severity: s(v, "severity"),
            alert_key: s(v, "alert_key"),
            service: ref_at(v, "service"),
            integration: ref_at(v, "integration"),
            suppressed: v.get("suppressed").and_then(Value::as_bool),
            created_at: s(v, "created_at"),
            details: v
                .get("body")
                .and_then(|b| b.get("details"))
                .filter(|d| !d.is_null())
                .cloned(),
        }
    }
}

/// A page of alerts.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AlertList {
    /// The alerts.
    pub alerts: Vec<Alert>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List the alerts grouped into an incident: what the monitoring tools actually sent
/// (summary, severity, dedup key, details). Use it to see the raw signal behind an
/// incident.
#[tool(preset = super::pagerduty_read, output = "Alerts with pagination fields")]
pub async fn list_incident_alerts(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// Only alerts with this status: `triggered` or `resolved`. Default is None.
    status: Option<String>,
    /// Maximum alerts to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<AlertList, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if let Some(st) = &status
        && st != "triggered"
        && st != "resolved"
    {
        return Err(ToolError::bad_input(
            "`status` must be `triggered` or `resolved`.",
        ));
    }
    let session = Session::from_context(&context)?;
    let query = Query::new().list("statuses", status);
    let (alerts, pagination) = list_page(
        &session,
        &format!("/incidents/{id}/alerts"),
        &query,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        Alert::from_api,
    )
    .await?;
    Ok(AlertList { alerts, pagination })
}

/// The incidents a bulk change touched.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangedIncidents {
    /// The incidents as they are after the change.
    pub incidents: Vec<Incident>,
}

async fn bulk_update(
    context: &ToolContext,
    incident_ids: &[String],
    fields: Map<String, Value>,
) -> Result<ChangedIncidents, ToolError> {
    let ids = path_ids("incident", incident_ids, 100)?;
    let session = Session::from_context(context)?;
    let incidents: Vec<Value> = ids
        .iter()
        .map(|id| {
            let mut obj = Map::new();
            obj.insert("id".into(), json!(id));
            obj.insert("type".into(), json!("incident_reference"));
            obj.extend(fields.clone());
            Value::Object(obj)
        })
        .collect();
    let body = session
        .write(
            Method::PUT,
            "/incidents",
            &json!({ "incidents": incidents }),
        )
        .await?;
    Ok(ChangedIncidents {
        incidents: body
            .get("incidents")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(Incident::from_api).collect())
            .unwrap_or_default(),
    })
}

/// Acknowledge one or more PagerDuty incidents as the authorized user: stops their
/// escalation and tells the team someone is on it. Acknowledging an acknowledged
/// incident changes nothing. Returns the incidents after the change.
#[tool(preset = super::pagerduty_update, output = "The acknowledged incidents")]
pub async fn acknowledge_incidents(
    context: ToolContext,
    /// IDs of the incidents to acknowledge (1-100).
    incident_ids: Vec<String>,
) -> Result<ChangedIncidents, ToolError> {
    let mut fields = Map::new();
    fields.insert("status".into(), json!("acknowledged"));
    bulk_update(&context, &incident_ids, fields).await
}

/// Resolve one or more PagerDuty incidents as the authorized user, with an optional
/// resolution note recorded in the incident's timeline. Confirm with the user before
/// resolving incidents they did not name. Returns the incidents after the change.
#[tool(preset = super::pagerduty_update, output = "The resolved incidents")]
pub async fn resolve_incidents(
    context: ToolContext,
    /// IDs of the incidents to resolve (1-100).
    incident_ids: Vec<String>,
    /// What fixed it, recorded as the resolution in the timeline. Default is None.
    resolution: Option<String>,
) -> Result<ChangedIncidents, ToolError> {
    let mut fields = Map::new();
    fields.insert("status".into(), json!("resolved"));
    if let Some(r) = resolution.filter(|r| !r.trim().is_empty()) {
        fields.insert("resolution".into(), json!(r));
    }
    bulk_update(&context, &incident_ids, fields).await
}

/// Reassign one or more incidents to specific users, or hand them to an escalation
/// policy (which restarts escalation from its first level). Give exactly one of
/// `user_ids` and `escalation_policy_id`; find IDs with SearchUsers or
/// ListEscalationPolicies. Returns the incidents after the change.
#[tool(preset = super::pagerduty_update, output = "The reassigned incidents")]
pub async fn reassign_incidents(
    context: ToolContext,
    /// IDs of the incidents to reassign (1-100).
    incident_ids: Vec<String>,
    /// Users to assign the incidents to. Default is None.
    user_ids: Option<Vec<String>>,
    /// Escalation policy to assign the incidents to. Default is None.
    escalation_policy_id: Option<String>,
) -> Result<ChangedIncidents, ToolError> {
    let mut fields = Map::new();
    match (user_ids.filter(|u| !u.is_empty()), escalation_policy_id) {
        (Some(users), None) => {
            let users = path_ids("user", &users, 20)?;
            let assignments: Vec<Value> = users
                .iter()
                .map(|u| json!({"assignee": {"id": u, "type": "user_reference"}}))
                .collect();
            fields.insert("assignments".into(), Value::Array(assignments));
        }
        (None, Some(ep)) => {
            let ep = path_id("escalation policy", &ep)?;
            fields.insert(
                "escalation_policy".into(),
                json!({"id": ep, "type": "escalation_policy_reference"}),
            );
        }
        _ => {
            return Err(ToolError::bad_input(
                "Give exactly one of `user_ids` and `escalation_policy_id`.",
            ));
        }
    }
    bulk_update(&context, &incident_ids, fields).await
}

/// The changed incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangedIncident {
    /// The incident as it is after the change.
    pub incident: Incident,
}

/// Snooze an acknowledged incident: it returns to triggered (and notifies again) when
/// the snooze ends. Only acknowledged incidents can be snoozed; acknowledge first.
#[tool(
    requires_auth = PagerDuty(scopes = ["write"]),
    open_world,
    destructive = false,
    operations = [update],
    service_domains = [incident_management],
    output = "The snoozed incident"
)]
pub async fn snooze_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// How long to snooze, in minutes (1-10080, i.e. up to a week).
    duration_minutes: i64,
) -> Result<ChangedIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if !(1..=10_080).contains(&duration_minutes) {
        return Err(ToolError::bad_input(
            "`duration_minutes` must be between 1 and 10080 (one week).",
        ));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::POST,
            &format!("/incidents/{id}/snooze"),
            &json!({"duration": duration_minutes * 60}),
        )
        .await?;
    changed(&body)
}

fn changed(body: &Value) -> Result<ChangedIncident, ToolError> {
    let raw = body
        .get("incident")
        .ok_or_else(|| ToolError::upstream(502, "PagerDuty's response has no `incident`."))?;
    Ok(ChangedIncident {
        incident: Incident::from_api(raw),
    })
}

/// Change one incident's title, urgency, priority, status or escalation level.
/// Give only the fields to change. Escalating to a higher level notifies that
/// level's on-call responders. Find priority IDs with ListPriorities.
#[tool(preset = super::pagerduty_update, output = "The updated incident")]
pub async fn update_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// New title. Default is None.
    title: Option<String>,
    /// New urgency. Default is None.
    urgency: Option<Urgency>,
    /// New status (`acknowledged` or `resolved`). Default is None.
    status: Option<IncidentStatus>,
    /// New priority ID (from ListPriorities). Default is None.
    priority_id: Option<String>,
    /// Escalate (or de-escalate) to this level of its escalation policy. Default is None.
    escalation_level: Option<i64>,
    /// Resolution note, when resolving. Default is None.
    resolution: Option<String>,
) -> Result<ChangedIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let mut incident = Map::new();
    incident.insert("type".into(), json!("incident_reference"));
    if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
        incident.insert("title".into(), json!(t));
    }
    if let Some(u) = urgency {
        incident.insert("urgency".into(), json!(u.as_str()));
    }
    if let Some(st) = status {
        if st == IncidentStatus::Triggered {
            return Err(ToolError::bad_input(
                "An incident cannot be set back to `triggered`; use `acknowledged` or `resolved`.",
            ));
        }
        incident.insert("status".into(), json!(st.as_str()));
    }
    if let Some(p) = priority_id {
        let p = path_id("priority", &p)?;
        incident.insert(
            "priority".into(),
            json!({"id": p, "type": "priority_reference"}),
        );
    }
    if let Some(level) = escalation_level {
        if level < 1 {
            return Err(ToolError::bad_input("`escalation_level` starts at 1."));
        }
        incident.insert("escalation_level".into(), json!(level));
    }
    if let Some(r) = resolution.filter(|r| !r.trim().is_empty()) {
        incident.insert("resolution".into(), json!(r));
    }
    if incident.len() == 1 {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::PUT,
            &format!("/incidents/{id}"),
            &json!({ "incident": incident }),
        )
        .await?;
    changed(&body)
}

/// Open a new PagerDuty incident on a service, which pages the service's on-call
/// responders. Use it when a human reports a problem; monitoring tools should use
/// SendEvent instead. Give an `incident_key` to avoid opening a duplicate. Find the
/// service with ListServices.
#[tool(preset = super::pagerduty_create, output = "The created incident")]
pub async fn create_incident(
    context: ToolContext,
    /// A short title that says what is wrong.
    title: String,
    /// The ID of the affected service.
    service_id: String,
    /// Urgency. Default is None (the service's default).
    urgency: Option<Urgency>,
    /// Longer description: symptoms, impact, links. Default is None.
    details: Option<String>,
    /// De-duplication key: a second incident with the same key is refused. Default is None.
    incident_key: Option<String>,
    /// Priority ID (from ListPriorities). Default is None.
    priority_id: Option<String>,
    /// Escalation policy to use instead of the service's. Default is None.
    escalation_policy_id: Option<String>,
    /// Users to assign directly instead of escalating. Default is None.
    assignee_user_ids: Option<Vec<String>>,
) -> Result<ChangedIncident, ToolError> {
    if title.trim().is_empty() {
        return Err(ToolError::bad_input("`title` must not be empty."));
    }
    let service = path_id("service", &service_id)?;
    let mut incident = Map::new();
    incident.insert("type".into(), json!("incident"));
    incident.insert("title".into(), json!(title.trim()));
    incident.insert(
        "service".into(),
        json!({"id": service, "type": "service_reference"}),
    );
    if let Some(u) = urgency {
        incident.insert("urgency".into(), json!(u.as_str()));
    }
    if let Some(d) = details.filter(|d| !d.trim().is_empty()) {
        incident.insert(
            "body".into(),
            json!({"type": "incident_body", "details": d}),
        );
    }
    if let Some(k) = incident_key.filter(|k| !k.trim().is_empty()) {
        incident.insert("incident_key".into(), json!(k));
    }
    if let Some(p) = priority_id {
        let p = path_id("priority", &p)?;
        incident.insert(
            "priority".into(),
            json!({"id": p, "type": "priority_reference"}),
        );
    }
    let users = assignee_user_ids.unwrap_or_default();
    match (escalation_policy_id, users.is_empty()) {
        (Some(_), false) => {
            return Err(ToolError::bad_input(
                "Give either `escalation_policy_id` or `assignee_user_ids`, not both.",
            ));
        }
        (Some(ep), true) => {
            let ep = path_id("escalation policy", &ep)?;
            incident.insert(
                "escalation_policy".into(),
                json!({"id": ep, "type": "escalation_policy_reference"}),
            );
        }
        (None, false) => {
            let users = path_ids("user", &users, 20)?;
            incident.insert(
                "assignments".into(),
                Value::Array(
                    users
                        .iter()
                        .map(|u| json!({"assignee": {"id": u, "type": "user_reference"}}))
                        .collect(),
                ),
            );
        }
        (None, true) => {}
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(Method::POST, "/incidents", &json!({ "incident": incident }))
        .await?;
    changed(&body)
}

/// The created note.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CreatedNote {
    /// The incident ID.
    pub incident_id: String,
    /// The note.
    pub note: Note,
}

/// Add a note to an incident's timeline as the authorized user: findings, status
/// updates for other responders, hand-off context. Notes cannot be edited or deleted
/// afterwards.
#[tool(preset = super::pagerduty_create, output = "The created note")]
pub async fn add_incident_note(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// The note's text.
    content: String,
) -> Result<CreatedNote, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if content.trim().is_empty() {
        return Err(ToolError::bad_input("`content` must not be empty."));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::POST,
            &format!("/incidents/{id}/notes"),
            &json!({"note": {"content": content}}),
        )
        .await?;
    let note = body
        .get("note")
        .ok_or_else(|| ToolError::upstream(502, "PagerDuty's response has no `note`."))?;
    Ok(CreatedNote {
        incident_id: id,
        note: Note::from_api(note),
    })
}

/// A change (deploy, config change) that may be related to an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangeEvent {
    /// The change event ID.
    pub id: String,
    /// What changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// When (ISO 8601 with zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// Where it came from (e.g. a CI system).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The services it touched.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub services: Vec<Ref>,
    /// Why PagerDuty relates it: `most_recent`, `related_service` or `intelligent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<String>,
    /// Links (build, diff).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub links: Vec<String>,
    /// Free-form details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

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
#[tool(preset = super::pagerduty_read, output = "Change events related to the incident")]
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

/// The posted status update.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusUpdate {
    /// The incident ID.
    pub incident_id: String,
    /// The status update ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The message sent.
    pub message: String,
    /// Who sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<Ref>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// Post a status update on an incident: it is sent to the incident's stakeholders and
/// subscribers (email, Slack, status page) as the authorized user. Use AddIncidentNote
/// for internal notes that notify nobody. Confirm the wording with the user first.
#[tool(preset = super::pagerduty_create, output = "The posted status update")]
pub async fn create_status_update(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// The update for stakeholders: impact, progress, next update time.
    message: String,
) -> Result<StatusUpdate, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if message.trim().is_empty() {
        return Err(ToolError::bad_input("`message` must not be empty."));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::POST,
            &format!("/incidents/{id}/status_updates"),
            &json!({ "message": message }),
        )
        .await?;
    let u = body.get("status_update").cloned().unwrap_or_default();
    Ok(StatusUpdate {
        incident_id: id,
        id: s(&u, "id"),
        message: s(&u, "message").unwrap_or(message),
        sender: ref_at(&u, "sender"),
        created_at: s(&u, "created_at"),
    })
}

/// Whom a responder request went to.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RequestedResponder {
    /// `user` or `escalation_policy`.
    pub kind: String,
    /// The target's ID.
    pub id: String,
    /// The users paged and their state (`pending`, `joined`, `declined`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub responders: Vec<ResponderState>,
}

/// A paged responder's state.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ResponderState {
    /// The user.
    pub user: Ref,
    /// `pending`, `joined` or `declined`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// The result of a responder request.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ResponderRequest {
    /// The incident ID.
    pub incident_id: String,
    /// The message sent with the request.
    pub message: String,
    /// Who was asked.
    pub requested: Vec<RequestedResponder>,
}

/// Ask more people to join an incident (a responder request): users or whole
/// escalation policies are paged with your message, e.g. "DB team, join the bridge".
/// Needs a user token (the request is made as the authorized user). Find IDs with
/// SearchUsers or ListEscalationPolicies.
#[tool(preset = super::pagerduty_create, output = "Who was asked to respond")]
pub async fn add_responders(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// What you need from them (bridge link, what to look at).
    message: String,
    /// Users to page. Default is None.
    user_ids: Option<Vec<String>>,
    /// Escalation policies to page. Default is None.
    escalation_policy_ids: Option<Vec<String>>,
) -> Result<ResponderRequest, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if message.trim().is_empty() {
        return Err(ToolError::bad_input("`message` must not be empty."));
    }
    let users = user_ids.unwrap_or_default();
    let policies = escalation_policy_ids.unwrap_or_default();
    if users.is_empty() && policies.is_empty() {
        return Err(ToolError::bad_input(
            "Give `user_ids`, `escalation_policy_ids` or both.",
        ));
    }
    let mut targets: Vec<Value> = Vec::new();
    if !users.is_empty() {
        for u in path_ids("user", &users, 20)? {
            targets.push(json!({"responder_request_target": {"id": u, "type": "user_reference"}}));
        }
    }
    if !policies.is_empty() {
        for p in path_ids("escalation policy", &policies, 10)? {
            targets.push(json!({"responder_request_target": {"id": p, "type": "escalation_policy_reference"}}));
        }
    }
    let session = Session::from_context(&context)?;
    let me = session.current_user(&[]).await.map_err(|err| {
        if err.status_code() == Some(400) {
            ToolError::context_required(
                "A responder request is made as a PagerDuty user, and this credential is an account-level API key with no user.",
                "Ask the user to authorize PagerDuty with their own account (OAuth or a user API key).",
            )
        } else {
            err
        }
    })?;
    let body = json!({
        "requester_id": s(&me, "id").unwrap_or_default(),
        "message": message,
        "responder_request_targets": targets,
    });
    let answer = session
        .write_optional_from(
            Method::POST,
            &format!("/incidents/{id}/responder_requests"),
            &body,
        )
        .await?;
    let rr = answer.get("responder_request").cloned().unwrap_or_default();
    let requested = rr
        .get("responder_request_targets")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("responder_request_target"))
                .map(|t| RequestedResponder {
                    kind: s(t, "type")
                        .unwrap_or_default()
                        .trim_end_matches("_reference")
                        .to_owned(),
                    id: s(t, "id").unwrap_or_default(),
                    responders: t
                        .get("incidents_responders")
                        .and_then(Value::as_array)
                        .map(|r| {
                            r.iter()
                                .filter_map(|x| {
                                    Some(ResponderState {
                                        user: ref_at(x, "user")?,
                                        state: s(x, "state"),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ResponderRequest {
        incident_id: id,
        message: s(&rr, "message").unwrap_or(message),
        requested,
    })
}

/// Escalate an incident to a level of its escalation policy, e.g. level 2 to page the
/// secondary on-call when the primary is not responding. The responders at that level
/// are notified now. Use ReassignIncidents to hand it to another policy or person.
/// Returns the incident after the change.
#[tool(preset = super::pagerduty_update, output = "The escalated incident")]
pub async fn escalate_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// The escalation level to escalate to (1 is the first level of the policy).
    escalation_level: i64,
) -> Result<ChangedIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if !(1..=20).contains(&escalation_level) {
        return Err(ToolError::bad_input(
            "`escalation_level` must be between 1 and 20; level 1 is the policy's first level.",
        ));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::PUT,
            &format!("/incidents/{id}"),
            &json!({"incident": {"type": "incident_reference", "escalation_level": escalation_level}}),
        )
        .await?;
    changed(&body)
}

/// Merge duplicate incidents into one: the alerts of the source incidents move to the
/// target incident and the sources are resolved. Use it when several incidents are
/// the same outage. This cannot be undone: confirm the target and sources with the
/// user first. Returns the target incident after the merge.
#[tool(
    requires_auth = PagerDuty(scopes = ["write"]),
    open_world,
    destructive,
    operations = [update],
    service_domains = [incident_management],
    output = "The target incident after the merge"
)]
pub async fn merge_incidents(
    context: ToolContext,
    /// The incident to keep; it receives the sources' alerts.
    target_incident_id: String,
    /// The incidents to merge into the target (1-50); they are resolved.
    source_incident_ids: Vec<String>,
) -> Result<ChangedIncident, ToolError> {
    let target = path_id("incident", &target_incident_id)?;
    let sources = path_ids("incident", &source_incident_ids, 50)?;
    if sources.contains(&target) {
        return Err(ToolError::bad_input(
            "The target incident cannot also be a source; remove it from `source_incident_ids`.",
        ));
    }
    let session = Session::from_context(&context)?;
    let source_refs: Vec<Value> = sources
        .iter()
        .map(|id| json!({"id": id, "type": "incident_reference"}))
        .collect();
    session
        .write(
            Method::PUT,
            &format!("/incidents/{target}/merge"),
            &json!({ "source_incidents": source_refs }),
        )
        .await?;
    // PagerDuty answers with a reference only: fetch the merged incident.
    let body = session
        .get(&format!("/incidents/{target}"), &Query::new())
        .await?;
    changed(&body)
}

/// Why PagerDuty relates two incidents.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Relationship {
    /// `machine_learning_inferred` (similar alerts, or responders' past feedback) or
    /// `service_dependency` (the services depend on each other).
    pub kind: String,
    /// For `machine_learning_inferred`: `similar_contents` or `prior_feedback`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grouping: Option<String>,
    /// How many times users agreed the incidents are related.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_feedback: Option<u64>,
    /// How many times users disagreed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_feedback: Option<u64>,
    /// For `service_dependency`: the services that depend on the others.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub dependent_services: Vec<Ref>,
    /// For `service_dependency`: the services they depend on.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub supporting_services: Vec<Ref>,
}

impl Relationship {
    fn from_api(r: &Value) -> Self {
        let meta = r.get("metadata").cloned().unwrap_or_default();
        // The schema says arrays; PagerDuty's own example sends single objects.
        let services = |key: &str| -> Vec<Ref> {
            match meta.get(key) {
                Some(Value::Array(a)) => a.iter().filter_map(super::reference).collect(),
                Some(v @ Value::Object(_)) => super::reference(v).into_iter().collect(),
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
#[tool(preset = super::pagerduty_read, output = "Related incidents with the reasons they are related")]
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
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PastIncident {
    /// The past incident's ID (use it with GetIncidentTimeline or ListIncidentNotes to
    /// see how it was handled).
    pub id: String,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When it was triggered (ISO 8601 with zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// PagerDuty's similarity score (higher is more similar).
    pub score: f64,
}

/// The past incidents similar to an incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PastIncidentList {
    /// The incident asked about.
    pub incident_id: String,
    /// The similar past incidents, most similar first.
    pub past_incidents: Vec<PastIncident>,
    /// How many similar past incidents exist in all, when PagerDuty reported it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// List earlier incidents similar to an incident: incidents of the last 6 months on
/// the same service with similar content, with PagerDuty's similarity score, most
/// similar first. Use it to answer "has this happened before, and how was it fixed?";
/// then read a past incident's notes (ListIncidentNotes) or timeline
/// (GetIncidentTimeline). Needs PagerDuty's AIOps (Event Intelligence) add-on.
#[tool(preset = super::pagerduty_read, output = "Similar past incidents with similarity scores")]
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
