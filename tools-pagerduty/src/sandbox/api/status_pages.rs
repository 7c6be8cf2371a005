//! Status pages: the pages, their severities, impacts, statuses, posts and post updates.

use serde_json::{Value, json};

use super::common::{Q, Reply, bad, id_of, not_found, now_s, paginate, str_of};
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

/// Checks a post update's status, severity and impacts against page `page`'s choices,
/// and returns the stored update (ID `uid`) of post `post`.
fn new_update(db: &Db, page: &str, post: &str, uid: &str, u: &Value) -> Result<Value, Reply> {
    let choice = |items: &[Value], v: &Value| {
        let id = id_of(v);
        items
            .iter()
            .any(|c| id_of(c) == id && id_of(&c["status_page"]) == page)
    };
    if str_of(u, "message").trim().is_empty() {
        return Err(bad(&["post_update.message can't be blank"]));
    }
    if !choice(&db.status_page_statuses, &u["status"]) {
        return Err(bad(&[
            "post_update.status is not a status of this status page",
        ]));
    }
    if !choice(&db.status_page_severities, &u["severity"]) {
        return Err(bad(&[
            "post_update.severity is not a severity of this status page",
        ]));
    }
    let impacts = u["impacted_services"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if impacts
        .iter()
        .any(|i| !choice(&db.status_page_impacts, &i["impact"]) || id_of(&i["service"]).is_empty())
    {
        return Err(bad(&[
            "impacted_services need a service and an impact of this status page",
        ]));
    }
    Ok(json!({
        "id": uid,
        "type": "status_page_post_update",
        "self": format!("https://api.pagerduty.com/status_pages/{page}/posts/{post}/post_updates/{uid}"),
        "post": {"id": post, "type": "status_page_post"},
        "message": u["message"],
        "reviewed_status": "approved",
        "status": {"id": id_of(&u["status"]), "type": "status_page_status"},
        "severity": {"id": id_of(&u["severity"]), "type": "status_page_severity"},
        "impacted_services": impacts,
        "update_frequency_ms": u.get("update_frequency_ms").cloned().unwrap_or(Value::Null),
        "notify_subscribers": u["notify_subscribers"].as_bool().unwrap_or(false),
        "reported_at": u.get("reported_at").filter(|r| r.is_string()).cloned().unwrap_or_else(|| json!(now_s())),
    }))
}

/// `POST /status_pages/{id}/posts`: a post with its first update.
pub(super) fn create_post(db: &mut Db, page: &str, body: &Value) -> Reply {
    if !db.status_pages.iter().any(|p| id_of(p) == page) {
        return not_found();
    }
    let p = &body["post"];
    let kind = str_of(p, "post_type");
    if str_of(p, "title").trim().is_empty() || !matches!(kind, "incident" | "maintenance") {
        return bad(&["post.title and post.post_type (incident or maintenance) are required"]);
    }
    if kind == "maintenance" && (p["starts_at"].is_null() || p["ends_at"].is_null()) {
        return bad(&["A maintenance post needs starts_at and ends_at"]);
    }
    let Some(first) = p["updates"].as_array().and_then(|u| u.first()) else {
        return bad(&["post.updates must hold the first update"]);
    };
    let post = db.next("PSPP");
    let uid = db.next("PSPU");
    let update = match new_update(db, page, &post, &uid, first) {
        Ok(u) => u,
        Err(reply) => return reply,
    };
    let stored = json!({
        "id": post,
        "type": "status_page_post",
        "self": format!("https://api.pagerduty.com/status_pages/{page}/posts/{post}"),
        "post_type": kind,
        "status_page": {"id": page, "type": "status_page"},
        "title": p["title"],
        "starts_at": p.get("starts_at").filter(|s| s.is_string()).cloned().unwrap_or_else(|| json!(now_s())),
        "ends_at": p.get("ends_at").cloned().unwrap_or(Value::Null),
        "updates": [{"id": uid, "type": "status_page_post_update"}],
    });
    let mut answer = stored.clone();
    answer["updates"] = json!([update]);
    db.status_page_posts.push(stored);
    db.status_page_post_updates.push(update);
    (201, json!({ "post": answer }))
}

/// `POST /status_pages/{id}/posts/{post_id}/post_updates`.
pub(super) fn create_post_update(db: &mut Db, page: &str, post: &str, body: &Value) -> Reply {
    let Some(i) = db
        .status_page_posts
        .iter()
        .position(|p| id_of(p) == post && id_of(&p["status_page"]) == page)
    else {
        return not_found();
    };
    let uid = db.next("PSPU");
    let update = match new_update(db, page, post, &uid, &body["post_update"]) {
        Ok(u) => u,
        Err(reply) => return reply,
    };
    if let Some(refs) = db.status_page_posts[i]["updates"].as_array_mut() {
        refs.push(json!({"id": uid, "type": "status_page_post_update"}));
    }
    db.status_page_post_updates.push(update.clone());
    (201, json!({ "post_update": update }))
}
