//! # arcade-tdk
//!
//! Build LLM tools that need OAuth, in Rust, the way Arcade's Python `arcade-tdk` builds
//! them: write an ordinary function, put `#[tool]` on it, and get its definition, its
//! JSON schemas and a callable wrapper. Serve a toolkit over MCP (stdio and Streamable
//! HTTP) or Arcade's worker protocol from one command line.
//!
//! ```
//! use arcade_tdk::{tool, Catalog, ToolContext, ToolError, Toolkit};
//!
//! /// Retrieve information about the authenticated user from PagerDuty.
//! #[tool(requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = ["read"]))]
//! async fn get_current_user(context: ToolContext) -> Result<serde_json::Value, ToolError> {
//!     let token = context.authorization.token()?; // injected by whoever calls the tool
//!     // call the provider's `/users/me` with `Authorization: Bearer {token}`
//!     Ok(serde_json::json!({"token_length": token.len()}))
//! }
//!
//! let catalog = Catalog::new(Toolkit::new("MyPagerDuty").tool(get_current_user::tool())).unwrap();
//! let definition = catalog.get("MyPagerDuty.GetCurrentUser").unwrap().definition();
//! assert_eq!(
//!     definition.requirements.authorization.as_ref().unwrap().provider_id.as_deref(),
//!     Some("arcade-pagerduty")
//! );
//! ```
//!
//! The path of one call: a protocol adapter ([`serve`]) decodes the request and finds
//! the tool in the [`Catalog`]; the [`executor`] validates the arguments, runs the tool
//! with its [`ToolContext`] and turns the result or [`ToolError`] into Arcade's
//! `ToolCallOutput`; the adapter encodes that for its protocol.
//!
//! # Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `cli` | yes | [`cli`]: the standard command line of a toolkit binary (`tools`, `serve`, `worker`, `call`, `configure`, and `auth` with `oauth`); pulls in clap, tokio's multi-threaded runtime, tracing-subscriber, dirs and toml_edit |
//! | `mcp` | yes | [`serve::mcp`]: MCP servers over stdio and Streamable HTTP, on rmcp and axum |
//! | `worker` | yes | [`serve::worker`]: Arcade's worker HTTP protocol (JWT-authenticated), on axum and jsonwebtoken |
//! | `reqwest` | yes | `From<reqwest::Error> for ToolError` and [`http`]'s status mapping, as Arcade's Python HTTP adapter maps them |
//! | `client` | yes | [`client::Arcade`], the Arcade API client, and [`token::ArcadeTokenSource`]: OAuth tokens for locally served tools from the Arcade Engine |
//! | `oauth` | yes | [`token::oauth`]: tokens from the user's own OAuth app (a PKCE login through the browser, a token cache, refresh-token rotation) and the `auth` command |
//! | `testing` | no | the test harness (`arcade_tdk::testing`): call a toolkit's tools through the real pipeline from a test |
//!
//! Without default features the crate is the runtime alone: `#[tool]`, [`ToolContext`],
//! [`ToolError`], the [`Catalog`], the definitions and the executor, with no server, no
//! HTTP client and no async runtime of its own (`default-features = false` and add what
//! you serve with, e.g. `features = ["mcp"]`).

// docs.rs builds with `--cfg docsrs` on nightly: `doc_cfg` marks feature-gated items
// with their features (it absorbed the removed `doc_auto_cfg`, an error on nightly now).
#![cfg_attr(docsrs, feature(doc_cfg))]

#[allow(unused_extern_crates)]
extern crate self as arcade_tdk;

pub mod app;
pub mod auth;
pub mod calls;
pub mod catalog;
#[cfg(feature = "client")]
pub mod client;
pub mod completion;
mod content;
pub mod context;
pub mod definition;
pub mod error;
pub mod executor;
#[cfg(feature = "reqwest")]
pub mod http;
pub mod interaction;
pub mod metadata;
pub mod names;
pub mod owner;
mod preset;
pub mod prompt;
pub mod redact;
pub mod resource;
mod schema;
#[cfg(feature = "store")]
pub mod store;
mod task_support;
pub mod token;
pub mod tool;
mod toolkit;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(any(feature = "mcp", feature = "worker", feature = "cli"))]
pub mod serve;
#[cfg(feature = "testing")]
pub mod testing;

pub use arcade_tdk_macros::tool;
pub use calls::ToolCalls;
pub use catalog::{Catalog, CatalogEntry, CatalogError, ToolFilter};
pub use completion::{Completer, Completions};
pub use content::{Content, EmbeddedResource, ToolContent};
pub use context::{Authorization, LogLevel, TokenKind, ToolContext};
pub use definition::ToolDefinition;
pub use error::{ErrorKind, NetworkFailure, ToolError};
pub use owner::ResourceOwner;
pub use prompt::{Prompt, PromptArgument, PromptArguments, PromptError, PromptMessage, Role};
pub use resource::{
    Resource, ResourceContents, ResourceError, ResourceRequest, ResourceTemplate, ResourceUpdates,
};
pub use schema::FieldError;
pub use task_support::{TaskSupport, UnknownTaskSupport};
pub use tool::{Tool, ToolSpec, ToolValue};
pub use toolkit::{ToolNames, Toolkit};

/// What generated code uses. Not public API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use schemars;
    pub use serde;
    pub use serde_json;

    pub use arcade_tdk_macros::tool;

    pub use crate::auth::ToolAuthorization;
    pub use crate::context::ToolContext;
    pub use crate::error::ToolError;
    pub use crate::metadata::{Behavior, Classification, Operation, ServiceDomain, ToolMetadata};
    pub use crate::task_support::TaskSupport;
    pub use crate::tool::codegen::{
        Is, ParamAttrs, Returns, ToolAttrs, ToolFns, build_spec, decode_args, returns,
        returns_result,
    };
    pub use crate::tool::{Tool, ToolFuture, ToolParam, ToolSpec, ToolValue};

    /// Every service domain, in declaration order (the `#[tool]` macro's tests compare
    /// them with the names the macro accepts).
    pub const SERVICE_DOMAINS: &[ServiceDomain] = ServiceDomain::ALL;
    /// Every operation, in declaration order.
    pub const OPERATIONS: &[Operation] = Operation::ALL;

    /// A `OnceLock`, for the spec each generated tool builds once.
    pub type SpecCell = std::sync::OnceLock<ToolSpec>;

    /// Boxes a tool's future.
    pub fn boxed<F>(fut: F) -> ToolFuture
    where
        F: core::future::Future<Output = Result<ToolValue, ToolError>> + Send + 'static,
    {
        Box::pin(fut)
    }
}
