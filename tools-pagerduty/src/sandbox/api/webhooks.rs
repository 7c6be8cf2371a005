//! Webhook subscriptions and extension schemas.

use serde_json::{Value, json};

use super::common::{Q, Reply, bad, id_of, not_found, paginate, str_of};
use crate::sandbox::Db;

/// `GET /webhook_subscriptions`, by `filter_type` and `filter_id` when asked.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let kind = q.get("filter_type");
    let id = q.get("filter_id");
    if id.is_some() && kind.is_none() {
        return bad(&["filter_id needs filter_type"]);
    }
    let items: Vec<&Value> = db
        .webhook_subscriptions
        .iter()
        .filter(|w| kind.is_none_or(|k| str_of(&w["filter"], "type") == format!("{k}_reference")))
        .filter(|w| id.is_none_or(|i| id_of(&w["filter"]) == i))
        .collect();
    paginate(items, "webhook_subscriptions", q)
}

/// `GET /webhook_subscriptions/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.webhook_subscriptions.iter().find(|w| id_of(w) == id) {
        Some(w) => (200, json!({"webhook_subscription": w})),
        None => not_found(),
    }
}

/// `GET /extension_schemas`.
pub(super) fn schemas(db: &Db, q: &Q<'_>) -> Reply {
    paginate(
        db.extension_schemas.iter().collect(),
        "extension_schemas",
        q,
    )
}

/// `GET /extension_schemas/{id}`.
pub(super) fn schema(db: &Db, id: &str) -> Reply {
    match db.extension_schemas.iter().find(|w| id_of(w) == id) {
        Some(w) => (200, json!({"extension_schema": w})),
        None => not_found(),
    }
}

/// Whether a filter names the account, or a service or team that exists.
fn filter_ok(db: &Db, filter: &Value) -> bool {
    let id = id_of(filter);
    match str_of(filter, "type") {
        "account_reference" => true,
        "service_reference" => db.services.iter().any(|s| id_of(s) == id),
        "team_reference" => db.teams.iter().any(|t| id_of(t) == id),
        _ => false,
    }
}

fn events_ok(events: &Value) -> bool {
    events.as_array().is_some_and(|e| {
        !e.is_empty()
            && e.iter()
                .all(|x| x.as_str().is_some_and(|s| s.contains('.')))
    })
}

/// `POST /webhook_subscriptions`.
pub(super) fn create(db: &mut Db, body: &Value) -> Reply {
    let w = &body["webhook_subscription"];
    let url = str_of(&w["delivery_method"], "url");
    if !url.starts_with("https://") {
        return bad(&["delivery_method.url must be an https URL"]);
    }
    if !events_ok(&w["events"]) {
        return bad(&["events must list event types such as incident.triggered"]);
    }
    if !filter_ok(db, &w["filter"]) {
        return bad(&["filter must be the account, or an existing service or team"]);
    }
    let id = db.next("PWHS");
    let stored = json!({
        "id": id,
        "type": "webhook_subscription",
        "active": w["active"].as_bool().unwrap_or(true),
        "delivery_method": {
            "id": format!("{id}-dm"),
            "secret": null,
            "temporarily_disabled": false,
            "type": "http_delivery_method",
            "url": url,
            "custom_headers": [],
        },
        "description": w.get("description").cloned().unwrap_or(Value::Null),
        "events": w["events"],
        "filter": w["filter"],
    });
    db.webhook_subscriptions.push(stored.clone());
    (200, json!({ "webhook_subscription": stored }))
}

/// `PUT /webhook_subscriptions/{id}`: changes the fields given.
pub(super) fn update(db: &mut Db, id: &str, body: &Value) -> Reply {
    let changes = &body["webhook_subscription"];
    if changes.get("events").is_some() && !events_ok(&changes["events"]) {
        return bad(&["events must list event types such as incident.triggered"]);
    }
    if changes.get("filter").is_some() && !filter_ok(db, &changes["filter"]) {
        return bad(&["filter must be the account, or an existing service or team"]);
    }
    let Some(w) = db.webhook_subscriptions.iter_mut().find(|w| id_of(w) == id) else {
        return not_found();
    };
    for key in ["events", "filter", "active", "description"] {
        if let Some(v) = changes.get(key) {
            w[key] = v.clone();
        }
    }
    (200, json!({ "webhook_subscription": w }))
}

/// `DELETE /webhook_subscriptions/{id}`.
pub(super) fn delete(db: &mut Db, id: &str) -> Reply {
    let before = db.webhook_subscriptions.len();
    db.webhook_subscriptions.retain(|w| id_of(w) != id);
    if db.webhook_subscriptions.len() == before {
        return not_found();
    }
    (204, Value::Null)
}
