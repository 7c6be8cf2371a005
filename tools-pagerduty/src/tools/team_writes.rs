//! Team administration: create, rename and delete teams, add and remove members.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::teams::Team;
use super::{Deleted, path_id};
use crate::client::{Method, Query, Session};

/// The team of a write's answer.
fn answered(answer: &Value) -> Result<Team, ToolError> {
    super::answered_field(answer, "team").map(Team::from_api)
}

/// Create a team (a group of users that owns services, schedules and escalation
/// policies). Add members with AddTeamMember.
#[tool(preset = super::pagerduty_create, output = "The created team")]
pub async fn create_team(
    context: ToolContext,
    /// The team's name.
    name: String,
    /// What the team does. Default is None.
    description: Option<String>,
) -> Result<Team, ToolError> {
    let mut team = json!({"type": "team", "name": super::checked_name("team", &name, 100)?});
    if let Some(d) = description.filter(|d| !d.trim().is_empty()) {
        team["description"] = json!(d);
    }
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(Method::POST, "/teams", &json!({ "team": team }))
        .await?;
    answered(&answer)
}

/// Rename a team or change its description; what is left out stays as it is.
#[tool(preset = super::pagerduty_update, output = "The updated team")]
pub async fn update_team(
    context: ToolContext,
    /// The team ID (from ListTeams).
    team_id: String,
    /// The new name. Default is None (unchanged).
    name: Option<String>,
    /// The new description. Default is None (unchanged).
    description: Option<String>,
) -> Result<Team, ToolError> {
    let id = path_id("team", &team_id)?;
    if name.is_none() && description.is_none() {
        return Err(ToolError::bad_input(
            "Give `name` or `description` to change.",
        ));
    }
    let name = name
        .map(|n| super::checked_name("team", &n, 100))
        .transpose()?;
    let session = Session::from_context(&context)?;
    let path = format!("/teams/{id}");
    // PagerDuty's update takes the whole team: start from the current one.
    let current = session.get_object(&path, "team", &Query::new()).await?;
    let team = json!({
        "type": "team",
        "name": name.or_else(|| super::s(&current, "name")).unwrap_or_default(),
        "description": description.or_else(|| super::s(&current, "description")),
    });
    let answer = session
        .write_optional_from(Method::PUT, &path, &json!({ "team": team }))
        .await?;
    answered(&answer)
}

/// Delete a team. Its escalation policies, schedules and services stay, unowned or
/// moved to `reassignment_team_id`; the team itself cannot be restored. Confirm with
/// the user first.
#[tool(preset = super::pagerduty_delete, output = "What was deleted")]
pub async fn delete_team(
    context: ToolContext,
    /// The team ID (from ListTeams).
    team_id: String,
    /// The team that takes over its policies, schedules and services. Default is None (they become unowned).
    reassignment_team_id: Option<String>,
) -> Result<Deleted, ToolError> {
    let id = path_id("team", &team_id)?;
    let heir = reassignment_team_id
        .map(|t| path_id("team", &t))
        .transpose()?;
    super::confirm::confirm(
        &context,
        format!(
            "Delete team {id}{}? This cannot be undone.",
            heir.as_deref()
                .map(|h| format!(", moving what it owns to team {h}"))
                .unwrap_or_default()
        ),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let query = Query::new().opt("reassignment_team", heir);
    session.delete(&format!("/teams/{id}"), &query).await?;
    Ok(Deleted {
        kind: "team".into(),
        id,
    })
}

/// A user's role on a team.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TeamRole {
    /// Sees the team's objects.
    Observer,
    /// Responds to the team's incidents.
    #[default]
    Responder,
    /// Manages the team and its objects.
    Manager,
}

/// A user's membership of a team.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Membership {
    /// The team ID.
    pub team_id: String,
    /// The user ID.
    pub user_id: String,
    /// The role, after an add; absent after a removal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<TeamRole>,
}

/// Add a user to a team with a role (`responder` by default), or change the role of a
/// member.
#[tool(preset = super::pagerduty_update, output = "The membership")]
pub async fn add_team_member(
    context: ToolContext,
    /// The team ID (from ListTeams).
    team_id: String,
    /// The user ID (from ListUsers or SearchUsers).
    user_id: String,
    /// `observer`, `responder` or `manager`. Default is responder.
    #[arg(default)]
    role: TeamRole,
) -> Result<Membership, ToolError> {
    let team = path_id("team", &team_id)?;
    let user = path_id("user", &user_id)?;
    let session = Session::from_context(&context)?;
    session
        .write_optional_from(
            Method::PUT,
            &format!("/teams/{team}/users/{user}"),
            &json!({ "role": role }),
        )
        .await?;
    Ok(Membership {
        team_id: team,
        user_id: user,
        role: Some(role),
    })
}

/// Remove a user from a team: they stop seeing its incidents as a member and leave
/// its responder rotations' team scope. Confirm with the user first.
#[tool(preset = super::pagerduty_delete, output = "The removed membership")]
pub async fn remove_team_member(
    context: ToolContext,
    /// The team ID.
    team_id: String,
    /// The user ID.
    user_id: String,
) -> Result<Membership, ToolError> {
    let team = path_id("team", &team_id)?;
    let user = path_id("user", &user_id)?;
    super::confirm::confirm(&context, format!("Remove user {user} from team {team}?")).await?;
    let session = Session::from_context(&context)?;
    session
        .delete(&format!("/teams/{team}/users/{user}"), &Query::new())
        .await?;
    Ok(Membership {
        team_id: team,
        user_id: user,
        role: None,
    })
}
