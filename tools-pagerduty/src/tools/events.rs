//! The Events API v2: send alerts and change events as a monitoring tool would.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::s;
use crate::client::PagerDutyClient;

/// What an event does.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EventAction {
    /// Open (or add to) an alert.
    Trigger,
    /// Acknowledge the alert with this `dedup_key`.
    Acknowledge,
    /// Resolve the alert with this `dedup_key`.
    Resolve,
}

/// How bad the problem is.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Critical.
    Critical,
    /// Error.
    Error,
    /// Warning.
    Warning,
    /// Info.
    Info,
}

/// PagerDuty's answer to an event.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EventResult {
    /// `success` when PagerDuty accepted the event.
    pub status: String,
    /// PagerDuty's message.
    pub message: Option<String>,
    /// The alert's de-duplication key: pass it to acknowledge or resolve it later.
    pub dedup_key: Option<String>,
}

fn routing_key(context: &ToolContext) -> Result<String, ToolError> {
    let key = context
        .get_secret("PAGERDUTY_ROUTING_KEY")?
        .trim()
        .to_owned();
    if key.len() != 32 {
        return Err(ToolError::fatal(
            "PAGERDUTY_ROUTING_KEY must be the 32-character integration key of a service integration or event ruleset.",
        ));
    }
    Ok(key)
}

fn result(body: Value) -> EventResult {
    EventResult {
        status: s(&body, "status").unwrap_or_else(|| "success".into()),
        message: s(&body, "message"),
        dedup_key: s(&body, "dedup_key"),
    }
}

/// Send an alert event to PagerDuty through the Events API v2, as a monitoring tool
/// would: `trigger` opens an alert (and an incident) on the service behind the
/// configured integration key; `acknowledge` and `resolve` act on the alert with the
/// same `dedup_key`. Triggers need summary, source and severity. Returns the
/// `dedup_key` to use later. To open an incident as a person, use CreateIncident.
#[tool(
    requires_secrets = ["PAGERDUTY_ROUTING_KEY"],
    open_world,
    destructive = false,
    operations = [create, update],
    service_domains = [incident_management],
    output = "PagerDuty's acceptance of the event, with its dedup_key"
)]
pub async fn send_event(
    context: ToolContext,
    /// `trigger`, `acknowledge` or `resolve`.
    action: EventAction,
    /// What is wrong, in one line (up to 1024 characters). Required for trigger.
    summary: Option<String>,
    /// The affected host or system (e.g. `db-1.prod`). Required for trigger.
    source: Option<String>,
    /// How bad it is. Required for trigger.
    severity: Option<Severity>,
    /// The alert's de-duplication key. Required for acknowledge and resolve; for trigger, events with the same key are grouped. Default is None.
    dedup_key: Option<String>,
    /// The affected component (e.g. `postgres`). Default is None.
    component: Option<String>,
    /// A logical group of components (e.g. `checkout`). Default is None.
    group: Option<String>,
    /// The event's class or type (e.g. `disk_full`). Default is None.
    class: Option<String>,
    /// Free-form details shown on the alert. Default is None.
    custom_details: Option<Map<String, Value>>,
) -> Result<EventResult, ToolError> {
    let routing_key = routing_key(&context)?;
    let mut body = Map::new();
    body.insert("routing_key".into(), json!(routing_key));
    let action_str = match action {
        EventAction::Trigger => "trigger",
        EventAction::Acknowledge => "acknowledge",
        EventAction::Resolve => "resolve",
    };
    body.insert("event_action".into(), json!(action_str));
    if let Some(key) = dedup_key.filter(|k| !k.trim().is_empty()) {
        if key.len() > 255 {
            return Err(ToolError::bad_input(
                "`dedup_key` is at most 255 characters.",
            ));
        }
        body.insert("dedup_key".into(), json!(key));
    } else if action != EventAction::Trigger {
        return Err(ToolError::bad_input(
            "`dedup_key` is required to acknowledge or resolve: use the key returned by the trigger.",
        ));
    }
    if action == EventAction::Trigger {
        let (Some(summary), Some(source), Some(severity)) = (
            summary.filter(|s| !s.trim().is_empty()),
            source.filter(|s| !s.trim().is_empty()),
            severity,
        ) else {
            return Err(ToolError::bad_input(
                "A trigger needs `summary`, `source` and `severity`.",
            ));
        };
        let summary: String = summary.chars().take(1024).collect();
        let mut payload = Map::new();
        payload.insert("summary".into(), json!(summary));
        payload.insert("source".into(), json!(source));
        payload.insert("severity".into(), json!(severity));
        for (k, v) in [("component", component), ("group", group), ("class", class)] {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                payload.insert(k.into(), json!(v));
            }
        }
        if let Some(details) = custom_details {
            payload.insert("custom_details".into(), Value::Object(details));
        }
        body.insert("payload".into(), Value::Object(payload));
    }
    let client = PagerDutyClient::for_context(&context)?;
    let answer = client
        .post_event("/v2/enqueue", &Value::Object(body))
        .await?;
    Ok(result(answer))
}

/// Record a change event (a deploy, a config change, a feature flag flip) on the
/// service behind the configured integration key. Change events never page anyone;
/// responders see them next to incidents as likely causes.
#[tool(
    requires_secrets = ["PAGERDUTY_ROUTING_KEY"],
    open_world,
    destructive = false,
    operations = [create],
    service_domains = [incident_management],
    output = "PagerDuty's acceptance of the change event"
)]
pub async fn send_change_event(
    context: ToolContext,
    /// What changed, in one line (up to 1024 characters).
    summary: String,
    /// Where it changed (e.g. `deploy-bot`, a host). Default is None.
    source: Option<String>,
    /// Free-form details (version, commit, author). Default is None.
    custom_details: Option<Map<String, Value>>,
) -> Result<EventResult, ToolError> {
    let routing_key = routing_key(&context)?;
    if summary.trim().is_empty() {
        return Err(ToolError::bad_input("`summary` must not be empty."));
    }
    let mut payload = Map::new();
    payload.insert(
        "summary".into(),
        json!(summary.chars().take(1024).collect::<String>()),
    );
    if let Some(source) = source.filter(|s| !s.trim().is_empty()) {
        payload.insert("source".into(), json!(source));
    }
    payload.insert("timestamp".into(), json!(super::now_utc()));
    if let Some(details) = custom_details {
        payload.insert("custom_details".into(), Value::Object(details));
    }
    let client = PagerDutyClient::for_context(&context)?;
    let answer = client
        .post_event(
            "/v2/change/enqueue",
            &json!({"routing_key": routing_key, "payload": payload}),
        )
        .await?;
    Ok(result(answer))
}
