//! Status pages: the pages, their severities, impacts, statuses, posts and post updates.

use serde_json::{Value, json};

use super::common::{Q, Reply, id_of, not_found, paginate, str_of};
use crate::sandbox::Db;

/// `GET /status_pages`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let kind = q.get("status_page_type");
    let items: Vec<&Value> = db
        .status_pages
        .iter()
        .filter(|p| kind.is_none_or(|k| str_of(p, "status_page_type") == k))
        .collect();
    paginate(items, "status_pages", q)
}

/// The records of page `id` in `items`, by `post_type` when asked.
fn of_page<'a>(items: &'a [Value], id: &str, q: &Q<'_>) -> Vec<&'a Value> {
    let kind = q.get("post_type");
    items
        .iter()
        .filter(|v| id_of(&v["status_page"]) == id)
        .filter(|v| kind.is_none_or(|k| str_of(v, "post_type") == k))
        .collect()
}

/// `GET /status_pages/{id}/{severities|impacts|statuses|posts}[/{item}]`.
pub(super) fn get(db: &Db, segs: &[&str], q: &Q<'_>) -> Reply {
    let Some(page) = segs.get(1) else {
        return not_found();
    };
    if !db.status_pages.iter().any(|p| id_of(p) == *page) {
        return not_found();
    }
    let (items, key, one) = match segs.get(2) {
        Some(&"severities") => (&db.status_page_severities, "severities", "severity"),
        Some(&"impacts") => (&db.status_page_impacts, "impacts", "impact"),
        Some(&"statuses") => (&db.status_page_statuses, "statuses", "status"),
        Some(&"posts") => (&db.status_page_posts, "posts", "post"),
        _ => return not_found(),
    };
    let mine = of_page(items, page, q);
    match &segs[3..] {
        [] => paginate(mine, key, q),
        [item] => match mine.iter().find(|v| id_of(v) == *item) {
            Some(v) => (200, json!({ one: v })),
            None => not_found(),
        },
        [post, "post_updates", rest @ ..] if key == "posts" => {
            if !mine.iter().any(|v| id_of(v) == *post) {
                return not_found();
            }
            let updates: Vec<&Value> = db
                .status_page_post_updates
                .iter()
                .filter(|u| id_of(&u["post"]) == *post)
                .collect();
            match rest {
                [] => paginate(updates, "post_updates", q),
                [u] => match updates.iter().find(|v| id_of(v) == *u) {
                    Some(v) => (200, json!({"post_update": v})),
                    None => not_found(),
                },
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}
