//! A client for the Arcade API (the Rust twin of Python's `arcadepy`), for starting
//! and waiting on OAuth authorizations and for authorizing and executing tools.
//!
//! It sends the same requests as arcadepy 1.8: the API key goes verbatim in the
//! `Authorization` header (no `Bearer ` prefix), `POST /v1/auth/authorize`,
//! `GET /v1/auth/status?id=&wait=`, `POST /v1/tools/authorize` and
//! `POST /v1/tools/execute`. Unlike arcadepy, [`AuthApi::wait_for_completion`] stops on
//! `failed` and on the caller's timeout.
//!
//! ```no_run
//! use std::time::Duration;
//! use arcade_tdk::client::Arcade;
//!
//! # async fn run() -> Result<(), arcade_tdk::client::ArcadeError> {
//! let arcade = Arcade::from_env()?; // ARCADE_API_KEY, ARCADE_BASE_URL
//! let response = arcade.auth().start("user@example.com", "pagerduty", &["read"]).await?;
//! if !response.is_completed() {
//!     eprintln!("Open {}", response.url.as_deref().unwrap_or_default());
//! }
//! let done = arcade.auth().wait_for_completion(&response, Duration::from_secs(300)).await?;
//! let token = done.token().expect("a completed authorization carries a token");
//! # let _ = token; Ok(()) }
//! ```

mod error;
mod types;

use std::fmt;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

pub use error::ArcadeError;
pub use types::{
    AuthorizationContext, AuthorizationResponse, AuthorizationStatus, ExecuteToolError,
    ExecuteToolLog, ExecuteToolOutput, ExecuteToolResponse,
};

use crate::auth::ToolAuthorization;

/// The default Arcade API URL.
pub const DEFAULT_BASE_URL: &str = "https://api.arcade.dev";

/// The longest `wait` the status endpoint accepts, in seconds.
const MAX_STATUS_WAIT_SECS: u64 = 59;
/// The `wait` [`AuthApi::wait_for_completion`] asks for, as arcadepy does.
const POLL_WAIT_SECS: u64 = 45;

/// A client of the Arcade API. Cheap to clone; `Debug` never shows the API key.
///
/// ```
/// use arcade_tdk::client::Arcade;
///
/// let arcade = Arcade::new("arc_secret_key", "http://127.0.0.1:9099").unwrap();
/// assert_eq!(arcade.base_url(), "http://127.0.0.1:9099");
/// assert!(!format!("{arcade:?}").contains("arc_secret_key"));
/// ```
#[derive(Clone)]
pub struct Arcade {
    http: reqwest::Client,
    api_key: SecretString,
    auth_header: reqwest::header::HeaderValue,
    base_url: String,
    timeout: Duration,
    max_retries: u32,
    user_agent: String,
}

impl Arcade {
    /// A client with `api_key` for the API at `base_url` (e.g. [`DEFAULT_BASE_URL`]).
    pub fn new(api_key: impl Into<String>, base_url: impl AsRef<str>) -> Result<Self, ArcadeError> {
        let api_key = api_key.into();
        if api_key.trim().is_empty() {
            return Err(ArcadeError::MissingApiKey);
        }
        let mut auth_header = reqwest::header::HeaderValue::from_str(api_key.trim())
            .map_err(|_| ArcadeError::InvalidApiKey)?;
        // Redacted in the Debug output of headers (and so in HTTP-level logs).
        auth_header.set_sensitive(true);
        let base_url = base_url.as_ref().trim().trim_end_matches('/').to_owned();
        match url::Url::parse(&base_url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => return Err(ArcadeError::InvalidBaseUrl(base_url)),
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| error::network_error(&e, &api_key))?;
        Ok(Self {
            http,
            api_key: SecretString::from(api_key),
            auth_header,
            base_url,
            timeout: Duration::from_secs(60),
            max_retries: 2,
            user_agent: format!("Arcade/Rust arcade-tdk/{}", env!("CARGO_PKG_VERSION")),
        })
    }

    /// A client from `ARCADE_API_KEY` and `ARCADE_BASE_URL` (default
    /// [`DEFAULT_BASE_URL`]), as arcadepy's `Arcade()`. `ARCADE_API_URL`, which Python's
    /// MCP server reads, is used when `ARCADE_BASE_URL` is not set.
    ///
    /// ```no_run
    /// let arcade = arcade_tdk::client::Arcade::from_env().expect("ARCADE_API_KEY is set");
    /// ```
    pub fn from_env() -> Result<Self, ArcadeError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) on variables given by `lookup` (for example the
    /// environment merged with a `.env` file).
    ///
    /// ```
    /// use arcade_tdk::client::Arcade;
    /// let arcade = Arcade::from_lookup(|name| match name {
    ///     "ARCADE_API_KEY" => Some("arc_k3y".to_owned()),
    ///     "ARCADE_BASE_URL" => Some("http://127.0.0.1:9099".to_owned()),
    ///     _ => None,
    /// });
    /// assert!(arcade.is_ok());
    /// assert!(Arcade::from_lookup(|_| None).is_err()); // no API key
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ArcadeError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let key = var("ARCADE_API_KEY").unwrap_or_default();
        let base = var("ARCADE_BASE_URL")
            .or_else(|| var("ARCADE_API_URL"))
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        Self::new(key, base)
    }

    /// Uses `http` for requests (for proxies or custom TLS).
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// Sets the timeout of one request (default 60 s; status polls add their `wait`).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how often a request is retried after a connection error, 408, 409, 429 or
    /// 5xx (default 2, as arcadepy).
    ///
    /// ```
    /// let arcade = arcade_tdk::client::Arcade::new("arc_k3y", "http://127.0.0.1:1")
    ///     .unwrap()
    ///     .with_max_retries(0);
    /// # let _ = arcade;
    /// ```
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The API's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The authorization endpoints (`/v1/auth/...`).
    pub fn auth(&self) -> AuthApi<'_> {
        AuthApi { client: self }
    }

    /// The tool endpoints (`/v1/tools/...`).
    pub fn tools(&self) -> ToolsApi<'_> {
        ToolsApi { client: self }
    }

    async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        timeout: Duration,
    ) -> Result<T, ArcadeError> {
        let key = self.api_key.expose_secret();
        let mut url = url::Url::parse(&format!("{}{path}", self.base_url))
            .map_err(|_| ArcadeError::InvalidBaseUrl(self.base_url.clone()))?;
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        let mut attempt = 0;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.as_str())
                .timeout(timeout)
                .header(reqwest::header::ACCEPT, "application/json")
                .header(reqwest::header::USER_AGENT, &self.user_agent)
                .header(reqwest::header::AUTHORIZATION, self.auth_header.clone())
                .header("x-stainless-retry-count", attempt.to_string());
            if let Some(body) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_string());
            }
            let retry_wait = Duration::from_millis(500 * 2u64.pow(attempt.min(4)));
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) if attempt < self.max_retries && (e.is_connect() || e.is_timeout()) => {
                    tracing::debug!(%method, path, attempt, "Arcade API request failed; retrying");
                    attempt += 1;
                    tokio::time::sleep(retry_wait).await;
                    continue;
                }
                Err(e) => return Err(error::network_error(&e, key)),
            };
            let status = response.status();
            tracing::debug!(%method, path, status = status.as_u16(), "Arcade API");
            if retryable(status) && attempt < self.max_retries {
                let wait = retry_after(&response).unwrap_or(retry_wait);
                attempt += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            let bytes = response
                .bytes()
                .await
                .map_err(|e| error::network_error(&e, key))?;
            if !status.is_success() {
                return Err(ArcadeError::Api {
                    status: status.as_u16(),
                    message: error::scrub(&error_message(status, &bytes), key),
                });
            }
            return serde_json::from_slice(&bytes).map_err(|e| {
                // serde_json's messages may quote values (a token); keep only the position.
                ArcadeError::Decode(format!(
                    "{:?} error at line {} column {} of the {} response",
                    e.classify(),
                    e.line(),
                    e.column(),
                    path
                ))
            });
        }
    }
}

fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let secs: f64 = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (0.0..=60.0)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

fn error_message(status: StatusCode, body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
        for key in ["message", "error", "detail", "name"] {
            if let Some(Value::String(s)) = map.get(key) {
                return truncate(s);
            }
        }
    }
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("no message").to_owned()
    } else {
        truncate(text.trim())
    }
}

fn truncate(s: &str) -> String {
    const MAX: usize = 300;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

impl fmt::Debug for Arcade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Arcade")
            .field("base_url", &self.base_url)
            .field("api_key", &"[redacted]")
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

/// The body arcadepy sends for a requirement: `provider_type`, `oauth2.scopes` (`[]`
/// when none), then `provider_id` and `id` only when set.
pub(crate) fn requirement_body(requirement: &ToolAuthorization) -> Value {
    let mut map = Map::new();
    let provider_type = if requirement.provider_type.is_empty() {
        "oauth2"
    } else {
        requirement.provider_type.as_str()
    };
    map.insert("provider_type".into(), provider_type.into());
    map.insert("oauth2".into(), json!({ "scopes": requirement.scopes() }));
    if let Some(p) = &requirement.provider_id {
        map.insert("provider_id".into(), p.as_str().into());
    }
    if let Some(id) = &requirement.id {
        map.insert("id".into(), id.as_str().into());
    }
    Value::Object(map)
}

/// `arcade.auth()`: start, check and wait on authorizations.
#[derive(Debug, Clone, Copy)]
pub struct AuthApi<'a> {
    client: &'a Arcade,
}

impl AuthApi<'_> {
    /// Starts authorizing `user_id` with `provider` for `scopes` (arcadepy's
    /// `auth.start`): `POST /v1/auth/authorize`.
    pub async fn start(
        &self,
        user_id: &str,
        provider: &str,
        scopes: &[&str],
    ) -> Result<AuthorizationResponse, ArcadeError> {
        let body = json!({
            "auth_requirement": {
                "provider_id": provider,
                "provider_type": "oauth2",
                "oauth2": { "scopes": scopes },
            },
            "user_id": user_id,
        });
        self.post("/v1/auth/authorize", &body).await
    }

    /// Authorizes `user_id` for a tool's requirement (arcadepy's raw
    /// `auth.authorize`, as the local MCP server sends it): `POST /v1/auth/authorize`
    /// with `provider_id` and `id` only when set and `scopes: []` when none.
    ///
    /// ```no_run
    /// # async fn run(arcade: arcade_tdk::client::Arcade) -> Result<(), arcade_tdk::client::ArcadeError> {
    /// use arcade_tdk::auth::ToolAuthorization;
    /// let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]));
    /// let response = arcade.auth().authorize(&requirement, "user@example.com").await?;
    /// # let _ = response; Ok(()) }
    /// ```
    pub async fn authorize(
        &self,
        requirement: &ToolAuthorization,
        user_id: &str,
    ) -> Result<AuthorizationResponse, ArcadeError> {
        let body = json!({
            "auth_requirement": requirement_body(requirement),
            "user_id": user_id,
        });
        self.post("/v1/auth/authorize", &body).await
    }

    /// The status of authorization `id`: `GET /v1/auth/status?id=&wait=`. With `wait`,
    /// the engine holds the request until the status changes or `wait` passes (at most
    /// 59 s).
    pub async fn status(
        &self,
        id: &str,
        wait: Option<Duration>,
    ) -> Result<AuthorizationResponse, ArcadeError> {
        let mut query = vec![("id", id.to_owned())];
        let mut timeout = self.client.timeout;
        if let Some(wait) = wait {
            let secs = wait.as_secs().min(MAX_STATUS_WAIT_SECS);
            query.push(("wait", secs.to_string()));
            timeout += Duration::from_secs(secs);
        }
        self.client
            .request(Method::GET, "/v1/auth/status", &query, None, timeout)
            .await
    }

    /// Waits until `response`'s authorization completes, long-polling the status with
    /// `wait=45` (arcadepy's `wait_for_completion`). Ends with
    /// [`ArcadeError::AuthorizationFailed`] on `failed` and [`ArcadeError::Timeout`]
    /// after `timeout`.
    pub async fn wait_for_completion(
        &self,
        response: &AuthorizationResponse,
        timeout: Duration,
    ) -> Result<AuthorizationResponse, ArcadeError> {
        let id = response
            .id
            .clone()
            .ok_or(ArcadeError::MissingAuthorizationId)?;
        match response.status {
            AuthorizationStatus::Completed => return Ok(response.clone()),
            AuthorizationStatus::Failed => return Err(ArcadeError::AuthorizationFailed { id }),
            _ => {}
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let timed_out = || ArcadeError::Timeout {
            id: id.clone(),
            waited: timeout,
        };
        loop {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            if remaining.is_zero() {
                return Err(timed_out());
            }
            let wait = remaining.min(Duration::from_secs(POLL_WAIT_SECS));
            // Round up so that a sub-second remainder still long-polls.
            let wait = Duration::from_secs(wait.as_secs().max(1));
            let status = match tokio::time::timeout(remaining, self.status(&id, Some(wait))).await {
                Ok(r) => r?,
                Err(_) => return Err(timed_out()),
            };
            match status.status {
                AuthorizationStatus::Completed => return Ok(status),
                AuthorizationStatus::Failed => {
                    return Err(ArcadeError::AuthorizationFailed { id: id.clone() });
                }
                _ => {
                    // A server that ignores `wait` must not be hammered.
                    let pause = remaining.min(Duration::from_millis(250));
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, ArcadeError> {
        self.client
            .request(Method::POST, path, &[], Some(body), self.client.timeout)
            .await
    }
}

/// `arcade.tools()`: authorize and execute tools hosted by Arcade.
#[derive(Debug, Clone, Copy)]
pub struct ToolsApi<'a> {
    client: &'a Arcade,
}

impl ToolsApi<'_> {
    /// Authorizes `user_id` for tool `tool_name` (e.g. `"PagerDuty.ListIncidents"`):
    /// `POST /v1/tools/authorize`.
    pub async fn authorize(
        &self,
        tool_name: &str,
        user_id: &str,
    ) -> Result<AuthorizationResponse, ArcadeError> {
        let body = json!({ "tool_name": tool_name, "user_id": user_id });
        self.client
            .request(
                Method::POST,
                "/v1/tools/authorize",
                &[],
                Some(&body),
                self.client.timeout,
            )
            .await
    }

    /// Executes tool `tool_name` with `input` for `user_id`: `POST /v1/tools/execute`.
    ///
    /// ```no_run
    /// # async fn run(arcade: arcade_tdk::client::Arcade) -> Result<(), arcade_tdk::client::ArcadeError> {
    /// let response = arcade
    ///     .tools()
    ///     .execute("PagerDuty.ListIncidents", serde_json::json!({"limit": 5}), "user@example.com")
    ///     .await?;
    /// println!("{:?}", response.value());
    /// # Ok(()) }
    /// ```
    pub async fn execute(
        &self,
        tool_name: &str,
        input: Value,
        user_id: &str,
    ) -> Result<ExecuteToolResponse, ArcadeError> {
        let body = json!({ "tool_name": tool_name, "input": input, "user_id": user_id });
        self.client
            .request(
                Method::POST,
                "/v1/tools/execute",
                &[],
                Some(&body),
                self.client.timeout,
            )
            .await
    }
}
