//! Event orchestrations: how incoming events are routed to services and changed on
//! the way (the global, router and service rules).

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, path_id, ref_at, s};
use crate::client::{Method, Query, Session};

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

/// The router after a rule was appended.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AppendedRouterRule {
    /// The orchestration ID.
    pub orchestration_id: String,
    /// The new rule, as PagerDuty stored it (with its ID).
    pub rule: Rule,
    /// The router's rules now, the new one last.
    pub router: RuleSet,
}

/// The router's rule path (`orchestration_path`) of a `GET` or `PUT` answer.
fn router_path(answer: &Value) -> Result<Value, ToolError> {
    answer
        .get("orchestration_path")
        .filter(|p| p.get("sets").is_some_and(Value::is_array))
        .cloned()
        .ok_or_else(|| {
            ToolError::upstream(
                502,
                "PagerDuty's router has no `orchestration_path.sets`; the API may have changed.",
            )
        })
}

/// Ends the append when the router read again before writing is not the one the rule
/// was appended to: writing would undo the other change.
fn unchanged(id: &str, before: &Value, now: &Value) -> Result<(), ToolError> {
    if now == before {
        return Ok(());
    }
    Err(ToolError::retry(format!(
        "Event orchestration {id}'s router changed while the rule was being added, so nothing was written (writing would undo that change)."
    ))
    .with_additional_prompt_content("Call again: the rule is appended to the router as it is now."))
}

/// Append a routing rule to an event orchestration's router: events matching any of
/// the conditions go to the service `route_to`. The existing rules are kept, and the
/// new one is evaluated after them. The router is read, the rule appended, and the
/// router written back only if nobody changed it meanwhile (otherwise nothing is
/// written; call again). Changes where the account's events go: confirm with the user.
#[tool(
    requires_auth = PagerDuty(scopes = ["write"]),
    open_world,
    destructive,
    operations = [update],
    service_domains = [incident_management],
    output = "The new rule and the router's rules"
)]
pub async fn append_event_orchestration_router_rule(
    context: ToolContext,
    /// The orchestration ID (from ListEventOrchestrations).
    orchestration_id: String,
    /// PCL conditions; the rule matches when any is true, e.g. `event.summary matches part 'db'`.
    conditions: Vec<String>,
    /// The service ID matching events are routed to.
    route_to: String,
    /// A label saying what the rule is for. Default is None.
    label: Option<String>,
) -> Result<AppendedRouterRule, ToolError> {
    let id = path_id("event orchestration", &orchestration_id)?;
    let service = path_id("service", &route_to)?;
    let conditions: Vec<String> = conditions
        .into_iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if conditions.is_empty() || conditions.iter().any(|c| c.len() > 1_000) {
        return Err(ToolError::bad_input(
            "Give at least one condition, each a PCL expression of at most 1,000 characters such as `event.summary matches part 'db'`.",
        ));
    }
    let session = Session::from_context(&context)?;
    let path = format!("/event_orchestrations/{id}/router");
    let before = router_path(&session.get(&path, &Query::new()).await?)?;
    let mut rule = serde_json::json!({
        "conditions": conditions.iter().map(|c| serde_json::json!({"expression": c})).collect::<Vec<_>>(),
        "actions": {"route_to": service},
        "disabled": false,
    });
    if let Some(label) = label.filter(|l| !l.trim().is_empty()) {
        rule["label"] = Value::String(label);
    }
    let mut sets = before["sets"].as_array().cloned().unwrap_or_default();
    if sets.is_empty() {
        sets.push(serde_json::json!({"id": "start", "rules": []}));
    }
    let kept = sets[0]["rules"].as_array().map_or(0, Vec::len);
    match sets[0]["rules"].as_array_mut() {
        Some(rules) => rules.push(rule),
        None => sets[0]["rules"] = Value::Array(vec![rule]),
    }
    super::confirm::confirm(
        &context,
        format!(
            "Append a rule to event orchestration {id}'s router, after its {kept} rule(s): events matching {} go to service {service}?",
            conditions.join(" or ")
        ),
    )
    .await?;
    // The optimistic check: the router must still be what the rule was appended to.
    let now = router_path(&session.get(&path, &Query::new()).await?)?;
    unchanged(&id, &before, &now)?;
    let mut body = serde_json::json!({"orchestration_path": {"sets": sets}});
    if let Some(catch_all) = before.get("catch_all") {
        body["orchestration_path"]["catch_all"] = catch_all.clone();
    }
    let answer = session
        .write_optional_from(Method::PUT, &path, &body)
        .await?;
    let router = RuleSet::from_api("router", &answer);
    let rule = router
        .rules
        .iter()
        .filter(|r| r.set.as_deref() == Some(sets[0]["id"].as_str().unwrap_or("start")))
        .nth(kept)
        .cloned()
        .ok_or_else(|| {
            ToolError::upstream(
                502,
                "PagerDuty's router answer does not have the appended rule.",
            )
        })?;
    Ok(AppendedRouterRule {
        orchestration_id: id,
        rule,
        router,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_router_changed_since_it_was_read_is_not_written() {
        let before =
            serde_json::json!({"sets": [{"id": "start", "rules": [{"id": "r1"}]}], "version": "3"});
        assert!(unchanged("PORC001", &before, &before.clone()).is_ok());
        let mut now = before.clone();
        now["sets"][0]["rules"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "r2"}));
        let err = unchanged("PORC001", &before, &now).unwrap_err();
        assert_eq!(err.kind(), arcade_tdk::ErrorKind::ToolRuntimeRetry);
        assert!(
            err.message().contains("nothing was written"),
            "{}",
            err.message()
        );
        // A new version alone (someone saved the same rules) counts as a change too.
        let mut bumped = before.clone();
        bumped["version"] = serde_json::json!("4");
        assert!(unchanged("PORC001", &before, &bumped).is_err());
    }
}
