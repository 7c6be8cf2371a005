//! Schedules written through the API, with their layers: `POST /schedules`,
//! `PUT /schedules/{id}`, and the rotation model that renders them.
//!
//! As PagerDuty computes a final schedule: within a layer the users take turns of
//! `rotation_turn_length_seconds`, counted from `rotation_virtual_start`, inside the
//! layer's `start`..`end`; a later layer covers an earlier one wherever it has someone on
//! call, and overrides cover every layer. Times are rendered in UTC. Restrictions are not
//! modelled: a layer with restrictions is refused (400, saying so), so that nothing is
//! rendered wrong in silence. The seeded schedules have no layers; they are rendered
//! from the seeded on-calls (`schedules::get`).

use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::super::seed::{object, ref_of};
use super::common::{Reply, bad, id_of, not_found, str_of};
use crate::sandbox::Db;
use crate::tools::format_utc;

/// The most shifts one layer renders in a window (a year of hourly turns).
const MAX_SHIFTS: i64 = 24 * 366;

fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// The layers of a request as stored: times in UTC, users checked and named, each
/// layer with an ID (an existing layer's kept).
fn stored_layers(db: &mut Db, layers: &Value) -> Result<Vec<Value>, Reply> {
    let Some(layers) = layers.as_array().filter(|l| !l.is_empty()) else {
        return Err(bad(&["Schedule layers can't be empty"]));
    };
    let mut out = Vec::new();
    for (n, layer) in layers.iter().enumerate() {
        let (Some(start), Some(virtual_start)) = (
            parse(str_of(layer, "start")),
            parse(str_of(layer, "rotation_virtual_start")),
        ) else {
            return Err(bad(&[
                "Schedule layer start and rotation_virtual_start must be date-times",
            ]));
        };
        let end = match layer.get("end").filter(|e| !e.is_null()) {
            Some(e) => match parse(e.as_str().unwrap_or_default()) {
                Some(end) if end > start => Some(end),
                _ => {
                    return Err(bad(&[
                        "Schedule layer end must be a date-time after its start",
                    ]));
                }
            },
            None => None,
        };
        let turn = layer["rotation_turn_length_seconds"].as_i64().unwrap_or(0);
        if turn < 1 {
            return Err(bad(&[
                "Rotation turn length must be a positive number of seconds",
            ]));
        }
        if layer["restrictions"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
        {
            return Err(bad(&[
                "The sandbox does not model layer restrictions (PagerDuty accepts them)",
            ]));
        }
        let mut users = Vec::new();
        for u in layer["users"].as_array().into_iter().flatten() {
            match db.users.iter().find(|x| id_of(x) == id_of(&u["user"])) {
                Some(user) => users.push(json!({ "user": ref_of(user) })),
                None => return Err(bad(&["User not found"])),
            }
        }
        if users.is_empty() {
            return Err(bad(&["Schedule layer users can't be empty"]));
        }
        let id = match str_of(layer, "id") {
            "" => db.next("PLAYER"),
            id => id.to_owned(),
        };
        let name = match str_of(layer, "name") {
            "" => format!("Layer {}", n + 1),
            name => name.to_owned(),
        };
        let mut stored = Map::new();
        stored.insert("id".into(), json!(id));
        stored.insert("name".into(), json!(name));
        stored.insert("start".into(), json!(format_utc(start)));
        if let Some(end) = end {
            stored.insert("end".into(), json!(format_utc(end)));
        }
        stored.insert(
            "rotation_virtual_start".into(),
            json!(format_utc(virtual_start)),
        );
        stored.insert("rotation_turn_length_seconds".into(), json!(turn));
        stored.insert("users".into(), json!(users));
        stored.insert("restrictions".into(), json!([]));
        out.push(Value::Object(stored));
    }
    Ok(out)
}

/// Everyone on any layer, once each, in order of appearance.
fn layer_users(layers: &[Value]) -> Vec<Value> {
    let mut users: Vec<Value> = Vec::new();
    for u in layers
        .iter()
        .flat_map(|l| l["users"].as_array().into_iter().flatten())
    {
        if !users.iter().any(|x| id_of(x) == id_of(&u["user"])) {
            users.push(u["user"].clone());
        }
    }
    users
}

fn time_zone_of(s: &Value) -> Result<&str, Reply> {
    match str_of(s, "time_zone") {
        "" => Err(bad(&["Time zone can't be blank"])),
        tz => Ok(tz),
    }
}

/// `POST /schedules`.
pub(super) fn create(db: &mut Db, body: &Value) -> Reply {
    let s = &body["schedule"];
    let name = str_of(s, "name");
    if name.trim().is_empty() {
        return bad(&["Name can't be blank"]);
    }
    let time_zone = match time_zone_of(s) {
        Ok(tz) => tz,
        Err(reply) => return reply,
    };
    let layers = match stored_layers(db, &s["schedule_layers"]) {
        Ok(l) => l,
        Err(reply) => return reply,
    };
    let id = db.next("PSCH");
    let mut schedule = object("schedule", &id, name);
    schedule.insert("name".into(), json!(name));
    schedule.insert("time_zone".into(), json!(time_zone));
    schedule.insert(
        "description".into(),
        s.get("description").cloned().unwrap_or(Value::Null),
    );
    schedule.insert("users".into(), json!(layer_users(&layers)));
    schedule.insert("schedule_layers".into(), json!(layers));
    schedule.insert("escalation_policies".into(), json!([]));
    schedule.insert("teams".into(), json!([]));
    let schedule = Value::Object(schedule);
    db.schedules.push(schedule.clone());
    (201, json!({ "schedule": schedule }))
}

/// `PUT /schedules/{id}`: changes name, description, time zone and layers.
pub(super) fn update(db: &mut Db, id: &str, body: &Value) -> Reply {
    let s = &body["schedule"];
    if !db.schedules.iter().any(|x| id_of(x) == id) {
        return not_found();
    }
    let layers = match s.get("schedule_layers") {
        Some(l) => match stored_layers(db, l) {
            Ok(l) => Some(l),
            Err(reply) => return reply,
        },
        None => None,
    };
    if s.get("time_zone").is_some()
        && let Err(reply) = time_zone_of(s)
    {
        return reply;
    }
    let Some(schedule) = db.schedules.iter_mut().find(|x| id_of(x) == id) else {
        return not_found();
    };
    if let Some(name) = s
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
    {
        schedule["name"] = json!(name);
        schedule["summary"] = json!(name);
    }
    for key in ["description", "time_zone"] {
        if let Some(v) = s.get(key) {
            schedule[key] = v.clone();
        }
    }
    if let Some(layers) = layers {
        schedule["users"] = json!(layer_users(&layers));
        schedule["schedule_layers"] = json!(layers);
    }
    (200, json!({ "schedule": schedule }))
}

/// One on-call stretch: from, until, who (a user reference).
type Entry = (OffsetDateTime, OffsetDateTime, Value);

/// A layer's turns that overlap `since`..`until`, clipped to it and to the layer.
fn shifts(layer: &Value, since: OffsetDateTime, until: OffsetDateTime) -> Vec<Entry> {
    let users: Vec<&Value> = layer["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| &u["user"])
        .collect();
    let turn = layer["rotation_turn_length_seconds"].as_i64().unwrap_or(0);
    let (Some(start), Some(origin)) = (
        parse(str_of(layer, "start")),
        parse(str_of(layer, "rotation_virtual_start")),
    ) else {
        return Vec::new();
    };
    let end = parse(str_of(layer, "end")).unwrap_or(until);
    let (from, to) = (since.max(start), until.min(end));
    if users.is_empty() || turn < 1 || from >= to {
        return Vec::new();
    }
    let mut k = (from - origin).whole_seconds().div_euclid(turn);
    let mut out = Vec::new();
    while out.len() < MAX_SHIFTS as usize {
        let turn_start = origin + Duration::seconds(k * turn);
        if turn_start >= to {
            break;
        }
        let user = users[k.rem_euclid(users.len() as i64) as usize];
        out.push((
            turn_start.max(from),
            (turn_start + Duration::seconds(turn)).min(to),
            user.clone(),
        ));
        k += 1;
    }
    out
}

/// Layers stacked: at each moment the highest one with someone on call wins;
/// neighbouring stretches of the same user are joined.
fn stack(layers: &[Vec<Entry>]) -> Vec<Entry> {
    let mut bounds: Vec<OffsetDateTime> = layers
        .iter()
        .flatten()
        .flat_map(|(from, to, _)| [*from, *to])
        .collect();
    bounds.sort();
    bounds.dedup();
    let mut out: Vec<Entry> = Vec::new();
    for pair in bounds.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        // Each layer's entries are sorted and disjoint: find the one covering `from`.
        let on_call = layers.iter().rev().find_map(|entries| {
            let i = entries.partition_point(|(_, end, _)| *end <= from);
            entries.get(i).filter(|(start, _, _)| *start <= from)
        });
        let Some((_, _, user)) = on_call else {
            continue;
        };
        match out.last_mut() {
            Some(last) if last.1 == from && id_of(&last.2) == id_of(user) => last.1 = to,
            _ => out.push((from, to, user.clone())),
        }
    }
    out
}

fn entry_json((from, to, user): &Entry) -> Value {
    json!({"start": format_utc(*from), "end": format_utc(*to), "user": user})
}

/// Fills in a layered schedule's rendering over `since`..`until`: each layer's
/// `rendered_schedule_entries`, `final_schedule` (layers, then `overrides` on top) and
/// `overrides_subschedule`. Answers `false` (and changes nothing) for a schedule
/// without layers or a window that is not two date-times in order.
pub(super) fn render(schedule: &mut Value, overrides: &[Value], since: &str, until: &str) -> bool {
    let (Some(since), Some(until)) = (parse(since), parse(until)) else {
        return false;
    };
    let Some(layers) = schedule
        .get_mut("schedule_layers")
        .and_then(Value::as_array_mut)
        .filter(|l| !l.is_empty())
    else {
        return false;
    };
    if since >= until {
        return false;
    }
    let mut stacked = Vec::new();
    for layer in layers.iter_mut() {
        let entries = shifts(layer, since, until);
        layer["rendered_schedule_entries"] =
            json!(entries.iter().map(entry_json).collect::<Vec<_>>());
        stacked.push(entries);
    }
    let mut covering: Vec<Entry> = overrides
        .iter()
        .filter_map(|o| {
            let (from, to) = (parse(str_of(o, "start"))?, parse(str_of(o, "end"))?);
            let (from, to) = (from.max(since), to.min(until));
            (from < to).then(|| (from, to, o["user"].clone()))
        })
        .collect();
    covering.sort_by_key(|e| e.0);
    let overrides_json: Vec<Value> = covering.iter().map(entry_json).collect();
    stacked.push(covering);
    let final_entries = stack(&stacked);
    let window = (until - since).whole_seconds() as f64;
    let covered: f64 = final_entries
        .iter()
        .map(|(from, to, _)| (*to - *from).whole_seconds() as f64)
        .sum();
    schedule["final_schedule"] = json!({
        "name": "Final Schedule",
        "rendered_schedule_entries": final_entries.iter().map(entry_json).collect::<Vec<_>>(),
        "rendered_coverage_percentage": (covered * 1000.0 / window).round() / 10.0,
    });
    schedule["overrides_subschedule"] =
        json!({"name": "Overrides", "rendered_schedule_entries": overrides_json});
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(start: &str, origin: &str, turn_hours: i64, users: &[&str]) -> Value {
        json!({
            "start": start,
            "rotation_virtual_start": origin,
            "rotation_turn_length_seconds": turn_hours * 3600,
            "users": users.iter().map(|u| json!({"user": {"id": u}})).collect::<Vec<_>>(),
        })
    }

    fn who(schedule: &Value) -> Vec<(String, String, String)> {
        schedule["final_schedule"]["rendered_schedule_entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["start"].as_str().unwrap()[11..16].to_owned(),
                    e["end"].as_str().unwrap()[11..16].to_owned(),
                    e["user"]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn t(hm: &str) -> String {
        format!("2026-03-02T{hm}:00Z")
    }

    #[test]
    fn turns_count_from_the_rotation_start_even_before_the_window() {
        // 8-hour turns A, B, C from 2026-03-01 00:00: at 2026-03-02 00:00 it is
        // turn 3 (A again).
        let mut s = json!({"schedule_layers": [layer("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", 8, &["A", "B", "C"])]});
        assert!(render(&mut s, &[], &t("04:00"), &t("20:00")));
        assert_eq!(
            who(&s),
            [
                ("04:00".into(), "08:00".into(), "A".into()),
                ("08:00".into(), "16:00".into(), "B".into()),
                ("16:00".into(), "20:00".into(), "C".into()),
            ]
        );
        assert_eq!(s["final_schedule"]["rendered_coverage_percentage"], 100.0);
        assert_eq!(
            s["schedule_layers"][0]["rendered_schedule_entries"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn a_later_layer_and_an_override_cover_what_is_below() {
        let mut s = json!({"schedule_layers": [
            layer("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", 24, &["A"]),
            // From 10:00 on, B and C take 4-hour turns.
            layer(&t("10:00"), &t("10:00"), 4, &["B", "C"]),
        ]});
        let overrides = [json!({"start": t("11:00"), "end": t("12:00"), "user": {"id": "D"}})];
        assert!(render(&mut s, &overrides, &t("08:00"), &t("20:00")));
        assert_eq!(
            who(&s),
            [
                ("08:00".into(), "10:00".into(), "A".into()),
                ("10:00".into(), "11:00".into(), "B".into()),
                ("11:00".into(), "12:00".into(), "D".into()),
                ("12:00".into(), "14:00".into(), "B".into()),
                ("14:00".into(), "18:00".into(), "C".into()),
                ("18:00".into(), "20:00".into(), "B".into()),
            ]
        );
        let overrides = &s["overrides_subschedule"]["rendered_schedule_entries"];
        assert_eq!(overrides.as_array().unwrap().len(), 1);
    }

    #[test]
    fn gaps_are_left_uncovered_and_counted() {
        // The only layer starts half-way through the window and ends at 18:00.
        let mut l = layer(&t("12:00"), &t("12:00"), 24, &["A"]);
        l["end"] = json!(t("18:00"));
        let mut s = json!({ "schedule_layers": [l] });
        assert!(render(&mut s, &[], &t("08:00"), &t("20:00")));
        assert_eq!(who(&s), [("12:00".into(), "18:00".into(), "A".into())]);
        assert_eq!(s["final_schedule"]["rendered_coverage_percentage"], 50.0);
    }

    #[test]
    fn a_schedule_without_layers_or_a_bad_window_is_left_alone() {
        let mut s = json!({"id": "PSCH001"});
        assert!(!render(&mut s, &[], &t("08:00"), &t("20:00")));
        assert!(s.get("final_schedule").is_none());
        let mut s = json!({"schedule_layers": [layer(&t("00:00"), &t("00:00"), 1, &["A"])]});
        assert!(!render(&mut s, &[], "tomorrow", &t("20:00")));
        assert!(!render(&mut s, &[], &t("20:00"), &t("08:00")));
    }
}
