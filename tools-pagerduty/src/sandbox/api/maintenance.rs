//! Maintenance windows.

use serde_json::{Value, json};

use super::super::seed::{object, ref_of};
use super::common::{Q, Reply, bad, has_ref, id_of, now_s, paginate, str_of};
use crate::sandbox::Db;

/// `GET /maintenance_windows`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let services = q.all("service_ids");
    let now = now_s();
    let filter = q.get("filter").unwrap_or("all");
    let items = db
        .maintenance_windows
        .iter()
        .filter(|w| services.is_empty() || services.iter().any(|s| has_ref(w, "services", &[s])))
        .filter(|w| {
            let (start, end) = (str_of(w, "start_time"), str_of(w, "end_time"));
            match filter {
                "ongoing" => start <= now.as_str() && end > now.as_str(),
                "future" => start > now.as_str(),
                "past" => end <= now.as_str(),
                "open" => end > now.as_str(),
                _ => true,
            }
        })
        .cloned()
        .collect();
    paginate(items, "maintenance_windows", q)
}

/// `POST /maintenance_windows`.
pub(super) fn create(db: &mut Db, body: &Value, actor: &str) -> Reply {
    let w = &body["maintenance_window"];
    let (start, end) = (str_of(w, "start_time"), str_of(w, "end_time"));
    if start.is_empty() || end.is_empty() {
        return bad(&["start_time and end_time are required"]);
    }
    if start.ends_with('Z') && end.ends_with('Z') && end <= start {
        return bad(&["End time must be after start time"]);
    }
    let mut services = Vec::new();
    for s in w["services"].as_array().cloned().unwrap_or_default() {
        match db.services.iter().find(|x| id_of(x) == id_of(&s)) {
            Some(svc) => services.push(ref_of(svc)),
            None => return bad(&["Service not found"]),
        }
    }
    if services.is_empty() {
        return bad(&["At least one service is required"]);
    }
    let id = db.next("PMW");
    let description = str_of(w, "description").to_owned();
    let mut window = object("maintenance_window", &id, &description);
    window.insert(
        "sequence_number".into(),
        json!(db.maintenance_windows.len() + 1),
    );
    window.insert("start_time".into(), json!(start));
    window.insert("end_time".into(), json!(end));
    window.insert("description".into(), json!(description));
    window.insert("services".into(), json!(services));
    window.insert("teams".into(), json!([]));
    window.insert("created_by".into(), db.user_ref(actor));
    let window = Value::Object(window);
    db.maintenance_windows.push(window.clone());
    (201, json!({"maintenance_window": window}))
}
