//! Event orchestrations: how incoming events are routed to services and changed on
//! the way (the global, router and service rules).

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, path_id, ref_at, s};
use crate::client::{Query, Session};

/// An event orchestration, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Orchestration {
    /// The orchestration ID (for GetEventOrchestration).
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// The owning team.
    pub team: Option<Ref>,
    /// How many routing rules it has.
    pub routes: Option<u64>,
    /// The routing keys events are sent with (its integrations).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub routing_keys: Vec<String>,
    /// When it was last changed (ISO 8601 with zone).
    pub updated_at: Option<String>,
}

impl Orchestration {
    fn from_api(v: &Value) -> Self {
        let routing_keys = v
            .get("integrations")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|i| i.get("parameters").and_then(|p| s(p, "routing_key")))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name"),
            description: s(v, "description"),
            team: ref_at(v, "team"),
            routes: v.get("routes").and_then(Value::as_u64),
            routing_keys,
            updated_at: s(v, "updated_at"),
        }
    }
}

/// A page of event orchestrations.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OrchestrationList {
    /// The orchestrations.
    pub orchestrations: Vec<Orchestration>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List the account's event orchestrations (the rules that route incoming events to
/// services), with their routing keys. Use GetEventOrchestration for the rules.
/// When `more` is true, call again with `offset` = `next_offset`.
#[tool(preset = super::pagerduty_read, output = "Event orchestrations with pagination fields")]
pub async fn list_event_orchestrations(
    context: ToolContext,
    /// Maximum orchestrations to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<OrchestrationList, ToolError> {
    let session = Session::from_context(&context)?;
    // PagerDuty answers under `orchestrations`, not the path's last segment.
    let page = session
        .get_page(
            "/event_orchestrations",
            "orchestrations",
            &Query::new(),
            clamp_limit(limit, MAX_LIMIT),
            super::offset(offset),
            false,
        )
        .await?;
    Ok(OrchestrationList {
        orchestrations: page.items.iter().map(Orchestration::from_api).collect(),
        pagination: Pagination::of(&page),
    })
}

/// A rule of an orchestration, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Rule {
    /// The rule ID.
    pub id: Option<String>,
    /// Its label.
    pub label: Option<String>,
    /// The rule set it is in (`start` is the first).
    pub set: Option<String>,
    /// The conditions (PCL expressions); the rule applies when any matches.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub conditions: Vec<String>,
    /// What it does (PagerDuty's `actions`, e.g. `{"route_to": "PSVC001"}`).
    pub actions: Option<Value>,
    /// Whether it is switched off.
    pub disabled: Option<bool>,
}

/// The rules of one part of an orchestration.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RuleSet {
    /// `global` (applied first to every event), `router` (picks the service) or
    /// `service` (a service's own rules).
    pub part: String,
    /// The rules, in the order PagerDuty evaluates them.
    pub rules: Vec<Rule>,
    /// What happens to an event no rule matches.
    pub catch_all: Option<Value>,
}

impl RuleSet {
    fn from_api(part: &str, v: &Value) -> Self {
        let path = v.get("orchestration_path").unwrap_or(v);
        let mut rules = Vec::new();
        for set in path
            .get("sets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let set_id = s(set, "id");
            for r in set
                .get("rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                rules.push(Rule {
                    id: s(r, "id"),
                    label: s(r, "label"),
                    set: set_id.clone(),
                    conditions: r
                        .get("conditions")
                        .and_then(Value::as_array)
                        .map(|c| c.iter().filter_map(|c| s(c, "expression")).collect())
                        .unwrap_or_default(),
                    actions: r.get("actions").filter(|a| !a.is_null()).cloned(),
                    disabled: r.get("disabled").and_then(Value::as_bool),
                });
            }
        }
        Self {
            part: part.to_owned(),
            rules,
            catch_all: path
                .get("catch_all")
                .and_then(|c| c.get("actions"))
                .cloned(),
        }
    }
}

/// An orchestration with its rules.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OrchestrationDetail {
    /// The orchestration (absent for a service's own orchestration).
    pub orchestration: Option<Orchestration>,
    /// Its rules: the `global` then the `router` part, or the `service` part.
    pub rule_sets: Vec<RuleSet>,
}

/// Get an event orchestration with its global and router rules (which service each
/// kind of event goes to), or with `service_id` instead a service's own event rules.
/// Use it to explain why an event did or did not open an incident.
#[tool(preset = super::pagerduty_read, output = "The orchestration and its rules")]
pub async fn get_event_orchestration(
    context: ToolContext,
    /// The orchestration ID (from ListEventOrchestrations). Default is None.
    orchestration_id: Option<String>,
    /// A service ID, for the service's own event rules instead. Default is None.
    service_id: Option<String>,
) -> Result<OrchestrationDetail, ToolError> {
    let session = Session::from_context(&context)?;
    match (orchestration_id, service_id) {
        (Some(id), None) => {
            let id = path_id("event orchestration", &id)?;
            let base = format!("/event_orchestrations/{id}");
            let (global, router) = (format!("{base}/global"), format!("{base}/router"));
            let (raw, global, router) = futures_util::future::try_join3(
                session.get_object(&base, "orchestration", &Query::new()),
                session.get(&global, &Query::new()),
                session.get(&router, &Query::new()),
            )
            .await?;
            Ok(OrchestrationDetail {
                orchestration: Some(Orchestration::from_api(&raw)),
                rule_sets: vec![
                    RuleSet::from_api("global", &global),
                    RuleSet::from_api("router", &router),
                ],
            })
        }
        (None, Some(id)) => {
            let id = path_id("service", &id)?;
            let raw = session
                .get(
                    &format!("/event_orchestrations/services/{id}"),
                    &Query::new(),
                )
                .await?;
            Ok(OrchestrationDetail {
                orchestration: None,
                rule_sets: vec![RuleSet::from_api("service", &raw)],
            })
        }
        _ => Err(ToolError::bad_input(
            "Give exactly one of `orchestration_id` (an orchestration's global and router rules) or `service_id` (a service's own rules).",
        )),
    }
}
