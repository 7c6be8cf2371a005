//! The middle of every call: run a tool with its arguments and context, contain
//! panics, and produce Arcade's `ToolCallOutput`. Every protocol adapter calls
//! [`execute`]; nothing about errors is decided twice.
//!
//! ```
//! use arcade_tdk::{tool, executor, Catalog, ToolContext, Toolkit};
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
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let catalog = Catalog::new(Toolkit::new("Math").tool(add::tool())).unwrap();
//! let entry = catalog.get("Math.Add").unwrap();
//! let args = json!({"a": 2, "b": "3"}).as_object().unwrap().clone();
//! let output = executor::execute(entry, args, ToolContext::default()).await.into_output();
//! assert_eq!(serde_json::to_value(&output).unwrap()["value"], json!(5));
//! # });
//! ```

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::CatalogEntry;
use crate::context::ToolContext;
use crate::error::{ErrorKind, ToolError};
use crate::redact::Redactor;
use crate::tool::ToolValue;

/// Arcade's `ToolCallOutput`: every key present, nulls included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCallOutput {
    /// The tool's value, on success (`""` when it returned nothing, as Arcade does).
    pub value: Option<Value>,
    /// Log entries (deprecation warnings).
    pub logs: Option<Vec<ToolCallLog>>,
    /// The error, on failure.
    pub error: Option<ToolCallError>,
    /// Set when the user must authorize first.
    pub requires_authorization: Option<Value>,
}

/// Arcade's `ToolCallLog`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCallLog {
    /// The message.
    pub message: String,
    /// `debug`, `info`, `warning` or `error`.
    pub level: String,
    /// E.g. `deprecation`.
    pub subtype: Option<String>,
}

/// Arcade's `ToolCallError`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCallError {
    /// For the model and the user.
    pub message: String,
    /// What went wrong.
    pub kind: ErrorKind,
    /// For the developer.
    pub developer_message: Option<String>,
    /// Whether a retry may succeed.
    pub can_retry: bool,
    /// What the model should do next.
    pub additional_prompt_content: Option<String>,
    /// When a retry may succeed.
    pub retry_after_ms: Option<u64>,
    /// Where the failure came from (a panic's location).
    pub stacktrace: Option<String>,
    /// HTTP-like status code.
    pub status_code: Option<u16>,
    /// Extra fields.
    pub extra: Option<Map<String, Value>>,
}

impl ToolCallError {
    /// The wire form of `error` raised by the tool named `tool`, prefixed as Arcade
    /// prefixes it: `[KIND] Class during execution of tool 'Tool': message`.
    pub fn from_tool_error(error: &ToolError, tool: &str) -> Self {
        let prefix = format!(
            "[{}] {} during execution of tool '{}': ",
            error.kind(),
            error.class_name(),
            tool
        );
        let body = |m: &str| {
            if m.is_empty() {
                "(no details provided)".to_owned()
            } else {
                m.to_owned()
            }
        };
        Self {
            message: format!("{prefix}{}", body(error.message())),
            kind: error.kind(),
            developer_message: error
                .developer_message()
                .map(|d| format!("{prefix}{}", body(d))),
            can_retry: error.can_retry(),
            additional_prompt_content: error.additional_prompt_content().map(str::to_owned),
            retry_after_ms: error.retry_after_ms(),
            stacktrace: error.stacktrace().map(str::to_owned),
            status_code: error.status_code(),
            extra: error.extra().cloned(),
        }
    }
}

/// The result of one execution, before it is encoded for a protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    /// The value, or the error in Arcade's wire form.
    pub outcome: Result<ToolValue, ToolCallError>,
    /// Log entries (deprecation warnings).
    pub logs: Vec<ToolCallLog>,
}

impl Execution {
    /// Arcade's `ToolCallOutput` (MCP content becomes its closest JSON).
    pub fn into_output(self) -> ToolCallOutput {
        let logs = (!self.logs.is_empty()).then_some(self.logs);
        match self.outcome {
            Ok(value) => ToolCallOutput {
                value: Some(match value {
                    ToolValue::Json(Value::Null) => Value::String(String::new()),
                    ToolValue::Json(v) => v,
                    ToolValue::Content(c) => c.to_json(),
                }),
                logs,
                error: None,
                requires_authorization: None,
            },
            Err(error) => ToolCallOutput {
                value: None,
                logs,
                error: Some(error),
                requires_authorization: None,
            },
        }
    }

    /// Whether the tool succeeded.
    pub fn is_success(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// Runs the tool of `entry` with `args` and `context`.
///
/// Arguments are validated (and coerced as Arcade does) before the tool runs; a panic
/// in the tool becomes a fatal tool error and the process lives on. Token and secret
/// values of the context are scrubbed from every text of the error, `extra` included
/// (see [`Redactor`]).
pub async fn execute(
    entry: &CatalogEntry,
    args: Map<String, Value>,
    context: ToolContext,
) -> Execution {
    let redactor = Redactor::for_context(&context);
    execute_redacted(entry, args, context, &redactor).await
}

/// [`execute`] with the call's [`Redactor`] built by the caller, who shares it with the
/// context's notification sink (one redactor per call).
pub async fn execute_redacted(
    entry: &CatalogEntry,
    args: Map<String, Value>,
    context: ToolContext,
    redactor: &Redactor,
) -> Execution {
    let mut context = context;
    context
        .resources
        .get_or_insert_with(|| entry.own_resources());
    let spec = entry.tool().spec();
    let tool = entry.tool();
    // The call itself (argument decoding) and the future it returns may both panic.
    let result = match std::panic::catch_unwind(AssertUnwindSafe(|| tool.call(context, args))) {
        Ok(fut) => match AssertUnwindSafe(fut).catch_unwind().await {
            Ok(result) => result,
            Err(panic) => Err(panic_error(panic.as_ref())),
        },
        Err(panic) => Err(panic_error(panic.as_ref())),
    };
    let outcome = result.map_err(|e| {
        let mut wire = ToolCallError::from_tool_error(&e, spec.name());
        redactor.redact_error(&mut wire);
        wire
    });
    let logs = spec
        .deprecation_message()
        .map(|m| ToolCallLog {
            message: m.to_owned(),
            level: "warning".to_owned(),
            subtype: Some("deprecation".to_owned()),
        })
        .into_iter()
        .collect();
    Execution { outcome, logs }
}

/// The message of a tool's panic.
const PANIC_MESSAGE: &str = "An unhandled panic occurred in the tool.";

/// Whether `error` is a panic of the tool (not an error it returned): what the MCP
/// tasks extension reports as a `failed` task rather than a tool error. The wire form
/// prefixes both messages (`[KIND] Class during execution of tool 'X': ...`).
#[cfg(feature = "mcp")]
pub(crate) fn is_panic(error: &ToolCallError) -> bool {
    error.kind == ErrorKind::ToolRuntimeFatal
        && error.message.ends_with(PANIC_MESSAGE)
        && error
            .developer_message
            .as_deref()
            .is_some_and(|m| m.contains("': panic: "))
}

fn panic_error(payload: &(dyn std::any::Any + Send)) -> ToolError {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    ToolError::fatal(PANIC_MESSAGE).with_developer_message(format!("panic: {text}"))
}
