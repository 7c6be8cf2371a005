//! Changing shift-based (v3) schedules: the schedule itself, rotation events (the
//! recurring shifts), custom shifts, overrides, and deleting any of them.
//!
//! The writes that change who is on call in an existing arrangement (updates,
//! overrides, deletes) ask the user first (`confirm`); adding a schedule, a rotation
//! event or custom shifts does not.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::schedule_writes::checked_time_zone;
use super::shift_schedules::{
    CustomShift, EMPTY_MEMBER, ShiftEvent, ShiftOverride, member_json, schedule_path,
};
use super::{Deleted, Ref, answered_field, format_utc, parse_time, path_id, refs_at, s};
use crate::client::{Method, Query, Session};

/// The most members an event takes (PagerDuty's limit).
const MAX_MEMBERS: usize = 20;
/// The most custom shifts or overrides one call creates.
const MAX_BATCH: usize = 50;

/// How an event's members share its shifts.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The members take turns, one (or `shifts_per_member`) shift each.
    #[default]
    RotatingMember,
    /// Every member is on call for every shift.
    EveryMember,
}

impl Strategy {
    fn as_str(self) -> &'static str {
        match self {
            Self::RotatingMember => "rotating_member",
            Self::EveryMember => "every_member",
        }
    }
}

/// The member object of a user ID or `empty`, checked (`what` names the argument).
fn member(what: &str, id: &str) -> Result<Value, ToolError> {
    let id = id.trim();
    if id == EMPTY_MEMBER {
        return Ok(member_json(EMPTY_MEMBER));
    }
    path_id("user", id).map(|u| member_json(&u)).map_err(|e| {
        ToolError::bad_input(format!(
            "`{what}`: {} Or `empty` for an empty slot.",
            e.message()
        ))
    })
}

/// A time argument in UTC, checked.
fn utc(name: &str, value: &str) -> Result<String, ToolError> {
    parse_time(name, value).map(format_utc)
}

/// Checks that `end` is after `start` (both given, ISO 8601 with zone).
fn ordered(start: &str, end: &str) -> Result<(), ToolError> {
    if parse_time("end", end)? <= parse_time("start", start)? {
        return Err(ToolError::bad_input("`end` must be after `start`."));
    }
    Ok(())
}

/// RFC 5545 recurrence lines: exactly one `RRULE:` with a `FREQ`, maybe `EXDATE`/`RDATE`.
fn checked_recurrence(lines: &[String]) -> Result<Vec<String>, ToolError> {
    let lines: Vec<String> = lines.iter().map(|l| l.trim().to_owned()).collect();
    let rrules = lines.iter().filter(|l| l.starts_with("RRULE:")).count();
    let shaped = lines.iter().all(|l| {
        l.len() <= 500
            && (l.starts_with("RRULE:") && l.contains("FREQ=")
                || l.starts_with("EXDATE")
                || l.starts_with("RDATE"))
    });
    if rrules != 1 || !shaped || lines.len() > 20 {
        return Err(ToolError::bad_input(
            "`recurrence` must be RFC 5545 lines with exactly one RRULE (e.g. [\"RRULE:FREQ=WEEKLY\"] or [\"RRULE:FREQ=DAILY;INTERVAL=2\"]), plus any EXDATE or RDATE lines.",
        ));
    }
    Ok(lines)
}

/// PagerDuty's event body for `e` (every field set), checked.
fn event_body(e: &ShiftEvent) -> Result<Value, ToolError> {
    let name = super::checked_name("event", e.name.as_deref().unwrap_or_default(), 255)?;
    let (start, end) = (
        e.start.clone().unwrap_or_default(),
        e.end.clone().unwrap_or_default(),
    );
    ordered(&start, &end)?;
    let zone = checked_time_zone(e.time_zone.as_deref().unwrap_or("UTC"))?;
    let since = utc(
        "effective_since",
        e.effective_since.as_deref().unwrap_or(&start),
    )?;
    let until = e
        .effective_until
        .as_deref()
        .map(|u| utc("effective_until", u))
        .transpose()?;
    if until.as_ref().is_some_and(|u| *u <= since) {
        return Err(ToolError::bad_input(
            "`effective_until` must be after `effective_since`.",
        ));
    }
    if e.members.is_empty() || e.members.len() > MAX_MEMBERS {
        return Err(ToolError::bad_input(format!(
            "Give 1-{MAX_MEMBERS} `member_ids` (user IDs, or `empty` for an empty slot)."
        )));
    }
    let members = e
        .members
        .iter()
        .map(|m| member("member_ids", m))
        .collect::<Result<Vec<_>, _>>()?;
    let mut strategy = Map::new();
    let kind = e.strategy.as_deref().unwrap_or("rotating_member");
    strategy.insert("type".into(), json!(format!("{kind}_assignment_strategy")));
    if let Some(n) = e.shifts_per_member {
        if !(1..=100).contains(&n) {
            return Err(ToolError::bad_input("`shifts_per_member` must be 1-100."));
        }
        strategy.insert("shifts_per_member".into(), json!(n));
    }
    strategy.insert("members".into(), json!(members));
    Ok(json!({
        "name": name,
        "start_time": {"date_time": utc("start", &start)?, "time_zone": zone},
        "end_time": {"date_time": utc("end", &end)?, "time_zone": zone},
        "effective_since": since,
        "effective_until": until,
        "recurrence": checked_recurrence(&e.recurrence)?,
        "assignment_strategy": strategy,
    }))
}

/// A written rotation event.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WrittenEvent {
    /// The schedule ID.
    pub schedule_id: String,
    /// The rotation ID.
    pub rotation_id: String,
    /// True when the rotation was created for it.
    pub rotation_created: Option<bool>,
    /// The event.
    #[serde(flatten)]
    pub event: ShiftEvent,
}

/// Add a rotation event to a v3 schedule: a recurring shift (`start`..`end`, repeated by
/// `recurrence`) its members take in turn or together. Without `rotation_id` a new
/// rotation is created for it.
#[tool(preset = super::pagerduty_create, output = "The created event with its rotation")]
pub async fn create_shift_rotation_event(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// The event's name, e.g. Weekday days.
    name: String,
    /// The first shift's start, ISO 8601 with zone.
    start: String,
    /// The first shift's end.
    end: String,
    /// RFC 5545 lines with one RRULE, e.g. ["RRULE:FREQ=WEEKLY"].
    recurrence: Vec<String>,
    /// Who takes the shifts, in order: user IDs (or `empty`), 1-20.
    member_ids: Vec<String>,
    /// The rotation to add it to. Default is None (a new rotation).
    rotation_id: Option<String>,
    /// The zone the shifts recur in (IANA). Default is None (UTC).
    time_zone: Option<String>,
    /// Turns or all together. Default is rotating_member.
    #[arg(default)]
    strategy: Strategy,
    /// Consecutive shifts per member when rotating. Default is None (1).
    shifts_per_member: Option<u64>,
    /// When it starts making shifts. Default is None (the start).
    effective_since: Option<String>,
    /// When it stops. Default is None (never).
    effective_until: Option<String>,
) -> Result<WrittenEvent, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let rotation = rotation_id.map(|r| path_id("rotation", &r)).transpose()?;
    let body = event_body(&ShiftEvent {
        name: Some(name),
        start: Some(start),
        end: Some(end),
        time_zone,
        recurrence,
        effective_since,
        effective_until,
        strategy: Some(strategy.as_str().to_owned()),
        shifts_per_member,
        members: member_ids,
        ..ShiftEvent::default()
    })?;
    let session = Session::from_context(&context)?;
    let (rotation, created) = match rotation {
        Some(r) => (r, None),
        None => {
            let answer = session
                .write_optional_from(Method::POST, &format!("{path}/rotations"), &json!({}))
                .await?;
            let id = s(answered_field(&answer, "rotation")?, "id")
                .ok_or_else(|| ToolError::upstream(502, "PagerDuty's new rotation has no `id`."))?;
            (id, Some(true))
        }
    };
    let answer = session
        .write_optional_from(
            Method::POST,
            &format!("{path}/rotations/{rotation}/events"),
            &json!({ "event": body }),
        )
        .await
        .map_err(|e| match created {
            Some(_) => e.with_additional_prompt_content(format!(
                "Rotation {rotation} was created (empty) before the event was refused: retry with rotation_id {rotation}, or delete it with DeleteShiftSchedulePart."
            )),
            None => e,
        })?;
    Ok(WrittenEvent {
        schedule_id: path.rsplit('/').next().unwrap_or_default().to_owned(),
        rotation_id: rotation,
        rotation_created: created,
        event: ShiftEvent::from_api(answered_field(&answer, "event")?),
    })
}

/// Change a rotation event of a v3 schedule: what is given replaces the event's
/// field, the rest stays. It changes who is on call from its effective start: confirm
/// with the user first.
#[tool(preset = super::pagerduty_destructive_update, output = "The updated event")]
pub async fn update_shift_rotation_event(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// The rotation ID.
    rotation_id: String,
    /// The event ID.
    event_id: String,
    /// A new name. Default is None (unchanged).
    name: Option<String>,
    /// A new first shift start. Default is None.
    start: Option<String>,
    /// A new first shift end. Default is None.
    end: Option<String>,
    /// A new zone (IANA). Default is None.
    time_zone: Option<String>,
    /// New RFC 5545 lines. Default is None.
    recurrence: Option<Vec<String>>,
    /// New members, in order. Default is None.
    member_ids: Option<Vec<String>>,
    /// A new strategy. Default is None.
    strategy: Option<Strategy>,
    /// New consecutive shifts per member. Default is None.
    shifts_per_member: Option<u64>,
    /// A new effective start. Default is None.
    effective_since: Option<String>,
    /// A new effective end. Default is None.
    effective_until: Option<String>,
) -> Result<WrittenEvent, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let rotation = path_id("rotation", &rotation_id)?;
    let event = path_id("event", &event_id)?;
    let changes = ShiftEvent {
        name,
        start,
        end,
        time_zone,
        recurrence: recurrence.unwrap_or_default(),
        effective_since,
        effective_until,
        strategy: strategy.map(|s| s.as_str().to_owned()),
        shifts_per_member,
        members: member_ids.unwrap_or_default(),
        id: None,
    };
    if changes == ShiftEvent::default() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    super::confirm::confirm(
        &context,
        format!("Change event {event} of rotation {rotation} in schedule {}? Who is on call changes from its effective start.", schedule_id.trim()),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let event_path = format!("{path}/rotations/{rotation}/events/{event}");
    let current = session
        .get_object(&event_path, "event", &Query::new())
        .await?;
    let mut merged = ShiftEvent::from_api(&current);
    let keep = |new: Option<String>, old: &mut Option<String>| {
        if new.is_some() {
            *old = new;
        }
    };
    keep(changes.name, &mut merged.name);
    keep(changes.start, &mut merged.start);
    keep(changes.end, &mut merged.end);
    keep(changes.time_zone, &mut merged.time_zone);
    keep(changes.effective_since, &mut merged.effective_since);
    keep(changes.effective_until, &mut merged.effective_until);
    keep(changes.strategy, &mut merged.strategy);
    if changes.shifts_per_member.is_some() {
        merged.shifts_per_member = changes.shifts_per_member;
    }
    if !changes.recurrence.is_empty() {
        merged.recurrence = changes.recurrence;
    }
    if !changes.members.is_empty() {
        merged.members = changes.members;
    }
    let body = event_body(&merged)?;
    let answer = session
        .write_optional_from(Method::PUT, &event_path, &json!({ "event": body }))
        .await?;
    Ok(WrittenEvent {
        schedule_id: path.rsplit('/').next().unwrap_or_default().to_owned(),
        rotation_id: rotation,
        rotation_created: None,
        event: ShiftEvent::from_api(answered_field(&answer, "event")?),
    })
}

/// A one-off shift to create.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CustomShiftInput {
    /// Start, ISO 8601 with zone.
    pub start: String,
    /// End, after the start.
    pub end: String,
    /// Who: a user ID, or `empty`.
    pub member: String,
}

/// Custom shifts as written.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WrittenCustomShifts {
    /// The schedule ID.
    pub schedule_id: String,
    /// The custom shifts.
    pub custom_shifts: Vec<CustomShift>,
}

/// Add one-off shifts to a v3 schedule (1-50), each with the person on call for it.
#[tool(preset = super::pagerduty_create, output = "The created custom shifts")]
pub async fn create_custom_shifts(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// The shifts: {start, end, member}.
    shifts: Vec<CustomShiftInput>,
) -> Result<WrittenCustomShifts, ToolError> {
    let path = schedule_path(&schedule_id)?;
    if shifts.is_empty() || shifts.len() > MAX_BATCH {
        return Err(ToolError::bad_input(format!(
            "Give 1-{MAX_BATCH} `shifts`, each {{start, end, member}}."
        )));
    }
    let body = shifts
        .iter()
        .map(|c| {
            ordered(&c.start, &c.end)?;
            Ok(json!({
                "type": "custom_shift",
                "start_time": utc("start", &c.start)?,
                "end_time": utc("end", &c.end)?,
                "assignments": [{"type": "shift_assignment", "member": member("member", &c.member)?}],
            }))
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::POST,
            &format!("{path}/custom_shifts"),
            &json!({ "custom_shifts": body }),
        )
        .await?;
    Ok(WrittenCustomShifts {
        schedule_id: path.rsplit('/').next().unwrap_or_default().to_owned(),
        custom_shifts: answered_field(&answer, "custom_shifts")?
            .as_array()
            .into_iter()
            .flatten()
            .map(CustomShift::from_api)
            .collect(),
    })
}

/// The `start_time`/`end_time` fields of a partial update, checked (in order when both
/// are given).
fn times(
    body: &mut Map<String, Value>,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(), ToolError> {
    if let (Some(a), Some(b)) = (start, end) {
        ordered(a, b)?;
    }
    if let Some(a) = start {
        body.insert("start_time".into(), json!(utc("start", a)?));
    }
    if let Some(b) = end {
        body.insert("end_time".into(), json!(utc("end", b)?));
    }
    Ok(())
}

/// Change a custom shift of a v3 schedule: its times or who is on call for it. What is
/// left out stays. Confirm with the user first.
#[tool(preset = super::pagerduty_destructive_update, output = "The updated custom shift")]
pub async fn update_custom_shift(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// The custom shift ID.
    custom_shift_id: String,
    /// A new start. Default is None.
    start: Option<String>,
    /// A new end. Default is None.
    end: Option<String>,
    /// A new member (user ID or `empty`). Default is None.
    member: Option<String>,
) -> Result<CustomShift, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let id = path_id("custom shift", &custom_shift_id)?;
    let mut body = Map::new();
    times(&mut body, start.as_deref(), end.as_deref())?;
    if let Some(m) = &member {
        body.insert(
            "assignments".into(),
            json!([{"type": "shift_assignment", "member": self::member("member", m)?}]),
        );
    }
    if body.is_empty() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    super::confirm::confirm(
        &context,
        format!(
            "Change custom shift {id} of schedule {}? Who is on call for it changes.",
            schedule_id.trim()
        ),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::PUT,
            &format!("{path}/custom_shifts/{id}"),
            &json!({ "custom_shift": body }),
        )
        .await?;
    answered_field(&answer, "custom_shift").map(CustomShift::from_api)
}

/// An override to create: `overriding` covers `overridden` on a rotation's or a custom
/// shift's shift for a while.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OverrideInput {
    /// Start, ISO 8601 with zone.
    pub start: String,
    /// End, after the start.
    pub end: String,
    /// Who is covered (user ID or `empty`).
    pub overridden: String,
    /// Who covers (user ID or `empty`).
    pub overriding: String,
    /// The rotation of the shift. Give it or custom_shift_id.
    #[serde(default)]
    pub rotation_id: Option<String>,
    /// The custom shift. Give it or rotation_id.
    #[serde(default)]
    pub custom_shift_id: Option<String>,
}

/// Overrides as written.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WrittenOverrides {
    /// The schedule ID.
    pub schedule_id: String,
    /// The overrides.
    pub overrides: Vec<ShiftOverride>,
}

/// Override shifts of a v3 schedule (1-50): someone covers a member's rotation or custom
/// shift for a while. It changes who is paged: confirm with the user first.
#[tool(preset = super::pagerduty_create, output = "The created overrides")]
pub async fn create_shift_overrides(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// The overrides: {start, end, overridden, overriding, rotation_id or custom_shift_id}.
    overrides: Vec<OverrideInput>,
) -> Result<WrittenOverrides, ToolError> {
    let path = schedule_path(&schedule_id)?;
    if overrides.is_empty() || overrides.len() > MAX_BATCH {
        return Err(ToolError::bad_input(format!(
            "Give 1-{MAX_BATCH} `overrides`."
        )));
    }
    let body = overrides
        .iter()
        .map(|o| {
            ordered(&o.start, &o.end)?;
            let mut v = json!({
                "type": "override_shift",
                "start_time": utc("start", &o.start)?,
                "end_time": utc("end", &o.end)?,
                "overridden_member": member("overridden", &o.overridden)?,
                "overriding_member": member("overriding", &o.overriding)?,
            });
            match (&o.rotation_id, &o.custom_shift_id) {
                (Some(r), None) => v["rotation_id"] = json!(path_id("rotation", r)?),
                (None, Some(c)) => v["custom_shift_id"] = json!(path_id("custom shift", c)?),
                _ => {
                    return Err(ToolError::bad_input(
                        "Each override needs exactly one of `rotation_id` or `custom_shift_id`: the shift it covers.",
                    ));
                }
            }
            Ok(v)
        })
        .collect::<Result<Vec<_>, ToolError>>()?;
    let who: Vec<String> = overrides
        .iter()
        .map(|o| {
            format!(
                "{} for {} from {} to {}",
                o.overriding, o.overridden, o.start, o.end
            )
        })
        .collect();
    super::confirm::confirm(
        &context,
        format!(
            "Override schedule {}: {}? They are paged instead.",
            schedule_id.trim(),
            who.join("; ")
        ),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::POST,
            &format!("{path}/overrides"),
            &json!({ "overrides": body }),
        )
        .await?;
    Ok(WrittenOverrides {
        schedule_id: path.rsplit('/').next().unwrap_or_default().to_owned(),
        overrides: answered_field(&answer, "overrides")?
            .as_array()
            .into_iter()
            .flatten()
            .map(ShiftOverride::from_api)
            .collect(),
    })
}

/// Change an override of a v3 schedule: its times or who covers. What is left out
/// stays. Confirm with the user first.
#[tool(preset = super::pagerduty_destructive_update, output = "The updated override")]
pub async fn update_shift_override(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// The override ID.
    override_id: String,
    /// A new start. Default is None.
    start: Option<String>,
    /// A new end. Default is None.
    end: Option<String>,
    /// A new covering member (user ID or `empty`). Default is None.
    overriding: Option<String>,
) -> Result<ShiftOverride, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let id = path_id("override", &override_id)?;
    let mut body = Map::new();
    times(&mut body, start.as_deref(), end.as_deref())?;
    if let Some(m) = &overriding {
        body.insert("overriding_member".into(), member("overriding", m)?);
    }
    if body.is_empty() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    super::confirm::confirm(
        &context,
        format!(
            "Change override {id} of schedule {}? Who is paged changes.",
            schedule_id.trim()
        ),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::PUT,
            &format!("{path}/overrides/{id}"),
            &json!({ "override": body }),
        )
        .await?;
    answered_field(&answer, "override").map(ShiftOverride::from_api)
}

/// A part of a v3 schedule.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SchedulePart {
    /// The whole schedule.
    Schedule,
    /// A rotation with its events.
    Rotation,
    /// A rotation event (give `rotation_id`).
    Event,
    /// A custom shift.
    CustomShift,
    /// An override.
    Override,
}

/// Delete a v3 schedule or a part of it: a rotation, a rotation event, a custom shift
/// or an override. Cannot be undone and changes who is on call: confirm with the user
/// first.
#[tool(preset = super::pagerduty_delete, output = "What was deleted")]
pub async fn delete_shift_schedule_part(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// What to delete.
    part: SchedulePart,
    /// The part's ID (not for `schedule`). Default is None.
    part_id: Option<String>,
    /// The event's rotation (for `event`). Default is None.
    rotation_id: Option<String>,
) -> Result<Deleted, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let schedule = path.rsplit('/').next().unwrap_or_default().to_owned();
    let needed = |what: &str| -> Result<String, ToolError> {
        let id = part_id.as_deref().ok_or_else(|| {
            ToolError::bad_input(format!("Give `part_id`: the ID of the {what} to delete."))
        })?;
        path_id(what, id)
    };
    let (kind, id, target) = match part {
        SchedulePart::Schedule => ("schedule", schedule.clone(), path.clone()),
        SchedulePart::Rotation => {
            let id = needed("rotation")?;
            ("rotation", id.clone(), format!("{path}/rotations/{id}"))
        }
        SchedulePart::Event => {
            let id = needed("event")?;
            let rotation = rotation_id
                .as_deref()
                .ok_or_else(|| ToolError::bad_input("Give `rotation_id`: the event's rotation."))
                .and_then(|r| path_id("rotation", r))?;
            (
                "event",
                id.clone(),
                format!("{path}/rotations/{rotation}/events/{id}"),
            )
        }
        SchedulePart::CustomShift => {
            let id = needed("custom shift")?;
            (
                "custom_shift",
                id.clone(),
                format!("{path}/custom_shifts/{id}"),
            )
        }
        SchedulePart::Override => {
            let id = needed("override")?;
            ("override", id.clone(), format!("{path}/overrides/{id}"))
        }
    };
    let what = if kind == "schedule" {
        format!("v3 schedule {schedule}")
    } else {
        format!("{} {id} of v3 schedule {schedule}", kind.replace('_', " "))
    };
    super::confirm::confirm(
        &context,
        format!("Delete {what}? This cannot be undone, and who is on call changes."),
    )
    .await?;
    let session = Session::from_context(&context)?;
    session.delete(&target, &Query::new()).await?;
    Ok(Deleted {
        kind: kind.into(),
        id,
    })
}

/// A v3 schedule as written.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WrittenShiftSchedule {
    /// The schedule ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Its time zone.
    pub time_zone: Option<String>,
    /// The teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// Its web page.
    pub html_url: Option<String>,
}

fn written_schedule(answer: &Value) -> Result<WrittenShiftSchedule, ToolError> {
    let v = answered_field(answer, "schedule")?;
    Ok(WrittenShiftSchedule {
        id: s(v, "id").unwrap_or_default(),
        name: s(v, "name"),
        time_zone: s(v, "time_zone"),
        teams: refs_at(v, "teams"),
        html_url: s(v, "html_url"),
    })
}

/// Create an empty shift-based (v3) schedule; add shifts with
/// CreateShiftRotationEvent and CreateCustomShifts.
#[tool(preset = super::pagerduty_create, output = "The created v3 schedule")]
pub async fn create_shift_schedule(
    context: ToolContext,
    /// The name.
    name: String,
    /// Its time zone (IANA, e.g. Europe/Berlin).
    time_zone: String,
    /// Its teams. Default is None.
    team_ids: Option<Vec<String>>,
) -> Result<WrittenShiftSchedule, ToolError> {
    let name = super::checked_name("schedule", &name, 255)?;
    let time_zone = checked_time_zone(&time_zone)?;
    let mut schedule = json!({"name": name, "time_zone": time_zone});
    if let Some(teams) = team_ids.filter(|t| !t.is_empty()) {
        let teams = super::path_ids("team", &teams, 20)?;
        schedule["teams"] = json!(
            teams
                .iter()
                .map(|t| json!({"id": t, "type": "team_reference"}))
                .collect::<Vec<_>>()
        );
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::POST,
            "/v3/schedules",
            &json!({ "schedule": schedule }),
        )
        .await?;
    written_schedule(&answer)
}

/// Rename a v3 schedule or change its time zone.
#[tool(preset = super::pagerduty_update, output = "The updated v3 schedule")]
pub async fn update_shift_schedule(
    context: ToolContext,
    /// The v3 schedule ID.
    schedule_id: String,
    /// A new name. Default is None.
    name: Option<String>,
    /// A new time zone (IANA). Default is None.
    time_zone: Option<String>,
) -> Result<WrittenShiftSchedule, ToolError> {
    let path = schedule_path(&schedule_id)?;
    let mut schedule = Map::new();
    if let Some(n) = name {
        schedule.insert(
            "name".into(),
            json!(super::checked_name("schedule", &n, 255)?),
        );
    }
    if let Some(z) = time_zone {
        schedule.insert("time_zone".into(), json!(checked_time_zone(&z)?));
    }
    if schedule.is_empty() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(Method::PUT, &path, &json!({ "schedule": schedule }))
        .await?;
    written_schedule(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recurrence_needs_exactly_one_rrule() {
        assert!(checked_recurrence(&["RRULE:FREQ=WEEKLY".into()]).is_ok());
        assert!(
            checked_recurrence(&[
                " RRULE:FREQ=DAILY;INTERVAL=2 ".into(),
                "EXDATE:20260301T090000Z".into()
            ])
            .is_ok()
        );
        for bad in [
            vec![],
            vec!["FREQ=DAILY".to_owned()],
            vec![
                "RRULE:FREQ=DAILY".to_owned(),
                "RRULE:FREQ=WEEKLY".to_owned(),
            ],
            vec!["RRULE:INTERVAL=2".to_owned()],
        ] {
            assert!(checked_recurrence(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_event_body_is_complete_and_in_utc() {
        let body = event_body(&ShiftEvent {
            name: Some("Day".into()),
            start: Some("2026-03-02T09:00:00+01:00".into()),
            end: Some("2026-03-02T21:00:00+01:00".into()),
            time_zone: Some("Europe/Berlin".into()),
            recurrence: vec!["RRULE:FREQ=DAILY".into()],
            members: vec!["PUSR001".into(), "empty".into()],
            ..ShiftEvent::default()
        })
        .unwrap();
        assert_eq!(body["start_time"]["date_time"], "2026-03-02T08:00:00Z");
        assert_eq!(body["start_time"]["time_zone"], "Europe/Berlin");
        assert_eq!(body["effective_since"], "2026-03-02T08:00:00Z");
        assert_eq!(body["effective_until"], Value::Null);
        assert_eq!(
            body["assignment_strategy"]["type"],
            "rotating_member_assignment_strategy"
        );
        assert_eq!(
            body["assignment_strategy"]["members"][1],
            json!({"type": "empty_member"})
        );
        let day = ShiftEvent {
            name: Some("Day".into()),
            start: Some("2026-03-02T09:00:00Z".into()),
            end: Some("2026-03-02T08:00:00Z".into()),
            recurrence: vec!["RRULE:FREQ=DAILY".into()],
            members: vec!["PUSR001".into()],
            ..ShiftEvent::default()
        };
        let err = event_body(&day).unwrap_err();
        assert!(err.message().contains("after `start`"), "{err:?}");
        let err = event_body(&ShiftEvent {
            members: vec!["a/b".into()],
            end: Some("2026-03-02T10:00:00Z".into()),
            ..day
        })
        .unwrap_err();
        assert!(err.message().contains("empty"), "{err:?}");
    }
}
