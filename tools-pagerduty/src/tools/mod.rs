//! The tools, one module per area, and the compact output shapes they share.
//!
//! Outputs are built for a model: only the fields that matter, `null`s dropped,
//! references reduced to `{id, name}`, times as PagerDuty sends them (ISO 8601 with an
//! explicit zone), and every list carries `more` and `next_offset` so a truncated
//! answer is never mistaken for a complete one.

// The `#[tool]` keys most tools share (`#[tool(preset = super::pagerduty_read, ...)]`);
// a tool whose keys differ writes them out in full.
arcade_tdk::tool_preset! {
    /// Reads of the REST API: read-only, idempotent.
    pagerduty_read = (
        requires_auth = PagerDuty(scopes = ["read"]),
        read_only,
        idempotent,
        open_world,
        destructive = false,
        operations = [read],
        service_domains = [incident_management],
    );
    /// Writes of the REST API that create something.
    pagerduty_create = (
        requires_auth = PagerDuty(scopes = ["write"]),
        open_world,
        destructive = false,
        operations = [create],
        service_domains = [incident_management],
    );
    /// Writes of the REST API that update something to a given state: idempotent.
    pagerduty_update = (
        requires_auth = PagerDuty(scopes = ["write"]),
        idempotent,
        open_world,
        destructive = false,
        operations = [update],
        service_domains = [incident_management],
    );
    /// Updates that change who is paged or where events go: idempotent, destructive
    /// (the tool confirms with the user first).
    pagerduty_destructive_update = (
        requires_auth = PagerDuty(scopes = ["write"]),
        open_world,
        destructive,
        idempotent,
        operations = [update],
        service_domains = [incident_management],
    );
    /// Deletes and removals: idempotent, destructive (the tool confirms first).
    pagerduty_delete = (
        requires_auth = PagerDuty(scopes = ["write"]),
        open_world,
        destructive,
        idempotent,
        operations = [delete],
        service_domains = [incident_management],
    );
}

pub mod alert_grouping;
pub mod alert_grouping_writes;
pub mod analytics;
pub mod briefing;
pub mod changes;
pub mod confirm;
pub(crate) mod de;
pub mod dependencies;
pub mod escalation;
pub mod escalation_writes;
pub mod events;
pub mod handoff;
pub mod incidents;
pub mod maintenance;
pub mod oncall;
pub mod orchestrations;
pub mod priorities;
pub mod schedule_writes;
pub mod schedules;
pub mod service_writes;
pub mod services;
pub mod shift_event_writes;
pub mod shift_schedule_writes;
pub mod shift_schedules;
pub mod status_page_writes;
pub mod status_pages;
pub mod team_writes;
pub mod teams;
pub mod users;
pub mod view_schema;
pub mod webhooks;
pub mod workflows;

use arcade_tdk::ToolError;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{MAX_OFFSET, Page, Query, Session};

/// A reference to another PagerDuty object.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Ref {
    /// The object's ID.
    pub id: String,
    /// Its name (PagerDuty's `summary`).
    pub name: Option<String>,
}

/// What a delete (or removal) tool removed.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Deleted {
    /// What was removed, e.g. `webhook_subscription`.
    pub kind: String,
    /// Its ID.
    pub id: String,
}

/// Where a page of results sits in the whole list.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Pagination {
    /// The page size used.
    pub limit: u32,
    /// The offset of the first record returned.
    pub offset: u32,
    /// Whether more records exist after this page.
    pub more: bool,
    /// Pass this as `offset` to get the next page; `null` when there is none.
    #[serialize_always]
    pub next_offset: Option<u32>,
    /// The total number of matching records, when PagerDuty reported it.
    pub total: Option<u64>,
    /// A warning when more records exist than pagination can reach.
    pub note: Option<String>,
}

impl Pagination {
    /// The pagination fields of a page.
    pub fn of<T>(page: &Page<T>) -> Self {
        Self {
            limit: page.limit,
            offset: page.offset,
            more: page.more,
            next_offset: page.next_offset(),
            total: page.total,
            note: page.hit_ceiling().then(|| {
                format!(
                    "More records exist, but PagerDuty's pagination stops at {MAX_OFFSET}; narrow the query (since/until or filters)."
                )
            }),
        }
    }
}

/// The default page size of list tools.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest page size list tools accept.
pub const MAX_LIMIT: u32 = 50;

/// Clamps a model-supplied limit to 1..=`max`.
pub(crate) fn clamp_limit(limit: i64, max: u32) -> u32 {
    limit.clamp(1, max as i64) as u32
}

/// A non-negative offset.
pub(crate) fn offset(offset: Option<i64>) -> u32 {
    offset.unwrap_or(0).clamp(0, u32::MAX as i64) as u32
}

/// Fetches one page of the list at `path` (`limit` already clamped, `offset`
/// as the tool received it, no total asked for), whose records PagerDuty
/// returns under the key named by the path's last segment, and maps each
/// record with `map`. Returns the mapped records and the page's [`Pagination`].
pub(crate) async fn list_page<T>(
    session: &Session,
    path: &str,
    query: &Query,
    limit: u32,
    offset: Option<i64>,
    map: impl Fn(&Value) -> T,
) -> Result<(Vec<T>, Pagination), ToolError> {
    list_page_of(session, path, query, limit, offset, |v: Value| map(&v)).await
}

/// [`list_page`] with each record read as `R` straight from the body (skipping what
/// `R` does not keep; see `de`) and mapped with `map`.
pub(crate) async fn list_page_of<R: DeserializeOwned, T>(
    session: &Session,
    path: &str,
    query: &Query,
    limit: u32,
    offset: Option<i64>,
    map: impl Fn(R) -> T,
) -> Result<(Vec<T>, Pagination), ToolError> {
    let key = path.rsplit('/').next().unwrap_or(path);
    let page = session
        .get_page_of::<R>(path, key, query, limit, self::offset(offset), false)
        .await?;
    let pagination = Pagination::of(&page);
    Ok((page.items.into_iter().map(map).collect(), pagination))
}

/// A string field.
pub(crate) fn s(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(text)
}

/// A string value: `None` when empty, a number as its decimal text.
pub(crate) fn text(value: &Value) -> Option<String> {
    de::text(value).unwrap_or_default()
}

/// An object's `type` with PagerDuty's suffixes trimmed, in order
/// (`user_reference` → `user`, `email_contact_method_reference` → `email`).
pub(crate) fn kind_of(value: &Value, suffixes: &[&str]) -> String {
    let kind = s(value, "type").unwrap_or_default();
    suffixes
        .iter()
        .fold(kind.as_str(), |k, suffix| k.trim_end_matches(suffix))
        .to_owned()
}

/// A reference field (`{id, summary}` or a full object with `name`).
pub(crate) fn reference(value: &Value) -> Option<Ref> {
    de::reference(value).unwrap_or_default()
}

/// PagerDuty's references to `ids`, each `{"id", "type": "{kind}_reference"}`, as a
/// write sends them (`team` gives team references).
pub(crate) fn references_to(kind: &str, ids: &[String]) -> Value {
    let kind = format!("{kind}_reference");
    Value::Array(
        ids.iter()
            .map(|id| serde_json::json!({"id": id, "type": kind}))
            .collect(),
    )
}

/// The reference under `key`.
pub(crate) fn ref_at(value: &Value, key: &str) -> Option<Ref> {
    value.get(key).and_then(reference)
}

/// The references in the array under `key` (an `items` callback picks nested ones).
pub(crate) fn refs_at(value: &Value, key: &str) -> Vec<Ref> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(reference).collect())
        .unwrap_or_default()
}

/// The object PagerDuty's answer to a write carries under `key` (`{"team": {...}}`), or
/// a 502 naming the missing key.
pub(crate) fn answered_field<'a>(answer: &'a Value, key: &str) -> Result<&'a Value, ToolError> {
    answer
        .get(key)
        .ok_or_else(|| ToolError::upstream(502, format!("PagerDuty's response has no `{key}`.")))
}

/// A name to create or rename something with: trimmed, not blank, at most `max`
/// characters (`what` names the thing in the error: "service", "team").
pub(crate) fn checked_name(what: &str, name: &str, max: usize) -> Result<String, ToolError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > max {
        return Err(ToolError::bad_input(format!(
            "A {what} `name` must be 1-{max} characters."
        )));
    }
    Ok(name.to_owned())
}

/// Checks that an ID can go into a URL path (letters, digits, `-`, `_`).
pub(crate) fn path_id(what: &str, id: &str) -> Result<String, ToolError> {
    let id = id.trim();
    if id.is_empty()
        || id.len() > 64
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ToolError::bad_input(format!(
            "`{id}` is not a valid {what} ID: PagerDuty IDs are letters and digits like `PABC123`."
        ))
        .with_additional_prompt_content(format!(
            "Use a List or Search tool to find the {what} ID."
        )));
    }
    Ok(id.to_owned())
}

/// Validates a list of IDs for a bulk call.
pub(crate) fn path_ids(what: &str, ids: &[String], max: usize) -> Result<Vec<String>, ToolError> {
    if ids.is_empty() {
        return Err(ToolError::bad_input(format!(
            "Give at least one {what} ID."
        )));
    }
    if ids.len() > max {
        return Err(ToolError::bad_input(format!(
            "At most {max} {what}s can be changed in one call; split the list."
        )));
    }
    ids.iter().map(|id| path_id(what, id)).collect()
}

/// The current time in UTC, to the second (`2026-01-02T03:04:05Z`).
pub(crate) fn now_utc() -> String {
    format_utc(time::OffsetDateTime::now_utc())
}

/// Formats a UTC time as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn format_utc(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

/// Rejects a time that does not look like ISO 8601 with a date, and warns about
/// naive times (PagerDuty reads them in the account's zone).
/// An ISO 8601 (RFC 3339) date-time with a zone, or a bad-input error naming the field.
pub(crate) fn parse_time(name: &str, value: &str) -> Result<time::OffsetDateTime, ToolError> {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|_| {
        ToolError::bad_input(format!(
            "`{name}` must be an ISO 8601 date-time with a zone, such as 2026-01-31T08:00:00Z, not `{value}`."
        ))
    })
}

pub(crate) fn check_time(name: &str, value: &Option<String>) -> Result<(), ToolError> {
    let Some(v) = value else { return Ok(()) };
    let b = v.as_bytes();
    let date_ok =
        b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-';
    if !date_ok {
        return Err(ToolError::bad_input(format!(
            "`{name}` must be an ISO 8601 date-time such as 2026-01-31T00:00:00Z, not `{v}`."
        )));
    }
    Ok(())
}
