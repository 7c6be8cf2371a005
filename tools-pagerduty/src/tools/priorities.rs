//! Priorities (P1, P2, ...), for creating and updating incidents.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::s;
use crate::client::{Query, Session};

/// A priority.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Priority {
    /// The priority ID (for CreateIncident and UpdateIncident).
    pub id: String,
    /// The name, e.g. `P1`.
    pub name: Option<String>,
    /// What it means in this account.
    pub description: Option<String>,
}

/// The account's priorities.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct PriorityList {
    /// The priorities, highest first.
    pub priorities: Vec<Priority>,
    /// Whether the list was cut short.
    pub truncated: bool,
}

/// List the account's incident priorities (P1, P2, ...) with their IDs, for setting an
/// incident's priority with CreateIncident or UpdateIncident. Accounts without the
/// priorities feature get an error saying so.
#[tool(preset = super::pagerduty_read, output = "The priorities")]
pub async fn list_priorities(context: ToolContext) -> Result<PriorityList, ToolError> {
    let session = Session::from_context(&context)?;
    let all = session
        .get_all("/priorities", "priorities", &Query::new(), 100)
        .await?;
    Ok(PriorityList {
        priorities: all
            .items
            .iter()
            .map(|v| Priority {
                id: s(v, "id").unwrap_or_default(),
                name: s(v, "name").or_else(|| s(v, "summary")),
                description: s(v, "description"),
            })
            .collect(),
        truncated: all.truncated,
    })
}
