//! Shift-based (v3) on-call schedules: a schedule's rotations and their events (the
//! recurring shifts), custom shifts (one-off shifts) and overrides, and who that puts
//! on call in a window, with the gaps nobody covers.
//!
//! PagerDuty's v3 API (`/v3/schedules...`) is separate from the layer-based schedules
//! of `schedules`: a v3 schedule is not readable as v2 and the reverse. A member is a
//! user ID, or `empty` for a slot nobody holds.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, format_utc, list_page, path_id, refs_at, s};
use crate::client::{Query, Session};

/// What a member slot holds when nobody is in it.
pub const EMPTY_MEMBER: &str = "empty";
/// The most on-call entries `GetShiftSchedule` returns.
const MAX_ON_CALL: usize = 200;

/// A v3 member object as a string: its user ID, or `empty`.
pub(crate) fn member_of(v: &Value) -> String {
    match (s(v, "type").as_deref(), s(v, "user_id")) {
        (Some("user_member"), Some(user)) => user,
        _ => EMPTY_MEMBER.to_owned(),
    }
}

/// The v3 member object of a user ID (or of `empty`).
pub(crate) fn member_json(member: &str) -> Value {
    if member == EMPTY_MEMBER {
        json!({"type": "empty_member"})
    } else {
        json!({"type": "user_member", "user_id": member})
    }
}

/// The path of a v3 schedule, its ID checked.
pub(crate) fn schedule_path(schedule_id: &str) -> Result<String, ToolError> {
    Ok(format!(
        "/v3/schedules/{}",
        path_id("schedule", schedule_id)?
    ))
}

/// A v3 schedule in a list.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftScheduleRef {
    /// The schedule ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Its web page.
    pub html_url: Option<String>,
}

/// A page of v3 schedules.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftScheduleList {
    /// The schedules.
    pub schedules: Vec<ShiftScheduleRef>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List shift-based (v3) schedules: those built from rotations, custom shifts and
/// overrides. Layer-based schedules are in ListSchedules.
#[tool(preset = super::pagerduty_read, output = "v3 schedules with pagination fields")]
pub async fn list_shift_schedules(
    context: ToolContext,
    /// Maximum schedules to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
    /// Name filter. Default is None.
    query: Option<String>,
    /// Only schedules of these teams. Default is None.
    team_ids: Option<Vec<String>>,
) -> Result<ShiftScheduleList, ToolError> {
    let session = Session::from_context(&context)?;
    let q = Query::new()
        .opt("query", query)
        .list("team_ids", team_ids.unwrap_or_default());
    let (schedules, pagination) = list_page(
        &session,
        "/v3/schedules",
        &q,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        |v| ShiftScheduleRef {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "summary").or_else(|| s(v, "name")),
            html_url: s(v, "html_url"),
        },
    )
    .await?;
    Ok(ShiftScheduleList {
        schedules,
        pagination,
    })
}

/// A rotation event: a recurring shift and who takes it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftEvent {
    /// The event ID.
    pub id: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// The first shift's start.
    pub start: Option<String>,
    /// The first shift's end.
    pub end: Option<String>,
    /// The zone the shifts recur in (IANA).
    pub time_zone: Option<String>,
    /// RFC 5545 lines: one RRULE, maybe EXDATE/RDATE.
    #[serde(default)]
    pub recurrence: Vec<String>,
    /// From when it makes shifts.
    pub effective_since: Option<String>,
    /// Until when (absent: no end).
    pub effective_until: Option<String>,
    /// `rotating_member` (members take turns) or `every_member` (all at once).
    pub strategy: Option<String>,
    /// Shifts in a row per member when rotating.
    pub shifts_per_member: Option<u64>,
    /// The members, in turn order (`empty`: an empty slot).
    #[serde(default)]
    pub members: Vec<String>,
}

impl ShiftEvent {
    /// The compact form of PagerDuty's v3 event.
    pub fn from_api(v: &Value) -> Self {
        let strategy = &v["assignment_strategy"];
        Self {
            id: s(v, "id"),
            name: s(v, "name"),
            start: s(&v["start_time"], "date_time"),
            end: s(&v["end_time"], "date_time"),
            time_zone: s(&v["start_time"], "time_zone"),
            recurrence: v["recurrence"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(super::text)
                .collect(),
            effective_since: s(v, "effective_since"),
            effective_until: s(v, "effective_until"),
            strategy: s(strategy, "type")
                .map(|t| t.trim_end_matches("_assignment_strategy").to_owned()),
            shifts_per_member: strategy["shifts_per_member"].as_u64(),
            members: strategy["members"]
                .as_array()
                .into_iter()
                .flatten()
                .map(member_of)
                .collect(),
        }
    }
}

/// A rotation with its events.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftRotation {
    /// The rotation ID.
    pub id: String,
    /// Its events.
    pub events: Vec<ShiftEvent>,
}

/// Who is on call for a stretch of time, and why.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OnCallShift {
    /// From.
    pub start: String,
    /// Until.
    pub end: String,
    /// The user ID, or `empty`.
    pub member: String,
    /// `rotation`, `custom_shift` or `override`.
    pub source: String,
    /// The rotation, custom shift or override ID.
    pub source_id: Option<String>,
}

/// A stretch of the window with nobody on call.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Gap {
    /// From.
    pub start: String,
    /// Until.
    pub end: String,
}

/// A v3 schedule with its rotations and who is on call in a window.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftScheduleDetail {
    /// The schedule ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Its time zone (IANA).
    pub time_zone: Option<String>,
    /// The teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// The escalation policies that use it.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub escalation_policies: Vec<Ref>,
    /// Its rotations and their events.
    pub rotations: Vec<ShiftRotation>,
    /// The window shown (start).
    pub since: String,
    /// The window shown (end).
    pub until: String,
    /// Who is on call in the window, in order, overrides applied.
    pub on_call: Vec<OnCallShift>,
    /// The stretches of the window nobody covers.
    pub gaps: Vec<Gap>,
    /// The share of the window covered, in percent.
    pub coverage_percent: Option<f64>,
    /// Set when `on_call` was cut short.
    pub note: Option<String>,
    /// Its web page.
    pub html_url: Option<String>,
}

/// A window `since`..`until` from optional ISO 8601 times: `since` defaults to now,
/// `until` to `days` days after `since`; both are checked and in order.
pub(crate) fn window(
    since: Option<String>,
    until: Option<String>,
    days: i64,
) -> Result<(OffsetDateTime, OffsetDateTime), ToolError> {
    let since = match since {
        Some(t) => super::parse_time("since", &t)?,
        None => OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::now_utc()),
    };
    let until = match until {
        Some(t) => super::parse_time("until", &t)?,
        None => since + time::Duration::days(days),
    };
    if until <= since {
        return Err(ToolError::bad_input("`until` must be after `since`."));
    }
    Ok((since, until))
}

fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// The stretches of `since`..`until` that no `(start, end)` in `covered` covers.
pub(crate) fn gaps(
    covered: &[(OffsetDateTime, OffsetDateTime)],
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> Vec<(OffsetDateTime, OffsetDateTime)> {
    let mut spans: Vec<_> = covered
        .iter()
        .map(|&(a, b)| (a.max(since), b.min(until)))
        .filter(|(a, b)| a < b)
        .collect();
    spans.sort();
    let mut out = Vec::new();
    let mut at = since;
    for (a, b) in spans {
        if a > at {
            out.push((at, a));
        }
        at = at.max(b);
    }
    if at < until {
        out.push((at, until));
    }
    out
}

/// The on-call entries, gaps and coverage of a rendered final schedule
/// (`computed_shift_assignments`) over `since`..`until`.
pub(crate) fn render_on_call(
    assignments: &[Value],
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> (Vec<OnCallShift>, Vec<Gap>, f64) {
    let mut on_call: Vec<(OffsetDateTime, OnCallShift)> = assignments
        .iter()
        .filter_map(|a| {
            let (start, end) = (parse(&s(a, "start_time")?)?, parse(&s(a, "end_time")?)?);
            let source = &a["source"];
            let (kind, id) = match s(source, "type").as_deref() {
                Some("schedule_rotation") => ("rotation", s(source, "rotation_id")),
                Some("custom_shift") => ("custom_shift", s(source, "shift_id")),
                _ => ("override", s(source, "override_id")),
            };
            Some((
                start,
                OnCallShift {
                    start: format_utc(start),
                    end: format_utc(end),
                    member: member_of(&a["member"]),
                    source: kind.to_owned(),
                    source_id: id,
                },
            ))
        })
        .collect();
    on_call.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.end.cmp(&b.1.end)));
    let covered: Vec<_> = on_call
        .iter()
        .filter(|(_, e)| e.member != EMPTY_MEMBER)
        .filter_map(|(start, e)| Some((*start, parse(&e.end)?)))
        .collect();
    let holes = gaps(&covered, since, until);
    let window = (until - since).whole_seconds().max(1) as f64;
    let open: f64 = holes
        .iter()
        .map(|(a, b)| (*b - *a).whole_seconds() as f64)
        .sum();
    let coverage = ((window - open) * 1000.0 / window).round() / 10.0;
    let gaps = holes
        .into_iter()
        .map(|(a, b)| Gap {
            start: format_utc(a),
            end: format_utc(b),
        })
        .collect();
    (
        on_call.into_iter().map(|(_, e)| e).collect(),
        gaps,
        coverage,
    )
}

/// Get one shift-based (v3) schedule: its rotations with their events, who is on call
/// shift by shift in a window (default: the next 7 days; custom shifts and overrides
/// applied), the gaps nobody covers and the coverage.
#[tool(preset = super::pagerduty_read, output = "The v3 schedule, its rotations, on-call entries and gaps")]
pub async fn get_shift_schedule(
    context: ToolContext,
    /// The v3 schedule ID (from ListShiftSchedules).
    schedule_id: String,
    /// Window start, ISO 8601 with zone. Default is None (now).
    since: Option<String>,
    /// Window end. Default is None (7 days after the start).
    until: Option<String>,
) -> Result<ShiftScheduleDetail, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let (since, until) = window(since, until, 7)?;
    let session = Session::from_context(&context)?;
    let q = Query::new()
        .set("since", format_utc(since))
        .set("until", format_utc(until))
        .set("time_zone", "UTC")
        .list("include", ["final_schedule"]);
    let raw = session.get_object(&path, "schedule", &q).await?;
    let assignments = raw["final_schedule"]["computed_shift_assignments"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let (mut on_call, gaps, computed) = render_on_call(assignments, since, until);
    let note = (on_call.len() > MAX_ON_CALL).then(|| {
        format!(
            "{} on-call entries in the window; the first {MAX_ON_CALL} are shown: narrow since/until.",
            on_call.len()
        )
    });
    on_call.truncate(MAX_ON_CALL);
    Ok(ShiftScheduleDetail {
        id: s(&raw, "id").unwrap_or_default(),
        name: s(&raw, "name"),
        time_zone: s(&raw, "time_zone"),
        teams: refs_at(&raw, "teams"),
        escalation_policies: refs_at(&raw, "escalation_policies"),
        rotations: raw["rotations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| ShiftRotation {
                id: s(r, "id").unwrap_or_default(),
                events: r["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(ShiftEvent::from_api)
                    .collect(),
            })
            .collect(),
        since: format_utc(since),
        until: format_utc(until),
        on_call,
        gaps,
        coverage_percent: raw["final_schedule"]["rendered_coverage_percentage"]
            .as_f64()
            .or(Some(computed)),
        note,
        html_url: s(&raw, "html_url"),
    })
}

/// A custom shift: a one-off shift outside the rotations.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CustomShift {
    /// The custom shift ID.
    pub id: String,
    /// From.
    pub start: Option<String>,
    /// Until.
    pub end: Option<String>,
    /// Who (a user ID, or `empty`).
    pub member: String,
}

impl CustomShift {
    /// The compact form of PagerDuty's custom shift.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            start: s(v, "start_time"),
            end: s(v, "end_time"),
            member: member_of(&v["assignments"][0]["member"]),
        }
    }
}

/// A page of custom shifts in a window.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CustomShiftList {
    /// The custom shifts.
    pub custom_shifts: Vec<CustomShift>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// An override: someone covering another member's shift for a while.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftOverride {
    /// The override ID.
    pub id: String,
    /// The rotation whose shift it covers.
    pub rotation_id: Option<String>,
    /// Or the custom shift it covers.
    pub custom_shift_id: Option<String>,
    /// From.
    pub start: Option<String>,
    /// Until.
    pub end: Option<String>,
    /// Who is covered (a user ID, or `empty`).
    pub overridden: String,
    /// Who covers.
    pub overriding: String,
}

impl ShiftOverride {
    /// The compact form of PagerDuty's override shift.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            rotation_id: s(v, "rotation_id"),
            custom_shift_id: s(v, "custom_shift_id"),
            start: s(v, "start_time"),
            end: s(v, "end_time"),
            overridden: member_of(&v["overridden_member"]),
            overriding: member_of(&v["overriding_member"]),
        }
    }
}

/// A page of overrides in a window.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ShiftOverrideList {
    /// The overrides.
    pub overrides: Vec<ShiftOverride>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// One page of a v3 schedule's `part` (`custom_shifts`, `overrides`) in a window.
async fn window_page<T>(
    context: &ToolContext,
    schedule_id: &str,
    part: &str,
    (since, until, limit, offset): (Option<String>, Option<String>, i64, Option<i64>),
    map: impl Fn(&Value) -> T,
) -> Result<(Vec<T>, Pagination), ToolError> {
    let path = format!("{}/{part}", schedule_path(schedule_id)?);
    let (since, until) = window(since, until, 7)?;
    let session = Session::from_context(context)?;
    let q = Query::new()
        .set("since", format_utc(since))
        .set("until", format_utc(until))
        .set("time_zone", "UTC");
    list_page(
        &session,
        &path,
        &q,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        map,
    )
    .await
}

/// List a v3 schedule's custom shifts (one-off shifts) in a window (default: the next
/// 7 days).
#[tool(preset = super::pagerduty_read, output = "Custom shifts with pagination fields")]
pub async fn list_custom_shifts(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// Window start, ISO 8601 with zone. Default is None (now).
    since: Option<String>,
    /// Window end. Default is None (7 days after the start).
    until: Option<String>,
    /// Maximum to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<CustomShiftList, ToolError> {
    let window = (since, until, limit, offset);
    let (custom_shifts, pagination) = window_page(
        &context,
        &schedule_id,
        "custom_shifts",
        window,
        CustomShift::from_api,
    )
    .await?;
    Ok(CustomShiftList {
        custom_shifts,
        pagination,
    })
}

/// List a v3 schedule's overrides in a window (default: the next 7 days).
#[tool(preset = super::pagerduty_read, output = "Overrides with pagination fields")]
pub async fn list_shift_overrides(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// Window start, ISO 8601 with zone. Default is None (now).
    since: Option<String>,
    /// Window end. Default is None (7 days after the start).
    until: Option<String>,
    /// Maximum to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<ShiftOverrideList, ToolError> {
    let window = (since, until, limit, offset);
    let (overrides, pagination) = window_page(
        &context,
        &schedule_id,
        "overrides",
        window,
        ShiftOverride::from_api,
    )
    .await?;
    Ok(ShiftOverrideList {
        overrides,
        pagination,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(hm: &str) -> OffsetDateTime {
        parse(&format!("2026-03-02T{hm}:00Z")).unwrap()
    }

    fn assignment(start: &str, end: &str, member: &str, source: Value) -> Value {
        json!({
            "type": "computed_shift_assignment",
            "start_time": format_utc(t(start)),
            "end_time": format_utc(t(end)),
            "member": member_json(member),
            "source": source,
        })
    }

    #[test]
    fn gaps_are_what_no_shift_covers_within_the_window() {
        let covered = [
            (t("09:00"), t("12:00")),
            (t("10:00"), t("11:00")),
            (t("13:00"), t("23:00")),
        ];
        assert_eq!(
            gaps(&covered, t("08:00"), t("20:00")),
            [(t("08:00"), t("09:00")), (t("12:00"), t("13:00"))]
        );
        assert!(gaps(&[(t("00:00"), t("23:00"))], t("08:00"), t("20:00")).is_empty());
        assert_eq!(
            gaps(&[], t("08:00"), t("20:00")),
            [(t("08:00"), t("20:00"))]
        );
    }

    #[test]
    fn on_call_is_sorted_names_its_source_and_empty_slots_leave_gaps() {
        let rotation = json!({"type": "schedule_rotation", "rotation_id": "R1"});
        let assignments = [
            assignment("14:00", "20:00", "PUSR002", rotation.clone()),
            assignment("08:00", "11:00", "PUSR001", rotation.clone()),
            assignment(
                "11:00",
                "12:00",
                "PUSR009",
                json!({"type": "schedule_rotation_override", "override_id": "O1"}),
            ),
            assignment(
                "12:00",
                "14:00",
                EMPTY_MEMBER,
                json!({"type": "custom_shift", "shift_id": "C1"}),
            ),
        ];
        let (on_call, gaps, coverage) = render_on_call(&assignments, t("08:00"), t("20:00"));
        let order: Vec<(&str, &str, Option<&str>)> = on_call
            .iter()
            .map(|e| (e.member.as_str(), e.source.as_str(), e.source_id.as_deref()))
            .collect();
        assert_eq!(
            order,
            [
                ("PUSR001", "rotation", Some("R1")),
                ("PUSR009", "override", Some("O1")),
                (EMPTY_MEMBER, "custom_shift", Some("C1")),
                ("PUSR002", "rotation", Some("R1")),
            ]
        );
        assert_eq!(
            gaps,
            [Gap {
                start: "2026-03-02T12:00:00Z".into(),
                end: "2026-03-02T14:00:00Z".into()
            }]
        );
        assert_eq!(coverage, 83.3);
    }

    #[test]
    fn members_and_events_read_compactly() {
        assert_eq!(member_of(&member_json("PUSR001")), "PUSR001");
        assert_eq!(member_of(&member_json(EMPTY_MEMBER)), EMPTY_MEMBER);
        assert_eq!(member_of(&json!({"type": "user_member"})), EMPTY_MEMBER);
        let event = ShiftEvent::from_api(&json!({
            "id": "E1", "type": "schedule_event", "name": "Day",
            "start_time": {"date_time": "2026-03-02T08:00:00Z", "time_zone": "UTC"},
            "end_time": {"date_time": "2026-03-02T20:00:00Z", "time_zone": "UTC"},
            "effective_since": "2026-03-02T00:00:00Z", "effective_until": null,
            "recurrence": ["RRULE:FREQ=DAILY"],
            "assignment_strategy": {"type": "rotating_member_assignment_strategy", "shifts_per_member": 2,
                "members": [{"type": "user_member", "user_id": "PUSR001"}, {"type": "empty_member"}]},
        }));
        assert_eq!(event.strategy.as_deref(), Some("rotating_member"));
        assert_eq!(event.members, ["PUSR001", EMPTY_MEMBER]);
        assert_eq!(event.shifts_per_member, Some(2));
        assert_eq!(event.effective_until, None);
        assert_eq!(event.time_zone.as_deref(), Some("UTC"));
    }
}
