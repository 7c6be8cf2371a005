//! Change events across the account: deploys, config changes and other changes sent
//! to PagerDuty, to answer "what changed?" during triage.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::incidents::ChangeEvent;
use super::{
    DEFAULT_LIMIT, MAX_LIMIT, Pagination, check_time, clamp_limit, list_page, path_id, path_ids,
};
use crate::client::{Query, Session};

/// A page of change events.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangeEventPage {
    /// The changes, newest first.
    pub change_events: Vec<ChangeEvent>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List change events (deploys, config changes) across the account, newest first,
/// optionally for one service, some teams or integrations and a time range. Use it to see what
/// changed around the time something broke; for the changes PagerDuty relates to one
/// incident use ListIncidentChangeEvents. When `more` is true, call again with
/// `offset` = `next_offset`.
#[tool(preset = super::pagerduty_read, output = "Change events with pagination fields")]
pub async fn list_change_events(
    context: ToolContext,
    /// Start of the time range (ISO 8601 with zone, e.g. 2026-01-31T00:00:00Z). Default is None.
    since: Option<String>,
    /// End of the time range (ISO 8601 with zone). Default is None.
    until: Option<String>,
    /// Only changes that touched this service. Default is None.
    service_id: Option<String>,
    /// Only changes to services of these teams. Default is None.
    team_ids: Option<Vec<String>>,
    /// Only changes sent through these integrations. Default is None.
    integration_ids: Option<Vec<String>>,
    /// Maximum changes to return (1-50). Default is 10.
    #[arg(default = DEFAULT_LIMIT as i64)]
    limit: i64,
    /// Offset for pagination (from `next_offset`). Default is None.
    offset: Option<i64>,
) -> Result<ChangeEventPage, ToolError> {
    check_time("since", &since)?;
    check_time("until", &until)?;
    let teams = team_ids.map(|t| path_ids("team", &t, 50)).transpose()?;
    let integrations = integration_ids
        .map(|i| path_ids("integration", &i, 50))
        .transpose()?;
    let query = Query::new()
        .opt("since", since)
        .opt("until", until)
        .list("team_ids", teams.unwrap_or_default())
        .list("integration_ids", integrations.unwrap_or_default());
    let path = match service_id {
        Some(id) => format!("/services/{}/change_events", path_id("service", &id)?),
        None => "/change_events".to_owned(),
    };
    let session = Session::from_context(&context)?;
    let (change_events, pagination) = list_page(
        &session,
        &path,
        &query,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        ChangeEvent::from_api,
    )
    .await?;
    Ok(ChangeEventPage {
        change_events,
        pagination,
    })
}
