//! An in-process MCP client for tests: a toolkit's real MCP server
//! ([`serve_io`](crate::serve::mcp::serve_io())) on one end of an in-memory duplex, a
//! small JSON-RPC client on the other. No process, no port.
//!
//! ```
//! use arcade_tdk::serve::mcp::McpOptions;
//! use arcade_tdk::testing::mcp;
//! use arcade_tdk::{tool, Toolkit};
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
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let client = mcp::connect(Toolkit::new("Math").tool(add::tool()), McpOptions::new("math", "1.0.0")).await;
//! assert_eq!(client.server_info()["serverInfo"]["name"], "math");
//! let tools = client.list_tools().await.unwrap();
//! assert_eq!(tools[0]["name"], "Math_Add");
//! let result = client.call_tool("Math_Add", json!({"a": 2, "b": 3})).await.unwrap();
//! assert!(!result.is_error());
//! assert_eq!(result.structured()["result"], 5);
//! // A raw request, for anything else.
//! let err = client.request("prompts/get", json!({"name": "nope"})).await.unwrap_err();
//! assert_eq!(err.code, -32602);
//! # });
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, WriteHalf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::ClientScript;
use crate::catalog::Catalog;
use crate::serve::local::LocalEnvironment;
use crate::serve::mcp::{McpOptions, serve_io};
use crate::toolkit::Toolkit;

/// The protocol version the client asks for in `initialize`.
pub const PROTOCOL_VERSION: &str = "2025-11-25";

/// How long a request waits for its answer before it fails (the server never answers
/// that slowly in a test unless something is wrong).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// What the server can be built from: a [`Toolkit`], a [`Catalog`] or an
/// `Arc<Catalog>`.
pub trait IntoCatalog {
    /// The catalog; panics, saying why, when the toolkit is not a valid catalog.
    fn into_catalog(self) -> Arc<Catalog>;
}

impl IntoCatalog for Toolkit {
    fn into_catalog(self) -> Arc<Catalog> {
        match Catalog::new(self) {
            Ok(catalog) => Arc::new(catalog),
            Err(err) => panic!("the toolkit is not a valid catalog: {err}"),
        }
    }
}

impl IntoCatalog for Catalog {
    fn into_catalog(self) -> Arc<Catalog> {
        Arc::new(self)
    }
}

impl IntoCatalog for Arc<Catalog> {
    fn into_catalog(self) -> Arc<Catalog> {
        self
    }
}

/// A JSON-RPC error answer (or a transport failure, code `-1`).
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    /// The JSON-RPC error code (`-32602` invalid params, ...), `-1` when the connection
    /// failed or the answer did not come.
    pub code: i64,
    /// The message.
    pub message: String,
    /// The error's `data`, if any.
    pub data: Option<Value>,
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JSON-RPC error {}: {}", self.code, self.message)
    }
}

impl std::error::Error for RpcError {}

fn transport(message: impl Into<String>) -> RpcError {
    RpcError {
        code: -1,
        message: message.into(),
        data: None,
    }
}

/// The result of `tools/call`.
#[derive(Clone, Debug, PartialEq)]
pub struct CallResult(pub Value);

impl CallResult {
    /// Whether the tool failed (`isError`).
    pub fn is_error(&self) -> bool {
        self.0["isError"].as_bool().unwrap_or(false)
    }

    /// `structuredContent` (`null` when absent).
    pub fn structured(&self) -> &Value {
        &self.0["structuredContent"]
    }

    /// The text of the content blocks, joined with newlines.
    pub fn text(&self) -> String {
        self.0["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `_meta.arcade` of an error result (`errorKind`, `canRetry`, ...).
    pub fn arcade_meta(&self) -> &Value {
        &self.0["_meta"]["arcade"]
    }
}

type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Result<Value, RpcError>>>>>;

/// A connected client. See the [module docs](self). Dropping it closes the connection
/// and stops the server.
pub struct McpTestClient {
    writer: Arc<tokio::sync::Mutex<WriteHalf<tokio::io::DuplexStream>>>,
    pending: Pending,
    notifications: Arc<Mutex<Vec<Value>>>,
    server_requests: Arc<Mutex<Vec<Value>>>,
    next_id: AtomicU64,
    init: Value,
    reader: JoinHandle<()>,
    server: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for McpTestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpTestClient")
            .field("server", &self.init["serverInfo"])
            .finish_non_exhaustive()
    }
}

/// Starts `catalog`'s MCP server in this runtime and connects to it: `initialize`,
/// then `notifications/initialized`. Without an environment in `options` the server
/// gets an empty one (no secrets, no tokens: a test does not see the developer's
/// environment); a [`Harness`](super::Harness) passes its own
/// ([`Harness::mcp`](super::Harness::mcp)).
///
/// Panics when the handshake fails: that is a bug in the server.
pub async fn connect(catalog: impl IntoCatalog, options: McpOptions) -> McpTestClient {
    connect_with_client(catalog, options, ClientScript::new()).await
}

/// [`connect`], with a client that declares the capabilities of `script` and answers
/// the server's elicitation, sampling and roots requests from it.
///
/// ```
/// use arcade_tdk::interaction::{ClientRequest, Elicitation};
/// use arcade_tdk::serve::mcp::McpOptions;
/// use arcade_tdk::testing::{mcp, ClientScript};
/// use arcade_tdk::{tool, ToolContext, ToolError, Toolkit};
/// use serde_json::json;
///
/// /// Lists the client's roots.
/// #[tool]
/// async fn roots(context: ToolContext) -> Result<Vec<String>, ToolError> {
///     Ok(context.list_roots().await?.into_iter().map(|r| r.uri).collect())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let script = ClientScript::new().roots(["file:///work"]);
/// let toolkit = Toolkit::new("Files").tool(roots::tool());
/// let client = mcp::connect_with_client(toolkit, McpOptions::new("files", "1.0.0"), script.clone()).await;
/// let result = client.call_tool("Files_Roots", json!({})).await.unwrap();
/// assert_eq!(result.structured()["result"], json!(["file:///work"]));
/// assert_eq!(script.requests(), vec![ClientRequest::ListRoots]);
/// # });
/// ```
pub async fn connect_with_client(
    catalog: impl IntoCatalog,
    options: McpOptions,
    script: ClientScript,
) -> McpTestClient {
    let options = match options.environment {
        Some(_) => options,
        None => options.with_environment(Arc::new(LocalEnvironment::default())),
    };
    let (client_end, server_end) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_end);
    let server = tokio::spawn(serve_io(
        catalog.into_catalog(),
        options,
        server_read,
        server_write,
    ));
    let (client_read, client_write) = tokio::io::split(client_end);
    let writer = Arc::new(tokio::sync::Mutex::new(client_write));
    let pending: Pending = Arc::default();
    let notifications: Arc<Mutex<Vec<Value>>> = Arc::default();
    let server_requests: Arc<Mutex<Vec<Value>>> = Arc::default();
    let reader = tokio::spawn(read_loop(
        BufReader::new(client_read),
        writer.clone(),
        pending.clone(),
        notifications.clone(),
        server_requests.clone(),
        script.clone(),
    ));
    let mut client = McpTestClient {
        writer,
        pending,
        notifications,
        server_requests,
        next_id: AtomicU64::new(1),
        init: Value::Null,
        reader,
        server,
    };
    let init = client
        .request(
            "initialize",
            json!({
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": script.capabilities(),
                "clientInfo": {"name": "arcade-tdk-test-client", "version": env!("CARGO_PKG_VERSION")}
            }),
        )
        .await
        .unwrap_or_else(|e| panic!("the MCP handshake failed: {e}"));
    client.init = init;
    client
        .notify("notifications/initialized", None)
        .await
        .unwrap_or_else(|e| panic!("the MCP handshake failed: {e}"));
    client
}

async fn read_loop(
    mut reader: BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
    writer: Arc<tokio::sync::Mutex<WriteHalf<tokio::io::DuplexStream>>>,
    pending: Pending,
    notifications: Arc<Mutex<Vec<Value>>>,
    server_requests: Arc<Mutex<Vec<Value>>>,
    script: ClientScript,
) {
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let Ok(message) = serde_json::from_str::<Value>(line.trim()) else {
            continue;
        };
        let has_method = message.get("method").is_some();
        match (message.get("id"), has_method) {
            (Some(id), false) => {
                let Some(id) = id.as_u64() else { continue };
                let answer = match message.get("error") {
                    Some(error) => Err(RpcError {
                        code: error["code"].as_i64().unwrap_or(0),
                        message: error["message"].as_str().unwrap_or_default().to_owned(),
                        data: error.get("data").cloned(),
                    }),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
                let sender = lock(&pending).remove(&id);
                if let Some(sender) = sender {
                    let _ = sender.send(answer);
                }
            }
            (Some(id), true) => {
                // A request from the server. `ping` is answered; elicitation,
                // sampling and roots from the script (or never, if so scripted);
                // anything else gets "method not found".
                lock(&server_requests).push(message.clone());
                let method = message["method"].as_str().unwrap_or_default();
                let params = message.get("params").cloned().unwrap_or(Value::Null);
                let reply = if method == "ping" {
                    json!({"jsonrpc": "2.0", "id": id, "result": {}})
                } else if script.never_answers() {
                    continue;
                } else {
                    match script.answer(method, params) {
                        Some(Ok(result)) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                        Some(Err(message)) => json!({"jsonrpc": "2.0", "id": id, "error": {
                            "code": -32603, "message": message
                        }}),
                        None => json!({"jsonrpc": "2.0", "id": id, "error": {
                            "code": -32601,
                            "message": "the test client has no scripted answer for this request"
                        }}),
                    }
                };
                let _ = write_line(&writer, &reply).await;
            }
            (None, true) => lock(&notifications).push(message),
            (None, false) => {}
        }
    }
    // The connection ended: fail whatever still waits.
    for (_, sender) in lock(&pending).drain() {
        let _ = sender.send(Err(transport("the server closed the connection")));
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

async fn write_line(
    writer: &tokio::sync::Mutex<WriteHalf<tokio::io::DuplexStream>>,
    message: &Value,
) -> std::io::Result<()> {
    let mut text = message.to_string();
    text.push('\n');
    let mut writer = writer.lock().await;
    writer.write_all(text.as_bytes()).await?;
    writer.flush().await
}

impl McpTestClient {
    /// The server's `initialize` result (`serverInfo`, `capabilities`, `protocolVersion`,
    /// `instructions`).
    pub fn server_info(&self) -> &Value {
        &self.init
    }

    /// Sends `method` with `params` and waits for the answer: its `result`, or the
    /// JSON-RPC error.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, tx);
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        if let Err(err) = write_line(&self.writer, &message).await {
            lock(&self.pending).remove(&id);
            return Err(transport(format!("cannot send {method}: {err}")));
        }
        match tokio::time::timeout(REQUEST_TIMEOUT, rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => Err(transport("the connection ended before the answer")),
            Err(_) => {
                lock(&self.pending).remove(&id);
                Err(transport(format!(
                    "no answer to {method} within {REQUEST_TIMEOUT:?}"
                )))
            }
        }
    }

    /// Sends a notification (no answer).
    pub async fn notify(&self, method: &str, params: Option<Value>) -> Result<(), RpcError> {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        if let Some(params) = params {
            message["params"] = params;
        }
        write_line(&self.writer, &message)
            .await
            .map_err(|e| transport(format!("cannot send {method}: {e}")))
    }

    async fn list_all(&self, method: &str, key: &str) -> Result<Vec<Value>, RpcError> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let page = self.request(method, params).await?;
            items.extend(page[key].as_array().cloned().unwrap_or_default());
            match page["nextCursor"].as_str() {
                Some(next) if !next.is_empty() => cursor = Some(next.to_owned()),
                _ => return Ok(items),
            }
        }
    }

    /// `tools/list`, every page.
    pub async fn list_tools(&self) -> Result<Vec<Value>, RpcError> {
        self.list_all("tools/list", "tools").await
    }

    /// `resources/list`, every page.
    pub async fn list_resources(&self) -> Result<Vec<Value>, RpcError> {
        self.list_all("resources/list", "resources").await
    }

    /// `prompts/list`, every page.
    pub async fn list_prompts(&self) -> Result<Vec<Value>, RpcError> {
        self.list_all("prompts/list", "prompts").await
    }

    /// `tools/call` of `name` with `arguments` (a JSON object).
    pub async fn call_tool(&self, name: &str, arguments: Value) -> Result<CallResult, RpcError> {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
            .map(CallResult)
    }

    /// `tools/call` with a progress token, so that the tool's progress reports arrive
    /// as `notifications/progress` ([`notifications`](Self::notifications)).
    pub async fn call_tool_with_progress(
        &self,
        name: &str,
        arguments: Value,
        progress_token: &str,
    ) -> Result<CallResult, RpcError> {
        self.request(
            "tools/call",
            json!({"name": name, "arguments": arguments, "_meta": {"progressToken": progress_token}}),
        )
        .await
        .map(CallResult)
    }

    /// Every notification received so far (whole JSON-RPC messages), in order. The
    /// server sends a call's notifications before its answer, so they are here when the
    /// call returns.
    pub fn notifications(&self) -> Vec<Value> {
        lock(&self.notifications).clone()
    }

    /// The `params` of the notifications named `method` (e.g. `notifications/message`).
    pub fn notifications_named(&self, method: &str) -> Vec<Value> {
        lock(&self.notifications)
            .iter()
            .filter(|n| n["method"] == method)
            .map(|n| n["params"].clone())
            .collect()
    }

    /// Requests the server sent to the client (`ping`, and later elicitation and
    /// sampling), in order.
    pub fn server_requests(&self) -> Vec<Value> {
        lock(&self.server_requests).clone()
    }
}

impl Drop for McpTestClient {
    fn drop(&mut self) {
        self.reader.abort();
        self.server.abort();
    }
}
