//! Rotation events of shift-based (v3) schedules: the recurring shifts a rotation's
//! members take in turn or together. Creating one (with its rotation, when none is
//! given) does not ask the user; changing one does (`confirm`).

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::schedule_writes::checked_time_zone;
use super::shift_schedule_writes::{member, ordered, utc};
use super::shift_schedules::{ShiftEvent, schedule_path};
use super::{answered_field, path_id, s};
use crate::client::{Method, Query, Session};

/// The most members an event takes (PagerDuty's limit).
const MAX_MEMBERS: usize = 20;

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
