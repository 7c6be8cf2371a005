//! MCP servers under test: over an in-process byte stream (stdio's framing) and over
//! Streamable HTTP.

use std::sync::Arc;

use arcade_tdk::Catalog;
use arcade_tdk::serve::mcp::{McpOptions, serve_io};
use tokio::io::{DuplexStream, ReadHalf, WriteHalf};
use tokio::task::JoinHandle;

/// The client's ends of an in-process MCP server over stdio-style streams.
pub struct Duplex {
    /// What the server writes (newline-delimited JSON-RPC).
    pub read: ReadHalf<DuplexStream>,
    /// What the server reads.
    pub write: WriteHalf<DuplexStream>,
    /// The server task (`serve_io`); it ends when `read` and `write` are both dropped
    /// (the end of its input).
    pub server: JoinHandle<std::io::Result<()>>,
}

/// Starts `serve_io` over a 64 KiB `tokio::io::duplex` pair in a background task.
///
/// ```
/// use std::sync::Arc;
/// use arcade_tdk::Catalog;
/// use arcade_tdk::serve::mcp::McpOptions;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let catalog = Arc::new(Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap());
/// let io = arcade_tests::mcp::duplex(catalog, McpOptions::new("sample_kit", "1.0.0"));
/// drop((io.read, io.write)); // the end of its input: the server stops
/// assert!(io.server.await.unwrap().is_ok());
/// # });
/// ```
pub fn duplex(catalog: Arc<Catalog>, options: McpOptions) -> Duplex {
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server_io);
    let server = tokio::spawn(serve_io(catalog, options, sr, sw));
    let (read, write) = tokio::io::split(client_io);
    Duplex {
        read,
        write,
        server,
    }
}

/// A POST of `body` to an MCP Streamable HTTP endpoint with the headers every MCP
/// client sends (`content-type: application/json`, `accept: application/json,
/// text/event-stream`), then `headers`; panics when the round trip fails.
///
/// ```no_run
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let response = arcade_tests::mcp::post("http://127.0.0.1:8000/mcp", &[], "{}").await;
/// println!("{}", response.status());
/// # });
/// ```
pub async fn post(
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    request.body(body).send().await.expect("HTTP round trip")
}

/// A Streamable HTTP session opened as an MCP client opens one: `initialize` (its
/// answer kept), the `mcp-session-id` the server gave, then
/// `notifications/initialized`; later requests carry the session and protocol headers.
///
/// ```no_run
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use arcade_tests::mcp::HttpSession;
/// let session = HttpSession::open("http://127.0.0.1:8000/mcp", "2025-11-25").await;
/// let list = session.post(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).await;
/// assert_eq!(list.status(), 200);
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct HttpSession {
    /// The MCP endpoint.
    pub url: String,
    /// The server's `mcp-session-id`.
    pub id: String,
    /// The protocol revision asked for in `initialize` (sent as `mcp-protocol-version`).
    pub protocol: String,
    /// The body of the `initialize` answer (JSON or an SSE stream of it).
    pub initialize: String,
}

impl HttpSession {
    /// Opens a session at `url` for `protocol`; panics (naming the step) when the
    /// server does not answer `initialize` with 200 and a session id, or
    /// `notifications/initialized` with 202.
    pub async fn open(url: &str, protocol: &str) -> Self {
        let init = serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": protocol, "capabilities": {},
                       "clientInfo": {"name": "arcade-tests", "version": "0"}}});
        let answer = post(url, &[], init.to_string()).await;
        assert_eq!(answer.status(), 200, "initialize at {url}");
        let id = answer
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .expect("initialize answered with an mcp-session-id")
            .to_owned();
        let session = Self {
            url: url.to_owned(),
            id,
            protocol: protocol.to_owned(),
            initialize: answer.text().await.expect("the initialize answer's body"),
        };
        let initialized = session
            .post(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            .await;
        assert_eq!(initialized.status(), 202, "notifications/initialized");
        session
    }

    /// The headers a request in this session carries.
    pub fn headers(&self) -> [(&str, &str); 2] {
        [
            ("mcp-session-id", self.id.as_str()),
            ("mcp-protocol-version", self.protocol.as_str()),
        ]
    }

    /// A POST of `body` in this session (see [`post`]).
    pub async fn post(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        post(&self.url, &self.headers(), body).await
    }
}
