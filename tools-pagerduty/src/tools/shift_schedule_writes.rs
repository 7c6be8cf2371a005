//! Changing shift-based (v3) schedules: the schedule itself, custom shifts, overrides,
//! and deleting any part (rotation events are in `shift_event_writes`).
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
    CustomShift, EMPTY_MEMBER, ShiftOverride, member_json, schedule_path,
};
use super::{Deleted, Ref, answered_field, format_utc, parse_time, path_id, refs_at, s};
use crate::client::{Method, Query, Session};

/// The most custom shifts or overrides one call creates.
const MAX_BATCH: usize = 50;

/// The member object of a user ID or `empty`, checked (`what` names the argument).
pub(super) fn member(what: &str, id: &str) -> Result<Value, ToolError> {
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
pub(super) fn utc(name: &str, value: &str) -> Result<String, ToolError> {
    parse_time(name, value).map(format_utc)
}

/// Checks that `end` is after `start` (both given, ISO 8601 with zone).
pub(super) fn ordered(start: &str, end: &str) -> Result<(), ToolError> {
    if parse_time("end", end)? <= parse_time("start", start)? {
        return Err(ToolError::bad_input("`end` must be after `start`."));
    }
    Ok(())
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
    let question = format!(
        "Change custom shift {id} of schedule {}? Who is on call for it changes.",
        schedule_id.trim()
    );
    let path = format!("{path}/custom_shifts/{id}");
    let answer = put_change(&context, question, &path, "custom_shift", body).await?;
    Ok(CustomShift::from_api(&answer))
}

/// A change to one part of a v3 schedule: refused when `body` changes nothing, asked
/// for with `question` (see `confirm`), then `PUT path` with `{key: body}`; the part
/// as PagerDuty answered it.
async fn put_change(
    context: &ToolContext,
    question: String,
    path: &str,
    key: &str,
    body: Map<String, Value>,
) -> Result<Value, ToolError> {
    if body.is_empty() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    super::confirm::confirm(context, question).await?;
    let session = Session::from_context(context)?;
    let mut answer = session
        .write_optional_from(Method::PUT, path, &json!({ key: body }))
        .await?;
    answered_field(&answer, key)?;
    Ok(answer[key].take())
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
    let question = format!(
        "Change override {id} of schedule {}? Who is paged changes.",
        schedule_id.trim()
    );
    let path = format!("{path}/overrides/{id}");
    let answer = put_change(&context, question, &path, "override", body).await?;
    Ok(ShiftOverride::from_api(&answer))
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
        schedule["teams"] = super::references_to("team", &teams);
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
