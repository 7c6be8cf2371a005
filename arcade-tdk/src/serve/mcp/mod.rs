//! MCP servers over stdio and Streamable HTTP, on the official Rust SDK (`rmcp`) as the
//! protocol and transport layer only: the tools, their schemas, errors and auth come
//! from the [`Catalog`] and the [`executor`](crate::executor), exactly as every other
//! adapter sees them. No `rmcp` type appears in this module's public API.
//!
//! * `initialize` answers with [`McpOptions::name`] and [`McpOptions::version`] and the
//!   `tools` and `logging` capabilities, plus `prompts` and `resources` (always empty, as
//!   in Arcade's Python server: their lists are empty, `prompts/get` and `resources/read`
//!   answer -32602, resp. -32002 before 2026-07-28); protocol versions 2025-06-18,
//!   2025-11-25 and (through `server/discover` and per-request `_meta`) 2026-07-28.
//! * `tools/list` gives every tool in catalog order, as
//!   [`definition::mcp::tool`](crate::definition::mcp::tool) builds it.
//! * `tools/call` accepts `Toolkit_Tool` and `Toolkit.Tool`; an unknown tool is the
//!   JSON-RPC error -32602 `Unknown tool: X`. A success carries the value as text and
//!   `structuredContent`; a tool error is an `isError` result with `_meta.arcade`
//!   (`errorKind`, `canRetry`, ...); a missing secret or token is an `isError` result
//!   telling the user what to set. Tools can log (`notifications/message`, filtered by
//!   `logging/setLevel`) and report progress (`notifications/progress`, when the request
//!   carried a progress token). `notifications/cancelled` drops the tool's future.
//!
//! ```no_run
//! use std::sync::Arc;
//! use arcade_tdk::serve::mcp::{serve_stdio, McpOptions};
//! use arcade_tdk::{Catalog, Toolkit};
//!
//! # async fn run(toolkit: Toolkit) -> std::io::Result<()> {
//! let catalog = Arc::new(Catalog::new(toolkit).expect("no duplicate tools"));
//! serve_stdio(catalog, McpOptions::new("my_toolkit", "1.0.0")).await
//! # }
//! ```

mod client_requests;
mod deferred_task;
mod front_door;
mod handler;
mod http;
mod input_required;
mod lean;
pub mod list_changed;
mod polling;
mod prompt_input;
mod surface;
mod task_input;
mod tasks;

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

pub use crate::serve::shutdown_signal;
pub use http::{
    ALLOW_CREDENTIALED_TOOLS_ENV, DEFAULT_MAX_BODY_BYTES, HttpOptions, http_router, serve_http,
    serve_http_listener,
};

use crate::catalog::Catalog;
use crate::serve::local::LocalEnvironment;

/// The value of `ARCADE_DEBUG_EXPOSE_DEVELOPER_MESSAGE_IN_TOOL_ERROR_RESPONSES` (and
/// `..._STACKTRACE_...`) that turns on exposing internals to the agent.
pub const EXPOSE_INTERNALS_CONSENT: &str = "yes-i-accept-leaking-internals-to-the-agent";

/// How the MCP server presents itself and reports errors.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct McpOptions {
    /// `serverInfo.name`.
    pub name: String,
    /// `serverInfo.version`.
    pub version: String,
    /// `serverInfo.title`, when set.
    pub title: Option<String>,
    /// `instructions` in the `initialize` result, when set.
    pub instructions: Option<String>,
    /// Append the developer message to tool error texts (off by default; see
    /// [`McpOptions::from_env`]).
    pub expose_developer_messages: bool,
    /// Append the stack trace (a panic's location) to tool error texts.
    pub expose_stacktraces: bool,
    /// Where secrets, tokens and the user id come from; `None` reads
    /// [`LocalEnvironment::from_env`] when the server starts.
    pub environment: Option<Arc<LocalEnvironment>>,
    /// How long a tool waits for the client to answer an elicitation, sampling or roots
    /// request before the call fails ([`DEFAULT_CLIENT_REQUEST_TIMEOUT`] by default;
    /// `ARCADE_MCP_CLIENT_REQUEST_TIMEOUT_SECS` in [`McpOptions::from_env`]).
    pub client_request_timeout: std::time::Duration,
    /// How long a 2026-07-28 `requestState` stays valid ([`DEFAULT_REQUEST_STATE_TTL`]
    /// by default): the client must answer an `input_required` result within it. The
    /// state is sealed with `ARCADE_REQUEST_STATE_KEY` (see [`REQUEST_STATE_KEY_ENV`]).
    pub request_state_ttl: std::time::Duration,
    /// Whether `tools/list` carries each tool's `outputSchema` (on by default; off with
    /// [`McpOptions::with_output_schemas`], `serve --no-output-schemas` or
    /// `ARCADE_MCP_NO_OUTPUT_SCHEMAS`, for clients that do not use them: the schemas are
    /// most of the list's size). Results still carry `structuredContent`.
    pub output_schemas: bool,
    /// How long a task's record stays readable after its creation (`ttlMs`,
    /// [`DEFAULT_TASK_TTL`] by default).
    pub task_ttl: std::time::Duration,
    /// Where task records are kept; `None` uses the process's
    /// [installed](crate::store::installed) shared store, so that every replica sharing
    /// it answers for every task.
    pub store: Option<Arc<dyn crate::store::SharedStore>>,
    /// The handle that replaces the served catalog at run time, when taken
    /// ([`McpOptions::with_served`]); `listChanged` is advertised only then.
    pub served: Option<ServedCatalog>,
}

/// How long a task's record stays readable by default: one hour.
pub const DEFAULT_TASK_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

/// How long a `requestState` stays valid by default: ten minutes.
pub const DEFAULT_REQUEST_STATE_TTL: std::time::Duration = std::time::Duration::from_secs(600);

pub use input_required::REQUEST_STATE_KEY_ENV;
pub use list_changed::ServedCatalog;

/// How long a tool waits for the client's answer by default: five minutes (a user
/// filling in a form).
pub const DEFAULT_CLIENT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

impl McpOptions {
    /// Options named `name` at `version`; developer messages and stack traces are not
    /// exposed. Reads nothing from the process environment (see
    /// [`McpOptions::from_env`]).
    ///
    /// ```
    /// let options = arcade_tdk::serve::mcp::McpOptions::new("my_toolkit", "1.0.0");
    /// assert!(!options.expose_developer_messages && !options.expose_stacktraces);
    /// ```
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            title: None,
            instructions: None,
            expose_developer_messages: false,
            expose_stacktraces: false,
            environment: None,
            client_request_timeout: DEFAULT_CLIENT_REQUEST_TIMEOUT,
            request_state_ttl: DEFAULT_REQUEST_STATE_TTL,
            output_schemas: true,
            task_ttl: DEFAULT_TASK_TTL,
            store: None,
            served: None,
        }
    }

    /// Serves what `handle` sets at run time ([`ServedCatalog::replace`]): the server
    /// advertises `listChanged: true` for tools, resources and prompts and notifies its
    /// 2025 sessions when they change. See [`ServedCatalog`].
    ///
    /// ```
    /// use arcade_tdk::serve::mcp::{McpOptions, ServedCatalog};
    /// let options = McpOptions::new("my_toolkit", "1.0.0").with_served(ServedCatalog::new());
    /// assert!(options.served.is_some());
    /// ```
    pub fn with_served(mut self, handle: ServedCatalog) -> Self {
        self.served = Some(handle);
        self
    }

    /// Sets whether `tools/list` carries the tools' output schemas.
    ///
    /// ```
    /// let options = arcade_tdk::serve::mcp::McpOptions::new("my_toolkit", "1.0.0");
    /// assert!(options.output_schemas);
    /// assert!(!options.with_output_schemas(false).output_schemas);
    /// ```
    pub fn with_output_schemas(mut self, on: bool) -> Self {
        self.output_schemas = on;
        self
    }

    /// [`McpOptions::new`], with developer messages (stack traces) exposed when
    /// `ARCADE_DEBUG_EXPOSE_DEVELOPER_MESSAGE_IN_TOOL_ERROR_RESPONSES`
    /// (`ARCADE_DEBUG_EXPOSE_STACKTRACE_IN_TOOL_ERROR_RESPONSES`) is
    /// [`EXPOSE_INTERNALS_CONSENT`], as in Arcade's Python server. The command line's
    /// `serve` uses this.
    pub fn from_env(name: impl Into<String>, version: impl Into<String>) -> Self {
        let consent = |var: &str| std::env::var(var).is_ok_and(|v| v == EXPOSE_INTERNALS_CONSENT);
        Self::new(name, version)
            .with_expose_developer_messages(consent(
                "ARCADE_DEBUG_EXPOSE_DEVELOPER_MESSAGE_IN_TOOL_ERROR_RESPONSES",
            ))
            .with_expose_stacktraces(consent(
                "ARCADE_DEBUG_EXPOSE_STACKTRACE_IN_TOOL_ERROR_RESPONSES",
            ))
            .with_client_request_timeout(
                std::env::var("ARCADE_MCP_CLIENT_REQUEST_TIMEOUT_SECS")
                    .ok()
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .map_or(
                        DEFAULT_CLIENT_REQUEST_TIMEOUT,
                        std::time::Duration::from_secs_f64,
                    ),
            )
    }

    /// Options named after the catalog's first toolkit (name and version, `0.1.0` when
    /// it has none).
    pub fn for_catalog(catalog: &Catalog) -> Self {
        let toolkit = catalog.entries().first().map(|e| &e.definition().toolkit);
        Self::new(
            toolkit.map_or("arcade-tdk", |t| t.name.as_str()),
            toolkit
                .and_then(|t| t.version.as_deref())
                .unwrap_or("0.1.0"),
        )
    }

    /// Sets `serverInfo.title`.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the `instructions`.
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Sets whether developer messages are appended to tool error texts.
    pub fn with_expose_developer_messages(mut self, expose: bool) -> Self {
        self.expose_developer_messages = expose;
        self
    }

    /// Sets whether stack traces are appended to tool error texts.
    pub fn with_expose_stacktraces(mut self, expose: bool) -> Self {
        self.expose_stacktraces = expose;
        self
    }

    /// Sets how long a tool waits for the client's answer to an elicitation, sampling
    /// or roots request.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let options = arcade_tdk::serve::mcp::McpOptions::new("kit", "1.0.0")
    ///     .with_client_request_timeout(Duration::from_secs(30));
    /// assert_eq!(options.client_request_timeout, Duration::from_secs(30));
    /// ```
    pub fn with_client_request_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.client_request_timeout = timeout;
        self
    }

    /// Sets how long a 2026-07-28 `requestState` stays valid.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let options = arcade_tdk::serve::mcp::McpOptions::new("kit", "1.0.0")
    ///     .with_request_state_ttl(Duration::from_secs(60));
    /// assert_eq!(options.request_state_ttl, Duration::from_secs(60));
    /// ```
    pub fn with_request_state_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.request_state_ttl = ttl;
        self
    }

    /// Sets how long a task's record stays readable after its creation.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let options = arcade_tdk::serve::mcp::McpOptions::new("kit", "1.0.0")
    ///     .with_task_ttl(Duration::from_secs(60));
    /// assert_eq!(options.task_ttl, Duration::from_secs(60));
    /// ```
    pub fn with_task_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.task_ttl = ttl;
        self
    }

    /// Sets the store that keeps task records (instead of the installed one).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arcade_tdk::store::MemoryStore;
    /// let options = arcade_tdk::serve::mcp::McpOptions::new("kit", "1.0.0")
    ///     .with_store(Arc::new(MemoryStore::new()));
    /// assert_eq!(options.store.unwrap().kind(), "memory");
    /// ```
    pub fn with_store(mut self, store: Arc<dyn crate::store::SharedStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Sets where secrets, tokens and the user id come from.
    pub fn with_environment(mut self, environment: Arc<LocalEnvironment>) -> Self {
        self.environment = Some(environment);
        self
    }
}

/// Serves `catalog` over stdio until the client closes stdin.
///
/// stdout carries only protocol messages; diagnostics go through `tracing` (which the
/// command line sends to stderr). When stdin and stdout are pipes (as MCP clients spawn
/// servers) they are driven as non-blocking pipes on the I/O reactor, otherwise through
/// tokio's blocking stdio. Works on a current-thread runtime; the runtime needs I/O and
/// time enabled (`enable_all()`).
///
/// Tools that print to stdout would corrupt the protocol stream: tools log through
/// `context.log()` (sent to the client) or `tracing` (stderr) instead.
pub async fn serve_stdio(catalog: Arc<Catalog>, options: McpOptions) -> std::io::Result<()> {
    let (reader, writer) = rmcp::transport::io::stdio_pipes();
    serve_io(catalog, options, reader, writer).await
}

/// Serves `catalog` over any byte stream pair (newline-delimited JSON-RPC, as stdio)
/// until the reader ends. For in-process clients and tests (`tokio::io::duplex`).
pub async fn serve_io<R, W>(
    catalog: Arc<Catalog>,
    options: McpOptions,
    reader: R,
    writer: W,
) -> std::io::Result<()>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let server = handler::McpServer::new(catalog, options, true);
    server.warn_missing_secrets();
    server.run((reader, writer)).await
}
