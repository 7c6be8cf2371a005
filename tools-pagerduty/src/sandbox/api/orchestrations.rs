//! Event orchestrations and their rule paths (global, router, unrouted, service).

use serde_json::{Value, json};

use super::common::{Q, Reply, bad, id_of, not_found, now_s, paginate};
use crate::sandbox::Db;

/// `GET /event_orchestrations`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    paginate(db.orchestrations.iter().collect(), "orchestrations", q)
}

/// `GET /event_orchestrations/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.orchestrations.iter().find(|o| id_of(o) == id) {
        Some(o) => (200, json!({"orchestration": o})),
        None => not_found(),
    }
}

/// `GET /event_orchestrations/{id}/{global|router|unrouted}` and
/// `GET /event_orchestrations/services/{service_id}`.
pub(super) fn path(db: &Db, key: &str) -> Reply {
    match db.orchestration_paths.get(key) {
        Some(p) => (200, p.clone()),
        None => not_found(),
    }
}

/// `GET /event_orchestrations/services/{service_id}/active`.
pub(super) fn active(db: &Db, service: &str) -> Reply {
    if !db.services.iter().any(|s| id_of(s) == service) {
        return not_found();
    }
    (200, json!({"active": true}))
}

/// `PUT /event_orchestrations/{id}/router`: replaces the router's rules (and catch-all)
/// as `actor`. A rule without an ID gets one; a rule must route to a known service.
pub(super) fn put_router(db: &mut Db, id: &str, body: &Value, actor: &str) -> Reply {
    let key = format!("{id}/router");
    if !db.orchestration_paths.contains_key(&key) {
        return not_found();
    }
    let new = &body["orchestration_path"];
    let Some(sets) = new["sets"].as_array().filter(|s| s.len() == 1) else {
        return bad(&["orchestration_path.sets must hold exactly one set"]);
    };
    let mut sets = sets.clone();
    let mut taken: Vec<String> = sets[0]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| id_of(r).to_owned())
        .collect();
    for rule in sets[0]["rules"].as_array_mut().into_iter().flatten() {
        let target = rule["actions"]["route_to"].as_str().unwrap_or_default();
        if !db.services.iter().any(|s| id_of(s) == target) {
            return bad(&["Rule actions.route_to must be the ID of an existing service"]);
        }
        if rule["conditions"].as_array().is_none_or(|c| c.is_empty()) {
            return bad(&["Rule conditions must not be empty"]);
        }
        if id_of(rule).is_empty() {
            let mut n = taken.len() + 1;
            while taken.contains(&format!("{id}r{n}")) {
                n += 1;
            }
            taken.push(format!("{id}r{n}"));
            rule["id"] = json!(format!("{id}r{n}"));
        }
    }
    let user = db.user_ref(if actor.is_empty() { "PUSR001" } else { actor });
    let Some(path) = db
        .orchestration_paths
        .get_mut(&key)
        .map(|p| &mut p["orchestration_path"])
    else {
        return not_found();
    };
    path["sets"] = Value::Array(sets);
    if new["catch_all"].is_object() {
        path["catch_all"] = new["catch_all"].clone();
    }
    let version = path["version"]
        .as_str()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    path["version"] = json!((version + 1).to_string());
    path["updated_at"] = json!(now_s());
    path["updated_by"] = user;
    (200, json!({"orchestration_path": path.clone()}))
}
