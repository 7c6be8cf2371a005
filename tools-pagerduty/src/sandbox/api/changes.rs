//! Change events.

use serde_json::Value;

use super::common::{Q, Reply, has_ref, id_of, not_found, paginate, str_of};
use crate::sandbox::Db;

/// `GET /change_events`, newest first.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    changes(db, q, None)
}

/// `GET /services/{id}/change_events`: the changes that touched the service, newest first.
pub(super) fn of_service(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    if !db.services.iter().any(|s| id_of(s) == id) {
        return not_found();
    }
    changes(db, q, Some(id))
}

fn changes(db: &Db, q: &Q<'_>, service: Option<&str>) -> Reply {
    let teams = q.all("team_ids");
    let integrations = q.all("integration_ids");
    let (since, until) = (q.get("since"), q.get("until"));
    let mut items: Vec<Value> = db
        .change_events
        .iter()
        .filter(|c| since.is_none_or(|t| str_of(c, "timestamp") >= t))
        .filter(|c| until.is_none_or(|t| str_of(c, "timestamp") < t))
        .filter(|c| service.is_none_or(|s| has_ref(c, "services", &[s])))
        .filter(|c| integrations.is_empty() || integrations.contains(&id_of(&c["integration"])))
        .filter(|c| {
            teams.is_empty()
                || c["services"].as_array().into_iter().flatten().any(|svc| {
                    db.services
                        .iter()
                        .any(|x| id_of(x) == id_of(svc) && has_ref(x, "teams", &teams))
                })
        })
        .cloned()
        .collect();
    items.sort_by(|a, b| str_of(b, "timestamp").cmp(str_of(a, "timestamp")));
    paginate(items, "change_events", q)
}
