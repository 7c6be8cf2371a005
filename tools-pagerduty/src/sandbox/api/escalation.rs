//! Escalation policies.

use serde_json::{Value, json};

use super::super::seed::{object, ref_of};
use super::common::{Q, Reply, bad, has_ref, id_of, matches_query, not_found, paginate, str_of};
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

/// The policy's rules as stored: each target checked and named, each rule with an ID.
fn stored_rules(db: &mut Db, rules: &Value) -> Result<Vec<Value>, Reply> {
    let Some(rules) = rules.as_array().filter(|r| !r.is_empty()) else {
        return Err(bad(&["Escalation rules can't be empty"]));
    };
    let mut out = Vec::new();
    for rule in rules {
        let delay = rule["escalation_delay_in_minutes"].as_i64().unwrap_or(0);
        let targets = rule["targets"].as_array().cloned().unwrap_or_default();
        if delay < 1 || targets.is_empty() {
            return Err(bad(&["Each escalation rule needs a delay and targets"]));
        }
        let mut named = Vec::new();
        for t in &targets {
            let list = match str_of(t, "type") {
                "user_reference" | "user" => &db.users,
                "schedule_reference" | "schedule" => &db.schedules,
                _ => return Err(bad(&["Targets must be users or schedules"])),
            };
            match list.iter().find(|x| id_of(x) == id_of(t)) {
                Some(x) => named.push(ref_of(x)),
                None => return Err(bad(&["Targets must be existing users or schedules"])),
            }
        }
        let rid = db.next("PER");
        out.push(json!({"id": rid, "escalation_delay_in_minutes": delay, "targets": named}));
    }
    Ok(out)
}

/// `POST /escalation_policies`.
pub(super) fn create(db: &mut Db, body: &Value) -> Reply {
    let p = &body["escalation_policy"];
    let name = str_of(p, "name");
    if name.trim().is_empty() {
        return bad(&["Name can't be blank"]);
    }
    let rules = match stored_rules(db, &p["escalation_rules"]) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    let id = db.next("PEP");
    let mut policy = object("escalation_policy", &id, name);
    policy.insert("name".into(), json!(name));
    policy.insert(
        "description".into(),
        p.get("description").cloned().unwrap_or(Value::Null),
    );
    policy.insert(
        "num_loops".into(),
        p.get("num_loops").cloned().unwrap_or(json!(0)),
    );
    policy.insert(
        "on_call_handoff_notifications".into(),
        json!("if_has_services"),
    );
    policy.insert("escalation_rules".into(), json!(rules));
    policy.insert("services".into(), json!([]));
    let teams: Vec<Value> = p["teams"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| db.teams.iter().find(|x| id_of(x) == id_of(t)).map(ref_of))
        .collect();
    policy.insert("teams".into(), json!(teams));
    let policy = Value::Object(policy);
    db.policies.push(policy.clone());
    (201, json!({ "escalation_policy": policy }))
}

/// `PUT /escalation_policies/{id}`: changes name, description, repeats and rules.
pub(super) fn update(db: &mut Db, id: &str, body: &Value) -> Reply {
    let p = &body["escalation_policy"];
    if !db.policies.iter().any(|x| id_of(x) == id) {
        return not_found();
    }
    let rules = match p.get("escalation_rules") {
        Some(r) => match stored_rules(db, r) {
            Ok(r) => Some(r),
            Err(reply) => return reply,
        },
        None => None,
    };
    let Some(policy) = db.policies.iter_mut().find(|x| id_of(x) == id) else {
        return not_found();
    };
    if let Some(name) = p
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
    {
        policy["name"] = json!(name);
        policy["summary"] = json!(name);
    }
    for key in ["description", "num_loops"] {
        if let Some(v) = p.get(key) {
            policy[key] = v.clone();
        }
    }
    if let Some(rules) = rules {
        policy["escalation_rules"] = json!(rules);
    }
    (200, json!({ "escalation_policy": policy }))
}
