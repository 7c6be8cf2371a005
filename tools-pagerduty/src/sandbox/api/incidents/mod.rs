//! Incidents: the list, one incident, its alerts, notes and log entries; the
//! account's log entries. Writes are in `respond`, related and past incidents in
//! `insight`, the incident model (history, changes, creation) in `state`.

pub(super) mod insight;
pub(super) mod respond;
mod state;

use serde_json::{Value, json};

use super::common::{Q, Reply, has_ref, id_of, not_found, paginate, str_of};
use crate::sandbox::Db;

/// `GET /incidents`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let statuses = q.all("statuses");
    let urgencies = q.all("urgencies");
    let services = q.all("service_ids");
    let teams = q.all("team_ids");
    let users = q.all("user_ids");
    let since = q.get("since").unwrap_or_default();
    let until = q.get("until").unwrap_or_default();
    let mut items: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|i| statuses.is_empty() || statuses.contains(&str_of(i, "status")))
        .filter(|i| urgencies.is_empty() || urgencies.contains(&str_of(i, "urgency")))
        .filter(|i| services.is_empty() || services.contains(&id_of(&i["service"])))
        .filter(|i| teams.is_empty() || has_ref(i, "teams", &teams))
        .filter(|i| {
            users.is_empty()
                || i["assignments"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| users.contains(&id_of(&x["assignee"]))))
        })
        .filter(|i| since.is_empty() || str_of(i, "created_at") >= since)
        .filter(|i| until.is_empty() || str_of(i, "created_at") < until)
        .filter(|i| {
            q.get("incident_key")
                .is_none_or(|k| str_of(i, "incident_key") == k)
        })
        .collect();
    if q.get("sort_by") == Some("created_at:desc") {
        items.reverse();
    }
    paginate(items, "incidents", q)
}

/// `GET /incidents/{id}` (an ID or an incident number).
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match find_incident(db, id) {
        Some(i) => (200, json!({"incident": db.incidents[i]})),
        None => not_found(),
    }
}

/// `GET /incidents/{id}/alerts`.
pub(super) fn alerts(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let iid = id_of(&db.incidents[i]).to_owned();
    let statuses = q.all("statuses");
    let items = db
        .alerts
        .iter()
        .filter(|a| id_of(&a["incident"]) == iid)
        .filter(|a| statuses.is_empty() || statuses.contains(&str_of(a, "status")))
        .cloned()
        .collect();
    paginate(items, "alerts", q)
}

/// `GET /incidents/{id}/notes`.
pub(super) fn notes(db: &Db, id: &str) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let iid = id_of(&db.incidents[i]);
    (
        200,
        json!({"notes": db.notes.get(iid).cloned().unwrap_or_default()}),
    )
}

/// `GET /incidents/{id}/log_entries`.
pub(super) fn log_entries(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let iid = id_of(&db.incidents[i]).to_owned();
    let items = select_log_entries(db, q, |e| id_of(&e["incident"]) == iid);
    paginate(items, "log_entries", q)
}

/// `GET /log_entries`.
pub(super) fn all_log_entries(db: &Db, q: &Q<'_>) -> Reply {
    let teams = q.all("team_ids");
    let items = select_log_entries(db, q, |e| teams.is_empty() || has_ref(e, "teams", &teams));
    paginate(items, "log_entries", q)
}

fn select_log_entries(db: &Db, q: &Q<'_>, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    let overview = q.get("is_overview") == Some("true");
    let since = q.get("since").unwrap_or_default();
    let until = q.get("until").unwrap_or_default();
    let mut items: Vec<Value> = db
        .log_entries
        .iter()
        .filter(|e| keep(e))
        .filter(|e| !overview || str_of(e, "type") != "notify_log_entry")
        .filter(|e| since.is_empty() || str_of(e, "created_at") >= since)
        .filter(|e| until.is_empty() || str_of(e, "created_at") < until)
        .cloned()
        .collect();
    // Newest first; entries are stored oldest first.
    items.reverse();
    items
}

pub(super) fn find_incident(db: &Db, id: &str) -> Option<usize> {
    db.incidents.iter().position(|i| {
        id_of(i) == id
            || i["incident_number"]
                .as_u64()
                .is_some_and(|n| n.to_string() == id)
    })
}
