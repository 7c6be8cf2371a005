//! On-call: who is on call, now or in a window.

use std::collections::BTreeMap;

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    MAX_LIMIT, Pagination, Ref, check_time, clamp_limit, de, list_page, now_utc, offset, path_id,
    ref_at, s,
};
use crate::client::{Query, Session};

/// One on-call entry: a user on call for a level of an escalation policy.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Oncall {
    /// The user on call.
    #[serde(default, deserialize_with = "de::reference")]
    pub user: Option<Ref>,
    /// The escalation policy.
    #[serde(default, deserialize_with = "de::reference")]
    pub escalation_policy: Option<Ref>,
    /// The level of the policy (1 is paged first).
    #[serde(default, deserialize_with = "de::lenient")]
    pub escalation_level: Option<u64>,
    /// The schedule the shift comes from; absent when the user is a direct target.
    #[serde(default, deserialize_with = "de::reference")]
    pub schedule: Option<Ref>,
    /// Shift start (ISO 8601 with zone); absent for permanent on-call.
    #[serde(default, deserialize_with = "de::text")]
    pub start: Option<String>,
    /// Shift end (ISO 8601 with zone); absent for permanent on-call.
    #[serde(default, deserialize_with = "de::text")]
    pub end: Option<String>,
}

impl Oncall {
    /// The compact form of PagerDuty's on-call object.
    pub fn from_api(v: &Value) -> Self {
        de::object(v)
    }
}

/// A page of on-call entries.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OncallList {
    /// The entries.
    pub oncalls: Vec<Oncall>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// The escalation policies of teams (the on-calls API cannot filter by team).
async fn team_policies(session: &Session, team_ids: &[String]) -> Result<Vec<String>, ToolError> {
    let query = Query::new().list("team_ids", team_ids);
    let all = session
        .get_all("/escalation_policies", "escalation_policies", &query, 500)
        .await?;
    Ok(all.items.iter().filter_map(|p| s(p, "id")).collect())
}

/// List on-call entries with optional filters.
///
/// Each entry is a user on call for a level of an escalation policy, with the schedule
/// and the shift's start and end (absent for permanent on-call). Without since/until
/// it shows who is on call now. Filtering by team uses the team's escalation policies.
/// For a grouped "who do I page" answer, use WhoIsOnCall.
#[tool(preset = super::pagerduty_read, output = "On-call entries with pagination fields")]
pub async fn list_oncalls(
    context: ToolContext,
    /// Filter by schedule IDs. Default is None.
    schedule_ids: Option<Vec<String>>,
    /// Filter by escalation policy IDs. Default is None.
    escalation_policy_ids: Option<Vec<String>>,
    /// Filter by team IDs. Default is None.
    team_ids: Option<Vec<String>>,
    /// Optional time zone for times. Default is None (UTC).
    time_zone: Option<String>,
    /// Maximum on-call entries to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
    /// Filter entries starting at or after this ISO 8601 time. Default is None.
    since: Option<String>,
    /// Filter entries ending at or before this ISO 8601 time. Default is None.
    until: Option<String>,
) -> Result<OncallList, ToolError> {
    check_time("since", &since)?;
    check_time("until", &until)?;
    let session = Session::from_context(&context)?;
    let mut policies = escalation_policy_ids.unwrap_or_default();
    let team_ids = team_ids.unwrap_or_default();
    if !team_ids.is_empty() {
        let team_eps = team_policies(&session, &team_ids).await?;
        if team_eps.is_empty() {
            let limit = clamp_limit(limit, MAX_LIMIT);
            return Ok(OncallList {
                oncalls: Vec::new(),
                pagination: Pagination {
                    limit,
                    offset: self::offset(offset),
                    more: false,
                    next_offset: None,
                    total: Some(0),
                    note: Some("The given teams have no escalation policies, so nobody is on call for them.".into()),
                },
            });
        }
        if policies.is_empty() {
            policies = team_eps;
        } else {
            policies.retain(|p| team_eps.contains(p));
            if policies.is_empty() {
                return Err(ToolError::bad_input(
                    "None of the escalation_policy_ids belongs to the given teams.",
                ));
            }
        }
    }
    let query = Query::new()
        .list("schedule_ids", schedule_ids.unwrap_or_default())
        .list("escalation_policy_ids", &policies)
        .set("time_zone", time_zone.as_deref().unwrap_or("UTC"))
        .opt("since", since)
        .opt("until", until);
    let (oncalls, pagination) = list_page(
        &session,
        "/oncalls",
        &query,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        Oncall::from_api,
    )
    .await?;
    Ok(OncallList {
        oncalls,
        pagination,
    })
}

/// A responder on call now.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Responder {
    /// The user.
    pub user: Ref,
    /// The schedule the shift comes from, if any.
    pub schedule: Option<Ref>,
    /// When the shift ends; absent for permanent on-call.
    pub until: Option<String>,
}

/// The responders at one level.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct LevelOnCall {
    /// The level (1 is paged first).
    pub level: u64,
    /// Who is on call at it.
    pub responders: Vec<Responder>,
}

/// Who is on call for one escalation policy.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PolicyOnCall {
    /// The escalation policy.
    pub escalation_policy: Ref,
    /// Its levels, in escalation order.
    pub levels: Vec<LevelOnCall>,
}

/// Who is on call now.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WhoIsOnCall {
    /// The moment the answer is for (UTC).
    pub as_of: String,
    /// How the filter was resolved (e.g. the service's escalation policy).
    pub resolved: Option<String>,
    /// On-call responders per escalation policy.
    pub policies: Vec<PolicyOnCall>,
    /// Whether entries were left out (more than 500).
    pub truncated: bool,
}

/// Answer "who is on call (for X) right now?": the responders on call now, grouped by
/// escalation policy and level (level 1 is paged first), with when each shift ends.
/// Give a service (resolved to its escalation policy), an escalation policy, a
/// schedule or a team, or nothing for the whole account.
#[tool(preset = super::pagerduty_read, output = "Who is on call now, by escalation policy and level")]
pub async fn who_is_on_call(
    context: ToolContext,
    /// A service ID: answers for the service's escalation policy. Default is None.
    service_id: Option<String>,
    /// An escalation policy ID. Default is None.
    escalation_policy_id: Option<String>,
    /// A schedule ID. Default is None.
    schedule_id: Option<String>,
    /// A team ID: answers for the team's escalation policies. Default is None.
    team_id: Option<String>,
) -> Result<WhoIsOnCall, ToolError> {
    let session = Session::from_context(&context)?;
    let mut policies: Vec<String> = Vec::new();
    let mut resolved = Vec::new();
    if let Some(service) = service_id {
        let id = path_id("service", &service)?;
        let svc = session
            .get_object(&format!("/services/{id}"), "service", &Query::new())
            .await?;
        let ep = ref_at(&svc, "escalation_policy").ok_or_else(|| {
            ToolError::upstream(502, format!("Service {id} has no escalation policy."))
        })?;
        resolved.push(format!(
            "service {} ({id}) uses escalation policy {} ({})",
            s(&svc, "name").unwrap_or_default(),
            ep.name.clone().unwrap_or_default(),
            ep.id
        ));
        policies.push(ep.id);
    }
    if let Some(ep) = escalation_policy_id {
        policies.push(path_id("escalation policy", &ep)?);
    }
    if let Some(team) = team_id {
        let team = path_id("team", &team)?;
        let eps = team_policies(&session, std::slice::from_ref(&team)).await?;
        resolved.push(format!(
            "team {team} has {} escalation polic{}",
            eps.len(),
            if eps.len() == 1 { "y" } else { "ies" }
        ));
        if eps.is_empty() {
            return Ok(WhoIsOnCall {
                as_of: now_utc(),
                resolved: Some(resolved.join("; ")),
                policies: Vec::new(),
                truncated: false,
            });
        }
        policies.extend(eps);
    }
    let schedules: Vec<String> = schedule_id
        .map(|s| path_id("schedule", &s))
        .transpose()?
        .into_iter()
        .collect();
    policies.sort();
    policies.dedup();
    let as_of = now_utc();
    let query = Query::new()
        .list("escalation_policy_ids", &policies)
        .list("schedule_ids", &schedules)
        .set("time_zone", "UTC");
    let all = session.get_all("/oncalls", "oncalls", &query, 500).await?;
    type Level = (Ref, Vec<Responder>);
    let mut grouped: BTreeMap<(String, u64), Level> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for o in &all.items {
        let (Some(ep), Some(user)) = (ref_at(o, "escalation_policy"), ref_at(o, "user")) else {
            continue;
        };
        let level = o
            .get("escalation_level")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        if !order.contains(&ep.id) {
            order.push(ep.id.clone());
        }
        let entry = grouped
            .entry((ep.id.clone(), level))
            .or_insert_with(|| (ep.clone(), Vec::new()));
        if !entry.1.iter().any(|r| r.user.id == user.id) {
            entry.1.push(Responder {
                user,
                schedule: ref_at(o, "schedule"),
                until: s(o, "end"),
            });
        }
    }
    let policies = order
        .iter()
        .filter_map(|ep_id| {
            let levels: Vec<(&(String, u64), &Level)> =
                grouped.iter().filter(|((id, _), _)| id == ep_id).collect();
            let policy = levels.first()?.1.0.clone();
            Some(PolicyOnCall {
                escalation_policy: policy,
                levels: levels
                    .into_iter()
                    .map(|((_, level), (_, responders))| LevelOnCall {
                        level: *level,
                        responders: responders.clone(),
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(WhoIsOnCall {
        as_of,
        resolved: (!resolved.is_empty()).then(|| resolved.join("; ")),
        policies,
        truncated: all.truncated,
    })
}
