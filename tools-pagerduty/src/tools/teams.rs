//! Teams.

use arcade_tdk::{ToolContext, ToolError, tool};
use futures_util::future::try_join4;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, list_page, path_id, ref_at, reference, s};
use crate::client::{Query, Session};

/// A team, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Team {
    /// The team ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// The parent team.
    pub parent: Option<Ref>,
    /// The team's web page.
    pub html_url: Option<String>,
}

// By hand, not serde (see `tools::de`): `name` falls back to `summary`.
impl Team {
    /// The compact form of PagerDuty's team object.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            description: s(v, "description"),
            parent: ref_at(v, "parent"),
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of teams.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct TeamList {
    /// The teams.
    pub teams: Vec<Team>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List PagerDuty teams. Use GetTeam for a team's members, services, schedules and
/// escalation policies.
#[tool(preset = super::pagerduty_read, output = "Teams with pagination fields")]
pub async fn list_teams(
    context: ToolContext,
    /// Maximum teams to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<TeamList, ToolError> {
    let session = Session::from_context(&context)?;
    let (teams, pagination) = list_page(
        &session,
        "/teams",
        &Query::new(),
        clamp_limit(limit, MAX_LIMIT),
        offset,
        Team::from_api,
    )
    .await?;
    Ok(TeamList { teams, pagination })
}

/// A member of a team.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct TeamMember {
    /// The user.
    pub user: Ref,
    /// `manager`, `responder` or `observer`.
    pub role: Option<String>,
}

/// A team with what it owns.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct TeamDetail {
    /// The team.
    #[serde(flatten)]
    pub team: Team,
    /// Its members (up to 200).
    pub members: Vec<TeamMember>,
    /// Its escalation policies (up to 100).
    pub escalation_policies: Vec<Ref>,
    /// Its services (up to 100).
    pub services: Vec<Ref>,
    /// Its schedules (up to 100).
    pub schedules: Vec<Ref>,
    /// Whether any of the lists above was cut short.
    pub truncated: bool,
}

/// Get a single team by ID including members and linked resources: members with
/// their roles, and the team's escalation policies, services and schedules.
#[tool(preset = super::pagerduty_read, output = "Team details.")]
pub async fn get_team(
    context: ToolContext,
    /// Team ID to fetch.
    team_id: String,
) -> Result<TeamDetail, ToolError> {
    let id = path_id("team", &team_id)?;
    let session = Session::from_context(&context)?;
    let raw = session
        .get_object(&format!("/teams/{id}"), "team", &Query::new())
        .await?;
    let by_team = Query::new().list("team_ids", [id.as_str()]);
    let members_path = format!("/teams/{id}/members");
    let (members, eps, services, schedules) = try_join4(
        session.get_all(&members_path, "members", &Query::new(), 200),
        session.get_all("/escalation_policies", "escalation_policies", &by_team, 100),
        session.get_all("/services", "services", &by_team, 100),
        session.get_all("/schedules", "schedules", &by_team, 100),
    )
    .await?;
    let refs = |items: &[Value]| items.iter().filter_map(reference).collect::<Vec<_>>();
    Ok(TeamDetail {
        team: Team::from_api(&raw),
        members: members
            .items
            .iter()
            .filter_map(|m| {
                Some(TeamMember {
                    user: ref_at(m, "user")?,
                    role: s(m, "role"),
                })
            })
            .collect(),
        escalation_policies: refs(&eps.items),
        services: refs(&services.items),
        schedules: refs(&schedules.items),
        truncated: members.truncated || eps.truncated || services.truncated || schedules.truncated,
    })
}
