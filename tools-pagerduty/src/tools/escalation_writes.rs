//! Configuring escalation policies: create a policy, change its levels, name or
//! repeats.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::escalation::EscalationPolicy;
use super::{path_id, path_ids};
use crate::client::{Method, Query, Session};

/// One level of a policy to write: who is paged, and for how long before the next
/// level.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LevelInput {
    /// Minutes before escalating to the next level (1-1440).
    pub delay_minutes: i64,
    /// Users paged at this level. Default is None.
    #[serde(default)]
    pub user_ids: Option<Vec<String>>,
    /// Schedules whose on-call user is paged at this level. Default is None.
    #[serde(default)]
    pub schedule_ids: Option<Vec<String>>,
}

/// PagerDuty's `escalation_rules` for `levels`.
fn rules(levels: &[LevelInput]) -> Result<Vec<Value>, ToolError> {
    if levels.is_empty() || levels.len() > 20 {
        return Err(ToolError::bad_input(
            "Give 1-20 `levels`, each with `delay_minutes` and at least one user or schedule.",
        ));
    }
    levels
        .iter()
        .enumerate()
        .map(|(n, level)| {
            if !(1..=1440).contains(&level.delay_minutes) {
                return Err(ToolError::bad_input(format!(
                    "Level {}: `delay_minutes` must be 1-1440.",
                    n + 1
                )));
            }
            let mut targets = Vec::new();
            for (kind, ids) in [
                ("user_reference", &level.user_ids),
                ("schedule_reference", &level.schedule_ids),
            ] {
                if let Some(ids) = ids.as_ref().filter(|i| !i.is_empty()) {
                    let what = kind.trim_end_matches("_reference");
                    for id in path_ids(what, ids, 10)? {
                        targets.push(json!({"id": id, "type": kind}));
                    }
                }
            }
            if targets.is_empty() {
                return Err(ToolError::bad_input(format!(
                    "Level {}: give `user_ids` or `schedule_ids`: somebody must be paged.",
                    n + 1
                )));
            }
            Ok(json!({"escalation_delay_in_minutes": level.delay_minutes, "targets": targets}))
        })
        .collect()
}

fn checked_repeats(repeat_count: Option<i64>) -> Result<Option<i64>, ToolError> {
    match repeat_count {
        Some(r) if !(0..=9).contains(&r) => Err(ToolError::bad_input(
            "`repeat_count` must be 0-9 (how many more times the whole policy runs).",
        )),
        other => Ok(other),
    }
}

fn answered(answer: &Value) -> Result<EscalationPolicy, ToolError> {
    super::answered_field(answer, "escalation_policy").map(|p| EscalationPolicy::from_api(p, true))
}

/// Create an escalation policy: who is paged, level by level, when an incident of a
/// service that uses it opens. Give each level a delay and users or schedules.
#[tool(preset = super::pagerduty_create, output = "The created policy")]
pub async fn create_escalation_policy(
    context: ToolContext,
    /// The policy's name.
    name: String,
    /// The levels, in order: each pages its users and schedules' on-calls, then waits `delay_minutes`.
    levels: Vec<LevelInput>,
    /// What it is for. Default is None.
    description: Option<String>,
    /// How many more times the policy runs when nobody acknowledges (0-9). Default is None (0).
    repeat_count: Option<i64>,
    /// The owning teams. Default is None.
    team_ids: Option<Vec<String>>,
) -> Result<EscalationPolicy, ToolError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(ToolError::bad_input("`name` must be 1-255 characters."));
    }
    let mut policy = Map::new();
    policy.insert("type".into(), json!("escalation_policy"));
    policy.insert("name".into(), json!(name));
    policy.insert("escalation_rules".into(), json!(rules(&levels)?));
    if let Some(d) = description {
        policy.insert("description".into(), json!(d));
    }
    if let Some(r) = checked_repeats(repeat_count)? {
        policy.insert("num_loops".into(), json!(r));
    }
    if let Some(teams) = team_ids.filter(|t| !t.is_empty()) {
        let teams = path_ids("team", &teams, 20)?;
        policy.insert("teams".into(), super::references_to("team", &teams));
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(
            Method::POST,
            "/escalation_policies",
            &json!({ "escalation_policy": policy }),
        )
        .await?;
    answered(&answer)
}

/// Change an escalation policy: its name, description, repeats, or its levels (all
/// of them, replaced by `levels`). What is left out stays as it is. New levels change
/// who is paged for every service that uses it: confirm with the user first.
#[tool(preset = super::pagerduty_destructive_update, output = "The updated policy")]
pub async fn update_escalation_policy(
    context: ToolContext,
    /// The policy ID (from ListEscalationPolicies).
    escalation_policy_id: String,
    /// A new name. Default is None (unchanged).
    name: Option<String>,
    /// A new description. Default is None (unchanged).
    description: Option<String>,
    /// How many more times the policy runs (0-9). Default is None (unchanged).
    repeat_count: Option<i64>,
    /// Every level, replacing the current ones. Default is None (unchanged).
    levels: Option<Vec<LevelInput>>,
) -> Result<EscalationPolicy, ToolError> {
    let id = path_id("escalation policy", &escalation_policy_id)?;
    let new_rules = levels.as_deref().map(rules).transpose()?;
    let repeats = checked_repeats(repeat_count)?;
    if let Some(n) = &name
        && (n.trim().is_empty() || n.chars().count() > 255)
    {
        return Err(ToolError::bad_input("`name` must be 1-255 characters."));
    }
    if name.is_none() && description.is_none() && repeats.is_none() && new_rules.is_none() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    if let Some(rules) = &new_rules {
        super::confirm::confirm(
            &context,
            format!(
                "Replace escalation policy {id}'s levels with these {}? Who is paged changes for every service that uses it.",
                rules.len()
            ),
        )
        .await?;
    }
    let session = Session::from_context(&context)?;
    let path = format!("/escalation_policies/{id}");
    // PagerDuty's update takes the policy with its name and rules: start from the
    // current one.
    let current = session
        .get_object(&path, "escalation_policy", &Query::new())
        .await?;
    let mut policy = Map::new();
    policy.insert("type".into(), json!("escalation_policy"));
    policy.insert(
        "name".into(),
        json!(
            name.map(|n| n.trim().to_owned())
                .or_else(|| super::s(&current, "name"))
        ),
    );
    let kept_rules: Vec<Value> = current
        .get("escalation_rules")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .map(|r| {
                    let targets: Vec<Value> = r["targets"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|t| json!({"id": t["id"], "type": t["type"]}))
                        .collect();
                    json!({"escalation_delay_in_minutes": r["escalation_delay_in_minutes"], "targets": targets})
                })
                .collect()
        })
        .unwrap_or_default();
    policy.insert(
        "escalation_rules".into(),
        json!(new_rules.unwrap_or(kept_rules)),
    );
    if let Some(d) = description {
        policy.insert("description".into(), json!(d));
    }
    if let Some(r) = repeats {
        policy.insert("num_loops".into(), json!(r));
    }
    let answer = session
        .write_optional_from(Method::PUT, &path, &json!({ "escalation_policy": policy }))
        .await?;
    answered(&answer)
}
