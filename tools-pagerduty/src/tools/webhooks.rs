//! Webhook subscriptions: where PagerDuty sends incident events.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Deleted, MAX_LIMIT, Pagination, clamp_limit, list_page, path_id, s};
use crate::client::{Method, Query, Session};

/// A webhook subscription, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WebhookSubscription {
    /// The subscription ID.
    pub id: String,
    /// What it is for.
    pub description: Option<String>,
    /// Where events are sent.
    pub url: Option<String>,
    /// Whether it is delivering.
    pub active: Option<bool>,
    /// The events sent, e.g. `incident.triggered`.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub events: Vec<String>,
    /// What it covers: `account_reference`, `service_reference` or `team_reference`.
    pub filter_type: Option<String>,
    /// The service or team it covers.
    pub filter_id: Option<String>,
}

impl WebhookSubscription {
    fn from_api(v: &Value) -> Self {
        let method = v.get("delivery_method").unwrap_or(&Value::Null);
        let filter = v.get("filter").unwrap_or(&Value::Null);
        Self {
            id: s(v, "id").unwrap_or_default(),
            description: s(v, "description"),
            url: s(method, "url"),
            active: v.get("active").and_then(Value::as_bool),
            events: v
                .get("events")
                .and_then(Value::as_array)
                .map(|e| e.iter().filter_map(super::text).collect())
                .unwrap_or_default(),
            filter_type: s(filter, "type"),
            filter_id: s(filter, "id"),
        }
    }
}

/// A page of webhook subscriptions.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WebhookSubscriptionList {
    /// The subscriptions.
    pub webhook_subscriptions: Vec<WebhookSubscription>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// What a webhook subscription covers.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WebhookScope {
    /// The whole account.
    Account,
    /// One service (give `scope_id`).
    Service,
    /// One team (give `scope_id`).
    Team,
}

/// List webhook subscriptions (where PagerDuty sends incident events: chat, ticketing,
/// automation), optionally only those of a service or team. When `more` is true,
/// call again with `offset` = `next_offset`.
#[tool(preset = super::pagerduty_read, output = "Webhook subscriptions with pagination fields")]
pub async fn list_webhook_subscriptions(
    context: ToolContext,
    /// Only subscriptions for the `account`, a `service` or a `team`. Default is None (all).
    scope: Option<WebhookScope>,
    /// The service or team ID, with `scope` = `service` or `team`. Default is None.
    scope_id: Option<String>,
    /// Maximum subscriptions to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<WebhookSubscriptionList, ToolError> {
    let q = match (scope, scope_id) {
        (None, None) => Query::new(),
        (Some(WebhookScope::Account), None) => Query::new().set("filter_type", "account"),
        (Some(WebhookScope::Service), Some(id)) => Query::new()
            .set("filter_type", "service")
            .set("filter_id", path_id("service", &id)?),
        (Some(WebhookScope::Team), Some(id)) => Query::new()
            .set("filter_type", "team")
            .set("filter_id", path_id("team", &id)?),
        _ => {
            return Err(ToolError::bad_input(
                "`scope_id` goes with `scope` = `service` or `team` (and only with them).",
            ));
        }
    };
    let session = Session::from_context(&context)?;
    let (webhook_subscriptions, pagination) = list_page(
        &session,
        "/webhook_subscriptions",
        &q,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        WebhookSubscription::from_api,
    )
    .await?;
    Ok(WebhookSubscriptionList {
        webhook_subscriptions,
        pagination,
    })
}

/// The webhook subscription of a write's answer.
fn answered(answer: &Value) -> Result<WebhookSubscription, ToolError> {
    super::answered_field(answer, "webhook_subscription").map(WebhookSubscription::from_api)
}

/// Checks the event types of a subscription (`incident.triggered`, ...).
fn checked_events(events: Vec<String>) -> Result<Vec<String>, ToolError> {
    let events: Vec<String> = events.into_iter().map(|e| e.trim().to_owned()).collect();
    let ok = |e: &String| {
        e.len() <= 64
            && e.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && e.chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
            })
    };
    if events.is_empty() || events.len() > 50 || !events.iter().all(ok) {
        return Err(ToolError::bad_input(
            "`events` must list 1-50 event types such as `incident.triggered` or `incident.resolved`.",
        ));
    }
    Ok(events)
}

/// Subscribe a URL to PagerDuty's webhooks (v3): PagerDuty POSTs the chosen incident
/// events there, for the whole account, a service or a team. The URL must be HTTPS.
#[tool(preset = super::pagerduty_create, output = "The created subscription")]
pub async fn create_webhook_subscription(
    context: ToolContext,
    /// Where PagerDuty sends the events (an `https://` URL).
    url: String,
    /// The events to send, e.g. `incident.triggered`, `incident.resolved`.
    events: Vec<String>,
    /// What the subscription covers: `account`, `service` or `team`.
    scope: WebhookScope,
    /// The service or team ID, with `scope` = `service` or `team`. Default is None.
    scope_id: Option<String>,
    /// What it is for. Default is None.
    description: Option<String>,
) -> Result<WebhookSubscription, ToolError> {
    let parsed = reqwest::Url::parse(url.trim())
        .ok()
        .filter(|u| u.scheme() == "https" && u.host().is_some());
    if parsed.is_none() || url.len() > 2_048 {
        return Err(ToolError::bad_input(format!(
            "`url` must be an https:// address, not `{url}`."
        )));
    }
    let events = checked_events(events)?;
    let filter = match (scope, scope_id) {
        (WebhookScope::Account, None) => json!({"type": "account_reference"}),
        (WebhookScope::Service, Some(id)) => {
            json!({"type": "service_reference", "id": path_id("service", &id)?})
        }
        (WebhookScope::Team, Some(id)) => {
            json!({"type": "team_reference", "id": path_id("team", &id)?})
        }
        _ => {
            return Err(ToolError::bad_input(
                "`scope_id` goes with `scope` = `service` or `team` (and only with them).",
            ));
        }
    };
    let mut subscription = json!({
        "type": "webhook_subscription",
        "delivery_method": {"type": "http_delivery_method", "url": url.trim()},
        "events": events,
        "filter": filter,
        "active": true,
    });
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        subscription["description"] = json!(d);
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::POST,
            "/webhook_subscriptions",
            &json!({ "webhook_subscription": subscription }),
        )
        .await?;
    answered(&answer)
}

/// Change a webhook subscription: the events it sends, or pause (`active` = false)
/// and resume it. Fields left out stay as they are.
#[tool(preset = super::pagerduty_update, output = "The updated subscription")]
pub async fn update_webhook_subscription(
    context: ToolContext,
    /// The subscription ID (from ListWebhookSubscriptions).
    webhook_subscription_id: String,
    /// The events to send instead. Default is None (unchanged).
    events: Option<Vec<String>>,
    /// Deliver (true) or pause (false). Default is None (unchanged).
    active: Option<bool>,
    /// A new description. Default is None (unchanged).
    description: Option<String>,
) -> Result<WebhookSubscription, ToolError> {
    let id = path_id("webhook subscription", &webhook_subscription_id)?;
    let mut changes = serde_json::Map::new();
    if let Some(events) = events {
        changes.insert("events".into(), json!(checked_events(events)?));
    }
    if let Some(active) = active {
        changes.insert("active".into(), json!(active));
    }
    if let Some(d) = description {
        changes.insert("description".into(), json!(d));
    }
    if changes.is_empty() {
        return Err(ToolError::bad_input(
            "Give at least one of `events`, `active` or `description` to change.",
        ));
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::PUT,
            &format!("/webhook_subscriptions/{id}"),
            &json!({ "webhook_subscription": changes }),
        )
        .await?;
    answered(&answer)
}

/// Delete a webhook subscription: PagerDuty stops sending its events at once, and it
/// cannot be restored (pause it with UpdateWebhookSubscription instead). Confirm with
/// the user first.
#[tool(preset = super::pagerduty_delete, output = "What was deleted")]
pub async fn delete_webhook_subscription(
    context: ToolContext,
    /// The subscription ID (from ListWebhookSubscriptions).
    webhook_subscription_id: String,
) -> Result<Deleted, ToolError> {
    let id = path_id("webhook subscription", &webhook_subscription_id)?;
    super::confirm::confirm(
        &context,
        format!(
            "Delete webhook subscription {id}? Its events stop at once; this cannot be undone."
        ),
    )
    .await?;
    let session = Session::from_context(&context)?;
    session
        .delete(&format!("/webhook_subscriptions/{id}"), &Query::new())
        .await?;
    Ok(Deleted {
        kind: "webhook_subscription".into(),
        id,
    })
}
