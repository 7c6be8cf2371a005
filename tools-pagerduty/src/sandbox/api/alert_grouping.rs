//! Alert grouping settings, with PagerDuty's cursor pagination (`after`, `before`).

use serde_json::{Value, json};

use super::common::{Q, Reply, bad, has_ref, id_of, not_found};
use crate::sandbox::Db;

/// `GET /alert_grouping_settings`: pages by cursor; a cursor is the ID of the last
/// setting of the page before.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let services = q.all("service_ids");
    let items: Vec<&Value> = db
        .alert_grouping_settings
        .iter()
        .filter(|s| services.is_empty() || has_ref(s, "services", &services))
        .collect();
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(100)
        .clamp(1, 100);
    let start = match q.get("after") {
        Some(cursor) => match items.iter().position(|s| id_of(s) == cursor) {
            Some(i) => i + 1,
            None => return bad(&["The cursor `after` is not valid."]),
        },
        None => 0,
    };
    let page: Vec<&Value> = items.iter().skip(start).take(limit).copied().collect();
    let end = start + page.len();
    let after = (end < items.len()).then(|| page.last().map(|s| id_of(s).to_owned()));
    let before = (start > 0).then(|| page.first().map(|s| id_of(s).to_owned()));
    let total = (q.get("total") == Some("true")).then_some(items.len());
    (
        200,
        json!({
            "alert_grouping_settings": page,
            "after": after.flatten(),
            "before": before.flatten(),
            "limit": limit,
            "total": total,
        }),
    )
}

/// `GET /alert_grouping_settings/{id}`.
pub(super) fn get(db: &Db, id: &str) -> Reply {
    match db.alert_grouping_settings.iter().find(|s| id_of(s) == id) {
        Some(s) => (200, json!({"alert_grouping_setting": s})),
        None => not_found(),
    }
}
