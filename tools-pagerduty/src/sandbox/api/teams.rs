//! Teams and their members.

use serde_json::{Value, json};

use super::super::seed::{object, ref_of};
use super::common::{Q, Reply, bad, id_of, matches_query, not_found, paginate, str_of};
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

/// A team name as PagerDuty checks it: not blank, unique.
fn name_problem(db: &Db, name: &str, except: &str) -> Option<Reply> {
    if name.trim().is_empty() {
        return Some(bad(&["Name can't be blank"]));
    }
    db.teams
        .iter()
        .any(|t| id_of(t) != except && str_of(t, "name").eq_ignore_ascii_case(name))
        .then(|| bad(&["Name has already been taken"]))
}

/// `POST /teams`.
pub(super) fn create(db: &mut Db, body: &Value) -> Reply {
    let t = &body["team"];
    let name = str_of(t, "name");
    if let Some(reply) = name_problem(db, name, "") {
        return reply;
    }
    let id = db.next("PTEAM");
    let mut team = object("team", &id, name);
    team.insert("name".into(), json!(name));
    team.insert(
        "description".into(),
        t.get("description").cloned().unwrap_or(Value::Null),
    );
    team.insert("parent".into(), Value::Null);
    let team = Value::Object(team);
    db.teams.push(team.clone());
    (201, json!({ "team": team }))
}

/// `PUT /teams/{id}`.
pub(super) fn update(db: &mut Db, id: &str, body: &Value) -> Reply {
    let t = &body["team"];
    let name = str_of(t, "name").to_owned();
    if !db.teams.iter().any(|x| id_of(x) == id) {
        return not_found();
    }
    if let Some(reply) = name_problem(db, &name, id) {
        return reply;
    }
    let Some(team) = db.teams.iter_mut().find(|x| id_of(x) == id) else {
        return not_found();
    };
    team["name"] = json!(name);
    team["summary"] = json!(name);
    if let Some(d) = t.get("description") {
        team["description"] = d.clone();
    }
    (200, json!({ "team": team }))
}

/// `DELETE /teams/{id}`: its members leave, and what it owns moves to
/// `reassignment_team` (or is left without a team).
pub(super) fn delete(db: &mut Db, id: &str, q: &Q<'_>) -> Reply {
    let heir = q.get("reassignment_team");
    if heir.is_some_and(|h| h == id || !db.teams.iter().any(|t| id_of(t) == h)) {
        return bad(&["reassignment_team must be another existing team"]);
    }
    let Some(i) = db.teams.iter().position(|t| id_of(t) == id) else {
        return not_found();
    };
    db.teams.remove(i);
    db.members.retain(|(t, _, _)| t != id);
    let heir_ref = heir.and_then(|h| db.teams.iter().find(|t| id_of(t) == h).map(ref_of));
    for list in [&mut db.services, &mut db.policies, &mut db.schedules] {
        for owned in list.iter_mut() {
            if let Some(teams) = owned["teams"].as_array_mut() {
                let before = teams.len();
                teams.retain(|t| id_of(t) != id);
                if teams.len() < before
                    && let Some(h) = &heir_ref
                    && !teams.iter().any(|t| id_of(t) == id_of(h))
                {
                    teams.push(h.clone());
                }
            }
        }
    }
    (204, Value::Null)
}

/// `PUT /teams/{id}/users/{user_id}`: adds the user, or changes their role.
pub(super) fn add_member(db: &mut Db, id: &str, user: &str, body: &Value) -> Reply {
    if !db.teams.iter().any(|t| id_of(t) == id) || !db.users.iter().any(|u| id_of(u) == user) {
        return not_found();
    }
    let role = body["role"].as_str().unwrap_or("manager");
    if !matches!(role, "observer" | "responder" | "manager") {
        return bad(&["role must be observer, responder or manager"]);
    }
    match db.members.iter_mut().find(|(t, u, _)| t == id && u == user) {
        Some(m) => m.2 = role.to_owned(),
        None => db
            .members
            .push((id.to_owned(), user.to_owned(), role.to_owned())),
    }
    (204, Value::Null)
}

/// `DELETE /teams/{id}/users/{user_id}`.
pub(super) fn remove_member(db: &mut Db, id: &str, user: &str) -> Reply {
    let before = db.members.len();
    db.members.retain(|(t, u, _)| !(t == id && u == user));
    if db.members.len() == before {
        return not_found();
    }
    (204, Value::Null)
}
