//! Event orchestrations and their rule paths (global, router, unrouted, service).

use serde_json::json;

use super::common::{Q, Reply, id_of, not_found, paginate};
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
