//! Servers: MCP (stdio and Streamable HTTP) and the Arcade worker protocol, and the
//! local environment (secrets, tokens, user id) a locally served tool runs with.

#[cfg(feature = "front-door")]
pub mod auth;
#[cfg(any(feature = "mcp", feature = "worker"))]
pub mod drain;
pub mod local;
#[cfg(feature = "mcp")]
pub mod mcp;
#[cfg(any(feature = "mcp", feature = "worker"))]
mod memory;
#[cfg(any(feature = "mcp", feature = "worker"))]
pub mod pipeline;
#[cfg(feature = "worker")]
pub mod worker;

/// Completes on ctrl-c, or on SIGTERM on Unix.
#[cfg(any(feature = "mcp", feature = "worker"))]
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
