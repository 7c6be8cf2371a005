//! The peer: an echo tool on `rmcp`'s own `#[tool]` macros and its default stdio
//! transport (`rmcp::transport::stdio()`, multi-thread runtime), as rmcp's examples
//! write a server. Used only by `bench/run`.
//!
//! `rmcp-echo http PORT [--nodelay]` serves the same tool over rmcp's own Streamable
//! HTTP server instead (`StreamableHttpService` + `LocalSessionManager`, default
//! configuration: 2025-era sessions and 2026-07-28 stateless requests, at `/mcp` on
//! 127.0.0.1), through `axum::serve` as rmcp's examples write it; `--nodelay` sets
//! `TCP_NODELAY` on accepted connections, which the examples do not.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{ServiceExt, schemars, tool, tool_router};
use serde::Deserialize;

/// The echo tool's input.
#[derive(Deserialize, schemars::JsonSchema)]
struct EchoInput {
    /// Text to echo back.
    text: String,
}

/// A server with one tool.
#[derive(Clone)]
struct Echo;

#[tool_router(server_handler)]
impl Echo {
    /// Echo the input text.
    #[tool(name = "echo", description = "Echo the input text.")]
    fn echo(&self, Parameters(EchoInput { text }): Parameters<EchoInput>) -> String {
        text
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("http") {
        let port: u16 = args
            .get(1)
            .and_then(|p| p.parse().ok())
            .ok_or("usage: rmcp-echo http PORT [--nodelay]")?;
        return http(port, args.iter().any(|a| a == "--nodelay")).await;
    }
    let service = Echo.serve(rmcp::transport::stdio()).await?;
    service.waiting().await?;
    Ok(())
}

async fn http(port: u16, nodelay: bool) -> Result<(), Box<dyn std::error::Error>> {
    use axum::serve::ListenerExt;
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
    let service = StreamableHttpService::new(
        || Ok(Echo),
        std::sync::Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default(),
    );
    let router = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    if nodelay {
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router).await?;
    } else {
        axum::serve(listener, router).await?;
    }
    Ok(())
}
