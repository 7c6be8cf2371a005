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
