//! A PagerDuty REST API v2 and Events API v2 client.
//!
//! One pooled [`reqwest::Client`] per API host, shared by every call; the credential
//! comes with each request (a [`Credential`] built from the tool's context), so one
//! client serves many users.
//!
//! What it handles for the tools:
//! - **Regions**: [`Region::Us`] (`api.pagerduty.com`), [`Region::Eu`]
//!   (`api.eu.pagerduty.com`) or a custom base URL ([`Region::Custom`]).
//! - **Pagination**: classic `limit`/`offset`/`more`/`total`, with PagerDuty's
//!   10,000-record ceiling: [`Session::get_page`] fetches one page,
//!   [`Session::get_all`] fetches pages (concurrently once `total` is known).
//! - **Retries**: a 429 waits for `ratelimit-reset` / `Retry-After` (plus jitter),
//!   5xx and connection failures back off exponentially; both are bounded by
//!   [`RetryPolicy::max_attempts`], after which the tool gets a rate-limit or upstream
//!   error. Non-idempotent `POST`s are retried only when PagerDuty cannot have acted
//!   on them (429, 503, connection refused).
//! - **Errors**: PagerDuty's `{"error":{"message","code","errors"}}` becomes the
//!   message, with hints for 400/401/402/403/404 (see [`error::api_error`]).
//! - **The `From` header** on writes: the email of the token's user (`GET /users/me`,
//!   cached per token), or for API keys the configured `PAGERDUTY_FROM_EMAIL`.
//!
//! Configuration of a call, first match wins:
//! - base URL: context metadata `PAGERDUTY_BASE_URL` (only honoured for loopback or
//!   `https://*.pagerduty.com`, so a token can never be sent elsewhere), the
//!   `PAGERDUTY_BASE_URL` environment variable, then the region from metadata or the
//!   environment (`PAGERDUTY_REGION` = `us` | `eu`), then the region the token's OAuth
//!   login found in the ID token (`user_info.region`, set by `auth login`), then US.
//! - Events API base: `PAGERDUTY_EVENTS_URL` (metadata, same rule, or environment),
//!   then the region's `events.pagerduty.com` / `events.eu.pagerduty.com`.

pub mod error;
mod rate_limit;

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use arcade_tdk::{NetworkFailure, TokenKind, ToolContext, ToolError};
use futures_util::{StreamExt, stream};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};
use reqwest::{Method, Url};
use serde_json::Value;

pub use error::{ApiErrorBody, api_error, required_scope};
use rate_limit::Limiter;
pub use rate_limit::RateLimit;

/// The `Accept` header PagerDuty's REST API v2 expects.
pub const ACCEPT_V2: &str = "application/vnd.pagerduty+json;version=2";
/// Classic pagination cannot go past this `offset + limit`.
pub const MAX_OFFSET: u32 = 10_000;
/// The largest page PagerDuty serves.
pub const MAX_PAGE_SIZE: u32 = 100;
/// The `User-Agent` sent with every request.
pub const USER_AGENT_VALUE: &str = concat!("tools-pagerduty/", env!("CARGO_PKG_VERSION"));

/// Where the account lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Region {
    /// `https://api.pagerduty.com` and `https://events.pagerduty.com`.
    Us,
    /// `https://api.eu.pagerduty.com` and `https://events.eu.pagerduty.com`.
    Eu,
    /// Any other REST base URL (a proxy, a test server); events go to the same host.
    Custom(Url),
}

impl Region {
    /// The REST API base URL.
    pub fn api_base(&self) -> Url {
        match self {
            Self::Us => Url::parse("https://api.pagerduty.com").expect("a valid URL"),
            Self::Eu => Url::parse("https://api.eu.pagerduty.com").expect("a valid URL"),
            Self::Custom(url) => url.clone(),
        }
    }

    /// The Events API v2 base URL (without `/v2`).
    pub fn events_base(&self) -> Url {
        match self {
            Self::Us => Url::parse("https://events.pagerduty.com").expect("a valid URL"),
            Self::Eu => Url::parse("https://events.eu.pagerduty.com").expect("a valid URL"),
            Self::Custom(url) => url.clone(),
        }
    }

    /// Parses `us`, `eu` (case-insensitive) or an absolute URL.
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("us") {
            Some(Self::Us)
        } else if value.eq_ignore_ascii_case("eu") {
            Some(Self::Eu)
        } else {
            Url::parse(value).ok().map(Self::Custom)
        }
    }
}

/// How often and how long to retry.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, including the first (at least 1).
    pub max_attempts: u32,
    /// The first backoff after a 5xx or connection failure; doubled each time.
    pub base_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// A 429 whose reset is further away than this is not waited for: the tool
    /// returns a rate-limit error carrying `retry_after_ms` at once.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(4),
            max_rate_limit_wait: Duration::from_secs(20),
        }
    }
}

/// How a request authenticates: the `Authorization` header value.
#[derive(Clone)]
pub struct Credential {
    header: String,
    kind: TokenKind,
    key: u64,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

fn hasher_seed() -> &'static std::collections::hash_map::RandomState {
    static SEED: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    SEED.get_or_init(Default::default)
}

impl Credential {
    /// An OAuth access token (`Authorization: Bearer <token>`).
    pub fn oauth(token: &str) -> Self {
        Self::new(format!("Bearer {token}"), TokenKind::OAuth2)
    }

    /// A REST API key (`Authorization: Token token=<key>`).
    pub fn api_key(key: &str) -> Self {
        Self::new(format!("Token token={key}"), TokenKind::ApiKey)
    }

    /// The credential of a tool call.
    pub fn from_context(context: &ToolContext) -> Result<Self, ToolError> {
        let header = context.authorization.header_value()?;
        Ok(Self::new(header, context.authorization.token_kind()))
    }

    fn new(header: String, kind: TokenKind) -> Self {
        let key = hasher_seed().hash_one(&header);
        Self { header, kind, key }
    }

    /// OAuth token or API key.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
}

/// One page of a classic paginated list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page<T> {
    /// The records.
    pub items: Vec<T>,
    /// The page size PagerDuty applied.
    pub limit: u32,
    /// The offset of the first record.
    pub offset: u32,
    /// Whether PagerDuty has more records after this page.
    pub more: bool,
    /// The total, when it was asked for (`total=true`).
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The offset of the next page, or `None` at the end or at PagerDuty's 10,000
    /// ceiling (check [`Page::hit_ceiling`]).
    pub fn next_offset(&self) -> Option<u32> {
        if !self.more {
            return None;
        }
        let step = if self.items.is_empty() {
            self.limit.max(1)
        } else {
            self.items.len() as u32
        };
        let next = self.offset.saturating_add(step);
        (next < MAX_OFFSET).then_some(next)
    }

    /// Whether more records exist but classic pagination cannot reach them.
    pub fn hit_ceiling(&self) -> bool {
        self.more && self.next_offset().is_none()
    }
}

/// Every page of a list, up to a maximum.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AllPages<T> {
    /// The records, in order.
    pub items: Vec<T>,
    /// Whether records were left out (the maximum or the 10,000 ceiling was reached).
    pub truncated: bool,
    /// The total PagerDuty reported, when known.
    pub total: Option<u64>,
}

/// Builds a [`PagerDutyClient`].
#[derive(Debug, Clone)]
pub struct PagerDutyClientBuilder {
    region: Region,
    events_base: Option<Url>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    page_concurrency: usize,
    rate_limit: Option<RateLimit>,
}

impl Default for PagerDutyClientBuilder {
    fn default() -> Self {
        Self {
            region: Region::Us,
            events_base: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            page_concurrency: 3,
            rate_limit: Some(RateLimit::PAGERDUTY_REST),
        }
    }
}

impl PagerDutyClientBuilder {
    /// Sets the region (or a custom REST base URL).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }
    /// Sets the REST base URL (same as `region(Region::Custom(url))`).
    pub fn base_url(mut self, url: Url) -> Self {
        self.region = Region::Custom(url);
        self
    }
    /// Sets the Events API base URL (default: the region's).
    pub fn events_base_url(mut self, url: Url) -> Self {
        self.events_base = Some(url);
        self
    }
    /// Sets the whole-request timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// Sets the connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }
    /// How many pages [`Session::get_all`] fetches at once once `total` is known
    /// (default 3; 1 fetches serially).
    pub fn page_concurrency(mut self, n: usize) -> Self {
        self.page_concurrency = n.max(1);
        self
    }
    /// Paces REST requests on the client side: at most `limit` per credential in any
    /// rolling window, waiting before sending rather than after a 429 (default:
    /// [`RateLimit::PAGERDUTY_REST`], 960 a minute). With it, [`Session::get_all`] can
    /// fetch pages concurrently without crossing the limit.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }
    /// Sends without client-side pacing (429s are still waited out and retried).
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }
    /// Builds the client.
    pub fn build(self) -> Result<PagerDutyClient, ToolError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, ACCEPT_V2.parse().expect("a valid header"));
        headers.insert(
            CONTENT_TYPE,
            "application/json".parse().expect("a valid header"),
        );
        headers.insert(
            USER_AGENT,
            USER_AGENT_VALUE.parse().expect("a valid header"),
        );
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ToolError::fatal(format!("Cannot build the HTTP client: {e}")))?;
        let events_base = self
            .events_base
            .unwrap_or_else(|| self.region.events_base());
        Ok(PagerDutyClient {
            inner: Arc::new(Inner {
                http,
                api_base: self.region.api_base(),
                events_base,
                retry: self.retry,
                page_concurrency: self.page_concurrency,
                limiter: self.rate_limit.map(Limiter::new),
                from_cache: Mutex::new(HashMap::new()),
            }),
        })
    }
}

struct Inner {
    http: reqwest::Client,
    api_base: Url,
    events_base: Url,
    retry: RetryPolicy,
    page_concurrency: usize,
    limiter: Option<Limiter>,
    from_cache: Mutex<HashMap<u64, String>>,
}

/// A PagerDuty API client: cheap to clone, shares one connection pool.
#[derive(Clone)]
pub struct PagerDutyClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PagerDutyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PagerDutyClient")
            .field("api_base", &self.inner.api_base.as_str())
            .field("events_base", &self.inner.events_base.as_str())
            .finish_non_exhaustive()
    }
}

/// Whether `url` may receive a credential when it comes from a call's metadata:
/// loopback (tests, local proxies) or HTTPS on a `pagerduty.com` host.
fn trusted_override(url: &Url) -> bool {
    match url.host_str() {
        Some("127.0.0.1" | "localhost" | "[::1]" | "::1") => true,
        Some(host) => {
            url.scheme() == "https" && (host == "pagerduty.com" || host.ends_with(".pagerduty.com"))
        }
        None => false,
    }
}

fn lookup(context: &ToolContext, key: &str) -> Option<String> {
    context.get_metadata(key).ok().map(str::to_owned)
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.trim().is_empty())
}

fn resolve_url(context: &ToolContext, key: &str) -> Result<Option<Url>, ToolError> {
    if let Some(raw) = lookup(context, key) {
        let url = Url::parse(raw.trim())
            .map_err(|e| ToolError::fatal(format!("{key} in the context is not a URL: {e}")))?;
        if !trusted_override(&url) {
            return Err(ToolError::fatal(format!(
                "{key} in the context must be a loopback URL or https://*.pagerduty.com; refusing to send a credential to {}",
                url.host_str().unwrap_or("?")
            )));
        }
        return Ok(Some(url));
    }
    match env(key) {
        Some(raw) => Url::parse(raw.trim())
            .map(Some)
            .map_err(|e| ToolError::fatal(format!("{key} is not a URL: {e}"))),
        None => Ok(None),
    }
}

impl PagerDutyClient {
    /// Starts building a client.
    pub fn builder() -> PagerDutyClientBuilder {
        PagerDutyClientBuilder::default()
    }

    /// A client for `region` with the default settings.
    pub fn new(region: Region) -> Result<Self, ToolError> {
        Self::builder().region(region).build()
    }

    /// The shared client for a tool call, configured from its context and the
    /// environment (see the [module docs](self)). Clients are cached per base URL.
    pub fn for_context(context: &ToolContext) -> Result<Self, ToolError> {
        let region = match resolve_url(context, "PAGERDUTY_BASE_URL")? {
            Some(url) => Region::Custom(url),
            None => {
                // The region an OAuth login read from the ID token comes after the
                // explicit settings.
                let from_login = || {
                    context
                        .authorization
                        .user_info()
                        .get("region")
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                };
                let name = lookup(context, "PAGERDUTY_REGION")
                    .or_else(|| env("PAGERDUTY_REGION"))
                    .or_else(from_login);
                match name {
                    Some(name) => match name.trim().to_ascii_lowercase().as_str() {
                        "us" => Region::Us,
                        "eu" => Region::Eu,
                        other => {
                            return Err(ToolError::fatal(format!(
                                "PAGERDUTY_REGION must be `us` or `eu`, not `{other}`"
                            )));
                        }
                    },
                    None => Region::Us,
                }
            }
        };
        let events = resolve_url(context, "PAGERDUTY_EVENTS_URL")?;
        let events = events.unwrap_or_else(|| region.events_base());
        let key = format!("{} {}", region.api_base(), events);
        static CLIENTS: OnceLock<Mutex<HashMap<String, PagerDutyClient>>> = OnceLock::new();
        let clients = CLIENTS.get_or_init(Default::default);
        let mut clients = clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        if clients.len() >= 32 {
            clients.clear();
        }
        let client = Self::builder()
            .region(region)
            .events_base_url(events)
            .build()?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    /// The REST API base URL.
    pub fn api_base(&self) -> &Url {
        &self.inner.api_base
    }

    /// The Events API base URL.
    pub fn events_base(&self) -> &Url {
        &self.inner.events_base
    }

    /// A session: this client with the credential (and `From` fallback) of a call.
    pub fn session(&self, credential: Credential, from_email: Option<String>) -> Session {
        Session {
            client: self.clone(),
            credential,
            configured_from: from_email,
        }
    }

    fn url(&self, base: &Url, path: &str) -> Result<Url, ToolError> {
        let mut url = base.clone();
        let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        Ok(url)
    }

    /// Sends one REST request with retries; returns the parsed JSON body (`Null` when
    /// empty).
    pub async fn request(
        &self,
        credential: Option<&Credential>,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        from: Option<&str>,
    ) -> Result<Value, ToolError> {
        let url = self.url(&self.inner.api_base, path)?;
        self.send(credential, method, url, path, query, body, from)
            .await
    }

    /// Posts to the Events API v2 (`path` is `/v2/enqueue` or `/v2/change/enqueue`).
    pub async fn post_event(&self, path: &str, body: &Value) -> Result<Value, ToolError> {
        let url = self.url(&self.inner.events_base, path)?;
        self.send(None, Method::POST, url, path, &[], Some(body), None)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        credential: Option<&Credential>,
        method: Method,
        url: Url,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        from: Option<&str>,
    ) -> Result<Value, ToolError> {
        let policy = &self.inner.retry;
        let idempotent = method != Method::POST;
        let max_attempts = policy.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= max_attempts;
            let mut target = url.clone();
            if !query.is_empty() {
                target.query_pairs_mut().extend_pairs(query);
            }
            if let (Some(limiter), Some(credential)) = (&self.inner.limiter, credential) {
                limiter.acquire(credential.key).await;
            }
            let mut request = self.inner.http.request(method.clone(), target);
            if let Some(credential) = credential {
                request = request.header(AUTHORIZATION, &credential.header);
            }
            if let Some(from) = from {
                request = request.header("From", from);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            tracing::debug!(%method, path, attempt, "PagerDuty request");
            let response = match request.send().await {
                Ok(response) => response,
                Err(err) => {
                    let retryable =
                        err.is_connect() || (idempotent && (err.is_timeout() || err.is_request()));
                    if retryable && !last {
                        tokio::time::sleep(backoff(policy, attempt)).await;
                        continue;
                    }
                    return Err(transport_error(err, &method, path, attempt));
                }
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            if status == 429 {
                let wait_ms = arcade_tdk::http::retry_after_ms(&headers).unwrap_or(1000);
                let wait = Duration::from_millis(wait_ms) + jitter(Duration::from_millis(250));
                if !last && wait <= policy.max_rate_limit_wait {
                    tracing::info!(path, wait_ms, "PagerDuty rate limit; waiting");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                let text = response.text().await.unwrap_or_default();
                let parsed = ApiErrorBody::parse(&text);
                return Err(ToolError::rate_limited(
                    format!(
                        "PagerDuty rate limit reached for {method} {path} ({}) after {attempt} attempt(s); retry in {} second(s).",
                        parsed.message.as_deref().unwrap_or("Rate Limit Exceeded"),
                        wait_ms.div_ceil(1000)
                    ),
                    wait_ms.max(1),
                )
                .with_additional_prompt_content(
                    "PagerDuty limits each token to about 960 requests per minute. Wait for retry_after_ms, and prefer narrower queries (filters, smaller limits).",
                )
                .with_extra("service", "pagerduty")
                .with_extra("endpoint", path));
            }
            if status >= 500 {
                let retryable = idempotent || status == 503;
                if retryable && !last {
                    tokio::time::sleep(backoff(policy, attempt)).await;
                    continue;
                }
            }
            let text = match response.text().await {
                Ok(text) => text,
                Err(err) => {
                    if idempotent && !last {
                        tokio::time::sleep(backoff(policy, attempt)).await;
                        continue;
                    }
                    return Err(transport_error(err, &method, path, attempt));
                }
            };
            if !(200..300).contains(&status) {
                let mut error = api_error(status, &headers, &text, method.as_str(), path);
                if status >= 500 {
                    error = error.with_extra("attempts", attempt);
                }
                return Err(error);
            }
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            return serde_json::from_str(&text).map_err(|e| {
                ToolError::upstream(
                    502,
                    format!(
                        "PagerDuty returned a response for {method} {path} that is not valid JSON."
                    ),
                )
                .with_developer_message(format!(
                    "{e}; body starts with: {}",
                    error::truncate(&text, 200)
                ))
                .with_can_retry(true)
            });
        }
    }
}

fn transport_error(err: reqwest::Error, method: &Method, path: &str, attempt: u32) -> ToolError {
    let mut error = if err.is_timeout() {
        ToolError::network(
            NetworkFailure::Timeout,
            format!(
                "PagerDuty did not answer {method} {path} in time (after {attempt} attempt(s))."
            ),
        )
    } else {
        ToolError::from(err)
    };
    error = error
        .with_extra("service", "pagerduty")
        .with_extra("endpoint", path);
    error
}

fn jitter(max: Duration) -> Duration {
    let random =
        std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    let ms = max.as_millis().max(1) as u64;
    Duration::from_millis(random % ms)
}

fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(10));
    exp.min(policy.max_backoff) + jitter(policy.base_backoff)
}

/// Query parameters, in PagerDuty's style (`key[]` repeated for arrays).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds `key=value`.
    pub fn set(mut self, key: &str, value: impl ToString) -> Self {
        self.0.push((key.to_owned(), value.to_string()));
        self
    }
    /// Adds `key=value` when `value` is `Some` (and not blank).
    pub fn opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value
            .map(|v| v.to_string())
            .filter(|v| !v.trim().is_empty())
        {
            Some(v) => self.set(key, v),
            None => self,
        }
    }
    /// Adds `key[]=v` for each value (`key` is given without `[]`).
    pub fn list<S: AsRef<str>>(mut self, key: &str, values: impl IntoIterator<Item = S>) -> Self {
        for v in values {
            let v = v.as_ref().trim();
            if !v.is_empty() {
                self.0.push((format!("{key}[]"), v.to_owned()));
            }
        }
        self
    }
    /// The pairs.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// A client with the credential of one tool call.
#[derive(Clone, Debug)]
pub struct Session {
    client: PagerDutyClient,
    credential: Credential,
    configured_from: Option<String>,
}

impl Session {
    /// The session of a tool call: the shared client configured from the context, its
    /// credential, and the `From` email configured for API keys (the
    /// `PAGERDUTY_FROM_EMAIL` secret or metadata of the call, else the environment).
    pub fn from_context(context: &ToolContext) -> Result<Self, ToolError> {
        let client = PagerDutyClient::for_context(context)?;
        let credential = Credential::from_context(context)?;
        let from = context
            .get_secret("PAGERDUTY_FROM_EMAIL")
            .ok()
            .map(str::to_owned)
            .or_else(|| lookup(context, "PAGERDUTY_FROM_EMAIL"))
            .or_else(|| env("PAGERDUTY_FROM_EMAIL"))
            .filter(|e| e.contains('@'));
        Ok(client.session(credential, from))
    }

    /// The client.
    pub fn client(&self) -> &PagerDutyClient {
        &self.client
    }

    /// `GET path` with a query; the JSON body.
    pub async fn get(&self, path: &str, query: &Query) -> Result<Value, ToolError> {
        self.client
            .request(
                Some(&self.credential),
                Method::GET,
                path,
                query.pairs(),
                None,
                None,
            )
            .await
    }

    /// `GET path` and the object under `key` (e.g. `incident` of `/incidents/{id}`).
    pub async fn get_object(
        &self,
        path: &str,
        key: &str,
        query: &Query,
    ) -> Result<Value, ToolError> {
        let mut body = self.get(path, query).await?;
        match body.get_mut(key).map(Value::take) {
            Some(value) if !value.is_null() => Ok(value),
            _ => Err(missing_key(path, key)),
        }
    }

    /// One page of a classic paginated list whose records are under `key`.
    /// `limit` is clamped to 1..=100; a page past the 10,000 ceiling is refused.
    pub async fn get_page(
        &self,
        path: &str,
        key: &str,
        query: &Query,
        limit: u32,
        offset: u32,
        total: bool,
    ) -> Result<Page<Value>, ToolError> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE);
        if offset >= MAX_OFFSET {
            return Err(ToolError::bad_input(format!(
                "offset {offset} is beyond PagerDuty's pagination ceiling of {MAX_OFFSET} records; narrow the query (for example with since/until) instead."
            )));
        }
        let limit = limit.min(MAX_OFFSET - offset);
        let query = query
            .clone()
            .set("limit", limit)
            .set("offset", offset)
            .opt("total", total.then_some("true"));
        let mut body = self.get(path, &query).await?;
        let items = match body.get_mut(key).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => return Err(missing_key(path, key)),
        };
        let num = |k: &str| body.get(k).and_then(Value::as_u64);
        Ok(Page {
            limit: num("limit").map_or(limit, |v| v as u32),
            offset: num("offset").map_or(offset, |v| v as u32),
            more: body.get("more").and_then(Value::as_bool).unwrap_or(false),
            total: num("total"),
            items,
        })
    }

    /// Every record of a paginated list, up to `max_items` (and PagerDuty's 10,000
    /// ceiling). Pages of 100; once the first page reports `total`, the rest are
    /// fetched a few at a time concurrently, in order.
    pub async fn get_all(
        &self,
        path: &str,
        key: &str,
        query: &Query,
        max_items: usize,
    ) -> Result<AllPages<Value>, ToolError> {
        let max_items = max_items.min(MAX_OFFSET as usize);
        let first_limit = (max_items as u32).clamp(1, MAX_PAGE_SIZE);
        let first = self
            .get_page(path, key, query, first_limit, 0, true)
            .await?;
        let total = first.total;
        let mut more = first.more;
        let mut items = first.items;
        let page = first.limit.max(1);
        if more && items.len() < max_items {
            match total {
                Some(total) => {
                    let end = (total as usize).min(max_items);
                    let offsets: Vec<u32> = (items.len()..end)
                        .step_by(page as usize)
                        .map(|o| o as u32)
                        .collect();
                    let pages: Vec<Result<Page<Value>, ToolError>> = stream::iter(offsets)
                        .map(|offset| self.get_page(path, key, query, page, offset, false))
                        .buffered(self.client.inner.page_concurrency)
                        .collect()
                        .await;
                    for p in pages {
                        let p = p?;
                        more = p.more;
                        items.extend(p.items);
                    }
                }
                None => {
                    let mut offset = items.len() as u32;
                    while more && items.len() < max_items && offset < MAX_OFFSET {
                        let p = self.get_page(path, key, query, page, offset, false).await?;
                        more = p.more;
                        if p.items.is_empty() {
                            break;
                        }
                        offset += p.items.len() as u32;
                        items.extend(p.items);
                    }
                }
            }
        }
        let truncated = items.len() > max_items
            || more
            || total.is_some_and(|t| (t as usize) > items.len().min(max_items));
        items.truncate(max_items);
        Ok(AllPages {
            items,
            truncated,
            total,
        })
    }

    /// The current user (`GET /users/me`), with optional `include[]` values.
    pub async fn current_user(&self, include: &[&str]) -> Result<Value, ToolError> {
        let query = Query::new().list("include", include.iter().copied());
        let user = self.get_object("/users/me", "user", &query).await?;
        if let Some(email) = user.get("email").and_then(Value::as_str) {
            self.cache_from(email);
        }
        Ok(user)
    }

    fn cache_from(&self, email: &str) {
        let mut cache = self
            .client
            .inner
            .from_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cache.len() >= 1024 {
            cache.clear();
        }
        cache.insert(self.credential.key, email.to_owned());
    }

    /// The email to send as `From` on writes: for OAuth tokens the token's user
    /// (`/users/me`, cached per token); for API keys the configured
    /// `PAGERDUTY_FROM_EMAIL`, else the key's user. An account-level credential (no
    /// user) falls back to the configured email; with none, a context-required error.
    pub async fn from_email(&self) -> Result<String, ToolError> {
        if self.credential.kind == TokenKind::ApiKey
            && let Some(from) = &self.configured_from
        {
            return Ok(from.clone());
        }
        let cached = self
            .client
            .inner
            .from_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&self.credential.key)
            .cloned();
        if let Some(email) = cached {
            return Ok(email);
        }
        match self.current_user(&[]).await {
            Ok(user) => user
                .get("email")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| no_from_error(None)),
            Err(err) if matches!(err.status_code(), Some(400 | 403 | 404)) => {
                // An account-level credential (API key or client-credentials OAuth
                // token) has no user: fall back to the configured email.
                match &self.configured_from {
                    Some(from) => Ok(from.clone()),
                    None => Err(no_from_error(Some(err.message().to_owned()))),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// A read that PagerDuty models as a `POST` with a JSON body (analytics): no
    /// `From` header, and safe to retry.
    pub async fn post_read(&self, path: &str, body: &Value) -> Result<Value, ToolError> {
        self.client
            .request(
                Some(&self.credential),
                Method::POST,
                path,
                &[],
                Some(body),
                None,
            )
            .await
    }

    /// A write whose operation does not require `From` (e.g. schedule overrides): the
    /// header is sent when a user email is known, and left out otherwise.
    pub async fn write_optional_from(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ToolError> {
        let from = match self.from_email().await {
            Ok(from) => Some(from),
            Err(err) if err.kind() == arcade_tdk::ErrorKind::ToolRuntimeContextRequired => None,
            Err(err) => return Err(err),
        };
        self.client
            .request(
                Some(&self.credential),
                method,
                path,
                &[],
                Some(body),
                from.as_deref(),
            )
            .await
    }

    /// A write (`PUT`, `POST`, `DELETE`) with the `From` header.
    pub async fn write(
        &self,
        method: Method,
        path: &str,
        body: &Value,
    ) -> Result<Value, ToolError> {
        let from = self.from_email().await?;
        self.client
            .request(
                Some(&self.credential),
                method,
                path,
                &[],
                Some(body),
                Some(&from),
            )
            .await
    }
}

fn no_from_error(detail: Option<String>) -> ToolError {
    let mut error = ToolError::context_required(
        "PagerDuty records every change under a user's email (the `From` header), and this credential has no user (it is an account-level API key or token) and no PAGERDUTY_FROM_EMAIL is configured.",
        "Which PagerDuty user's email should this change be made as? (The operator can set PAGERDUTY_FROM_EMAIL, or the user can authorize with OAuth instead of an account-level key.)",
    );
    if let Some(detail) = detail {
        error = error.with_developer_message(format!("GET /users/me failed: {detail}"));
    }
    error
}

fn missing_key(path: &str, key: &str) -> ToolError {
    ToolError::upstream(
        502,
        format!("PagerDuty's response to {path} has no `{key}`; the API may have changed."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(
            Region::Eu.api_base().as_str(),
            "https://api.eu.pagerduty.com/"
        );
        assert_eq!(Region::parse("US"), Some(Region::Us));
        assert!(matches!(
            Region::parse("http://127.0.0.1:1"),
            Some(Region::Custom(_))
        ));
    }

    #[test]
    fn the_region_of_an_oauth_login_is_used_unless_configured() {
        // Skipped when the environment configures the host itself.
        if env("PAGERDUTY_BASE_URL").is_some() || env("PAGERDUTY_REGION").is_some() {
            return;
        }
        let mut info = serde_json::Map::new();
        info.insert("region".into(), "eu".into());
        let mut context = ToolContext::builder().build();
        context.authorization =
            arcade_tdk::Authorization::new("t", arcade_tdk::TokenKind::OAuth2).with_user_info(info);
        let client = PagerDutyClient::for_context(&context).unwrap();
        assert_eq!(client.api_base().as_str(), "https://api.eu.pagerduty.com/");
        // Metadata wins over the login's region.
        let mut pinned = ToolContext::builder()
            .metadata("PAGERDUTY_REGION", "us")
            .build();
        pinned.authorization = context.authorization.clone();
        let client = PagerDutyClient::for_context(&pinned).unwrap();
        assert_eq!(client.api_base().as_str(), "https://api.pagerduty.com/");
    }

    #[test]
    fn overrides_must_be_trusted() {
        let ok = |s: &str| trusted_override(&Url::parse(s).unwrap());
        assert!(ok("http://127.0.0.1:8080"));
        assert!(ok("https://api.eu.pagerduty.com"));
        assert!(!ok("http://api.pagerduty.com"));
        assert!(!ok("https://evilpagerduty.com"));
        assert!(!ok("https://pagerduty.com.evil.io"));
    }

    #[test]
    fn next_offset_and_ceiling() {
        let page = |offset, n, more| Page::<u8> {
            items: vec![0; n],
            limit: 100,
            offset,
            more,
            total: None,
        };
        assert_eq!(page(0, 100, true).next_offset(), Some(100));
        assert_eq!(page(0, 10, false).next_offset(), None);
        assert!(page(9_900, 100, true).hit_ceiling());
    }

    #[test]
    fn query_lists() {
        let q = Query::new()
            .list("statuses", ["triggered", " "])
            .opt("since", None::<&str>);
        assert_eq!(
            q.pairs(),
            &[("statuses[]".to_owned(), "triggered".to_owned())]
        );
    }
}
