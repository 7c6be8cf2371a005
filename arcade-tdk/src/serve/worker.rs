//! Arcade's worker HTTP protocol: the routes the Arcade Engine calls on a deployed
//! toolkit (Python's `arcade_serve` `FastAPIWorker`).
//!
//! | method | path | auth | body → response |
//! |---|---|---|---|
//! | GET | `/worker/health` | none | `{"status":"ok","tool_count":"12"}` (the count is a string, as in Python) |
//! | GET | `/worker/tools` | JWT | the list of full [`ToolDefinition`](crate::ToolDefinition)s |
//! | POST | `/worker/tools/invoke` | JWT | [`ToolCallRequest`] → [`ToolCallResponse`] |
//! | POST | `/worker/resources/list` | JWT | `{"resources":[...]}` (the toolkits' [resources](crate::resource), MCP's listing form) |
//! | POST | `/worker/resources/read` | JWT | [`ResourceReadRequest`] `{uri, context}` → `{"contents":[...]}`; unknown URI 404 `{"code":-32002,...}`, bad template parameters 400 `{"code":-32602,...}`, a token or secret the resource requires and the context lacks 403 `{"code":-32603,...}` |
//!
//! **Authentication.** Every route but the health check needs `Authorization: Bearer
//! <JWT>`: HS256 only, keyed with the worker secret (`ARCADE_WORKER_SECRET`), with
//! `aud == "worker"` and the custom claim `ver == "1"` required; `exp` and `nbf` are
//! validated when present (no leeway, as PyJWT). Tokens with `alg: none` or any other
//! algorithm (RS/HS confusion) are rejected. Every rejection is a 401 with
//! `WWW-Authenticate: Bearer` and a body like Python's, e.g. `{"detail":"Invalid
//! token. Error: Signature has expired"}`.
//!
//! **Invocation.** The tool is looked up case-insensitively by toolkit and name; any
//! version matches when the request gives none. The request's `context` (token, user
//! info, secrets, metadata, user id) is given to the tool as is. The response is HTTP
//! 200 whether the tool succeeded or not; `output` is Arcade's `ToolCallOutput`.
//!
//! Deliberate differences from Python:
//! * `finished_at` carries a time zone (RFC 3339 in UTC, e.g.
//!   `2026-11-29T17:13:20.531980Z`); Python sends a naive local time, which cannot be
//!   interpreted without knowing the worker's zone.
//! * An unknown tool (or version) is a 404 `{"detail": "..."}`; Python answers 500
//!   "Internal Server Error" from an uncaught exception.
//! * A request with a missing `tool` field or malformed JSON is a 400
//!   `{"code":-32602,"message":"Invalid params: ..."}` as in Python, but the message
//!   says what is wrong rather than only counting errors.
//!
//! [`worker_router`] returns a plain `axum::Router` (its state already applied, all its
//! paths under `/worker`), so it merges with the MCP router into one app, as Python
//! mounts both when `ARCADE_WORKER_SECRET` is set (the `serve http` command does this):
//!
//! ```
//! use std::sync::Arc;
//! use arcade_tdk::serve::worker::{worker_router, WorkerSecret};
//! use arcade_tdk::{Catalog, Toolkit};
//!
//! let catalog = Arc::new(Catalog::new(Toolkit::new("Empty")).unwrap());
//! let secret = WorkerSecret::new("test-worker-secret").unwrap();
//! let app: axum::Router = axum::Router::new().merge(worker_router(catalog, secret));
//! # let _ = app;
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind as JwtErrorKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::catalog::Catalog;
use crate::context::ToolContext;
use crate::executor::ToolCallOutput;
use crate::resource::ResourceError;
use crate::serve::memory::{TRIM_DELAY, TrimOnClose};
use crate::serve::pipeline;

/// The environment variable holding the worker secret.
pub const WORKER_SECRET_ENV: &str = "ARCADE_WORKER_SECRET";

/// The largest request body the worker accepts (4 MiB); larger bodies get a 413.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The audience every worker token must carry.
const AUDIENCE: &str = "worker";
/// The token version every worker token must carry (`ver` claim).
const TOKEN_VERSION: &str = "1";

/// The shared secret that signs the Arcade Engine's worker tokens. Its `Debug` output
/// never shows the value.
///
/// ```
/// use arcade_tdk::serve::worker::WorkerSecret;
///
/// let secret = WorkerSecret::new("s3cr3t-value").unwrap();
/// assert!(!format!("{secret:?}").contains("s3cr3t"));
/// assert!(WorkerSecret::new("  ").is_err());
/// ```
#[derive(Clone)]
pub struct WorkerSecret(Arc<DecodingKey>);

/// Why no [`WorkerSecret`] could be had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerSecretError {
    /// `ARCADE_WORKER_SECRET` is not set.
    Missing,
    /// The secret is empty (or only whitespace).
    Empty,
}

impl fmt::Display for WorkerSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => write!(
                f,
                "{WORKER_SECRET_ENV} is not set; the worker protocol needs the secret the Arcade Engine signs its tokens with"
            ),
            Self::Empty => write!(f, "{WORKER_SECRET_ENV} is empty"),
        }
    }
}

impl std::error::Error for WorkerSecretError {}

impl WorkerSecret {
    /// A secret from its value; an empty or blank value is refused.
    pub fn new(secret: impl Into<String>) -> Result<Self, WorkerSecretError> {
        let secret = secret.into();
        if secret.trim().is_empty() {
            return Err(WorkerSecretError::Empty);
        }
        DecodingKey::from_secret(secret.as_bytes())
            .map(|key| Self(Arc::new(key)))
            .map_err(|_| WorkerSecretError::Empty)
    }

    /// The secret from `ARCADE_WORKER_SECRET`.
    pub fn from_env() -> Result<Self, WorkerSecretError> {
        match std::env::var(WORKER_SECRET_ENV) {
            Ok(value) => Self::new(value),
            Err(_) => Err(WorkerSecretError::Missing),
        }
    }
}

impl fmt::Debug for WorkerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WorkerSecret([redacted])")
    }
}

/// The tool a [`ToolCallRequest`] names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolReference {
    /// The tool's name, e.g. `Echo` (matched case-insensitively).
    pub name: String,
    /// The toolkit's name, e.g. `SampleKit` (matched case-insensitively).
    pub toolkit: String,
    /// The toolkit's version; any version matches when absent.
    #[serde(default)]
    pub version: Option<String>,
}

/// Arcade's `ToolCallRequest`, the body of `POST /worker/tools/invoke`. Every field but
/// `tool` is optional.
#[derive(Debug, Deserialize)]
pub struct ToolCallRequest {
    /// The run this call belongs to.
    #[serde(default)]
    pub run_id: Option<String>,
    /// The execution id, echoed in the response (`""` when absent).
    #[serde(default)]
    pub execution_id: Option<String>,
    /// When the engine created the request.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The tool to call.
    pub tool: ToolReference,
    /// The arguments.
    #[serde(default)]
    pub inputs: Option<Map<String, Value>>,
    /// The context the tool runs with (token, secrets, metadata, user id).
    #[serde(default)]
    pub context: ToolContext,
}

/// Arcade's `ToolCallResponse`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolCallResponse {
    /// The request's execution id (`""` when it had none).
    pub execution_id: String,
    /// When the call finished: RFC 3339 in UTC with microseconds (Python sends a naive
    /// local time instead).
    pub finished_at: String,
    /// How long the call took, in milliseconds.
    pub duration: f64,
    /// Whether the tool succeeded.
    pub success: bool,
    /// The tool's output.
    pub output: ToolCallOutput,
}

#[derive(Clone)]
struct WorkerState {
    catalog: Arc<Catalog>,
    key: Arc<DecodingKey>,
}

/// The worker routes for `catalog`, authenticated with `secret`. Merge it with other
/// routers (such as the MCP one) freely: all its paths are under `/worker`.
pub fn worker_router(catalog: Arc<Catalog>, secret: WorkerSecret) -> Router {
    let state = WorkerState {
        catalog,
        key: secret.0,
    };
    Router::new()
        .route("/worker/health", get(health))
        .route("/worker/tools", get(list_tools))
        .route("/worker/tools/invoke", post(invoke))
        .route("/worker/resources/list", post(list_resources))
        .route("/worker/resources/read", post(read_resource))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves the worker routes on `listener` until `shutdown` completes. As with the MCP
/// server, the heap that closed connections freed is given back to the system.
pub async fn serve_worker(
    listener: tokio::net::TcpListener,
    catalog: Arc<Catalog>,
    secret: WorkerSecret,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = TrimOnClose::new(listener, TRIM_DELAY);
    axum::serve(listener, worker_router(catalog, secret))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn health(State(state): State<WorkerState>) -> Response {
    axum::Json(json!({
        "status": "ok",
        "tool_count": state.catalog.len().to_string(),
    }))
    .into_response()
}

async fn list_tools(State(state): State<WorkerState>, headers: HeaderMap) -> Response {
    if let Err(detail) = authorize(&state.key, &headers) {
        return unauthorized(detail);
    }
    let definitions: Vec<_> = state
        .catalog
        .entries()
        .iter()
        .map(|e| e.definition())
        .collect();
    axum::Json(definitions).into_response()
}

async fn invoke(State(state): State<WorkerState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(detail) = authorize(&state.key, &headers) {
        return unauthorized(detail);
    }
    let request: ToolCallRequest = match parse_request(&body) {
        Ok(request) => request,
        Err(message) => return invalid_params(&message),
    };
    let tool = &request.tool;
    let Some(entry) = state
        .catalog
        .get_parts(&tool.toolkit, &tool.name, tool.version.as_deref())
    else {
        let version = tool
            .version
            .as_deref()
            .map(|v| format!(" version {v}"))
            .unwrap_or_default();
        tracing::warn!(toolkit = %tool.toolkit, tool = %tool.name, "worker: unknown tool");
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({
                "detail": format!("Tool {}.{}{version} not found", tool.toolkit, tool.name)
            })),
        )
            .into_response();
    };
    let started = Instant::now();
    // The Engine checked the requirements and sent the token: the call starts at the
    // executor, with the one redactor of the pipeline (no sink: the worker protocol
    // carries no notifications).
    // Tools it calls get the Engine's context too (see `pipeline::EngineScope`).
    let mut context = request.context;
    context.set_scope(Arc::new(pipeline::EngineScope::new(
        state.catalog.clone(),
        entry,
    )));
    let execution =
        pipeline::run(entry, request.inputs.unwrap_or_default(), context, |_| None).await;
    let duration = started.elapsed().as_secs_f64() * 1000.0;
    let success = execution.is_success();
    tracing::info!(
        tool = entry.fully_qualified_name(),
        success,
        duration_ms = duration,
        "worker: tool call"
    );
    let response = ToolCallResponse {
        execution_id: request.execution_id.unwrap_or_default(),
        finished_at: now_rfc3339(),
        duration,
        success,
        output: execution.into_output(),
    };
    axum::Json(response).into_response()
}

async fn list_resources(State(state): State<WorkerState>, headers: HeaderMap) -> Response {
    if let Err(detail) = authorize(&state.key, &headers) {
        return unauthorized(detail);
    }
    let resources: Vec<Value> = state
        .catalog
        .resources()
        .list()
        .iter()
        .map(crate::resource::Resource::to_json)
        .collect();
    axum::Json(json!({ "resources": resources })).into_response()
}

async fn read_resource(
    State(state): State<WorkerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(detail) = authorize(&state.key, &headers) {
        return unauthorized(detail);
    }
    let request = match serde_json::from_slice::<ResourceReadRequest>(&body) {
        Ok(request) => request,
        Err(e) => return invalid_params(&describe_json_error(&e)),
    };
    let error = match read_with_engine_context(&state.catalog, request).await {
        Ok(contents) => return axum::Json(json!({ "contents": contents })).into_response(),
        Err(ResourceError::InvalidParams(message)) => return invalid_params(&message),
        Err(error) => error,
    };
    let (status, code) = match error {
        ResourceError::NotFound(_) => (StatusCode::NOT_FOUND, -32002),
        // As for a tool whose requirements were not met: the Engine must send them.
        ResourceError::RequirementsNotMet(_) => (StatusCode::FORBIDDEN, -32603),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, -32603),
    };
    let body = json!({ "code": code, "message": error.to_string() });
    (status, axum::Json(body)).into_response()
}

/// The body of `POST /worker/resources/read`: the URI, and the context the resource is
/// read with (the token and secrets its requirements name, the user id), in the form of
/// [`ToolCallRequest::context`].
#[derive(Deserialize)]
pub struct ResourceReadRequest {
    /// The URI to read.
    pub uri: String,
    /// The caller's context.
    #[serde(default)]
    pub context: ToolContext,
}

/// Reads the resource with the Engine's context, once it carries what the resource
/// requires.
async fn read_with_engine_context(
    catalog: &Catalog,
    request: ResourceReadRequest,
) -> crate::resource::ResourceResult {
    let uri = request.uri.as_str();
    let resources = catalog.resources();
    let requirements = resources
        .requirements_of(uri)
        .ok_or_else(|| ResourceError::not_found(uri))?;
    let subject = crate::serve::local::Subject::Resource(uri);
    let context = pipeline::engine_context_for(subject, requirements, request.context)
        .map_err(ResourceError::RequirementsNotMet)?;
    pipeline::read_resource_redacted(resources, uri, context).await
}

fn parse_request(body: &[u8]) -> Result<ToolCallRequest, String> {
    // Syntax first, so that malformed JSON reads as Python's "malformed request body".
    let value: Value =
        serde_json::from_slice(body).map_err(|_| "malformed request body".to_owned())?;
    if !value.is_object() {
        return Err("the request body must be a JSON object".to_owned());
    }
    serde_json::from_value(value).map_err(|e| describe_json_error(&e))
}

fn describe_json_error(e: &serde_json::Error) -> String {
    if e.is_syntax() || e.is_eof() {
        "malformed request body".to_owned()
    } else {
        without_values(&e.to_string())
    }
}

/// serde's data error without the offending value: `invalid type: string "s3cr3t",
/// expected a map` becomes `invalid type: string, expected a map` (a secret sent in the
/// wrong place must not be echoed back, nor end up in a proxy's logs).
fn without_values(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: ", "unknown variant "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (unexpected, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
            let kind = if prefix == "unknown variant " {
                String::new()
            } else {
                // `string "x"`, `integer `5``, `floating point `1.5``, `map`, ...
                let words: Vec<&str> = unexpected
                    .split(' ')
                    .take_while(|w| !w.starts_with(['"', '`', '\'']))
                    .collect();
                format!("{} ", words.join(" "))
            };
            let head = prefix.trim_end().trim_end_matches(':');
            let kind = kind.trim_end();
            return match (kind.is_empty(), expected.is_empty()) {
                (true, true) => head.to_owned(),
                (true, false) => format!("{head}, expected {expected}"),
                (false, true) => format!("{head}: {kind}"),
                (false, false) => format!("{head}: {kind}, expected {expected}"),
            };
        }
    }
    message.to_owned()
}

fn invalid_params(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({
            "code": -32602,
            "message": format!("Invalid params: {message}"),
        })),
    )
        .into_response()
}

/// Now, in UTC with microseconds (Python's `isoformat()` precision), e.g.
/// `2026-11-29T17:13:20.531980Z`.
fn now_rfc3339() -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

/// The claims the worker reads: `ver` only (the rest is checked by `jsonwebtoken`).
#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    ver: Option<Value>,
}

fn validation() -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    validation.set_required_spec_claims(&["aud"]);
    validation.set_audience(&[AUDIENCE]);
    validation.validate_aud = true;
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.leeway = 0;
    validation
}

/// Checks the bearer token; the error is the `detail` of the 401 to send.
fn authorize(key: &DecodingKey, headers: &HeaderMap) -> Result<(), String> {
    let token = bearer(headers).ok_or_else(|| "Not authenticated".to_owned())?;
    let data = jsonwebtoken::decode::<Claims>(token, key, &validation()).map_err(|e| {
        tracing::debug!(error = %e, "worker: token rejected");
        format!("Invalid token. Error: {}", jwt_error_text(e.kind()))
    })?;
    match &data.claims.ver {
        Some(Value::String(v)) if v == TOKEN_VERSION => Ok(()),
        other => {
            let shown = match other {
                None | Some(Value::Null) => "None".to_owned(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            Err(format!(
                "Invalid token. Error: Unsupported token version: {shown}"
            ))
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme is matched
/// case-insensitively, as FastAPI's `HTTPBearer` does).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// PyJWT's wording of each failure, where PyJWT has one.
fn jwt_error_text(kind: &JwtErrorKind) -> String {
    match kind {
        JwtErrorKind::InvalidSignature => "Signature verification failed".to_owned(),
        JwtErrorKind::ExpiredSignature => "Signature has expired".to_owned(),
        JwtErrorKind::ImmatureSignature => "The token is not yet valid (nbf)".to_owned(),
        JwtErrorKind::InvalidAudience => "Audience doesn't match".to_owned(),
        JwtErrorKind::MissingRequiredClaim(claim) => {
            format!("Token is missing the \"{claim}\" claim")
        }
        JwtErrorKind::InvalidClaimFormat(claim) => format!("Invalid claim format: {claim}"),
        JwtErrorKind::InvalidAlgorithm | JwtErrorKind::InvalidAlgorithmName => {
            "The specified alg value is not allowed".to_owned()
        }
        JwtErrorKind::Json(_) | JwtErrorKind::Utf8(_) | JwtErrorKind::Base64(_) => {
            "Invalid token encoding or header".to_owned()
        }
        JwtErrorKind::InvalidToken => "Not a valid JWT".to_owned(),
        _ => "Token could not be verified".to_owned(),
    }
}

fn unauthorized(detail: String) -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        axum::Json(json!({ "detail": detail })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn serde_messages_lose_their_values() {
        let cases = [
            (
                "invalid type: string \"s3cr3t\", expected struct ToolReference",
                "invalid type: string, expected struct ToolReference",
            ),
            (
                "invalid value: integer `42`, expected a string",
                "invalid value: integer, expected a string",
            ),
            (
                "invalid type: floating point `1.5`, expected a string",
                "invalid type: floating point, expected a string",
            ),
            (
                "invalid type: map, expected a string",
                "invalid type: map, expected a string",
            ),
            (
                "unknown variant `s3cr3t`, expected `a` or `b`",
                "unknown variant, expected `a` or `b`",
            ),
            ("missing field `tool`", "missing field `tool`"),
        ];
        for (input, expected) in cases {
            assert_eq!(without_values(input), expected);
        }
    }
}
