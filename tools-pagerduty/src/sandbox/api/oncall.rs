//! On-call entries.

use super::common::{Q, Reply, id_of, now_s, paginate, str_of};
use crate::sandbox::Db;

/// `GET /oncalls`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let eps = q.all("escalation_policy_ids");
    let schedules = q.all("schedule_ids");
    let users = q.all("user_ids");
    let now = now_s();
    let since = q.get("since").map(str::to_owned).unwrap_or(now.clone());
    let until = q.get("until").map(str::to_owned).unwrap_or(now);
    let items = db
        .oncalls
        .iter()
        .filter(|o| eps.is_empty() || eps.contains(&id_of(&o["escalation_policy"])))
        .filter(|o| schedules.is_empty() || schedules.contains(&id_of(&o["schedule"])))
        .filter(|o| users.is_empty() || users.contains(&id_of(&o["user"])))
        .filter(|o| {
            // Overlaps [since, until]; permanent entries always do.
            let (start, end) = (str_of(o, "start"), str_of(o, "end"));
            (start.is_empty() || start <= until.as_str())
                && (end.is_empty() || end > since.as_str())
        })
        .cloned()
        .collect();
    paginate(items, "oncalls", q)
}
