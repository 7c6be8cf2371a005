//! Services, with the status their incidents and maintenance windows give them.

use serde_json::{Value, json};

use super::super::seed::{object, ref_of};
use super::common::{
    Q, Reply, bad, has_ref, id_of, matches_query, not_found, now_s, paginate, str_of,
};
use crate::sandbox::Db;

/// `GET /services`, sorted by name.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let teams = q.all("team_ids");
    let mut items: Vec<Value> = db
        .services
        .iter()
        .filter(|s| matches_query(s, q, &["name"]))
        .filter(|s| teams.is_empty() || has_ref(s, "teams", &teams))
        .map(|s| service(db, s))
        .collect();
    items.sort_by(|a, b| str_of(a, "name").cmp(str_of(b, "name")));
    paginate(items, "services", q)
}

/// `GET /services/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.services.iter().find(|s| id_of(s) == id) {
        Some(s) => (200, json!({"service": service(db, s)})),
        None => not_found(),
    }
}

fn service(db: &Db, s: &Value) -> Value {
    let mut s = s.clone();
    let now = now_s();
    let in_maintenance = db.maintenance_windows.iter().any(|w| {
        has_ref(w, "services", &[id_of(&s)])
            && str_of(w, "start_time") <= now.as_str()
            && str_of(w, "end_time") > now.as_str()
    });
    if in_maintenance && str_of(&s, "status") != "disabled" {
        s["status"] = json!("maintenance");
    } else if str_of(&s, "status") != "disabled" {
        let open: Vec<&str> = db
            .incidents
            .iter()
            .filter(|i| i["service"]["id"] == s["id"])
            .map(|i| str_of(i, "status"))
            .collect();
        s["status"] = json!(if open.contains(&"triggered") {
            "critical"
        } else if open.contains(&"acknowledged") {
            "warning"
        } else {
            "active"
        });
    }
    s["last_incident_timestamp"] = db
        .incidents
        .iter()
        .filter(|i| i["service"]["id"] == s["id"])
        .map(|i| str_of(i, "created_at").to_owned())
        .max()
        .map_or(Value::Null, Value::String);
    s
}

/// Checks a service's name (not blank, unique), policy and teams; `except` is the
/// service being changed.
fn problem(db: &Db, s: &Value, except: &str) -> Option<Reply> {
    if let Some(name) = s.get("name") {
        let name = name.as_str().unwrap_or_default();
        if name.trim().is_empty() {
            return Some(bad(&["Name can't be blank"]));
        }
        if db
            .services
            .iter()
            .any(|x| id_of(x) != except && str_of(x, "name").eq_ignore_ascii_case(name))
        {
            return Some(bad(&["Name has already been taken"]));
        }
    }
    let policy = id_of(&s["escalation_policy"]);
    if !db.policies.iter().any(|p| id_of(p) == policy) {
        return Some(bad(&[
            "Escalation policy must be an existing escalation policy",
        ]));
    }
    let teams: Vec<&Value> = s["teams"].as_array().into_iter().flatten().collect();
    if teams
        .iter()
        .any(|t| !db.teams.iter().any(|x| id_of(x) == id_of(t)))
    {
        return Some(bad(&["Teams must be existing teams"]));
    }
    if s.get("status")
        .is_some_and(|st| !matches!(st.as_str(), Some("active" | "disabled")))
    {
        return Some(bad(&["Status must be active or disabled"]));
    }
    None
}

/// The reference of the policy or team `id`, with its name.
fn named_ref(list: &[Value], id: &str) -> Value {
    list.iter()
        .find(|x| id_of(x) == id)
        .map(ref_of)
        .unwrap_or(Value::Null)
}

/// `POST /services`.
pub(super) fn create(db: &mut Db, body: &Value) -> Reply {
    let s = &body["service"];
    if s.get("name").is_none() {
        return bad(&["Name can't be blank"]);
    }
    if let Some(reply) = problem(db, s, "") {
        return reply;
    }
    let id = db.next("PSVC");
    let name = str_of(s, "name");
    let mut new = object("service", &id, name);
    new.insert("name".into(), json!(name));
    new.insert(
        "description".into(),
        s.get("description").cloned().unwrap_or(Value::Null),
    );
    new.insert("status".into(), json!("active"));
    new.insert(
        "escalation_policy".into(),
        named_ref(&db.policies, id_of(&s["escalation_policy"])),
    );
    let teams: Vec<Value> = s["teams"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| named_ref(&db.teams, id_of(t)))
        .collect();
    new.insert("teams".into(), json!(teams));
    new.insert("created_at".into(), json!(now_s()));
    new.insert("last_incident_timestamp".into(), Value::Null);
    for (key, default) in [
        ("acknowledgement_timeout", 1800),
        ("auto_resolve_timeout", 14_400),
    ] {
        new.insert(key.into(), s.get(key).cloned().unwrap_or(json!(default)));
    }
    new.insert(
        "alert_creation".into(),
        json!("create_alerts_and_incidents"),
    );
    new.insert("integrations".into(), json!([]));
    let new = Value::Object(new);
    db.services.push(new.clone());
    (201, json!({ "service": service(db, &new) }))
}

/// `PUT /services/{id}`: changes the fields given.
pub(super) fn update(db: &mut Db, id: &str, body: &Value) -> Reply {
    let s = &body["service"];
    if !db.services.iter().any(|x| id_of(x) == id) {
        return not_found();
    }
    if let Some(reply) = problem(db, s, id) {
        return reply;
    }
    let policy = named_ref(&db.policies, id_of(&s["escalation_policy"]));
    let Some(stored) = db.services.iter_mut().find(|x| id_of(x) == id) else {
        return not_found();
    };
    for key in [
        "name",
        "description",
        "status",
        "acknowledgement_timeout",
        "auto_resolve_timeout",
    ] {
        if let Some(v) = s.get(key) {
            stored[key] = v.clone();
        }
    }
    if s.get("name").is_some() {
        stored["summary"] = s["name"].clone();
    }
    stored["escalation_policy"] = policy;
    let stored = stored.clone();
    (200, json!({ "service": service(db, &stored) }))
}
