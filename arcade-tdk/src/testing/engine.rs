//! [`FakeEngine`]: a fake Arcade Engine on loopback, for tests of tools and apps that go
//! through Arcade's authorization flow.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::client::{Arcade, AuthorizationStatus};

/// The API key [`FakeEngine::start`] accepts.
pub const FAKE_API_KEY: &str = "arc_fake_engine_key";
/// The token [`FakeEngine::start`] hands out for a completed authorization.
pub const FAKE_TOKEN: &str = "fake-engine-oauth-token";

/// One request the fake engine received.
#[derive(Clone, Debug, PartialEq)]
pub struct EngineRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The path, e.g. `/v1/auth/authorize`.
    pub path: String,
    /// The query parameters.
    pub query: HashMap<String, String>,
    /// The `Authorization` header as sent.
    pub authorization: Option<String>,
    /// The `Content-Type` header as sent.
    pub content_type: Option<String>,
    /// The JSON body (`null` for a `GET`).
    pub body: Value,
}

struct Script {
    status: AuthorizationStatus,
    token: String,
    expires_in: Option<u64>,
    per_user: HashMap<String, (Option<AuthorizationStatus>, Option<String>)>,
    /// Authorization ids handed out: (user id, provider, scopes) → id.
    ids: Vec<((String, String, Value), String)>,
}

struct Inner {
    api_key: String,
    script: Mutex<Script>,
    requests: Mutex<Vec<EngineRequest>>,
    changed: Notify,
    fail_next: Mutex<u32>,
}

impl Inner {
    fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A fake Arcade Engine on `127.0.0.1:<random port>` speaking the part of Arcade's API
/// that [`Arcade`](crate::client::Arcade) and the `ArcadeTokenSource` use:
/// `POST /v1/auth/authorize`, `GET /v1/auth/status` (long poll with `wait`),
/// `POST /v1/tools/authorize` and `POST /v1/tools/execute`.
///
/// Authorizations are `pending` (with a URL to open) until the test says otherwise
/// ([`set_status`](Self::set_status), or per user with
/// [`set_status_for`](Self::set_status_for)); a completed one carries the token
/// ([`FAKE_TOKEN`] by default, per user with [`set_token_for`](Self::set_token_for)).
/// Requests without the API key get 401. Every request is recorded
/// ([`requests`](Self::requests)). The server stops when the last clone is dropped.
///
/// ```
/// use arcade_tdk::client::AuthorizationStatus;
/// use arcade_tdk::testing::{FakeEngine, Harness};
/// use arcade_tdk::{tool, ToolContext, ToolError, Toolkit};
/// use serde_json::json;
///
/// /// Length of the token.
/// #[tool(requires_auth = PagerDuty(scopes = ["read"]))]
/// fn token_length(context: &ToolContext) -> Result<usize, ToolError> {
///     Ok(context.authorization.token()?.len())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let engine = FakeEngine::start().await;
/// let harness = Harness::new(Toolkit::new("Demo").tool(token_length::tool()))
///     .arcade_engine(&engine)
///     .user_id("ada@example.com");
///
/// // Pending: the call fails with the URL the user must open.
/// let out = harness.call("TokenLength", json!({})).await;
/// assert!(out.requires_authorization().unwrap().starts_with("https://"));
///
/// engine.set_status_for("ada@example.com", AuthorizationStatus::Completed);
/// let out = harness.call("TokenLength", json!({})).await;
/// assert_eq!(out.value(), json!(arcade_tdk::testing::FAKE_TOKEN.len()));
/// assert_eq!(engine.requests()[0].body["user_id"], "ada@example.com");
/// # });
/// ```
#[derive(Clone)]
pub struct FakeEngine {
    addr: SocketAddr,
    inner: Arc<Inner>,
    _stop: Arc<Stop>,
}

/// Stops the server when the last [`FakeEngine`] clone drops it.
struct Stop(Mutex<Option<tokio::sync::oneshot::Sender<()>>>);

impl Drop for Stop {
    fn drop(&mut self) {
        if let Some(tx) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = tx.send(());
        }
    }
}

impl std::fmt::Debug for FakeEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeEngine")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeEngine {
    /// Starts an engine that accepts [`FAKE_API_KEY`] and hands out [`FAKE_TOKEN`], in
    /// the current Tokio runtime. Panics when no loopback port can be bound.
    pub async fn start() -> Self {
        Self::start_with(FAKE_API_KEY, FAKE_TOKEN).await
    }

    /// Starts an engine that accepts `api_key` and hands out `token`.
    pub async fn start_with(api_key: &str, token: &str) -> Self {
        let inner = Arc::new(Inner {
            api_key: api_key.to_owned(),
            script: Mutex::new(Script {
                status: AuthorizationStatus::Pending,
                token: token.to_owned(),
                expires_in: None,
                per_user: HashMap::new(),
                ids: Vec::new(),
            }),
            requests: Mutex::new(Vec::new()),
            changed: Notify::new(),
            fail_next: Mutex::new(0),
        });
        let app = Router::new()
            .route("/v1/auth/authorize", post(authorize))
            .route("/v1/auth/status", get(status))
            .route("/v1/tools/authorize", post(tools_authorize))
            .route("/v1/tools/execute", post(tools_execute))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake engine binds a loopback port");
        let addr = listener.local_addr().expect("a local address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Self {
            addr,
            inner,
            _stop: Arc::new(Stop(Mutex::new(Some(tx)))),
        }
    }

    /// The base URL (`http://127.0.0.1:<port>`), for `ARCADE_BASE_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The API key it accepts, for `ARCADE_API_KEY`.
    pub fn api_key(&self) -> &str {
        &self.inner.api_key
    }

    /// A client for this engine (no retries, so that a test sees every failure at once).
    pub fn client(&self) -> Arcade {
        Arcade::new(self.inner.api_key.clone(), self.url())
            .expect("a loopback URL is valid")
            .with_max_retries(0)
    }

    /// The status of every authorization (default `Pending`); wakes long polls.
    pub fn set_status(&self, status: AuthorizationStatus) {
        self.inner.script().status = status;
        self.inner.changed.notify_waiters();
    }

    /// The status of `user_id`'s authorizations, overriding [`set_status`](Self::set_status).
    pub fn set_status_for(&self, user_id: &str, status: AuthorizationStatus) {
        self.inner
            .script()
            .per_user
            .entry(user_id.to_owned())
            .or_default()
            .0 = Some(status);
        self.inner.changed.notify_waiters();
    }

    /// The token a completed authorization of `user_id` carries.
    pub fn set_token_for(&self, user_id: &str, token: &str) {
        self.inner
            .script()
            .per_user
            .entry(user_id.to_owned())
            .or_default()
            .1 = Some(token.to_owned());
    }

    /// The `expires_in` (seconds) a completed authorization reports (default none).
    pub fn set_expires_in(&self, expires_in: Option<u64>) {
        self.inner.script().expires_in = expires_in;
    }

    /// Answers the next `n` `POST /v1/auth/authorize` with 503 (`retry-after: 0`).
    pub fn fail_next(&self, n: u32) {
        *self
            .inner
            .fail_next
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = n;
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<EngineRequest> {
        self.inner
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// How many requests went to `path`.
    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }
}

fn record(
    inner: &Inner,
    method: &'static str,
    path: &str,
    query: HashMap<String, String>,
    headers: &HeaderMap,
    body: Value,
) -> Result<(), Box<Response>> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let authorization = header("authorization");
    inner
        .requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(EngineRequest {
            method,
            path: path.to_owned(),
            query,
            authorization: authorization.clone(),
            content_type: header("content-type"),
            body,
        });
    // arcadepy sends the key verbatim; the engine also accepts `Bearer <key>`.
    let ok = authorization.as_deref().is_some_and(|a| {
        a == inner.api_key || a.strip_prefix("Bearer ") == Some(inner.api_key.as_str())
    });
    if ok {
        Ok(())
    } else {
        Err(Box::new(
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"name": "unauthorized", "message": "Invalid API key"})),
            )
                .into_response(),
        ))
    }
}

/// The id of the authorization of (user, provider, scopes): `ac_123` for the first,
/// then `ac_124`, ...
fn authorization_id(script: &mut Script, key: (String, String, Value)) -> String {
    if let Some((_, id)) = script.ids.iter().find(|(k, _)| *k == key) {
        return id.clone();
    }
    let id = format!("ac_{}", 123 + script.ids.len());
    script.ids.push((key, id.clone()));
    id
}

fn auth_response(script: &Script, id: &str, provider: &str, scopes: &Value, user: &str) -> Value {
    let (status, token) = match script.per_user.get(user) {
        Some((status, token)) => (
            status.unwrap_or(script.status),
            token.as_deref().unwrap_or(&script.token),
        ),
        None => (script.status, script.token.as_str()),
    };
    let mut body = json!({
        "id": id,
        "status": status.as_str(),
        "provider_id": provider,
        "scopes": scopes,
        "user_id": user,
    });
    match status {
        AuthorizationStatus::Pending | AuthorizationStatus::NotStarted => {
            body["url"] = json!(format!("https://cloud.arcade.dev/oauth/start?flow={id}"));
        }
        AuthorizationStatus::Completed => {
            let mut context = json!({"token": token, "user_info": {"id": "PUSER1"}});
            if let Some(e) = script.expires_in {
                context["expires_in"] = json!(e);
            }
            body["context"] = context;
        }
        _ => {}
    }
    body
}

async fn authorize(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let path = "/v1/auth/authorize";
    if let Err(r) = record(&inner, "POST", path, HashMap::new(), &headers, body.clone()) {
        return *r;
    }
    {
        let mut fail = inner.fail_next.lock().unwrap_or_else(|e| e.into_inner());
        if *fail > 0 {
            *fail -= 1;
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [("retry-after", "0")],
                axum::Json(json!({"message": "try again"})),
            )
                .into_response();
        }
    }
    let req = &body["auth_requirement"];
    let provider = req["provider_id"]
        .as_str()
        .or(req["id"].as_str())
        .unwrap_or("unknown");
    let user = body["user_id"].as_str().unwrap_or("anonymous");
    let scopes = req["oauth2"]["scopes"].clone();
    let mut script = inner.script();
    let id = authorization_id(
        &mut script,
        (user.to_owned(), provider.to_owned(), scopes.clone()),
    );
    axum::Json(auth_response(&script, &id, provider, &scopes, user)).into_response()
}

fn is_pending(status: AuthorizationStatus) -> bool {
    matches!(
        status,
        AuthorizationStatus::Pending | AuthorizationStatus::NotStarted
    )
}

async fn status(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let path = "/v1/auth/status";
    if let Err(r) = record(&inner, "GET", path, query.clone(), &headers, Value::Null) {
        return *r;
    }
    let id = query.get("id").cloned().unwrap_or_default();
    // An id this engine did not hand out answers for the default user.
    let key = {
        let script = inner.script();
        script
            .ids
            .iter()
            .find(|(_, i)| *i == id)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| {
                (
                    "user@example.com".to_owned(),
                    "pagerduty".to_owned(),
                    json!(["read"]),
                )
            })
    };
    let pending = || {
        let script = inner.script();
        let status = script
            .per_user
            .get(&key.0)
            .and_then(|(s, _)| *s)
            .unwrap_or(script.status);
        is_pending(status)
    };
    let wait: u64 = query.get("wait").and_then(|w| w.parse().ok()).unwrap_or(0);
    if pending() && wait > 0 {
        // Long poll: answer when the status changes or `wait` passes.
        let notified = inner.changed.notified();
        if pending() {
            let _ = tokio::time::timeout(Duration::from_secs(wait), notified).await;
        }
    }
    let script = inner.script();
    axum::Json(auth_response(&script, &id, &key.1, &key.2, &key.0)).into_response()
}

async fn tools_authorize(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let path = "/v1/tools/authorize";
    if let Err(r) = record(&inner, "POST", path, HashMap::new(), &headers, body.clone()) {
        return *r;
    }
    let user = body["user_id"].as_str().unwrap_or("anonymous");
    let script = inner.script();
    axum::Json(auth_response(
        &script,
        "ac_456",
        "pagerduty",
        &json!([]),
        user,
    ))
    .into_response()
}

async fn tools_execute(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let path = "/v1/tools/execute";
    if let Err(r) = record(&inner, "POST", path, HashMap::new(), &headers, body.clone()) {
        return *r;
    }
    axum::Json(json!({
        "id": "te_1",
        "execution_id": "exec_1",
        "execution_type": "immediate",
        "finished_at": "2025-01-01T00:00:01Z",
        "duration": 12.3,
        "status": "success",
        "success": true,
        "output": {"value": {"incidents": [], "input": body["input"]}, "logs": null, "error": null, "authorization": null}
    }))
    .into_response()
}
