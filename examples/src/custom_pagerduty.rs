//! A custom PagerDuty tool written against `tools_pagerduty::client`: the seed's
//! `get_current_user` (Arcade's PagerDuty auth page), in Rust.
//!
//! The tool never names a host. [`Session::from_context`] picks the API host from the
//! call: the `PAGERDUTY_BASE_URL` metadata (a loopback sandbox in a test, or
//! `https://*.pagerduty.com`), else `PAGERDUTY_REGION` (`us`/`eu`) or the region an
//! OAuth login recorded, else `api.pagerduty.com`. So the same code runs against the
//! sandbox in `tests/custom_pagerduty.rs` and against PagerDuty in production, with
//! the client's pagination, pacing, bounded retries and error mapping.
//!
//! Run it: `cargo run -p arcade-examples --example custom_pagerduty_tool -- call
//! GetCurrentUser` (with `PAGERDUTY_ACCESS_TOKEN` set), or
//! `... -- serve` for an MCP client.

use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use serde_json::Value;
use tools_pagerduty::client::{Query, Session};

/// Retrieve information about the authenticated user from PagerDuty.
#[tool(requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = ["read"]))]
pub async fn get_current_user(context: ToolContext) -> Result<Value, ToolError> {
    let session = Session::from_context(&context)?;
    session.get("/users/me", &Query::new()).await
}

/// The names of the services of one team, every page (the client paginates).
#[tool(requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = ["read"]))]
pub async fn team_service_names(
    context: ToolContext,
    /// The team's ID, e.g. PTEAM01.
    team_id: String,
) -> Result<Vec<String>, ToolError> {
    let session = Session::from_context(&context)?;
    let query = Query::new().list("team_ids", [team_id.as_str()]);
    let services = session
        .get_all("/services", "services", &query, 500)
        .await?;
    Ok(services
        .items
        .iter()
        .filter_map(|s| s["name"].as_str().map(str::to_owned))
        .collect())
}

/// The toolkit of the example.
pub fn toolkit() -> Toolkit {
    Toolkit::new("MyPagerDuty")
        .version(env!("CARGO_PKG_VERSION"))
        .description("Custom PagerDuty tools built on tools_pagerduty::client.")
        .tool(get_current_user::tool())
        .tool(team_service_names::tool())
}
