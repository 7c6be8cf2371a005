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
