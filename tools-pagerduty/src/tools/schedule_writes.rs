//! Configuring on-call schedules: create a schedule from its rotations (layers),
//! rename it or replace its rotations.
//!
//! A layer is a rotation: its users take turns of `turn_length_hours` from
//! `rotation_start`, from the layer's `start` on (until its `end`, if any). A later
//! layer covers an earlier one where both have someone on call. Restrictions (a layer
//! on call only on weekdays, say) are not offered; an update keeps those a layer has.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::schedules::Schedule;
use super::{Ref, format_utc, parse_time, path_id, path_ids, reference, s};
use crate::client::{Method, Query, Session};

/// The longest turn a layer may have here: a (leap) year.
const MAX_TURN_HOURS: i64 = 24 * 366;

/// One rotation of a schedule to write.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LayerInput {
    /// The users who take turns, in order (1-50).
    pub user_ids: Vec<String>,
    /// How long each turn is, in hours (1-8784): 24 for daily, 168 for weekly handoffs.
    pub turn_length_hours: i64,
    /// When the layer takes effect, ISO 8601 with zone (e.g. 2026-02-02T09:00:00Z).
    pub start: String,
    /// When the first user's turn starts (handoff times follow from it). Default is None (the layer's start).
    #[serde(default)]
    pub rotation_start: Option<String>,
    /// When the layer stops, ISO 8601 with zone. Default is None (it does not end).
    #[serde(default)]
    pub end: Option<String>,
    /// The layer's name. Default is None ("Layer N").
    #[serde(default)]
    pub name: Option<String>,
}

/// A schedule as written: the schedule and its rotations.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ScheduleWithLayers {
    /// The schedule.
    #[serde(flatten)]
    pub schedule: Schedule,
    /// Its rotations, lowest first (a later one covers an earlier one).
    pub layers: Vec<Layer>,
}

/// One rotation of a schedule.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Layer {
    /// The layer ID.
    pub id: Option<String>,
    /// The name.
    pub name: Option<String>,
    /// When it takes effect.
    pub start: Option<String>,
    /// When it stops (absent: it does not end).
    pub end: Option<String>,
    /// When the first user's turn started.
    pub rotation_start: Option<String>,
    /// The length of a turn, in hours.
    pub turn_length_hours: Option<f64>,
    /// The users who take turns, in order.
    pub users: Vec<Ref>,
    /// How many restrictions limit when it is on call (absent: none).
    pub restrictions: Option<usize>,
}

impl Layer {
    /// The compact form of PagerDuty's schedule layer.
    pub fn from_api(v: &Value) -> Self {
        let restrictions = v["restrictions"].as_array().map_or(0, Vec::len);
        Self {
            id: s(v, "id"),
            name: s(v, "name"),
            start: s(v, "start"),
            end: s(v, "end"),
            rotation_start: s(v, "rotation_virtual_start"),
            turn_length_hours: v["rotation_turn_length_seconds"]
                .as_f64()
                .map(|secs| secs / 3600.0),
            users: v["users"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|u| reference(&u["user"]))
                .collect(),
            restrictions: (restrictions > 0).then_some(restrictions),
        }
    }
}

impl ScheduleWithLayers {
    fn from_api(v: &Value) -> Self {
        Self {
            schedule: Schedule::from_api(v),
            layers: v["schedule_layers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(Layer::from_api)
                .collect(),
        }
    }
}

/// PagerDuty's `schedule_layers` for `layers`, checked.
fn layers_body(layers: &[LayerInput]) -> Result<Vec<Value>, ToolError> {
    if layers.is_empty() || layers.len() > 10 {
        return Err(ToolError::bad_input(
            "Give 1-10 `layers`, each with `user_ids`, `turn_length_hours` and `start`.",
        ));
    }
    layers
        .iter()
        .enumerate()
        .map(|(n, layer)| {
            let at = |what: &str| format!("layers[{n}].{what}");
            if !(1..=MAX_TURN_HOURS).contains(&layer.turn_length_hours) {
                return Err(ToolError::bad_input(format!(
                    "`{}` must be 1-{MAX_TURN_HOURS} hours.",
                    at("turn_length_hours")
                )));
            }
            if layer.user_ids.is_empty() {
                return Err(ToolError::bad_input(format!(
                    "`{}` must name at least one user: somebody must be on call.",
                    at("user_ids")
                )));
            }
            let users = path_ids("user", &layer.user_ids, 50)?;
            let start = parse_time(&at("start"), &layer.start)?;
            let rotation_start = match &layer.rotation_start {
                Some(r) => parse_time(&at("rotation_start"), r)?,
                None => start,
            };
            let mut body = Map::new();
            body.insert(
                "name".into(),
                json!(
                    layer
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("Layer {}", n + 1))
                ),
            );
            body.insert("start".into(), json!(format_utc(start)));
            if let Some(end) = &layer.end {
                let end = parse_time(&at("end"), end)?;
                if end <= start {
                    return Err(ToolError::bad_input(format!(
                        "`{}` must be after `{}`.",
                        at("end"),
                        at("start")
                    )));
                }
                body.insert("end".into(), json!(format_utc(end)));
            }
            body.insert(
                "rotation_virtual_start".into(),
                json!(format_utc(rotation_start)),
            );
            body.insert(
                "rotation_turn_length_seconds".into(),
                json!(layer.turn_length_hours * 3600),
            );
            body.insert(
                "users".into(),
                json!(
                    users
                        .iter()
                        .map(|u| json!({"user": {"id": u, "type": "user_reference"}}))
                        .collect::<Vec<_>>()
                ),
            );
            Ok(Value::Object(body))
        })
        .collect()
}

fn answered(answer: &Value) -> Result<ScheduleWithLayers, ToolError> {
    super::answered_field(answer, "schedule").map(ScheduleWithLayers::from_api)
}

/// Create an on-call schedule from its rotations: each layer's users take turns of
/// `turn_length_hours` from its start. Put it in an escalation policy
/// (UpdateEscalationPolicy) for it to page anyone.
#[tool(preset = super::pagerduty_create, output = "The created schedule with its layers")]
pub async fn create_schedule(
    context: ToolContext,
    /// The schedule's name.
    name: String,
    /// The time zone its times are shown in (IANA, e.g. Europe/Berlin).
    time_zone: String,
    /// The rotations, lowest first: a later layer covers an earlier one.
    layers: Vec<LayerInput>,
    /// What it is for. Default is None.
    description: Option<String>,
) -> Result<ScheduleWithLayers, ToolError> {
    let name = super::checked_name("schedule", &name, 255)?;
    let time_zone = checked_time_zone(&time_zone)?;
    let mut schedule = Map::new();
    schedule.insert("type".into(), json!("schedule"));
    schedule.insert("name".into(), json!(name));
    schedule.insert("time_zone".into(), json!(time_zone));
    schedule.insert("schedule_layers".into(), json!(layers_body(&layers)?));
    if let Some(d) = description {
        schedule.insert("description".into(), json!(d));
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(Method::POST, "/schedules", &json!({ "schedule": schedule }))
        .await?;
    answered(&answer)
}

/// Change an on-call schedule: its name, description, time zone, or its rotations
/// (all of them, replaced by `layers`). What is left out stays as it is. New layers
/// change who is on call from their start: confirm with the user first.
#[tool(preset = super::pagerduty_destructive_update, output = "The updated schedule with its layers")]
pub async fn update_schedule(
    context: ToolContext,
    /// The schedule ID (from ListSchedules).
    schedule_id: String,
    /// A new name. Default is None (unchanged).
    name: Option<String>,
    /// A new description. Default is None (unchanged).
    description: Option<String>,
    /// A new time zone (IANA). Default is None (unchanged).
    time_zone: Option<String>,
    /// Every layer, replacing the current ones. Default is None (unchanged).
    layers: Option<Vec<LayerInput>>,
) -> Result<ScheduleWithLayers, ToolError> {
    let id = path_id("schedule", &schedule_id)?;
    let name = name
        .as_deref()
        .map(|n| super::checked_name("schedule", n, 255))
        .transpose()?;
    let time_zone = time_zone.as_deref().map(checked_time_zone).transpose()?;
    let new_layers = layers.as_deref().map(layers_body).transpose()?;
    if name.is_none() && description.is_none() && time_zone.is_none() && new_layers.is_none() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    if let Some(layers) = &new_layers {
        super::confirm::confirm(
            &context,
            format!(
                "Replace schedule {id}'s rotations with these {}? Who is on call changes from their start.",
                layers.len()
            ),
        )
        .await?;
    }
    let session = Session::from_context(&context)?;
    let path = format!("/schedules/{id}");
    // PagerDuty's update takes the whole schedule: start from the current one, its
    // layers sent back as they are (IDs kept) unless replaced.
    let current = session.get_object(&path, "schedule", &Query::new()).await?;
    let mut schedule = Map::new();
    schedule.insert("type".into(), json!("schedule"));
    schedule.insert("name".into(), json!(name.or_else(|| s(&current, "name"))));
    schedule.insert(
        "time_zone".into(),
        json!(time_zone.or_else(|| s(&current, "time_zone"))),
    );
    if let Some(d) = description {
        schedule.insert("description".into(), json!(d));
    }
    let layers = match new_layers {
        Some(layers) => Some(layers),
        None => current["schedule_layers"].as_array().map(|layers| {
            layers
                .iter()
                .map(|l| {
                    let mut kept = l.clone();
                    if let Some(o) = kept.as_object_mut() {
                        o.remove("rendered_schedule_entries");
                        o.remove("rendered_coverage_percentage");
                    }
                    kept
                })
                .collect()
        }),
    };
    if let Some(layers) = layers {
        schedule.insert("schedule_layers".into(), Value::Array(layers));
    }
    let answer = session
        .write_optional_from(Method::PUT, &path, &json!({ "schedule": schedule }))
        .await?;
    answered(&answer)
}

/// An IANA zone name as PagerDuty takes it (`Area/City`, or `UTC`), checked for shape
/// only: PagerDuty knows the zones.
pub(crate) fn checked_time_zone(zone: &str) -> Result<String, ToolError> {
    let zone = zone.trim();
    let shaped = !zone.is_empty()
        && zone.len() <= 64
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c));
    if shaped {
        Ok(zone.to_owned())
    } else {
        Err(ToolError::bad_input(format!(
            "`time_zone` must be an IANA time zone such as Europe/Berlin or UTC, not `{zone}`."
        )))
    }
}
