//! What the resources' handlers share: the reply type, query access, errors,
//! pagination, and the `Db` lookups every resource uses.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::{Map, Value};

use super::super::seed::{at, ref_of, reference};
use super::super::{Db, error_body};

/// A reply: the HTTP status and the JSON body.
pub(super) type Reply = (u16, Value);

pub(super) fn read(db: &RwLock<Db>) -> RwLockReadGuard<'_, Db> {
    db.read().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn write_lock(db: &RwLock<Db>) -> RwLockWriteGuard<'_, Db> {
    db.write().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

pub(super) fn now_s() -> String {
    at(now(), 0)
}

/// The query string's pairs, in order.
pub(super) struct Q<'a>(pub(super) &'a [(String, String)]);

impl Q<'_> {
    pub(super) fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub(super) fn all(&self, k: &str) -> Vec<&str> {
        let key = format!("{k}[]");
        self.0
            .iter()
            .filter(|(x, _)| *x == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub(super) fn includes(&self, v: &str) -> bool {
        self.all("include").contains(&v)
    }
}

pub(super) fn bad(errors: &[&str]) -> Reply {
    (400, error_body("Invalid Input Provided", 2001, errors))
}

pub(super) fn not_found() -> Reply {
    (404, error_body("Not Found", 2100, &[]))
}

pub(super) fn id_of(v: &Value) -> &str {
    v.get("id").and_then(Value::as_str).unwrap_or_default()
}

pub(super) fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or_default()
}

/// Classic pagination, as PagerDuty does it.
pub(super) fn paginate<T: std::borrow::Borrow<Value>>(
    items: Vec<T>,
    key: &str,
    q: &Q<'_>,
) -> Reply {
    let limit = q
        .get("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    let offset = q
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    if offset + limit > 10_000 {
        return bad(&["Offset + limit must be less than or equal to 10000"]);
    }
    let total = items.len();
    let page: Vec<Value> = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|v| v.borrow().clone())
        .collect();
    let more = offset + page.len() < total;
    let total = (q.get("total") == Some("true")).then_some(total);
    // Built by hand: `json!` would serialise `page` into a second deep copy.
    let mut body = Map::with_capacity(5);
    body.insert(key.to_owned(), Value::Array(page));
    body.insert("limit".into(), limit.into());
    body.insert("offset".into(), offset.into());
    body.insert("more".into(), more.into());
    body.insert("total".into(), total.into());
    (200, Value::Object(body))
}

pub(super) fn matches_query(v: &Value, q: &Q<'_>, fields: &[&str]) -> bool {
    match q.get("query") {
        Some(query) if !query.is_empty() => {
            let query = query.to_lowercase();
            fields
                .iter()
                .any(|f| str_of(v, f).to_lowercase().contains(&query))
        }
        _ => true,
    }
}

pub(super) fn has_ref(v: &Value, key: &str, ids: &[&str]) -> bool {
    v.get(key)
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|r| ids.contains(&id_of(r))))
}

/// Seconds between two RFC 3339 times.
pub(super) fn seconds_between(from: &str, to: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let from = time::OffsetDateTime::parse(from, &Rfc3339).ok()?;
    let to = time::OffsetDateTime::parse(to, &Rfc3339).ok()?;
    Some((to - from).whole_seconds())
}

impl Db {
    pub(super) fn next(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{:05}", self.next_id)
    }

    pub(super) fn user_ref(&self, id: &str) -> Value {
        self.users
            .iter()
            .find(|u| id_of(u) == id)
            .map(ref_of)
            .unwrap_or_else(|| reference("user", id, id))
    }

    pub(super) fn oncall_users(&self, policy: &str, level: u64) -> Vec<String> {
        let now = now_s();
        self.oncalls
            .iter()
            .filter(|o| id_of(&o["escalation_policy"]) == policy && o["escalation_level"] == level)
            .filter(|o| {
                let (s, e) = (str_of(o, "start"), str_of(o, "end"));
                (s.is_empty() || s <= now.as_str()) && (e.is_empty() || e > now.as_str())
            })
            .map(|o| id_of(&o["user"]).to_owned())
            .collect()
    }
}
