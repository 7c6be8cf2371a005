//! Escalation policies: who gets paged, in what order.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, kind_of, list_page, path_id, refs_at, s};
use crate::client::{Query, Session};

/// An escalation policy, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EscalationPolicy {
    /// The escalation policy ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// How many times the whole policy repeats when nobody acknowledges.
    pub repeat_count: Option<u64>,
    /// The services that use it.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub services: Vec<Ref>,
    /// The teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// The levels, in escalation order (only from GetEscalationPolicy).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub levels: Vec<EscalationLevel>,
    /// The policy's web page.
    pub html_url: Option<String>,
}

/// One level of an escalation policy.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EscalationLevel {
    /// The level, from 1.
    pub level: u32,
    /// Minutes before escalating to the next level.
    pub escalation_delay_minutes: Option<u64>,
    /// Who is paged at this level.
    pub targets: Vec<EscalationTarget>,
}

/// A user or schedule paged at a level.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EscalationTarget {
    /// `user` or `schedule`.
    pub kind: String,
    /// The ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
}

// By hand, not serde (see `tools::de`): levels are numbered from the rules' order and a
// target's `type` loses `_reference`.
impl EscalationPolicy {
    /// The compact form of PagerDuty's escalation policy object.
    pub fn from_api(v: &Value, with_levels: bool) -> Self {
        let levels = if with_levels {
            v.get("escalation_rules")
                .and_then(Value::as_array)
                .map(|rules| {
                    rules
                        .iter()
                        .enumerate()
                        .map(|(i, r)| EscalationLevel {
                            level: i as u32 + 1,
                            escalation_delay_minutes: r
                                .get("escalation_delay_in_minutes")
                                .and_then(Value::as_u64),
                            targets: r
                                .get("targets")
                                .and_then(Value::as_array)
                                .map(|ts| {
                                    ts.iter()
                                        .map(|t| EscalationTarget {
                                            kind: kind_of(t, &["_reference"]),
                                            id: s(t, "id").unwrap_or_default(),
                                            name: s(t, "summary").or_else(|| s(t, "name")),
                                        })
                                        .collect()
                                })
                                .unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            description: s(v, "description"),
            repeat_count: v.get("num_loops").and_then(Value::as_u64),
            services: refs_at(v, "services"),
            teams: refs_at(v, "teams"),
            levels,
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of escalation policies.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct EscalationPolicyList {
    /// The policies.
    pub policies: Vec<EscalationPolicy>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List escalation policies with the services and teams that use them. Use
/// GetEscalationPolicy for the levels and who is paged at each.
#[tool(preset = super::pagerduty_read, output = "Escalation policies with pagination fields")]
pub async fn list_escalation_policies(
    context: ToolContext,
    /// Maximum policies to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<EscalationPolicyList, ToolError> {
    let session = Session::from_context(&context)?;
    let (policies, pagination) = list_page(
        &session,
        "/escalation_policies",
        &Query::new().set("sort_by", "name"),
        clamp_limit(limit, MAX_LIMIT),
        offset,
        |v| EscalationPolicy::from_api(v, false),
    )
    .await?;
    Ok(EscalationPolicyList {
        policies,
        pagination,
    })
}

/// Get a single escalation policy by ID: its levels in order, who (users or
/// schedules) is paged at each level, the delay between levels and how often it
/// repeats.
#[tool(preset = super::pagerduty_read, output = "The escalation policy")]
pub async fn get_escalation_policy(
    context: ToolContext,
    /// Escalation policy ID to fetch.
    escalation_policy_id: String,
) -> Result<EscalationPolicy, ToolError> {
    let id = path_id("escalation policy", &escalation_policy_id)?;
    let session = Session::from_context(&context)?;
    let raw = session
        .get_object(
            &format!("/escalation_policies/{id}"),
            "escalation_policy",
            &Query::new(),
        )
        .await?;
    Ok(EscalationPolicy::from_api(&raw, true))
}
