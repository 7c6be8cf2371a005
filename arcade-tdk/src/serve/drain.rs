//! Serving behind a load balancer: liveness and readiness probes, and draining on
//! shutdown.
//!
//! [`serve_draining`] serves a router (MCP, worker, or both merged) with two more
//! routes, outside the Host checks so that probes from a load balancer or the kubelet
//! pass:
//!
//! * `GET /healthz`: 200 while the process serves (liveness).
//! * `GET /readyz`: 200 while it takes new work, 503 once it drains (readiness).
//!
//! When the shutdown signal arrives (SIGTERM from Kubernetes or a supervisor), it
//! drains: readiness goes false at once, the listening socket is closed (new
//! connections are refused, so a balancer sends them to another replica), requests in
//! flight run to completion for up to the drain timeout (answers sent meanwhile carry
//! `Connection: close`), and then it returns, so the process exits 0. Requests still
//! running at the deadline are dropped, and the log says how many. A `GET` (an MCP
//! server-sent event stream a 2025-era session keeps open) does not hold the drain.

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::{Listener, ListenerExt};
use futures_util::StreamExt;
use tokio::sync::{Notify, watch};

use crate::serve::memory::{TRIM_DELAY, TrimOnClose};

/// What Kubernetes gives a pod by default between SIGTERM and SIGKILL
/// (`terminationGracePeriodSeconds: 30`).
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// How long open connections (idle SSE streams) are given once the drain is over.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The liveness and readiness of one server, shared by its probes, its request
/// counter and whoever drains it. Cheap to clone.
///
/// ```
/// let health = arcade_tdk::serve::drain::Health::new();
/// assert!(health.is_ready());
/// health.start_draining();
/// assert!(!health.is_ready());
/// assert_eq!(health.in_flight(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct Health {
    state: Arc<HealthState>,
}

#[derive(Debug)]
struct HealthState {
    draining: watch::Sender<bool>,
    in_flight: AtomicUsize,
    idle: Notify,
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

impl Health {
    /// Ready, nothing in flight.
    pub fn new() -> Self {
        Self {
            state: Arc::new(HealthState {
                draining: watch::Sender::new(false),
                in_flight: AtomicUsize::new(0),
                idle: Notify::new(),
            }),
        }
    }

    /// Whether `/readyz` answers 200 (not draining).
    pub fn is_ready(&self) -> bool {
        !*self.state.draining.borrow()
    }

    /// Makes `/readyz` answer 503 from now on (idempotent).
    pub fn start_draining(&self) {
        self.state.draining.send_replace(true);
    }

    /// Requests being served now (`GET` streams and probes not counted).
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }

    /// Completes once [`Health::start_draining`] was called.
    async fn drained_signal(&self) {
        let mut rx = self.state.draining.subscribe();
        let _ = rx.wait_for(|draining| *draining).await;
    }

    /// Waits until nothing is in flight or `timeout` passed; returns what is still in
    /// flight.
    async fn wait_idle(&self, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let idle = self.state.idle.notified();
            tokio::pin!(idle);
            idle.as_mut().enable();
            let left = self.in_flight();
            if left == 0 {
                return 0;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.in_flight();
            }
        }
    }

    /// The probe routes: `GET /healthz` and `GET /readyz`.
    ///
    /// ```
    /// let routes = arcade_tdk::serve::drain::Health::new().routes();
    /// # let _ = routes;
    /// ```
    pub fn routes(&self) -> axum::Router {
        axum::Router::new()
            .route("/healthz", axum::routing::get(healthz))
            .route("/readyz", axum::routing::get(readyz))
            .with_state(self.clone())
    }

    /// `router` with its requests counted as in flight (until the response body is
    /// sent) and, while draining, answered with `Connection: close`.
    ///
    /// ```
    /// let health = arcade_tdk::serve::drain::Health::new();
    /// let router = health.track(axum::Router::new());
    /// # let _ = router;
    /// ```
    pub fn track(&self, router: axum::Router) -> axum::Router {
        router.layer(middleware::from_fn_with_state(self.clone(), track))
    }
}

async fn healthz() -> Response {
    (StatusCode::OK, "ok").into_response()
}

async fn readyz(State(health): State<Health>) -> Response {
    if health.is_ready() {
        (StatusCode::OK, "ready").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response()
    }
}

/// Counts one request from its start to the end of its response body.
struct InFlight(Health);

impl InFlight {
    fn enter(health: &Health) -> Self {
        health.state.in_flight.fetch_add(1, Ordering::SeqCst);
        Self(health.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.0.state.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.state.idle.notify_waiters();
        }
    }
}

async fn track(State(health): State<Health>, request: Request, next: Next) -> Response {
    let counted = request.method() != Method::GET;
    let in_flight = counted.then(|| InFlight::enter(&health));
    let mut response = next.run(request).await;
    if !health.is_ready() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    match in_flight {
        // A body known in full is sent at once; a stream (SSE) is tracked to its end.
        // (A stream has no length to keep, so re-wrapping it loses nothing.)
        Some(in_flight) if response.body().size_hint().exact().is_none() => response.map(|inner| {
            Body::from_stream(inner.into_data_stream().map(move |chunk| {
                let _held = &in_flight;
                chunk
            }))
        }),
        _ => response,
    }
}

/// A listener that closes its socket when the server starts draining, so that new
/// connections are refused while those already accepted finish.
struct StopOnDrain {
    inner: Option<tokio::net::TcpListener>,
    addr: std::net::SocketAddr,
    health: Health,
}

impl Listener for StopOnDrain {
    type Io = tokio::net::TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        if let Some(listener) = self.inner.as_mut() {
            tokio::select! {
                accepted = Listener::accept(listener) => return accepted,
                () = self.health.drained_signal() => {}
            }
            self.inner = None;
        }
        std::future::pending().await
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

/// Serves `router` plus the probe routes of `health` on `listener` until `shutdown`
/// completes, then drains for at most `drain_timeout` (see the [module docs](self)).
///
/// Accepted connections get `TCP_NODELAY`, and closed ones give their heap back, as
/// with [`serve_http_listener`](crate::serve::mcp::serve_http_listener). `router` must
/// not have its own `/healthz` or `/readyz`.
///
/// ```no_run
/// use std::time::Duration;
/// use arcade_tdk::serve::drain::{Health, serve_draining};
///
/// # async fn run(router: axum::Router) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
/// let health = Health::new();
/// serve_draining(router, listener, health, Duration::from_secs(30), arcade_tdk::serve::shutdown_signal()).await
/// # }
/// ```
pub async fn serve_draining(
    router: axum::Router,
    listener: tokio::net::TcpListener,
    health: Health,
    drain_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let app = health.routes().merge(health.track(router));
    let listener = StopOnDrain {
        inner: Some(listener),
        addr,
        health: health.clone(),
    }
    .tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {e}");
        }
    });
    let listener = TrimOnClose::new(listener, TRIM_DELAY);
    let drained = Arc::new(Notify::new());
    let done = drained.clone();
    let draining = health.clone();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            draining.start_draining();
            let in_flight = draining.in_flight();
            tracing::info!(
                in_flight,
                timeout_secs = drain_timeout.as_secs_f64(),
                "draining: not ready, no new connections; waiting for the requests in flight"
            );
            let left = draining.wait_idle(drain_timeout).await;
            if left > 0 {
                tracing::warn!(
                    left,
                    "drain timeout reached: dropping the requests still in flight"
                );
            } else {
                tracing::info!("drained: every request in flight was answered");
            }
            done.notify_one();
        })
        .into_future();
    tokio::select! {
        result = server => result,
        () = async {
            drained.notified().await;
            tokio::time::sleep(CLOSE_GRACE).await;
        } => Ok(()),
    }
}
