//! A stateful fake PagerDuty for tests and demos (feature `sandbox`).
//!
//! [`Sandbox::start`] serves PagerDuty's REST API v2 (the operations the tools use),
//! the shift-based schedules of its v3 API (`/v3/schedules...`)
//! and the Events API v2 (`POST /v2/enqueue`, `/v2/change/enqueue`) on
//! `127.0.0.1:<random port>`, seeded with a realistic account (8 users, 3 teams,
//! 3 schedules and 3 shift-based v3 schedules, 3 escalation policies, 5 services, 30
//! incidents with alerts, log entries and notes, 3 incident workflows). Changes stick:
//! an acknowledged incident is acknowledged in the next list. Pagination is classic
//! (`limit`/`offset`/`more`/`total`, 10,000 ceiling).
//!
//! Faults can be injected ([`Fault`]): 429 with `ratelimit-reset`, 5xx, 401, 403, 402,
//! 404, slow and malformed responses. Every request is recorded ([`Sandbox::requests`]).
//!
//! For benchmarks, [`Sandbox::builder`] can seed extra incidents, add a fixed latency to
//! every request and enforce a rate limit (at most N requests in any rolling window;
//! the rest answer 429 with `ratelimit-reset` and are counted, see
//! [`Sandbox::rate_limit_violations`]). [`Sandbox::start`] does none of these.
//!
//! Standalone: `tools-pagerduty sandbox` ([`command`]) serves it on a fixed or free port
//! until SIGINT/SIGTERM for code in any language, printing its URL and credentials. Its
//! data can be saved and loaded as JSON ([`Sandbox::state`], [`SandboxBuilder::state`],
//! [`Sandbox::save_state`]), and the admin endpoints under `/_sandbox/` (state, save,
//! latency, faults as [`FaultSpec`] text) switch it while it runs; admin requests are not
//! recorded and no fault applies to them.
//!
//! Credentials: any `Bearer` token or `Token token=` key is accepted. `/users/me` is
//! Alice (PUSR001) unless the token contains another user's ID (e.g. `tok-PUSR003`); a
//! credential starting with `acct` is account-level (no user: `/users/me` answers 400); a
//! credential starting with `ro-` is read-only (writes answer 403). Writes need a
//! `From` header naming a user's email.
//!
//! ```no_run
//! # async fn demo() {
//! use tools_pagerduty::sandbox::{Fault, Sandbox};
//! let sandbox = Sandbox::start().await;
//! sandbox.inject(Fault::RateLimit { times: 1, reset_secs: 0 });
//! let context = sandbox.context("tok", arcade_tdk::TokenKind::OAuth2);
//! // call tools with `context`...
//! # }
//! ```

mod admin;
mod api;
pub mod command;
mod seed;
mod seed_areas;
mod seed_shifts;
mod spec;
mod state;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use arcade_tdk::{TokenKind, ToolContext};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{Value, json};

pub use seed::routing_key;
pub use spec::FaultSpec;
pub use state::STATE_FORMAT;

/// A fault to inject into the next matching requests.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 429 `Rate Limit Exceeded` with `ratelimit-reset: reset_secs`.
    RateLimit {
        /// How many requests get it.
        times: u32,
        /// The `ratelimit-reset` header (seconds).
        reset_secs: u64,
    },
    /// A server error (`status` 500-599).
    ServerError {
        /// How many requests get it.
        times: u32,
        /// The status.
        status: u16,
    },
    /// Any status with PagerDuty's error body (401, 402, 403, 404, 400...).
    Status {
        /// How many requests get it.
        times: u32,
        /// The status.
        status: u16,
        /// `error.message`.
        message: String,
        /// `error.code`.
        code: u32,
    },
    /// Delay the response, then answer normally.
    Slow {
        /// How many requests get it.
        times: u32,
        /// The delay.
        delay_ms: u64,
    },
    /// A 200 whose body is not JSON.
    Malformed {
        /// How many requests get it.
        times: u32,
    },
}

impl Fault {
    /// 401 as PagerDuty sends it.
    pub fn unauthorized() -> Self {
        Self::Status {
            times: u32::MAX,
            status: 401,
            message: "Authentication failed".into(),
            code: 2006,
        }
    }
    /// 403 as PagerDuty sends it.
    pub fn forbidden() -> Self {
        Self::Status {
            times: u32::MAX,
            status: 403,
            message: "Access Denied".into(),
            code: 2010,
        }
    }
    /// 404 as PagerDuty sends it.
    pub fn not_found() -> Self {
        Self::Status {
            times: u32::MAX,
            status: 404,
            message: "Not Found".into(),
            code: 2100,
        }
    }
    /// 402 as PagerDuty sends it for a missing ability.
    pub fn payment_required() -> Self {
        Self::Status {
            times: u32::MAX,
            status: 402,
            message: "Account does not have the abilities to perform the action: teams".into(),
            code: 2012,
        }
    }
    fn times(&self) -> u32 {
        match self {
            Self::RateLimit { times, .. }
            | Self::ServerError { times, .. }
            | Self::Status { times, .. }
            | Self::Slow { times, .. }
            | Self::Malformed { times } => *times,
        }
    }
}

/// A request the sandbox received.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query pairs, in order (`statuses[]` keeps its brackets).
    pub query: Vec<(String, String)>,
    /// The headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// The status the sandbox answered (0 while in flight).
    pub response_status: u16,
    /// The body the sandbox answered (shared with the response sent, not a copy).
    pub response: Bytes,
}

impl RecordedRequest {
    /// The JSON the sandbox answered, when it was JSON.
    pub fn response_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.response).ok()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct FaultRule {
    fault: Fault,
    remaining: u32,
    path_prefix: Option<String>,
}

impl FaultRule {
    fn new(fault: Fault, path_prefix: Option<String>) -> Self {
        Self {
            remaining: fault.times(),
            fault,
            path_prefix,
        }
    }
}

/// The account's data (a state file's content, see [`Sandbox::state`]).
#[derive(Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub(crate) struct Db {
    pub(crate) users: Vec<Value>,
    pub(crate) contact_methods: HashMap<String, Vec<Value>>,
    pub(crate) notification_rules: HashMap<String, Vec<Value>>,
    pub(crate) teams: Vec<Value>,
    pub(crate) members: Vec<(String, String, String)>,
    pub(crate) schedules: Vec<Value>,
    pub(crate) policies: Vec<Value>,
    pub(crate) services: Vec<Value>,
    pub(crate) priorities: Vec<Value>,
    pub(crate) oncalls: Vec<Value>,
    pub(crate) incidents: Vec<Value>,
    pub(crate) alerts: Vec<Value>,
    pub(crate) log_entries: Vec<Value>,
    pub(crate) notes: BTreeMap<String, Vec<Value>>,
    pub(crate) routing_keys: HashMap<String, String>,
    pub(crate) bodies: HashMap<String, Value>,
    pub(crate) overrides: BTreeMap<String, Vec<Value>>,
    pub(crate) status_updates: Vec<Value>,
    pub(crate) maintenance_windows: Vec<Value>,
    pub(crate) responder_requests: Vec<Value>,
    pub(crate) events: Vec<Value>,
    pub(crate) change_events: Vec<Value>,
    pub(crate) workflows: Vec<Value>,
    pub(crate) workflow_instances: Vec<Value>,
    /// Service dependencies: (dependent service, supporting service).
    pub(crate) dependencies: Vec<(String, String)>,
    pub(crate) status_pages: Vec<Value>,
    pub(crate) status_page_severities: Vec<Value>,
    pub(crate) status_page_impacts: Vec<Value>,
    pub(crate) status_page_statuses: Vec<Value>,
    pub(crate) status_page_posts: Vec<Value>,
    pub(crate) status_page_post_updates: Vec<Value>,
    pub(crate) orchestrations: Vec<Value>,
    /// Orchestration rule paths: `{id}/global`, `{id}/router`, `{id}/unrouted`,
    /// `services/{service id}`.
    pub(crate) orchestration_paths: BTreeMap<String, Value>,
    pub(crate) business_services: Vec<Value>,
    /// Business service dependencies: (business service, supporting service).
    pub(crate) business_dependencies: Vec<(String, String)>,
    pub(crate) alert_grouping_settings: Vec<Value>,
    pub(crate) webhook_subscriptions: Vec<Value>,
    pub(crate) extension_schemas: Vec<Value>,
    /// Shift-based (v3) schedules, each with its rotations and their events.
    pub(crate) shift_schedules: Vec<Value>,
    /// v3 custom shifts, by schedule.
    pub(crate) custom_shifts: BTreeMap<String, Vec<Value>>,
    /// v3 overrides, by schedule.
    pub(crate) shift_overrides: BTreeMap<String, Vec<Value>>,
    pub(crate) next_id: u64,
}

struct Inner {
    faults: Vec<FaultRule>,
    requests: Vec<RecordedRequest>,
    options: Options,
    /// When the requests of the last rolling window arrived (with a rate limit only).
    window: std::collections::VecDeque<std::time::Instant>,
    violations: u64,
}

#[derive(Clone, Debug, Default)]
struct Options {
    latency: Duration,
    rate_limit: Option<(u32, Duration)>,
    /// Where `POST /_sandbox/save` writes the state.
    save_path: Option<PathBuf>,
}

/// Options of a sandbox for benchmarks ([`Sandbox::builder`]).
#[derive(Debug, Default)]
pub struct SandboxBuilder {
    extra_incidents: usize,
    options: Options,
    addr: Option<SocketAddr>,
    db: Option<Db>,
    faults: Vec<FaultSpec>,
}

impl Clone for SandboxBuilder {
    /// A copy of the options (a loaded state is not copied: the copy starts seeded).
    fn clone(&self) -> Self {
        Self {
            extra_incidents: self.extra_incidents,
            options: self.options.clone(),
            addr: self.addr,
            db: None,
            faults: self.faults.clone(),
        }
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("incidents", &self.incidents.len())
            .finish_non_exhaustive()
    }
}

impl SandboxBuilder {
    /// Seeds `n` more incidents (copies of the 30 seeded ones with IDs `PINCX00001`...,
    /// numbers from 31), appended after them.
    pub fn extra_incidents(mut self, n: usize) -> Self {
        self.extra_incidents = n;
        self
    }

    /// Delays every response by `latency` (before it is computed).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.options.latency = latency;
        self
    }

    /// Answers 429 (`ratelimit-reset: 1`) to a request when `max` requests already
    /// arrived within the last `window` (429s do not count towards the limit), and
    /// counts it ([`Sandbox::rate_limit_violations`]).
    pub fn rate_limit(mut self, max: u32, window: Duration) -> Self {
        self.options.rate_limit = Some((max.max(1), window));
        self
    }

    /// Listens on `addr` instead of `127.0.0.1:0` (the standalone sandbox's
    /// `--host`/`--port`).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// Starts from `state` (the JSON of [`Sandbox::state`] or a state file) instead of
    /// the seeded account; collections it leaves out are empty.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use tools_pagerduty::sandbox::Sandbox;
    /// let first = Sandbox::start().await;
    /// let state = first.state();
    /// let second = Sandbox::builder().state(state.clone()).unwrap().start().await;
    /// assert_eq!(second.state(), state);
    /// assert!(Sandbox::builder().state(serde_json::json!({"format": "other/9"})).is_err());
    /// # });
    /// ```
    pub fn state(mut self, state: serde_json::Value) -> Result<Self, String> {
        self.db = Some(state::from_json(state)?);
        Ok(self)
    }

    /// [`state`](Self::state) read from a file.
    pub fn state_file(mut self, path: &Path) -> Result<Self, String> {
        self.db = Some(state::read(path)?);
        Ok(self)
    }

    /// Where `POST /_sandbox/save` writes the state (see [`Sandbox::save_state`]).
    pub fn save_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.save_path = Some(path.into());
        self
    }

    /// Injects a fault from the start.
    pub fn fault(mut self, spec: FaultSpec) -> Self {
        self.faults.push(spec);
        self
    }

    /// Starts the sandbox on `127.0.0.1:0` (or the [`addr`](Self::addr) given) in the
    /// current Tokio runtime. Panics when the address cannot be bound (see
    /// [`try_start`](Self::try_start)).
    pub async fn start(self) -> Sandbox {
        self.try_start().await.expect("bind the sandbox's address")
    }

    /// [`start`](Self::start), failing when the address cannot be bound.
    pub async fn try_start(self) -> std::io::Result<Sandbox> {
        let mut db = match self.db {
            Some(db) => db,
            None => seed::seed(time::OffsetDateTime::now_utc()),
        };
        add_incidents(&mut db, self.extra_incidents);
        let addr = self
            .addr
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        let sandbox = Sandbox::serve_on(addr, db, self.options).await?;
        for spec in self.faults {
            sandbox.inject_on(spec.path_prefix.as_deref(), spec.fault);
        }
        Ok(sandbox)
    }
}

fn add_incidents(db: &mut Db, n: usize) {
    let base = db.incidents.len();
    if base == 0 {
        return;
    }
    for k in 0..n {
        let mut inc = db.incidents[k % base].clone();
        let id = format!("PINCX{:05}", k + 1);
        let number = (base + k + 1) as u64;
        inc["id"] = json!(id);
        inc["incident_number"] = json!(number);
        inc["incident_key"] = json!(format!("seed-{id}"));
        inc["self"] = json!(format!("https://api.pagerduty.com/incidents/{id}"));
        inc["html_url"] = json!(format!("https://acme.pagerduty.com/incidents/{id}"));
        db.incidents.push(inc);
    }
}

/// The sandbox's state: the data under a read-write lock (reads run in parallel), the
/// rest (requests, faults, the rate window) under a mutex held only briefly.
struct SharedState {
    inner: Mutex<Inner>,
    db: RwLock<Db>,
}

impl SharedState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn db(&self) -> std::sync::RwLockReadGuard<'_, Db> {
        self.db.read().unwrap_or_else(|e| e.into_inner())
    }
}

type Shared = Arc<SharedState>;

/// A running fake PagerDuty. Stops when dropped.
pub struct Sandbox {
    addr: SocketAddr,
    inner: Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).finish()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1:0` in the current Tokio runtime.
    pub async fn start() -> Self {
        Self::serve(
            seed::seed(time::OffsetDateTime::now_utc()),
            Options::default(),
        )
        .await
    }

    /// A sandbox with benchmark options: extra incidents, latency, a rate limit.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// How many requests were answered 429 because of the builder's rate limit.
    pub fn rate_limit_violations(&self) -> u64 {
        self.lock().violations
    }

    async fn serve(db: Db, options: Options) -> Self {
        Self::serve_on(SocketAddr::from(([127, 0, 0, 1], 0)), db, options)
            .await
            .expect("bind a loopback port")
    }

    async fn serve_on(addr: SocketAddr, db: Db, options: Options) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(SharedState {
            inner: Mutex::new(Inner {
                faults: Vec::new(),
                requests: Vec::new(),
                options,
                window: std::collections::VecDeque::new(),
                violations: 0,
            }),
            db: RwLock::new(db),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            inner,
            shutdown: Some(tx),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// The REST API base URL (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The Events API base URL (the same server; paths are `/v2/...`).
    pub fn events_url(&self) -> String {
        self.base_url()
    }

    /// A tool context whose calls go to this sandbox, with the given credential.
    pub fn context(&self, token: &str, kind: TokenKind) -> ToolContext {
        ToolContext::builder()
            .token(token, kind)
            .metadata("PAGERDUTY_BASE_URL", self.base_url())
            .metadata("PAGERDUTY_EVENTS_URL", self.events_url())
            .build()
    }

    /// Injects a fault into the next matching requests (all paths).
    pub fn inject(&self, fault: Fault) {
        self.inject_on(None, fault);
    }

    /// Injects a fault into requests whose path starts with `path_prefix`.
    pub fn inject_on(&self, path_prefix: Option<&str>, fault: Fault) {
        self.lock()
            .faults
            .push(FaultRule::new(fault, path_prefix.map(str::to_owned)));
    }

    /// Delays every response by `latency` from now on (`Duration::ZERO`: none).
    pub fn set_latency(&self, latency: Duration) {
        self.lock().options.latency = latency;
    }

    /// The account's data as JSON (`{"format": "tools-pagerduty-sandbox/1", "users":
    /// [...], "incidents": [...], ...}`), which [`SandboxBuilder::state`] starts from.
    pub fn state(&self) -> Value {
        state::to_json(&self.inner.db())
    }

    /// Writes [`state`](Self::state) to `path`.
    pub fn save_state(&self, path: &Path) -> Result<(), String> {
        state::write(path, &self.state())
    }

    /// Removes all faults.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// The escalation levels of `policy` that have someone on call.
    pub fn oncall_levels(&self, policy: &str) -> Vec<u64> {
        let db = self.inner.db();
        let mut levels: Vec<u64> = db
            .oncalls
            .iter()
            .filter(|o| o["escalation_policy"]["id"] == policy)
            .filter_map(|o| o["escalation_level"].as_u64())
            .collect();
        levels.sort_unstable();
        levels.dedup();
        levels
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// An incident as the sandbox stores it.
    pub fn incident(&self, id: &str) -> Option<Value> {
        self.inner
            .db()
            .incidents
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
    }

    /// The body (`details`) an incident was created with.
    pub fn incident_body(&self, id: &str) -> Option<Value> {
        self.inner.db().bodies.get(id).cloned()
    }

    /// Events received on the Events API.
    pub fn events(&self) -> Vec<Value> {
        self.inner.db().events.clone()
    }

    /// The incident workflow runs started so far (`incident_workflow_instance` objects
    /// with the workflow's `incident_workflow` reference added).
    pub fn workflow_instances(&self) -> Vec<Value> {
        self.inner.db().workflow_instances.clone()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn respond(status: u16, headers: &[(&str, String)], body: impl Into<Body>) -> Response {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("ratelimit-limit", "960");
    let defaults = [("ratelimit-remaining", "959"), ("ratelimit-reset", "60")];
    for (k, v) in defaults {
        if !headers.iter().any(|(h, _)| *h == k) {
            builder = builder.header(k, v);
        }
    }
    for (k, v) in headers {
        builder = builder.header(*k, v.as_str());
    }
    builder.body(body.into()).expect("a valid response")
}

/// PagerDuty's error body.
pub(crate) fn error_body(message: &str, code: u32, errors: &[&str]) -> Value {
    json!({"error": {"message": message, "code": code, "errors": errors}})
}

async fn handle(
    State(inner): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            reqwest::Url::parse(&format!("http://x/?{q}"))
                .map(|u| u.query_pairs().into_owned().collect())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let json_body: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => Some(v),
            Err(_) => {
                return respond(
                    400,
                    &[],
                    error_body("Invalid Input Provided", 2001, &["Body is not JSON"]).to_string(),
                );
            }
        }
    };
    if path.starts_with("/_sandbox/") {
        let (status, value) = admin::handle(&inner, &method, &path, json_body.as_ref());
        return respond(status, &[], value.to_string());
    }
    let recorded = RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: json_body.clone(),
        response_status: 0,
        response: Bytes::new(),
    };
    let (fault, index, limited, latency) = {
        let mut guard = inner.lock();
        guard.requests.push(recorded.clone());
        let index = guard.requests.len() - 1;
        let latency = guard.options.latency;
        let limited = match guard.options.rate_limit {
            Some((limit, window)) => {
                let now = std::time::Instant::now();
                while guard
                    .window
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= window)
                {
                    guard.window.pop_front();
                }
                if guard.window.len() >= limit as usize {
                    guard.violations += 1;
                    true
                } else {
                    guard.window.push_back(now);
                    false
                }
            }
            None => false,
        };
        let rule = guard.faults.iter_mut().find(|r| {
            r.remaining > 0 && r.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        });
        let fault = rule.map(|r| {
            r.remaining -= 1;
            r.fault.clone()
        });
        (fault, index, limited, latency)
    };
    // Serialises outside the lock; the record shares the bytes sent.
    let finish = |status: u16, headers: &[(&str, String)], body: Result<Value, &str>| {
        let text = Bytes::from(match body {
            // No Content: no body at all.
            Ok(_) if status == 204 => String::new(),
            Ok(value) => value.to_string(),
            Err(raw) => raw.to_owned(),
        });
        let mut guard = inner.lock();
        if let Some(r) = guard.requests.get_mut(index) {
            r.response_status = status;
            r.response = text.clone();
        }
        drop(guard);
        respond(status, headers, text)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if limited {
        return finish(
            429,
            &[
                ("ratelimit-reset", "1".into()),
                ("ratelimit-remaining", "0".into()),
            ],
            Ok(error_body("Rate Limit Exceeded", 2020, &[])),
        );
    }
    match fault {
        Some(Fault::RateLimit { reset_secs, .. }) => {
            return finish(
                429,
                &[
                    ("ratelimit-reset", reset_secs.to_string()),
                    ("ratelimit-remaining", "0".into()),
                ],
                Ok(error_body("Rate Limit Exceeded", 2020, &[])),
            );
        }
        Some(Fault::ServerError { status, .. }) => {
            return finish(
                status,
                &[],
                Ok(error_body("Internal Server Error", 2000, &[])),
            );
        }
        Some(Fault::Status {
            status,
            message,
            code,
            ..
        }) => {
            return finish(status, &[], Ok(error_body(&message, code, &[])));
        }
        Some(Fault::Malformed { .. }) => {
            return finish(200, &[], Err("{\"incidents\": [ <html>oops"));
        }
        Some(Fault::Slow { delay_ms, .. }) => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        None => {}
    }
    let (status, value) = api::route(&inner.db, &recorded);
    finish(status, &[], Ok(value))
}
