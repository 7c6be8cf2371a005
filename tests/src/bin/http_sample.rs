//! Test-only MCP Streamable HTTP server over the sample kit plus a `LoadKit` with a slow
//! tool, for `tests/load.rs` and `scripts/load.sh`. Binds 127.0.0.1 on a free port,
//! prints `listening <addr>` on stdout, and serves until SIGTERM or ctrl-c.

use std::sync::Arc;
use std::time::Duration;

use arcade_examples::sample_kit;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{
    HttpOptions, McpOptions, http_router, serve_http_listener, shutdown_signal,
};
use arcade_tdk::{Catalog, ToolFilter, Toolkit, tool};

/// Sleep for `ms` milliseconds, then answer `ms`.
#[tool]
async fn sleep_ms(
    /// How long
    ms: u64,
) -> u64 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

fn main() -> std::io::Result<()> {
    let catalog = Catalog::filtered(
        [
            sample_kit::toolkit(),
            Toolkit::new("LoadKit").tool(sleep_ms::tool()),
        ],
        &ToolFilter::default(),
    )
    .expect("no duplicate tools");
    let options = McpOptions::new("sample_kit", "1.0.0")
        .with_environment(Arc::new(LocalEnvironment::from_vars([("A", "b")])));
    let stateless = std::env::var("LOAD_STATELESS").is_ok_and(|v| v == "1");
    let http = HttpOptions::default()
        .with_stateful(!stateless)
        .with_json_response(stateless);
    let router = http_router(Arc::new(catalog), options, http);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            println!("listening {}", listener.local_addr()?);
            serve_http_listener(router, listener, shutdown_signal()).await?;
            println!("stopped");
            Ok(())
        })
}
