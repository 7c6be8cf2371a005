//! On-call schedules.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, list_page, refs_at, s};
use crate::client::{Query, Session};

/// A schedule, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Schedule {
    /// The schedule ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The schedule's own time zone (IANA).
    pub time_zone: Option<String>,
    /// The users in its rotations.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub users: Vec<Ref>,
    /// The escalation policies that use it.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub escalation_policies: Vec<Ref>,
    /// The teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// The schedule's web page.
    pub html_url: Option<String>,
}

// By hand, not serde (see `tools::de`): `name` falls back to `summary`.
impl Schedule {
    /// The compact form of PagerDuty's schedule object.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            description: s(v, "description"),
            time_zone: s(v, "time_zone"),
            users: refs_at(v, "users"),
            escalation_policies: refs_at(v, "escalation_policies"),
            teams: refs_at(v, "teams"),
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of schedules.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ScheduleList {
    /// The schedules.
    pub schedules: Vec<Schedule>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List on-call schedules with their users, teams and the escalation policies that
/// use them. To see who is on call now, use WhoIsOnCall or ListOncalls.
#[tool(preset = super::pagerduty_read, output = "Schedules with pagination fields")]
pub async fn list_schedules(
    context: ToolContext,
    /// Maximum schedules to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
    /// Optional time zone (IANA format, e.g., America/New_York). Default is None.
    time_zone: Option<String>,
) -> Result<ScheduleList, ToolError> {
    let session = Session::from_context(&context)?;
    let q = Query::new().opt("time_zone", time_zone);
    let (schedules, pagination) = list_page(
        &session,
        "/schedules",
        &q,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        Schedule::from_api,
    )
    .await?;
    Ok(ScheduleList {
        schedules,
        pagination,
    })
}

/// A stretch of time someone is on call in a schedule (a rendered schedule entry as
/// PagerDuty sends it).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ScheduleEntry {
    /// Who.
    #[serde(default, deserialize_with = "super::de::reference")]
    pub user: Option<Ref>,
    /// From (ISO 8601 with zone).
    #[serde(default, deserialize_with = "super::de::text")]
    pub start: Option<String>,
    /// Until (ISO 8601 with zone).
    #[serde(default, deserialize_with = "super::de::text")]
    pub end: Option<String>,
}

fn entries(v: &Value, sub: &str) -> Vec<ScheduleEntry> {
    v.get(sub)
        .and_then(|s| s.get("rendered_schedule_entries"))
        .and_then(Value::as_array)
        .map(|a| a.iter().map(super::de::object).collect())
        .unwrap_or_default()
}

/// A schedule with who is on call in a window.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ScheduleDetail {
    /// The schedule.
    #[serde(flatten)]
    pub schedule: Schedule,
    /// The window shown (start).
    pub since: String,
    /// The window shown (end).
    pub until: String,
    /// Who is on call when in the window, overrides applied, in order.
    pub on_call: Vec<ScheduleEntry>,
    /// The overrides in the window.
    pub overrides: Vec<ScheduleEntry>,
}

/// Get one schedule and who is on call on it, shift by shift, in a time window
/// (default: the next 7 days), overrides included. Use it for "who is on call this
/// weekend on X" or before creating an override.
#[tool(preset = super::pagerduty_read, output = "The schedule with its on-call entries in the window")]
pub async fn get_schedule(
    context: ToolContext,
    /// The schedule ID.
    schedule_id: String,
    /// Window start, ISO 8601 with zone. Default is None (now).
    since: Option<String>,
    /// Window end, ISO 8601 with zone. Default is None (7 days after the start).
    until: Option<String>,
    /// Time zone for the times (IANA). Default is None (UTC).
    time_zone: Option<String>,
) -> Result<ScheduleDetail, ToolError> {
    super::check_time("since", &since)?;
    super::check_time("until", &until)?;
    let id = super::path_id("schedule", &schedule_id)?;
    let now = time::OffsetDateTime::now_utc();
    let since = since.unwrap_or_else(|| super::format_utc(now));
    let until = until.unwrap_or_else(|| super::format_utc(now + time::Duration::days(7)));
    let session = Session::from_context(&context)?;
    let q = Query::new()
        .set("since", &since)
        .set("until", &until)
        .set("time_zone", time_zone.as_deref().unwrap_or("UTC"));
    let raw = session
        .get_object(&format!("/schedules/{id}"), "schedule", &q)
        .await
        .map_err(|e| match e.status_code() {
            // PagerDuty refuses a shift-based schedule's ID here (400).
            Some(400 | 404) => {
                let hint = format!(
                    "{} If {id} is a shift-based (v3) schedule (see ListShiftSchedules), use GetShiftSchedule.",
                    e.additional_prompt_content().unwrap_or_default()
                );
                e.with_additional_prompt_content(hint.trim_start().to_owned())
            }
            _ => e,
        })?;
    Ok(ScheduleDetail {
        schedule: Schedule::from_api(&raw),
        since,
        until,
        on_call: entries(&raw, "final_schedule"),
        overrides: entries(&raw, "overrides_subschedule"),
    })
}

/// The created override.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CreatedOverride {
    /// The schedule ID.
    pub schedule_id: String,
    /// The override ID.
    pub id: Option<String>,
    /// Who covers.
    pub user: Option<Ref>,
    /// From.
    pub start: Option<String>,
    /// Until.
    pub end: Option<String>,
}

/// Put someone on call in a schedule for a time window (a schedule override), e.g.
/// to cover a colleague's shift. The override wins over the schedule's rotation for
/// that window. Confirm the user and times with the user first.
#[tool(preset = super::pagerduty_create, output = "The created override")]
pub async fn create_schedule_override(
    context: ToolContext,
    /// The schedule ID.
    schedule_id: String,
    /// The user who will be on call.
    user_id: String,
    /// Start, ISO 8601 with zone (e.g. 2026-02-01T09:00:00Z).
    start: String,
    /// End, ISO 8601 with zone; after the start.
    end: String,
) -> Result<CreatedOverride, ToolError> {
    let id = super::path_id("schedule", &schedule_id)?;
    let user = super::path_id("user", &user_id)?;
    super::check_time("start", &Some(start.clone()))?;
    super::check_time("end", &Some(end.clone()))?;
    super::confirm::confirm(
        &context,
        format!("Put user {user} on call in schedule {id} from {start} to {end}? They are paged instead of the scheduled responder."),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let body = serde_json::json!({"overrides": [{
        "start": start,
        "end": end,
        "user": {"id": user, "type": "user_reference"},
    }]});
    let answer = session
        .write_optional_from(
            reqwest::Method::POST,
            &format!("/schedules/{id}/overrides"),
            &body,
        )
        .await?;
    let first = answer
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_default();
    if let Some(status) = first.get("status").and_then(Value::as_u64)
        && status >= 400
    {
        let errors = first
            .get("errors")
            .and_then(Value::as_array)
            .map(|e| {
                e.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        return Err(ToolError::upstream(
            status as u16,
            format!("PagerDuty refused the override: {errors}"),
        ));
    }
    let o = first.get("override").cloned().unwrap_or_default();
    Ok(CreatedOverride {
        schedule_id: id,
        id: s(&o, "id"),
        user: super::ref_at(&o, "user"),
        start: s(&o, "start"),
        end: s(&o, "end"),
    })
}
