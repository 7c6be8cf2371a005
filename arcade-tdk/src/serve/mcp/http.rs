//! MCP over Streamable HTTP: `rmcp`'s `StreamableHttpService` at `/mcp`, behind Host
//! and Origin checks against DNS rebinding and a request body limit; 2026-07-28 POSTs
//! that need no session or stream take the lean path ([`super::lean`]) instead.

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

use super::McpOptions;
use super::front_door::Hook;
use super::handler::McpServer;
use super::lean::Lean;
use super::polling::PollingSessions;
use crate::catalog::Catalog;
use crate::serve::memory::{TRIM_DELAY, TrimOnClose};

/// The default request body limit: 4 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// How long [`serve_http`] waits for open connections (such as SSE streams) after the
/// shutdown signal before it returns anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

pub use crate::serve::pipeline::ALLOW_CREDENTIALED_TOOLS_ENV;

/// Hosts always accepted in the `Host` header (any port).
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// HTTP-specific settings of the MCP server.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Extra hosts accepted in the `Host` header besides `localhost`, `127.0.0.1` and
    /// `[::1]`: a name (any port) or `name:port`; `*` accepts any host.
    pub allowed_hosts: Vec<String>,
    /// Extra origins accepted in the `Origin` header besides loopback ones, e.g.
    /// `https://app.example.com`; `*` accepts any origin.
    pub allowed_origins: Vec<String>,
    /// The largest request body accepted (413 beyond it).
    pub max_body_bytes: usize,
    /// Keep sessions (`Mcp-Session-Id`) for 2025-era clients, as Arcade's Python
    /// server does; `false` serves every request statelessly.
    pub stateful: bool,
    /// Answer with `application/json` instead of SSE when a request produced no
    /// notifications (stateless mode only).
    pub json_response: bool,
    /// Run tools that need secrets or a token. Off by default, as in Arcade's Python
    /// server: the HTTP transport does not authenticate its users, so anyone who can
    /// reach the port would act with the developer's secrets and tokens. Such tools
    /// answer with an `isError` result saying so.
    pub credentialed_tools: bool,
    /// Front-door auth: `/mcp` only with a valid OAuth access token, and tools that need
    /// credentials served to those callers (see [`crate::serve::auth`]). `None` (the
    /// default): off.
    #[cfg(feature = "front-door")]
    pub front_door: Option<crate::serve::auth::FrontDoor>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            stateful: true,
            json_response: false,
            credentialed_tools: false,
            #[cfg(feature = "front-door")]
            front_door: None,
        }
    }
}

impl HttpOptions {
    /// The defaults plus `MCP_TRANSPORT_ALLOWED_HOSTS` and
    /// `MCP_TRANSPORT_ALLOWED_ORIGINS` (comma-separated), and
    /// `MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS` (`1`, `true` or `yes` allows tools that
    /// need secrets or a token).
    pub fn from_env() -> Self {
        let list = |var: &str| -> Vec<String> {
            std::env::var(var)
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Self {
            allowed_hosts: list("MCP_TRANSPORT_ALLOWED_HOSTS"),
            allowed_origins: list("MCP_TRANSPORT_ALLOWED_ORIGINS"),
            credentialed_tools: std::env::var(ALLOW_CREDENTIALED_TOOLS_ENV).is_ok_and(|v| {
                matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes")
            }),
            ..Self::default()
        }
    }

    /// Adds hosts accepted in the `Host` header.
    pub fn with_allowed_hosts(
        mut self,
        hosts: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.allowed_hosts.extend(hosts.into_iter().map(Into::into));
        self
    }

    /// Adds origins accepted in the `Origin` header.
    pub fn with_allowed_origins(
        mut self,
        origins: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.allowed_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// Sets the request body limit.
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets whether 2025-era clients get sessions.
    pub fn with_stateful(mut self, stateful: bool) -> Self {
        self.stateful = stateful;
        self
    }

    /// Sets whether tools that need secrets or a token may run (see
    /// [`HttpOptions::credentialed_tools`]).
    pub fn with_credentialed_tools(mut self, allowed: bool) -> Self {
        self.credentialed_tools = allowed;
        self
    }

    /// Turns front-door auth on (see [`HttpOptions::front_door`]).
    #[cfg(feature = "front-door")]
    pub fn with_front_door(mut self, front_door: crate::serve::auth::FrontDoor) -> Self {
        self.front_door = Some(front_door);
        self
    }

    /// Sets whether plain JSON responses are preferred (stateless mode).
    pub fn with_json_response(mut self, json_response: bool) -> Self {
        self.json_response = json_response;
        self
    }
}

/// The router serving MCP at `/mcp`.
///
/// A request whose `Host` is not loopback or allowed gets 421 Misdirected Request; one
/// whose `Origin` is present and neither loopback nor allowed gets 403 Forbidden; a body
/// above the limit gets 413. A `DELETE` that ends a session gets 200 OK. Merge it with other routes (the worker protocol) as needed.
pub fn http_router(catalog: Arc<Catalog>, options: McpOptions, http: HttpOptions) -> axum::Router {
    let front_door = Hook::of(&http);
    let server = McpServer::with_policy(catalog, options, |pipeline| {
        front_door.policy(pipeline.credentialed_tools(http.credentialed_tools))
    });
    if http.credentialed_tools || front_door.is_on() {
        server.warn_missing_secrets();
    } else {
        server.warn_refused_over_http();
    }
    let config = StreamableHttpServerConfig::default()
        // Host and Origin are checked by our middleware, with our status codes.
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_legacy_session_mode(http.stateful)
        .with_json_response(http.json_response)
        .with_max_request_body_bytes(http.max_body_bytes);
    let forks = server.clone();
    let lists = server.clone();
    let sessions = PollingSessions::new(move |answer| lists.with_execution(answer));
    let service = StreamableHttpService::new(move || Ok(forks.fork()), Arc::new(sessions), config);
    let max_body = http.max_body_bytes;
    // Shared, not cloned per request (a clone of rmcp's service and its config is not free).
    let lean = Arc::new(front_door.admit_in(Lean::new(server, service, max_body)));
    let mcp = axum::routing::any(move |request: Request| {
        let lean = lean.clone();
        async move { lean.serve(request).await }
    });
    front_door
        .with_metadata(axum::Router::new().route("/mcp", mcp))
        .layer(middleware::from_fn_with_state(Arc::new(http), guard))
        .layer(DefaultBodyLimit::max(max_body))
}

/// Serves `router` on `addr` until `shutdown` completes, then stops accepting
/// connections and waits a little for open ones.
pub async fn serve_http(
    router: axum::Router,
    addr: SocketAddr,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, "MCP server listening at /mcp");
    serve_http_listener(router, listener, shutdown).await
}

/// [`serve_http`] on a listener that is already bound (e.g. to port 0, in tests).
///
/// Accepted connections get `TCP_NODELAY`: a response is written in more than one
/// segment (headers, then the body or SSE events), and without it Nagle's algorithm
/// holds the last segment until the client's delayed ACK, about 40 ms per exchange on
/// Linux.
///
/// When connections close, the heap they freed is given back to the system (glibc's
/// `malloc_trim`, at most about once a second), so resident memory falls back after a
/// burst of sessions instead of staying at its peak.
pub async fn serve_http_listener(
    router: axum::Router,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stopping = Arc::new(tokio::sync::Notify::new());
    let signal = stopping.clone();
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {e}");
        }
    });
    let listener = TrimOnClose::new(listener, TRIM_DELAY);
    let server = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            signal.notify_one();
        })
        .into_future();
    tokio::select! {
        result = server => result,
        () = async {
            stopping.notified().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::info!("closing connections still open after the shutdown grace period");
            Ok(())
        }
    }
}

async fn guard(State(http): State<Arc<HttpOptions>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.as_str().to_owned()));
    match host {
        Some(host) if host_allowed(&host, &http.allowed_hosts) => {}
        Some(host) => {
            tracing::warn!(%host, "rejected a request with a foreign Host (DNS rebinding?)");
            return (StatusCode::MISDIRECTED_REQUEST, "Invalid Host header").into_response();
        }
        None => return (StatusCode::BAD_REQUEST, "Missing Host header").into_response(),
    }
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .is_ok_and(|o| origin_allowed(o, &http.allowed_origins));
        if !allowed {
            tracing::warn!(?origin, "rejected a request with a foreign Origin");
            return (StatusCode::FORBIDDEN, "Invalid Origin header").into_response();
        }
    }
    let is_delete = request.method() == Method::DELETE;
    let mut response = next.run(request).await;
    // rmcp ends a session with 202 Accepted; clients expect 200 or 204 (the Python SDK
    // logs "Session termination failed: 202"), and the Python servers answer 200.
    if is_delete && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::OK;
    }
    response
}

/// Splits `host[:port]` (IPv6 in brackets) into the host, lower-cased, without
/// brackets.
fn host_name(authority: &str) -> String {
    let authority = authority.trim();
    let name = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match authority.rsplit_once(':') {
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
            _ => authority,
        }
    };
    name.to_ascii_lowercase()
}

fn host_allowed(authority: &str, allowed: &[String]) -> bool {
    let name = host_name(authority);
    LOOPBACK_HOSTS.contains(&name.as_str())
        || allowed.iter().any(|a| {
            a == "*"
                || a.eq_ignore_ascii_case(authority.trim())
                || host_name(a) == name && !a.contains(':')
                || a.trim_matches(['[', ']']).eq_ignore_ascii_case(&name)
        })
}

fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    let origin = origin.trim().trim_end_matches('/');
    if allowed
        .iter()
        .any(|a| a == "*" || a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or_default();
    matches!(scheme, "http" | "https") && LOOPBACK_HOSTS.contains(&host_name(authority).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let none: &[String] = &[];
        for ok in [
            "localhost",
            "localhost:8000",
            "127.0.0.1:1",
            "[::1]:3000",
            "LOCALHOST",
        ] {
            assert!(host_allowed(ok, none), "{ok}");
        }
        for bad in [
            "evil.example.com",
            "evil.example.com:8000",
            "127.0.0.1.evil.com",
            "[::2]:1",
        ] {
            assert!(!host_allowed(bad, none), "{bad}");
        }
        let allowed = [
            "mcp.example.com".to_owned(),
            "other.example.com:9000".to_owned(),
        ];
        assert!(host_allowed("mcp.example.com:1234", &allowed));
        assert!(host_allowed("other.example.com:9000", &allowed));
        assert!(!host_allowed("other.example.com:9001", &allowed));
    }

    #[test]
    fn origins() {
        let none: &[String] = &[];
        assert!(origin_allowed("http://localhost:6274", none));
        assert!(origin_allowed("https://127.0.0.1", none));
        assert!(origin_allowed("http://[::1]:80", none));
        assert!(!origin_allowed("http://evil.example.com", none));
        assert!(!origin_allowed("null", none));
        assert!(!origin_allowed("http://localhost.evil.com", none));
        let allowed = ["https://app.example.com".to_owned()];
        assert!(origin_allowed("https://app.example.com", &allowed));
        assert!(!origin_allowed("http://app.example.com", &allowed));
    }
}
