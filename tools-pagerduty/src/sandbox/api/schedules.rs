//! Schedules: the list, one schedule rendered over a range, and overrides (the
//! schedules written through the API, with layers, in `schedule_layers`).

use serde_json::{Value, json};

use super::common::{Q, Reply, bad, has_ref, id_of, matches_query, not_found, paginate, str_of};
use super::schedule_layers;
use crate::sandbox::Db;

/// `GET /schedules`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let teams = q.all("team_ids");
    let items = db
        .schedules
        .iter()
        .filter(|s| matches_query(s, q, &["name"]))
        .filter(|s| teams.is_empty() || has_ref(s, "teams", &teams))
        .cloned()
        .collect();
    paginate(items, "schedules", q)
}

/// `GET /schedules/{id}`: with `since` and `until`, the rendered final schedule and
/// overrides (a seeded schedule's from the seeded on-calls); a v3 schedule's ID is a 400.
pub(super) fn get(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    if db.shift_schedules.iter().any(|s| id_of(s) == id) {
        // As PagerDuty: a shift-based schedule is not readable as a layered one.
        return bad(&["This is a shift-based schedule: read it with GET /v3/schedules/{id}"]);
    }
    match db.schedules.iter().find(|s| id_of(s) == id) {
        Some(s) => {
            let mut s = s.clone();
            let overrides = db.overrides.get(id).map(Vec::as_slice).unwrap_or_default();
            let window = q.get("since").zip(q.get("until"));
            let layered = window.is_some_and(|(since, until)| {
                schedule_layers::render(&mut s, overrides, since, until)
            });
            if let (false, Some((since, until))) = (layered, window) {
                let overlaps = |e: &Value| str_of(e, "start") < until && str_of(e, "end") > since;
                let overrides: Vec<Value> = db
                    .overrides
                    .get(id)
                    .map(|o| {
                        o.iter()
                            .filter(|e| overlaps(e))
                            .map(|e| json!({"start": e["start"], "end": e["end"], "user": e["user"]}))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut rendered: Vec<Value> = db
                    .oncalls
                    .iter()
                    .filter(|o| id_of(&o["schedule"]) == id && o["escalation_level"] == 1)
                    .filter(|o| overlaps(o))
                    .map(|o| json!({"start": o["start"], "end": o["end"], "user": o["user"]}))
                    .collect();
                rendered.extend(overrides.iter().cloned());
                rendered.sort_by(|a, b| str_of(a, "start").cmp(str_of(b, "start")));
                s["final_schedule"] = json!({"name": "Final Schedule", "rendered_schedule_entries": rendered, "rendered_coverage_percentage": 100.0});
                s["overrides_subschedule"] =
                    json!({"name": "Overrides", "rendered_schedule_entries": overrides});
            }
            (200, json!({"schedule": s}))
        }
        None => not_found(),
    }
}

/// `POST /schedules/{id}/overrides`: one result per override.
pub(super) fn create_overrides(db: &mut Db, id: &str, body: &Value) -> Reply {
    if !db.schedules.iter().any(|s| id_of(s) == id) {
        return not_found();
    }
    let Some(list) = body.get("overrides").and_then(Value::as_array) else {
        return bad(&["overrides is required"]);
    };
    let mut out = Vec::new();
    for o in list {
        let (start, end) = (str_of(o, "start"), str_of(o, "end"));
        let uid = id_of(&o["user"]);
        let mut created = json!({"start": start, "end": end, "user": db.user_ref(uid)});
        if !db.users.iter().any(|u| id_of(u) == uid) {
            out.push(json!({"status": 400, "errors": ["User not found"], "override": created}));
        } else if start.ends_with('Z') && end.ends_with('Z') && end <= start {
            out.push(json!({"status": 400, "errors": ["Override must end after its start"], "override": created}));
        } else {
            created["id"] = json!(db.next("QOVR"));
            db.overrides
                .entry(id.to_owned())
                .or_default()
                .push(created.clone());
            out.push(json!({"status": 201, "override": created}));
        }
    }
    (201, Value::Array(out))
}
