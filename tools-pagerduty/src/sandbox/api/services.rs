//! Services, with the status their incidents and maintenance windows give them.

use serde_json::{Value, json};

use super::common::{Q, Reply, has_ref, id_of, matches_query, not_found, now_s, paginate, str_of};
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
