//! Escalation policies.

use serde_json::json;

use super::common::{Q, Reply, has_ref, id_of, matches_query, not_found, paginate};
use crate::sandbox::Db;

/// `GET /escalation_policies`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let teams = q.all("team_ids");
    let users = q.all("user_ids");
    let items = db
        .policies
        .iter()
        .filter(|p| matches_query(p, q, &["name"]))
        .filter(|p| teams.is_empty() || has_ref(p, "teams", &teams))
        .filter(|p| {
            users.is_empty()
                || db.oncalls.iter().any(|o| {
                    o["escalation_policy"]["id"] == p["id"] && users.contains(&id_of(&o["user"]))
                })
        })
        .cloned()
        .collect();
    paginate(items, "escalation_policies", q)
}

/// `GET /escalation_policies/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.policies.iter().find(|p| id_of(p) == id) {
        Some(p) => (200, json!({"escalation_policy": p})),
        None => not_found(),
    }
}
