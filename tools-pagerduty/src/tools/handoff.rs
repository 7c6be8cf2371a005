//! `ShiftHandoff`: what a team or a schedule's responders hand to the next shift:
//! incidents opened in the window, what changed on incidents in it, what is still
//! open, and who is on call now. Reads only; the parts are fetched concurrently.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use super::incidents::{Incident, LogEntry};
use super::oncall::{PolicyOnCall, who_is_on_call};
use super::{Ref, format_utc, parse_time, path_id, ref_at, refs_at, s};
use crate::client::{Query, Session};

/// The most records of each list a handoff reads.
const MAX_INCIDENTS: usize = 100;
const MAX_ENTRIES: usize = 200;
/// How many of each list a handoff returns.
const SHOWN: usize = 25;
/// The log entry kinds that are a change worth handing over.
const CHANGES: &[&str] = &[
    "acknowledge",
    "resolve",
    "escalate",
    "assign",
    "annotate",
    "snooze",
    "unacknowledge",
    "urgency_change",
    "priority_change",
    "merge",
];

/// A shift's handoff.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
#[schemars(transform = super::view_schema::compact_parts)]
pub struct ShiftHandoff {
    /// What the handoff covers (the team, or the schedule and its services).
    pub scope: String,
    /// The window's start (UTC).
    pub since: String,
    /// The window's end (UTC).
    pub until: String,
    /// Incidents opened in the window, newest first (at most 25; ListIncidents'
    /// fields).
    pub opened: Vec<Incident>,
    /// How many incidents were opened in the window in all.
    pub opened_count: usize,
    /// Changes on incidents in the window (acknowledged, resolved, escalated,
    /// reassigned, notes, ...), newest first (at most 25; ListLogEntries' fields).
    pub changed: Vec<LogEntry>,
    /// How many such changes there were in all.
    pub changed_count: usize,
    /// Incidents still open (triggered or acknowledged) now, oldest first (at most 25;
    /// ListIncidents' fields).
    pub still_open: Vec<Incident>,
    /// How many incidents are still open in all.
    pub still_open_count: usize,
    /// Who is on call for the scope now, by escalation policy and level (WhoIsOnCall's
    /// fields).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub on_call_now: Vec<PolicyOnCall>,
    /// Set when a list was longer than a handoff reads (narrow the window).
    pub note: Option<String>,
}

/// The scope's incident filter: the team, or the services of the schedule's policies.
struct Scope {
    describe: String,
    incident_query: Query,
    services: Option<Vec<String>>,
    team: Option<String>,
}

async fn schedule_scope(session: &Session, id: &str) -> Result<Scope, ToolError> {
    let (path, none) = (format!("/schedules/{id}"), Query::new());
    let (schedule, services) = futures_util::try_join!(
        session.get_object(&path, "schedule", &none),
        session.get_all("/services", "services", &none, 500),
    )?;
    let policies: Vec<Ref> = refs_at(&schedule, "escalation_policies");
    let service_ids: Vec<String> = services
        .items
        .iter()
        .filter(|svc| {
            ref_at(svc, "escalation_policy")
                .is_some_and(|ep| policies.iter().any(|p| p.id == ep.id))
        })
        .filter_map(|svc| s(svc, "id"))
        .collect();
    let name = s(&schedule, "name").unwrap_or_default();
    Ok(Scope {
        describe: format!(
            "schedule {name} ({id}): escalation policies [{}], services [{}]",
            policies
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            service_ids.join(", ")
        ),
        incident_query: Query::new().list("service_ids", &service_ids),
        services: Some(service_ids),
        team: None,
    })
}

/// Prepare a shift handoff for a team or a schedule: the incidents opened during the
/// window, what changed on incidents in it (acknowledged, resolved, escalated,
/// reassigned, notes), the incidents still open now, and who is on call now. Give
/// exactly one of `team_id` or `schedule_id` (a schedule covers the services whose
/// escalation policies use it). The window is the `hours` before `until` (default:
/// the last 12 hours). Lists are capped at 25 items with their full counts.
#[tool(
    preset = crate::tools::pagerduty_read,
    output = "Incidents opened, changed and still open over the window, and who is on call now"
)]
pub async fn shift_handoff(
    context: ToolContext,
    /// The team to hand over. Default is None.
    team_id: Option<String>,
    /// The schedule to hand over. Default is None.
    schedule_id: Option<String>,
    /// The window's length in hours (1-168). Default is 12.
    #[arg(default = 12)]
    hours: i64,
    /// The window's end, ISO 8601 with zone. Default is None (now).
    until: Option<String>,
) -> Result<ShiftHandoff, ToolError> {
    let team = team_id.map(|t| path_id("team", &t)).transpose()?;
    let schedule = schedule_id.map(|t| path_id("schedule", &t)).transpose()?;
    let one =
        match (&team, &schedule) {
            (Some(team), None) => Ok(team.clone()),
            (None, Some(schedule)) => Err(schedule.clone()),
            _ => {
                return Err(ToolError::bad_input(
                    "Give exactly one of `team_id` or `schedule_id`.",
                )
                .with_additional_prompt_content("Use ListTeams or ListSchedules to find the ID."));
            }
        };
    if !(1..=168).contains(&hours) {
        return Err(ToolError::bad_input(format!(
            "`hours` must be between 1 and 168 (a week), not {hours}."
        )));
    }
    let end = match &until {
        Some(u) => parse_time("until", u)?,
        None => OffsetDateTime::now_utc(),
    };
    let (since, until) = (
        format_utc(end - time::Duration::hours(hours)),
        format_utc(end),
    );
    let session = Session::from_context(&context)?;
    let scope = match one {
        Ok(team) => Scope {
            describe: format!("team {team}"),
            incident_query: Query::new().list("team_ids", [&team]),
            services: None,
            team: Some(team),
        },
        Err(schedule) => schedule_scope(&session, &schedule).await?,
    };
    if scope.services.as_ref().is_some_and(Vec::is_empty) {
        return Err(ToolError::bad_input(format!(
            "No service uses the escalation policies of {}: there is nothing to hand over.",
            scope.describe
        )));
    }
    let opened_q = scope
        .incident_query
        .clone()
        .set("since", &since)
        .set("until", &until)
        .set("time_zone", "UTC")
        .set("sort_by", "created_at:desc");
    let open_q = scope
        .incident_query
        .clone()
        .list("statuses", ["triggered", "acknowledged"])
        .set("date_range", "all")
        .set("time_zone", "UTC")
        .set("sort_by", "created_at:asc");
    let log_q = Query::new()
        .list("team_ids", scope.team.iter())
        .set("since", &since)
        .set("until", &until)
        .set("time_zone", "UTC")
        .set("is_overview", true);
    let (opened, open, entries, on_call) = futures_util::join!(
        session.get_all("/incidents", "incidents", &opened_q, MAX_INCIDENTS),
        session.get_all("/incidents", "incidents", &open_q, MAX_INCIDENTS),
        session.get_all("/log_entries", "log_entries", &log_q, MAX_ENTRIES),
        who_is_on_call(context.clone(), None, None, schedule.clone(), team.clone()),
    );
    let (opened, open, entries) = (opened?, open?, entries?);
    let in_scope = |e: &Value| match &scope.services {
        Some(ids) => ref_at(e, "service").is_some_and(|svc| ids.contains(&svc.id)),
        None => true,
    };
    let changed: Vec<LogEntry> = entries
        .items
        .iter()
        .filter(|e| in_scope(e))
        .map(LogEntry::from_api)
        .filter(|e| CHANGES.contains(&e.kind.as_str()))
        .collect();
    let truncated = opened.truncated || open.truncated || entries.truncated;
    let mut notes = Vec::new();
    if truncated {
        notes.push("More records exist than a handoff reads (100 incidents, 200 log entries); narrow the window with `hours`.".to_owned());
    }
    let on_call_now = match on_call {
        Ok(w) => w.policies,
        Err(e) => {
            notes.push(format!("Who is on call could not be read: {}", e.message()));
            Vec::new()
        }
    };
    let incidents = |items: &[Value]| -> Vec<Incident> {
        items.iter().take(SHOWN).map(Incident::from_api).collect()
    };
    Ok(ShiftHandoff {
        scope: scope.describe,
        since,
        until,
        opened: incidents(&opened.items),
        opened_count: opened.items.len(),
        changed_count: changed.len(),
        changed: changed.into_iter().take(SHOWN).collect(),
        still_open: incidents(&open.items),
        still_open_count: open.items.len(),
        on_call_now,
        note: (!notes.is_empty()).then(|| notes.join(" ")),
    })
}
