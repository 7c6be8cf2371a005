//! Webhook subscriptions: where PagerDuty sends incident events.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, clamp_limit, list_page, path_id, s};
use crate::client::{Query, Session};

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
