//! Users: the token's user, the list, one user and their contact methods and
//! notification rules.

use serde_json::{Value, json};

use super::common::{Q, Reply, has_ref, id_of, matches_query, not_found, paginate};
use crate::sandbox::{Db, error_body};

/// Answers `GET /users/me`: the token's user, or an error for an account-level token.
pub(super) fn me(db: &Db, q: &Q<'_>, me: &str, account_level: bool) -> Reply {
    if account_level {
        return (
            400,
            error_body(
                "Because this request was made using an account-level access token, we were unable to determine the user's identity. Please use a user-level token.",
                2500,
                &[],
            ),
        );
    }
    user(db, me, q)
}

/// `GET /users`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let teams = q.all("team_ids");
    let items = db
        .users
        .iter()
        .filter(|u| matches_query(u, q, &["name", "email"]))
        .filter(|u| teams.is_empty() || has_ref(u, "teams", &teams))
        .map(|u| expand_user(db, u, q))
        .collect();
    paginate(items, "users", q)
}

/// `GET /users/{id}`.
pub(super) fn get(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    user(db, id, q)
}

/// `GET /users/{id}/contact_methods`.
pub(super) fn contact_methods(db: &Db, id: &str) -> Reply {
    match db.contact_methods.get(id) {
        Some(c) => (200, json!({"contact_methods": c})),
        None => not_found(),
    }
}

/// `GET /users/{id}/notification_rules`.
pub(super) fn notification_rules(db: &Db, id: &str) -> Reply {
    match db.notification_rules.get(id) {
        Some(r) => (200, json!({"notification_rules": r})),
        None => not_found(),
    }
}

fn user(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    match db.users.iter().find(|u| id_of(u) == id) {
        Some(u) => (200, json!({"user": expand_user(db, u, q)})),
        None => not_found(),
    }
}

fn expand_user(db: &Db, u: &Value, q: &Q<'_>) -> Value {
    let mut u = u.clone();
    let id = id_of(&u).to_owned();
    if q.includes("contact_methods") {
        u["contact_methods"] = json!(db.contact_methods.get(&id).cloned().unwrap_or_default());
    }
    if q.includes("notification_rules") {
        u["notification_rules"] =
            json!(db.notification_rules.get(&id).cloned().unwrap_or_default());
    }
    u
}
