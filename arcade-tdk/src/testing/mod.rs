//! Testing tools and toolkits (feature `testing`, off by default; enable it in
//! `[dev-dependencies]`: `arcade-tdk = { version = "...", features = ["testing"] }`).
//!
//! * [`Harness`]: call a tool by name with JSON through the real pipeline
//!   (requirements, validation, redaction, errors) with a token, secrets, metadata and
//!   user id of your choosing, and get a [`TestOutput`] with the value or the
//!   [`ToolCallError`](crate::executor::ToolCallError), the logs and the progress, and
//!   assertions that read well (`assert_error_kind`, `field("/json/pointer")`,
//!   `requires_authorization()`).
//! * [`mcp`]: an in-process MCP client connected to the toolkit's real MCP server over
//!   an in-memory duplex (lists, calls, raw requests, notifications).
//! * [`ClientScript`]: what the client answers when a tool elicits, samples or lists
//!   roots ([`Harness::answer_elicitation`], [`Harness::answer_sampling`],
//!   [`mcp::connect_with_client`]).
//! * [`FakeEngine`]: a fake Arcade Engine on loopback, for tools and apps that go
//!   through Arcade's authorization flow.
//!
//! ```
//! use arcade_tdk::testing::Harness;
//! use arcade_tdk::{tool, ErrorKind, ToolContext, ToolError, Toolkit};
//! use serde_json::json;
//!
//! /// Echo the token's length.
//! #[tool(requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = ["read"]))]
//! fn token_length(context: &ToolContext) -> Result<usize, ToolError> {
//!     Ok(context.authorization.token()?.len())
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let toolkit = || Toolkit::new("Demo").tool(token_length::tool());
//! let out = Harness::new(toolkit()).token("abcd").call("TokenLength", json!({})).await;
//! assert_eq!(out.value(), json!(4));
//!
//! // Without a token: the error a user sees.
//! let out = Harness::new(toolkit()).call("TokenLength", json!({})).await;
//! out.assert_error_kind(ErrorKind::ToolRequirementsNotMet);
//! assert!(out.requirement_unmet());
//!
//! // The same toolkit over MCP, in process.
//! let client = Harness::new(toolkit()).token("abcd").mcp().await;
//! let result = client.call_tool("Demo_TokenLength", json!({})).await.unwrap();
//! assert_eq!(result.structured()["result"], 4);
//! # });
//! ```

mod client_script;
mod engine;
mod harness;
pub mod mcp;
mod mcp_surface;
mod output;

pub use client_script::ClientScript;
pub use engine::{EngineRequest, FAKE_API_KEY, FAKE_TOKEN, FakeEngine};
pub use harness::Harness;
pub use output::{LogRecord, ProgressRecord, TestOutput};

impl Harness {
    /// An in-process MCP client connected to this harness's toolkit, served with the
    /// harness's environment (token, secrets, metadata, user id), named after the
    /// toolkit.
    pub async fn mcp(&self) -> mcp::McpTestClient {
        let options = crate::serve::mcp::McpOptions::for_catalog(self.catalog())
            .with_environment(std::sync::Arc::new(self.environment()));
        mcp::connect_with_client(
            self.catalog().clone(),
            options,
            self.client_script().clone(),
        )
        .await
    }
}
