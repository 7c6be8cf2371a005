//! Tool-to-tool calls: a tool calls another tool of the server through its context
//! ([`ToolContext::tools`]), on behalf of the same user and through the same pipeline as
//! a call from the client: the called tool's requirements (its own token for the user,
//! its secrets), argument validation, redaction and errors. Calls nest at most
//! [`MAX_CALL_DEPTH`] deep; past that the call fails with a clear error naming the chain.
//!
//! ```
//! use arcade_tdk::{tool, ToolContext, ToolError, Toolkit};
//! use arcade_tdk::testing::Harness;
//! use serde_json::json;
//!
//! /// Add two integers.
//! #[tool]
//! fn add(
//!     /// First addend
//!     a: i64,
//!     /// Second addend
//!     b: i64,
//! ) -> i64 {
//!     a + b
//! }
//!
//! /// Double a number, by calling Add.
//! #[tool]
//! async fn double(
//!     context: ToolContext,
//!     /// The number
//!     n: i64,
//! ) -> Result<i64, ToolError> {
//!     context.tools().call("Math.Add", json!({"a": n, "b": n})).await
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let harness = Harness::new(Toolkit::new("Math").tool(add::tool()).tool(double::tool()));
//! assert_eq!(harness.call("Math.Double", json!({"n": 21})).await.value(), json!(42));
//! # });
//! ```

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::tool::ToolValue;

/// How deep tool-to-tool calls may nest: the tool the client called is at depth 1, so
/// a chain holds at most this many tools.
pub const MAX_CALL_DEPTH: usize = 8;

/// Where a context's tool calls go: the server's catalog and pipeline, for the caller of
/// the call that made the context. Installed by the pipeline.
pub(crate) trait CallScope: Send + Sync {
    /// Runs the tool `name` with `args`; `parent` is the calling tool's context.
    fn call<'a>(
        &'a self,
        name: &'a str,
        args: Map<String, Value>,
        parent: &'a ToolContext,
    ) -> BoxFuture<'a, Result<ToolValue, ToolError>>;
}

/// The error when `chain` (the tools of the call path, outermost first) cannot call
/// `name`: it is already [`MAX_CALL_DEPTH`] long.
#[cfg(any(feature = "mcp", feature = "worker", feature = "cli"))]
pub(crate) fn too_deep(chain: &[String], name: &str) -> ToolError {
    ToolError::fatal(format!(
        "Tool call depth limit reached: calls nest at most {MAX_CALL_DEPTH} deep ({} -> {name}).",
        chain.join(" -> ")
    ))
}

/// Calls to the server's other tools, from a tool's context. See the [module docs](self).
#[derive(Clone, Copy)]
pub struct ToolCalls<'a> {
    context: &'a ToolContext,
}

impl<'a> ToolCalls<'a> {
    pub(crate) fn new(context: &'a ToolContext) -> Self {
        Self { context }
    }

    /// Calls the tool `name` (`Toolkit.Tool`, `Toolkit_Tool` or its MCP name) with
    /// `args` (an object) and decodes its value as `T`.
    pub async fn call<T: DeserializeOwned>(
        &self,
        name: &str,
        args: impl Serialize,
    ) -> Result<T, ToolError> {
        let args = match serde_json::to_value(args)? {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => {
                return Err(ToolError::fatal(format!(
                    "The arguments of a call to {name} must be a JSON object."
                )));
            }
        };
        let value = match self.call_raw(name, args).await? {
            ToolValue::Json(value) => value,
            ToolValue::Content(content) => content.to_json(),
        };
        serde_json::from_value(value).map_err(|e| {
            ToolError::fatal(format!(
                "The value of {name} is not what the caller expected."
            ))
            .with_developer_message(format!("decoding the value of {name}: {e}"))
        })
    }

    /// Calls the tool `name` with `args` and returns what it produced as is (a JSON
    /// value or MCP content). Its error (a requirement not met, bad arguments, a failure)
    /// comes back as a [`ToolError`] of the same kind, whose message names the tool.
    pub async fn call_raw(
        &self,
        name: &str,
        args: Map<String, Value>,
    ) -> Result<ToolValue, ToolError> {
        let Some(scope) = self.context.scope.clone() else {
            return Err(ToolError::fatal(format!(
                "Cannot call {name}: this context was not made by a server (build the call with \
                 the testing Harness or a server to call other tools)."
            )));
        };
        scope.call(name, args, self.context).await
    }
}

impl ToolContext {
    /// Calls to the server's other tools, on behalf of the same user (see
    /// [`crate::calls`]).
    pub fn tools(&self) -> ToolCalls<'_> {
        ToolCalls::new(self)
    }

    /// Sets where the context's tool calls go (done by the pipeline).
    #[cfg(any(feature = "mcp", feature = "worker", feature = "cli"))]
    pub(crate) fn set_scope(&mut self, scope: std::sync::Arc<dyn CallScope>) {
        self.scope = Some(scope);
    }
}
