//! Test-only MCP Streamable HTTP server over the sample kit plus a `LoadKit` with a slow
//! tool, for `tests/load.rs` and `scripts/load.sh`. Binds 127.0.0.1 on a free port,
//! prints `listening <addr>` on stdout, and serves until SIGTERM or ctrl-c.
//!
//! `LoadKit_SleepMs` counts its live futures (a drop guard), and `LoadKit_InFlight`
//! answers that count, so a test can see when abandoned calls are dropped.
//!
//! `LOAD_TEST_LEAK_BYTES=N` makes the server leak `N` bytes (touched, so resident) per
//! HTTP request: the switch that shows the load test's memory bound can fail.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arcade_examples::sample_kit;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{
    HttpOptions, McpOptions, http_router, serve_http_listener, shutdown_signal,
};
use arcade_tdk::{Catalog, ToolFilter, Toolkit, tool};

/// `LoadKit_SleepMs` futures alive now (created and not yet dropped).
static IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

/// Counts one live call from its creation to its drop (completion or cancellation).
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Sleep for `ms` milliseconds, then answer `ms`.
#[tool]
async fn sleep_ms(
    /// How long
    ms: u64,
) -> u64 {
    let _live = InFlight::enter();
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

/// How many `SleepMs` calls are alive (started, not yet finished or dropped).
#[tool]
fn in_flight() -> u64 {
    IN_FLIGHT.load(Ordering::SeqCst)
}

fn main() -> std::io::Result<()> {
    let catalog = Catalog::filtered(
        [
            sample_kit::toolkit(),
            Toolkit::new("LoadKit")
                .tool(sleep_ms::tool())
                .tool(in_flight::tool()),
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
    let mut router = http_router(Arc::new(catalog), options, http);
    let leak: usize = std::env::var("LOAD_TEST_LEAK_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if leak > 0 {
        router = router.layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                // Deliberate: filled (so resident) and never freed.
                std::mem::forget(vec![1u8; leak]);
                next.run(request)
            },
        ));
    }
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
