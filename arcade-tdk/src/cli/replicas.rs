//! What serving as one of several replicas takes on the command line: the drain
//! timeout, the shared store, and serving with probes and draining.

use std::time::Duration;

use clap::Args;

/// `--drain-timeout` and `--store`, for `serve` and `worker`.
#[derive(Debug, Args)]
pub(super) struct ReplicaArgs {
    /// On SIGTERM or ctrl-c (http): stop taking connections, answer 503 on /readyz, and
    /// wait this long for calls in flight before exiting (`30`, `30s`, `500ms`).
    #[arg(long, value_name = "DURATION", default_value = "30s", env = "ARCADE_DRAIN_TIMEOUT", value_parser = parse_duration)]
    pub(super) drain_timeout: Duration,
    /// State shared by replicas (the PagerDuty-style per-token rate windows...):
    /// `memory` (this process only, the default) or `redis://host:port[/db]`.
    #[arg(long, value_name = "URL", env = crate::store::STORE_URL_ENV)]
    pub(super) store: Option<String>,
}

/// `30`, `30s`, `1.5s` or `500ms`.
fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (number, scale) = match raw.strip_suffix("ms") {
        Some(ms) => (ms, 0.001),
        None => (raw.strip_suffix('s').unwrap_or(raw), 1.0),
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0 && *n * scale <= 86_400.0)
        .map(|n| Duration::from_secs_f64(n * scale))
        .ok_or_else(|| {
            format!("`{raw}` is not a duration such as 30, 30s or 500ms (at most a day)")
        })
}

/// Opens the store `--store` names and makes it the process's
/// ([`store::install`](crate::store::install)); nothing to do without one.
#[cfg(any(feature = "mcp", feature = "worker"))]
pub(super) async fn install_store(args: &ReplicaArgs) -> Result<(), super::output::CliError> {
    let Some(url) = args.store.as_deref() else {
        return Ok(());
    };
    let store = crate::store::open(url)
        .await
        .map_err(|e| super::output::CliError::failure(format_args!("--store: {e}")))?;
    tracing::info!(store = store.kind(), "shared store ready");
    crate::store::install(store);
    Ok(())
}

/// Serves `router` with `/healthz` and `/readyz`, draining on the shutdown signal for
/// at most `--drain-timeout` ([`serve_draining`](crate::serve::drain::serve_draining)).
#[cfg(any(feature = "mcp", feature = "worker"))]
pub(super) async fn serve(
    router: axum::Router,
    listener: tokio::net::TcpListener,
    args: &ReplicaArgs,
) -> std::io::Result<()> {
    use crate::serve::drain::{Health, serve_draining};
    serve_draining(
        router,
        listener,
        Health::new(),
        args.drain_timeout,
        super::runtime::shutdown_signal(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        for bad in ["", "-1", "soon", "1e9", "NaN", "5m"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
