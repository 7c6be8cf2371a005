//! A fake Arcade Engine on 127.0.0.1 that speaks the subset of the API arcadepy uses:
//! `POST /v1/auth/authorize`, `GET /v1/auth/status` (with long-poll `wait`),
//! `POST /v1/tools/authorize` and `POST /v1/tools/execute`.

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

/// One request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: &'static str,
    pub path: String,
    pub query: HashMap<String, String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
}

/// What the fake answers to authorizations.
#[derive(Clone, Debug)]
pub struct Script {
    pub status: &'static str,
    pub token: String,
    pub expires_in: Option<u64>,
    /// Give each user id a token of its own: `{token}-{user_id}`.
    pub per_user: bool,
}

pub struct Inner {
    pub api_key: String,
    pub script: Mutex<Script>,
    pub requests: Mutex<Vec<Recorded>>,
    pub changed: Notify,
    /// Answer this many of the next authorize requests with 503.
    pub fail_next: Mutex<u32>,
}

#[derive(Clone)]
pub struct FakeEngine {
    pub addr: SocketAddr,
    pub inner: Arc<Inner>,
}

impl FakeEngine {
    pub async fn start(api_key: &str, token: &str) -> Self {
        let inner = Arc::new(Inner {
            api_key: api_key.to_owned(),
            script: Mutex::new(Script {
                status: "pending",
                token: token.to_owned(),
                expires_in: None,
                per_user: false,
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, inner }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_status(&self, status: &'static str) {
        self.inner.script.lock().unwrap().status = status;
        self.inner.changed.notify_waiters();
    }

    pub fn set_expires_in(&self, expires_in: Option<u64>) {
        self.inner.script.lock().unwrap().expires_in = expires_in;
    }

    /// Gives each user id a token of its own (`{token}-{user_id}`).
    pub fn set_per_user_tokens(&self, per_user: bool) {
        self.inner.script.lock().unwrap().per_user = per_user;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.requests.lock().unwrap().clone()
    }

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
    inner.requests.lock().unwrap().push(Recorded {
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

fn auth_response(inner: &Inner, id: &str, provider: &str, scopes: Value, user: &str) -> Value {
    let script = inner.script.lock().unwrap().clone();
    let mut body = json!({
        "id": id,
        "status": script.status,
        "provider_id": provider,
        "scopes": scopes,
        "user_id": user,
    });
    match script.status {
        "pending" | "not_started" => {
            body["url"] = json!(format!("https://cloud.arcade.dev/oauth/start?flow={id}"));
        }
        "completed" => {
            let token = if script.per_user {
                format!("{}-{user}", script.token)
            } else {
                script.token.clone()
            };
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
    if let Err(r) = record(
        &inner,
        "POST",
        "/v1/auth/authorize",
        HashMap::new(),
        &headers,
        body.clone(),
    ) {
        return *r;
    }
    {
        let mut fail = inner.fail_next.lock().unwrap();
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
    axum::Json(auth_response(
        &inner,
        "ac_123",
        provider,
        req["oauth2"]["scopes"].clone(),
        user,
    ))
    .into_response()
}

async fn status(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = record(
        &inner,
        "GET",
        "/v1/auth/status",
        query.clone(),
        &headers,
        Value::Null,
    ) {
        return *r;
    }
    let wait: u64 = query.get("wait").and_then(|w| w.parse().ok()).unwrap_or(0);
    let pending = || {
        matches!(
            inner.script.lock().unwrap().status,
            "pending" | "not_started"
        )
    };
    if pending() && wait > 0 {
        // Long poll: answer when the status changes or `wait` passes.
        let notified = inner.changed.notified();
        if pending() {
            let _ = tokio::time::timeout(Duration::from_secs(wait), notified).await;
        }
    }
    let id = query.get("id").cloned().unwrap_or_default();
    axum::Json(auth_response(
        &inner,
        &id,
        "pagerduty",
        json!(["read"]),
        "user@example.com",
    ))
    .into_response()
}

async fn tools_authorize(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Err(r) = record(
        &inner,
        "POST",
        "/v1/tools/authorize",
        HashMap::new(),
        &headers,
        body.clone(),
    ) {
        return *r;
    }
    let user = body["user_id"].as_str().unwrap_or("anonymous");
    axum::Json(auth_response(
        &inner,
        "ac_456",
        "pagerduty",
        json!([]),
        user,
    ))
    .into_response()
}

async fn tools_execute(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Err(r) = record(
        &inner,
        "POST",
        "/v1/tools/execute",
        HashMap::new(),
        &headers,
        body.clone(),
    ) {
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
