//! `IncidentBriefing`: everything a responder reads first about one incident, in one
//! call. It reuses the incident tools (each a plain async fn) and fetches their parts
//! concurrently; only the incident itself is required, and a part PagerDuty refuses
//! (an add-on the account lacks, a rate limit) is named in `unavailable` instead of
//! failing the briefing.

use std::future::Future;

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::incidents::{
    Alert, ChangeEvent, Incident, LogEntry, Note, PastIncident, get_incident,
    get_incident_timeline, get_past_incidents, list_incident_alerts, list_incident_change_events,
    list_incident_notes,
};
use super::oncall::{PolicyOnCall, who_is_on_call};
use super::path_id;

/// The `ui://` page of the on-call and incident timeline view (an MCP App, see
/// [`arcade_tdk::app`]; served by [`crate::surface::timeline_app`]).
pub const TIMELINE_APP_URI: &str = "ui://pagerduty/incident-timeline.html";

/// How many items of each list a briefing carries.
const ALERTS: i64 = 5;
const TIMELINE: i64 = 20;
const CHANGES: i64 = 5;
const PAST: i64 = 3;
const NOTES: usize = 10;

/// One incident, briefed.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[schemars(transform = super::view_schema::compact_parts)]
pub struct IncidentBriefing {
    /// The incident (status, urgency, priority, service, assignees, alert counts), as
    /// GetIncident returns it.
    pub incident: Incident,
    /// Who is on call for its escalation policy now, by level (WhoIsOnCall's fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub on_call: Vec<PolicyOnCall>,
    /// Its timeline: state changes (triggered, acknowledged, escalated, ...), newest
    /// first, at most 20 (GetIncidentTimeline's fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub timeline: Vec<LogEntry>,
    /// Its alerts, at most 5 (`alert_counts` has the totals; ListIncidentAlerts'
    /// fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub alerts: Vec<Alert>,
    /// Responders' notes, the 10 most recent, oldest first (ListIncidentNotes' fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub notes: Vec<Note>,
    /// Changes PagerDuty relates to it (deploys, config), most likely cause first
    /// (ListIncidentChangeEvents' fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub related_changes: Vec<ChangeEvent>,
    /// Similar past incidents, most similar first (read their notes for the fix;
    /// GetPastIncidents' fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub similar_past_incidents: Vec<PastIncident>,
    /// Parts PagerDuty did not answer, and why (e.g. an add-on the account lacks).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub unavailable: Vec<String>,
}

/// A part of the briefing: its value, or why it is missing (recorded in `unavailable`).
async fn part<T>(
    name: &str,
    fetch: impl Future<Output = Result<T, ToolError>>,
    unavailable: &std::sync::Mutex<Vec<String>>,
) -> Option<T> {
    match fetch.await {
        Ok(value) => Some(value),
        Err(error) => {
            if let Ok(mut u) = unavailable.lock() {
                u.push(format!("{name}: {}", error.message()));
            }
            None
        }
    }
}

/// Brief me on a PagerDuty incident in one call: the incident, who is on call for it
/// now, its timeline, alerts, notes, the changes PagerDuty relates to it and similar
/// past incidents. Use it first when asked about an incident ("what's going on with
/// #123?", "catch me up on this page"); then drill in with GetIncidentTimeline,
/// ListIncidentAlerts or GetPastIncidents. Lists are capped (timeline 20, alerts 5,
/// notes 10, changes 5, past incidents 3); parts PagerDuty does not answer are named
/// in `unavailable`.
#[tool(
    preset = crate::tools::pagerduty_read,
    output = "The incident with on-call, timeline, alerts, notes, related changes and similar past incidents",
    ui = "ui://pagerduty/incident-timeline.html"
)]
pub async fn incident_briefing(
    context: ToolContext,
    /// The incident ID (an incident number also works).
    incident_id: String,
) -> Result<IncidentBriefing, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let unavailable = std::sync::Mutex::new(Vec::new());
    let c = || context.clone();
    // The incident, then who is on call for its policy; beside it, every other part.
    let head = async {
        let incident = get_incident(c(), id.clone()).await?;
        let on_call = match incident.escalation_policy.as_ref() {
            Some(ep) => part(
                "on_call",
                who_is_on_call(c(), None, Some(ep.id.clone()), None, None),
                &unavailable,
            )
            .await
            .map(|w| w.policies)
            .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok::<_, ToolError>((incident, on_call))
    };
    let (head, timeline, alerts, notes, changes, past) = futures_util::join!(
        head,
        part(
            "timeline",
            get_incident_timeline(c(), id.clone(), true, None, TIMELINE, None),
            &unavailable
        ),
        part(
            "alerts",
            list_incident_alerts(c(), id.clone(), None, ALERTS, None),
            &unavailable
        ),
        part("notes", list_incident_notes(c(), id.clone()), &unavailable),
        part(
            "related_changes",
            list_incident_change_events(c(), id.clone(), CHANGES),
            &unavailable
        ),
        part(
            "similar_past_incidents",
            get_past_incidents(c(), id.clone(), PAST),
            &unavailable
        ),
    );
    let (incident, on_call) = head?;
    let timeline = timeline
        .map(|t| {
            t.log_entries
                .into_iter()
                .map(|mut e| {
                    // The incident and its service are said once, above.
                    e.incident = None;
                    e.service = None;
                    e
                })
                .collect()
        })
        .unwrap_or_default();
    let notes = notes
        .map(|n| {
            let skip = n.notes.len().saturating_sub(NOTES);
            n.notes.into_iter().skip(skip).collect()
        })
        .unwrap_or_default();
    let mut unavailable = unavailable.into_inner().unwrap_or_default();
    unavailable.sort();
    Ok(IncidentBriefing {
        incident,
        on_call,
        timeline,
        alerts: alerts.map(|a| a.alerts).unwrap_or_default(),
        notes,
        related_changes: changes.map(|c| c.change_events).unwrap_or_default(),
        similar_past_incidents: past.map(|p| p.past_incidents).unwrap_or_default(),
        unavailable,
    })
}
