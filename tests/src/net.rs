//! Loopback servers and child processes.

use std::net::SocketAddr;
use std::process::Stdio;

/// Serves `router` on `127.0.0.1` (a free port) in a background task and returns its
/// address. Needs a Tokio runtime with the I/O driver.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let router = axum::Router::new().route("/", axum::routing::get(|| async { "up" }));
/// let addr = arcade_tests::net::serve(router).await;
/// assert!(addr.ip().is_loopback());
/// # });
/// ```
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// Starts `command` with piped stdin and stdout, stderr discarded, killed when the
/// child is dropped: a stdio server under test (such as `mcp_stdio_sample`, through
/// `env!("CARGO_BIN_EXE_mcp_stdio_sample")` in the test).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let mut child = arcade_tests::net::spawn_piped(tokio::process::Command::new("cat"));
/// assert!(child.stdin.take().is_some() && child.stdout.take().is_some());
/// # });
/// ```
pub fn spawn_piped(mut command: tokio::process::Command) -> tokio::process::Child {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the server under test")
}
