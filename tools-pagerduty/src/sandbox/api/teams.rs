//! Teams and their members.

use serde_json::json;

use super::super::seed::ref_of;
use super::common::{Q, Reply, id_of, matches_query, not_found, paginate};
use crate::sandbox::Db;

/// `GET /teams`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let items = db
        .teams
        .iter()
        .filter(|t| matches_query(t, q, &["name"]))
        .cloned()
        .collect();
    paginate(items, "teams", q)
}

/// `GET /teams/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.teams.iter().find(|t| id_of(t) == id) {
        Some(t) => (200, json!({"team": t})),
        None => not_found(),
    }
}

/// `GET /teams/{id}/members`.
pub(super) fn members(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    if !db.teams.iter().any(|t| id_of(t) == id) {
        return not_found();
    }
    let items = db
        .members
        .iter()
        .filter(|(t, _, _)| t == id)
        .filter_map(|(_, u, role)| {
            let user = db.users.iter().find(|x| id_of(x) == u)?;
            Some(json!({"user": ref_of(user), "role": role}))
        })
        .collect();
    paginate(items, "members", q)
}
