//! Shift-based (v3) schedules, `/v3/schedules...`: the schedules, their rotations and
//! rotation events, custom shifts and overrides, and the final schedule
//! (`include[]=final_schedule`, rendered by `shift_render`). Errors have PagerDuty's v3
//! shape (`errors` a map of field to messages).

use serde_json::{Value, json};
use time::Duration;

use super::common::{Q, Reply, has_ref, id_of, matches_query, not_found, now, paginate, str_of};
use super::shift_render::{check_event, check_member, final_schedule, invalid, parse};
use crate::sandbox::Db;
use crate::sandbox::seed_shifts::{schedule_links, sub_links};

fn schedule<'a>(db: &'a Db, id: &str) -> Option<&'a Value> {
    db.shift_schedules.iter().find(|s| id_of(s) == id)
}

fn rotation<'a>(db: &'a Db, id: &str, rotation: &str) -> Option<&'a Value> {
    schedule(db, id)?["rotations"]
        .as_array()?
        .iter()
        .find(|r| id_of(r) == rotation)
}

/// A required window (`since`, `until`), or the 400 to answer.
fn window(q: &Q<'_>) -> Result<(time::OffsetDateTime, time::OffsetDateTime), Reply> {
    let mut bounds = Vec::new();
    for key in ["since", "until"] {
        match q.get(key).map(parse) {
            Some(Some(t)) => bounds.push(t),
            Some(None) => return Err(invalid(key, "must be an ISO 8601 date-time")),
            None => return Err(invalid(key, "is required")),
        }
    }
    if bounds[1] <= bounds[0] {
        return Err(invalid("until", "must be after since"));
    }
    Ok((bounds[0], bounds[1]))
}

/// The items of `list` that overlap the window of `q`, paginated under `key`.
fn in_window(list: Option<&Vec<Value>>, key: &str, q: &Q<'_>) -> Reply {
    let (since, until) = match window(q) {
        Ok(w) => w,
        Err(reply) => return reply,
    };
    let items: Vec<&Value> = list
        .into_iter()
        .flatten()
        .filter(|v| {
            let (from, to) = (parse(str_of(v, "start_time")), parse(str_of(v, "end_time")));
            from.zip(to).is_some_and(|(f, t)| f < until && since < t)
        })
        .collect();
    paginate(items, key, q)
}

/// Answers a `GET` under `/v3/schedules` (`segs` after `schedules`).
pub(super) fn get(db: &Db, segs: &[&str], q: &Q<'_>) -> Reply {
    match segs {
        [] => {
            let teams = q.all("team_ids");
            let items: Vec<Value> = db
                .shift_schedules
                .iter()
                .filter(|s| matches_query(s, q, &["name"]))
                .filter(|s| teams.is_empty() || has_ref(s, "teams", &teams))
                .map(|s| {
                    json!({"id": s["id"], "type": "schedule_v3_reference", "summary": s["name"],
                        "self": s["self"], "html_url": s["html_url"]})
                })
                .collect();
            paginate(items, "schedules", q)
        }
        [id] => {
            let Some(s) = schedule(db, id) else {
                return not_found();
            };
            let mut s = s.clone();
            if q.includes("final_schedule") {
                let since = q.get("since").and_then(parse).unwrap_or_else(now);
                let until = q
                    .get("until")
                    .and_then(parse)
                    .unwrap_or(since + Duration::days(7));
                if until <= since {
                    return invalid("until", "must be after since");
                }
                let none = Vec::new();
                s["final_schedule"] = final_schedule(
                    &s,
                    db.custom_shifts.get(*id).unwrap_or(&none),
                    db.shift_overrides.get(*id).unwrap_or(&none),
                    since,
                    until,
                );
            }
            (200, json!({ "schedule": s }))
        }
        [id, "rotations"] => match schedule(db, id) {
            Some(s) => paginate(
                s["rotations"].as_array().cloned().unwrap_or_default(),
                "rotations",
                q,
            ),
            None => not_found(),
        },
        [id, "rotations", r] => match rotation(db, id, r) {
            Some(r) => (200, json!({ "rotation": r })),
            None => not_found(),
        },
        [id, "rotations", r, "events"] => match rotation(db, id, r) {
            Some(r) => paginate(
                r["events"].as_array().cloned().unwrap_or_default(),
                "events",
                q,
            ),
            None => not_found(),
        },
        [id, "rotations", r, "events", e] => {
            match rotation(db, id, r)
                .and_then(|r| r["events"].as_array()?.iter().find(|x| id_of(x) == *e))
            {
                Some(e) => (200, json!({ "event": e })),
                None => not_found(),
            }
        }
        [id, part @ ("custom_shifts" | "overrides")] => {
            if schedule(db, id).is_none() {
                return not_found();
            }
            let list = if *part == "custom_shifts" {
                db.custom_shifts.get(*id)
            } else {
                db.shift_overrides.get(*id)
            };
            in_window(list, part, q)
        }
        [id, part @ ("custom_shifts" | "overrides"), x] => {
            let (list, key) = if *part == "custom_shifts" {
                (db.custom_shifts.get(*id), "custom_shift")
            } else {
                (db.shift_overrides.get(*id), "override")
            };
            match list.and_then(|l| l.iter().find(|v| id_of(v) == *x)) {
                Some(v) => (200, json!({ key: v })),
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

/// Answers a write under `/v3/schedules` (`segs` after `schedules`).
pub(super) fn write(db: &mut Db, method: &str, segs: &[&str], body: &Value) -> Reply {
    match (method, segs) {
        ("POST", []) => create_schedule(db, &body["schedule"]),
        ("PUT", [id]) => update_schedule(db, id, &body["schedule"]),
        ("DELETE", [id]) => {
            let before = db.shift_schedules.len();
            db.shift_schedules.retain(|s| id_of(s) != *id);
            if db.shift_schedules.len() == before {
                return not_found();
            }
            db.custom_shifts.remove(*id);
            db.shift_overrides.remove(*id);
            (204, Value::Null)
        }
        ("POST", [id, "rotations"]) => {
            let rid = db.next("PSHR");
            let Some(s) = db.shift_schedules.iter_mut().find(|s| id_of(s) == *id) else {
                return not_found();
            };
            let mut r = json!({"id": rid, "type": "schedule_rotation", "events": []});
            sub_links(&mut r, &format!("{id}/rotations/{rid}"));
            rotations(s).push(r.clone());
            (201, json!({ "rotation": r }))
        }
        ("DELETE", [id, "rotations", r]) => {
            let Some(s) = db.shift_schedules.iter_mut().find(|s| id_of(s) == *id) else {
                return not_found();
            };
            let list = rotations(s);
            let before = list.len();
            list.retain(|x| id_of(x) != *r);
            if list.len() == before {
                return not_found();
            }
            // Its overrides go with it.
            if let Some(overrides) = db.shift_overrides.get_mut(*id) {
                overrides.retain(|o| str_of(o, "rotation_id") != *r);
            }
            (204, Value::Null)
        }
        ("POST", [id, "rotations", r, "events"]) => put_event(db, id, r, None, &body["event"]),
        ("PUT", [id, "rotations", r, "events", e]) => put_event(db, id, r, Some(e), &body["event"]),
        ("DELETE", [id, "rotations", r, "events", e]) => {
            let Some(events) = events_mut(db, id, r) else {
                return not_found();
            };
            let before = events.len();
            events.retain(|x| id_of(x) != *e);
            if events.len() == before {
                return not_found();
            }
            (204, Value::Null)
        }
        ("POST", [id, "custom_shifts"]) => create_custom_shifts(db, id, body),
        ("PUT", [id, "custom_shifts", c]) => {
            update_part(db, id, "custom_shift", c, &body["custom_shift"])
        }
        ("POST", [id, "overrides"]) => create_overrides(db, id, body),
        ("PUT", [id, "overrides", o]) => update_part(db, id, "override", o, &body["override"]),
        ("DELETE", [id, part @ ("custom_shifts" | "overrides"), x]) => {
            let map = if *part == "custom_shifts" {
                &mut db.custom_shifts
            } else {
                &mut db.shift_overrides
            };
            let Some(list) = map.get_mut(*id) else {
                return not_found();
            };
            let before = list.len();
            list.retain(|v| id_of(v) != *x);
            if list.len() == before {
                return not_found();
            }
            // A custom shift's overrides go with it.
            if *part == "custom_shifts"
                && let Some(overrides) = db.shift_overrides.get_mut(*id)
            {
                overrides.retain(|o| str_of(o, "custom_shift_id") != *x);
            }
            (204, Value::Null)
        }
        _ => not_found(),
    }
}

fn rotations(s: &mut Value) -> &mut Vec<Value> {
    if !s["rotations"].is_array() {
        s["rotations"] = json!([]);
    }
    s["rotations"].as_array_mut().expect("an array")
}

fn events_mut<'a>(db: &'a mut Db, id: &str, r: &str) -> Option<&'a mut Vec<Value>> {
    let s = db.shift_schedules.iter_mut().find(|s| id_of(s) == id)?;
    let rotation = rotations(s).iter_mut().find(|x| id_of(x) == r)?;
    if !rotation["events"].is_array() {
        rotation["events"] = json!([]);
    }
    rotation["events"].as_array_mut()
}

fn check_schedule_fields(db: &Db, s: &Value, create: bool) -> Result<(), Reply> {
    let name = s.get("name");
    if (create || name.is_some())
        && name
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty() || n.len() > 255)
    {
        return Err(invalid("schedule.name", "must be 1-255 characters"));
    }
    let zone = s.get("time_zone");
    if (create || zone.is_some()) && zone.and_then(Value::as_str).is_none_or(str::is_empty) {
        return Err(invalid("schedule.time_zone", "can't be blank"));
    }
    for t in s["teams"].as_array().into_iter().flatten() {
        if !db.teams.iter().any(|x| id_of(x) == id_of(t)) {
            return Err(invalid("schedule.teams", "team not found"));
        }
    }
    Ok(())
}

fn create_schedule(db: &mut Db, s: &Value) -> Reply {
    if let Err(reply) = check_schedule_fields(db, s, true) {
        return reply;
    }
    let teams: Vec<Value> = s["teams"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| db.teams.iter().find(|x| id_of(x) == id_of(t)))
        .map(crate::sandbox::seed::ref_of)
        .collect();
    let id = db.next("PSHS");
    let mut created = json!({
        "id": id, "type": "schedule_v3", "name": s["name"], "time_zone": s["time_zone"],
        "teams": teams, "escalation_policies": [], "users": [], "rotations": [],
    });
    schedule_links(&mut created);
    db.shift_schedules.push(created.clone());
    (201, json!({ "schedule": created }))
}

fn update_schedule(db: &mut Db, id: &str, s: &Value) -> Reply {
    if let Err(reply) = check_schedule_fields(db, s, false) {
        return reply;
    }
    let Some(current) = db.shift_schedules.iter_mut().find(|x| id_of(x) == id) else {
        return not_found();
    };
    for key in ["name", "time_zone"] {
        if let Some(v) = s.get(key) {
            current[key] = v.clone();
        }
    }
    (200, json!({ "schedule": current }))
}

/// Creates (`event` None) or replaces an event: PagerDuty's fields, checked.
fn put_event(db: &mut Db, id: &str, r: &str, event: Option<&str>, body: &Value) -> Reply {
    let current = event.and_then(|e| {
        rotation(db, id, r)?["events"]
            .as_array()?
            .iter()
            .find(|x| id_of(x) == e)
            .cloned()
    });
    if rotation(db, id, r).is_none() || (event.is_some() && current.is_none()) {
        return not_found();
    }
    let mut stored = current.unwrap_or_else(|| json!({"type": "schedule_event"}));
    for key in [
        "name",
        "start_time",
        "end_time",
        "effective_since",
        "effective_until",
        "recurrence",
        "assignment_strategy",
    ] {
        if let Some(v) = body.get(key) {
            stored[key] = v.clone();
        }
    }
    if stored.get("effective_until").is_none() {
        stored["effective_until"] = Value::Null;
    }
    if let Err(reply) = check_event(db, &stored) {
        return reply;
    }
    let eid = match event {
        Some(e) => e.to_owned(),
        None => db.next("PSHE"),
    };
    stored["id"] = json!(eid);
    sub_links(&mut stored, &format!("{id}/rotations/{r}/events/{eid}"));
    let Some(events) = events_mut(db, id, r) else {
        return not_found();
    };
    match events.iter_mut().find(|x| id_of(x) == eid) {
        Some(slot) => {
            *slot = stored.clone();
            (200, json!({ "event": stored }))
        }
        None => {
            events.push(stored.clone());
            (201, json!({ "event": stored }))
        }
    }
}

/// Checks a custom shift's or override's times (both given).
fn check_times(field: &str, v: &Value) -> Result<(), Reply> {
    match (parse(str_of(v, "start_time")), parse(str_of(v, "end_time"))) {
        (Some(a), Some(b)) if a < b => Ok(()),
        _ => Err(invalid(
            &format!("{field}.end_time"),
            "start_time and end_time must be date-times, the end after the start",
        )),
    }
}

fn create_custom_shifts(db: &mut Db, id: &str, body: &Value) -> Reply {
    if schedule(db, id).is_none() {
        return not_found();
    }
    let Some(list) = body["custom_shifts"].as_array().filter(|l| !l.is_empty()) else {
        return invalid("custom_shifts", "can't be empty");
    };
    let mut created = Vec::new();
    for c in list {
        let member = &c["assignments"][0]["member"];
        if let Err(reply) = check_times("custom_shift", c)
            .and_then(|()| check_member(db, member, "custom_shift.assignments"))
        {
            return reply;
        }
        let cid = db.next("PSCS");
        let mut shift = json!({
            "id": cid, "type": "custom_shift", "start_time": c["start_time"], "end_time": c["end_time"],
            "assignments": [{"id": format!("{cid}A"), "type": "shift_assignment", "member": member}],
        });
        sub_links(&mut shift, &format!("{id}/custom_shifts/{cid}"));
        created.push(shift);
    }
    db.custom_shifts
        .entry(id.to_owned())
        .or_default()
        .extend(created.iter().cloned());
    (201, json!({ "custom_shifts": created }))
}

fn create_overrides(db: &mut Db, id: &str, body: &Value) -> Reply {
    let Some(s) = schedule(db, id) else {
        return not_found();
    };
    let Some(list) = body["overrides"].as_array().filter(|l| !l.is_empty()) else {
        return invalid("overrides", "can't be empty");
    };
    let rotations: Vec<String> = s["rotations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| id_of(r).to_owned())
        .collect();
    let shifts: Vec<String> = db
        .custom_shifts
        .get(id)
        .into_iter()
        .flatten()
        .map(|c| id_of(c).to_owned())
        .collect();
    let mut created = Vec::new();
    for o in list {
        let source_ok = match (str_of(o, "rotation_id"), str_of(o, "custom_shift_id")) {
            (r, "") if !r.is_empty() => rotations.iter().any(|x| x == r),
            ("", c) if !c.is_empty() => shifts.iter().any(|x| x == c),
            _ => false,
        };
        if !source_ok {
            return invalid(
                "override",
                "must name one existing rotation_id or custom_shift_id of the schedule",
            );
        }
        for key in ["overridden_member", "overriding_member"] {
            if let Err(reply) = check_member(db, &o[key], &format!("override.{key}")) {
                return reply;
            }
        }
        if let Err(reply) = check_times("override", o) {
            return reply;
        }
        let oid = db.next("PSOV");
        let mut stored = json!({"id": oid, "type": "override_shift"});
        for key in [
            "rotation_id",
            "custom_shift_id",
            "start_time",
            "end_time",
            "overridden_member",
            "overriding_member",
        ] {
            if let Some(v) = o.get(key).filter(|v| !v.is_null()) {
                stored[key] = v.clone();
            }
        }
        sub_links(&mut stored, &format!("{id}/overrides/{oid}"));
        created.push(stored);
    }
    db.shift_overrides
        .entry(id.to_owned())
        .or_default()
        .extend(created.iter().cloned());
    (201, json!({ "overrides": created }))
}

/// `PUT` of a custom shift or an override: the given fields replace the stored ones.
fn update_part(db: &mut Db, id: &str, kind: &str, x: &str, body: &Value) -> Reply {
    let keys: &[&str] = if kind == "custom_shift" {
        &["start_time", "end_time", "assignments"]
    } else {
        &["start_time", "end_time", "overriding_member"]
    };
    let map = if kind == "custom_shift" {
        &db.custom_shifts
    } else {
        &db.shift_overrides
    };
    let Some(mut updated) = map
        .get(id)
        .and_then(|l| l.iter().find(|v| id_of(v) == x))
        .cloned()
    else {
        return not_found();
    };
    for key in keys {
        if let Some(v) = body.get(*key) {
            updated[*key] = v.clone();
        }
    }
    if kind == "custom_shift" {
        // The assignment keeps its ID.
        let aid = format!("{x}A");
        updated["assignments"] = json!([{"id": aid, "type": "shift_assignment",
            "member": updated["assignments"][0]["member"]}]);
    }
    let member = if kind == "custom_shift" {
        &updated["assignments"][0]["member"]
    } else {
        &updated["overriding_member"]
    };
    if let Err(reply) = check_times(kind, &updated).and_then(|()| check_member(db, member, kind)) {
        return reply;
    }
    let map = if kind == "custom_shift" {
        &mut db.custom_shifts
    } else {
        &mut db.shift_overrides
    };
    if let Some(slot) = map
        .get_mut(id)
        .and_then(|l| l.iter_mut().find(|v| id_of(v) == x))
    {
        *slot = updated.clone();
    }
    (200, json!({ kind: updated }))
}
