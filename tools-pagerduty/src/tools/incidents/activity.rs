//! An incident's activity: log entries (its timeline and the account's), notes and
//! alerts.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{Query, Session};
use crate::tools::{
    MAX_LIMIT, Pagination, Ref, check_time, clamp_limit, kind_of, list_page, path_id, ref_at, s,
};

/// A log entry: one event in an incident's life.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LogEntry {
    /// The log entry ID.
    pub id: String,
    /// What happened: `trigger`, `acknowledge`, `resolve`, `assign`, `escalate`,
    /// `notify`, `annotate`, `snooze`, `reach_trigger_limit`, ...
    pub kind: String,
    /// When (ISO 8601 with zone).
    pub created_at: Option<String>,
    /// PagerDuty's one-line description.
    pub summary: Option<String>,
    /// Who or what did it (a user, a service, an integration).
    pub agent: Option<Ref>,
    /// The incident.
    pub incident: Option<Ref>,
    /// The service.
    pub service: Option<Ref>,
    /// The channel it came through (`web_ui`, `api`, `email`, `auto`, ...).
    pub channel: Option<String>,
    /// A note or resolution text carried by the entry.
    pub note: Option<String>,
}

// By hand, not serde (see `tools::de`): the kind is `type` without `_log_entry`, and
// `channel` and `note` come from nested or fallback keys.
impl LogEntry {
    /// The compact form of PagerDuty's log entry.
    pub fn from_api(v: &Value) -> Self {
        let channel = v.get("channel");
        Self {
            id: s(v, "id").unwrap_or_default(),
            kind: kind_of(v, &["_log_entry"]),
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
#[tool(preset = crate::tools::pagerduty_read, output = "Log entries with pagination fields")]
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
#[tool(preset = crate::tools::pagerduty_read, output = "The incident's log entries with pagination fields")]
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
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Note {
    /// The note ID.
    pub id: String,
    /// The text.
    pub content: String,
    /// Who wrote it.
    pub author: Option<Ref>,
    /// When (ISO 8601 with zone).
    pub created_at: Option<String>,
}

// By hand, not serde (see `tools::de`): a missing `id` or `content` reads as "" (serde
// would fail the object, and `default` would make them optional in the schema).
impl Note {
    pub(super) fn from_api(v: &Value) -> Self {
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
#[tool(preset = crate::tools::pagerduty_read, output = "The incident's notes")]
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
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Alert {
    /// The alert ID.
    pub id: String,
    /// `triggered` or `resolved`.
    pub status: Option<String>,
    /// The alert's summary.
    pub summary: Option<String>,
    /// `critical`, `error`, `warning` or `info`.
    pub severity: Option<String>,
    /// The de-duplication key.
    pub alert_key: Option<String>,
    /// The service.
    pub service: Option<Ref>,
    /// The integration that sent it.
    pub integration: Option<Ref>,
    /// Whether it was suppressed.
    pub suppressed: Option<bool>,
    /// When it was created.
    pub created_at: Option<String>,
    /// The monitoring tool's details (`body.details`).
    pub details: Option<Value>,
}

// By hand, not serde (see `tools::de`): `details` sits under `body`.
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
#[tool(preset = crate::tools::pagerduty_read, output = "Alerts with pagination fields")]
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
