//! Alert grouping settings, with PagerDuty's cursor pagination (`after`, `before`).

use serde_json::{Value, json};

use super::common::{Q, Reply, bad, has_ref, id_of, not_found, now_s, str_of};
use crate::sandbox::Db;

/// `GET /alert_grouping_settings`: pages by cursor; a cursor is the ID of the last
/// setting of the page before.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let services = q.all("service_ids");
    let items: Vec<&Value> = db
        .alert_grouping_settings
        .iter()
        .filter(|s| services.is_empty() || has_ref(s, "services", &services))
        .collect();
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 100);
    let start = match q.get("after") {
        Some(cursor) => match items.iter().position(|s| id_of(s) == cursor) {
            Some(i) => i + 1,
            None => return bad(&["The cursor `after` is not valid."]),
        },
        None => 0,
    };
    let page: Vec<&Value> = items.iter().skip(start).take(limit).copied().collect();
    let end = start + page.len();
    let after = (end < items.len()).then(|| page.last().map(|s| id_of(s).to_owned()));
    let before = (start > 0).then(|| page.first().map(|s| id_of(s).to_owned()));
    let total = (q.get("total") == Some("true")).then_some(items.len());
    (
        200,
        json!({
            "alert_grouping_settings": page,
            "after": after.flatten(),
            "before": before.flatten(),
            "limit": limit,
            "total": total,
        }),
    )
}

/// `GET /alert_grouping_settings/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.alert_grouping_settings.iter().find(|s| id_of(s) == id) {
        Some(s) => (200, json!({"alert_grouping_setting": s})),
        None => not_found(),
    }
}

/// Checks a setting's type, config and services; `except` is the setting being
/// changed (its own services are not taken).
fn problem(db: &Db, s: &Value, except: &str) -> Option<Reply> {
    let config = &s["config"];
    let ok = match str_of(s, "type") {
        "time" => config["timeout"]
            .as_i64()
            .is_some_and(|t| (1..=1440).contains(&t)),
        "intelligent" => config["time_window"].is_i64(),
        "content_based" | "content_based_intelligent" => {
            config["fields"].as_array().is_some_and(|f| !f.is_empty())
                && matches!(str_of(config, "aggregate"), "all" | "any")
        }
        _ => false,
    };
    if !ok {
        return Some(bad(&[
            "type and config do not make a valid alert grouping setting",
        ]));
    }
    let services: Vec<&str> = s["services"]
        .as_array()
        .into_iter()
        .flatten()
        .map(id_of)
        .collect();
    if services.is_empty()
        || services
            .iter()
            .any(|id| !db.services.iter().any(|x| id_of(x) == *id))
    {
        return Some(bad(&["services must name existing services"]));
    }
    db.alert_grouping_settings
        .iter()
        .any(|other| id_of(other) != except && has_ref(other, "services", &services))
        .then(|| bad(&["A service can have only one alert grouping setting"]))
}

/// `POST /alert_grouping_settings`.
pub(super) fn create(db: &mut Db, body: &Value) -> Reply {
    let s = &body["alert_grouping_setting"];
    if let Some(reply) = problem(db, s, "") {
        return reply;
    }
    let id = db.next("PAGS");
    let now = now_s();
    let stored = json!({
        "id": id,
        "name": s["name"],
        "description": s.get("description").cloned().unwrap_or(Value::Null),
        "type": s["type"],
        "config": s["config"],
        "services": s["services"],
        "created_at": now,
        "updated_at": now,
    });
    db.alert_grouping_settings.push(stored.clone());
    (201, json!({ "alert_grouping_setting": stored }))
}

/// `PUT /alert_grouping_settings/{id}`: replaces name, type, config and services.
pub(super) fn update(db: &mut Db, id: &str, body: &Value) -> Reply {
    let s = &body["alert_grouping_setting"];
    if !db.alert_grouping_settings.iter().any(|x| id_of(x) == id) {
        return not_found();
    }
    if let Some(reply) = problem(db, s, id) {
        return reply;
    }
    let Some(stored) = db
        .alert_grouping_settings
        .iter_mut()
        .find(|x| id_of(x) == id)
    else {
        return not_found();
    };
    for key in ["name", "type", "config", "services"] {
        stored[key] = s[key].clone();
    }
    stored["updated_at"] = json!(now_s());
    (200, json!({ "alert_grouping_setting": stored }))
}

/// `DELETE /alert_grouping_settings/{id}`.
pub(super) fn delete(db: &mut Db, id: &str) -> Reply {
    let before = db.alert_grouping_settings.len();
    db.alert_grouping_settings.retain(|s| id_of(s) != id);
    if db.alert_grouping_settings.len() == before {
        return not_found();
    }
    (204, Value::Null)
}
