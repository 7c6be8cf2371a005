//! What the commands that run tools share: the async runtime, the listening socket
//! and the shutdown signal.

#[cfg(any(feature = "mcp", feature = "worker"))]
use std::net::SocketAddr;

use super::output::CliError;

/// A tokio runtime: multi-threaded for the HTTP servers, current-thread otherwise.
pub(super) fn build(multi_thread: bool) -> Result<tokio::runtime::Runtime, CliError> {
    let built = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    built.map_err(|e| CliError::failure(format_args!("could not start the async runtime: {e}")))
}

/// Completes on ctrl-c or SIGTERM, and says so.
#[cfg(any(feature = "mcp", feature = "worker"))]
pub(super) async fn shutdown_signal() {
    crate::serve::shutdown_signal().await;
    tracing::info!("shutting down");
}

/// A listener on `addr`.
#[cfg(any(feature = "mcp", feature = "worker"))]
pub(super) async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("could not listen on {addr}: {e}"))
}
