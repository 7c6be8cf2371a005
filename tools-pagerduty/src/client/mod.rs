//! A PagerDuty REST API v2 and Events API v2 client: the one the toolkit's tools use,
//! and the one to use in your own PagerDuty tools.
//!
//! # Calling PagerDuty from a custom tool
//!
//! Build a [`Session`] from the tool's context and call the API through it. The session
//! takes the credential from the context (`Bearer` for an OAuth token, `Token token=`
//! for an API key) and the host from the call's configuration (below), so the same tool
//! runs against the sandbox in a test and against PagerDuty in production:
//!
//! ```
//! use arcade_tdk::{tool, ToolContext, ToolError, Toolkit};
//! use serde_json::{json, Value};
//! use tools_pagerduty::client::{Method, Query, Session};
//!
//! /// Retrieve information about the authenticated user from PagerDuty.
//! #[tool(requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = ["read"]))]
//! async fn get_current_user(context: ToolContext) -> Result<Value, ToolError> {
//!     let session = Session::from_context(&context)?;
//!     session.get("/users/me", &Query::new()).await
//! }
//!
//! /// Every open incident's title (the client follows the pages).
//! #[tool(requires_auth = PagerDuty(scopes = ["read"]))]
//! async fn open_titles(context: ToolContext) -> Result<Vec<String>, ToolError> {
//!     let session = Session::from_context(&context)?;
//!     let query = Query::new().list("statuses[]", ["triggered", "acknowledged"]);
//!     let all = session.get_all("/incidents", "incidents", &query, 1_000).await?;
//!     Ok(all.items.iter().filter_map(|i| i["title"].as_str().map(str::to_owned)).collect())
//! }
//!
//! /// Add a note to an incident (a write: the client sends the `From` header).
//! #[tool(requires_auth = PagerDuty(scopes = ["write"]))]
//! async fn note(
//!     context: ToolContext,
//!     /// The incident's ID.
//!     incident_id: String,
//!     /// The note.
//!     text: String,
//! ) -> Result<Value, ToolError> {
//!     let session = Session::from_context(&context)?;
//!     let body = json!({"note": {"content": text}});
//!     session.write(Method::POST, &format!("/incidents/{incident_id}/notes"), &body).await
//! }
//!
//! # #[cfg(feature = "sandbox")]
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use arcade_tdk::testing::Harness;
//! use tools_pagerduty::sandbox::Sandbox;
//!
//! let sandbox = Sandbox::start().await;
//! let toolkit = Toolkit::new("Mine")
//!     .tool(get_current_user::tool())
//!     .tool(open_titles::tool())
//!     .tool(note::tool());
//! let harness = Harness::new(toolkit)
//!     .token("tok")
//!     .metadata("PAGERDUTY_BASE_URL", sandbox.base_url()); // production leaves it out
//! assert_eq!(harness.call("GetCurrentUser", json!({})).await.field("/user/id"), "PUSR001");
//! assert!(!harness.call("OpenTitles", json!({})).await.value().as_array().unwrap().is_empty());
//! let id = sandbox.requests().iter().find_map(|r| r.response_body()?["incidents"][0]["id"].as_str().map(str::to_owned)).unwrap();
//! harness.call("Note", json!({"incident_id": id, "text": "looking"})).await.assert_success();
//! assert_eq!(sandbox.requests().last().unwrap().header("from"), Some("alice@example.com"));
//! # });
//! ```
//!
//! What the session does for you, on every call:
//! - **Pagination**: [`Session::get_page`] (one page, `limit`/`offset`/`more`/`total`)
//!   and [`Session::get_all`] (every page up to a maximum and PagerDuty's 10,000-record
//!   ceiling, concurrently once `total` is known).
//! - **Rate-limit pacing**: at most 960 REST requests a minute per credential, waited
//!   for before sending ([`RateLimit`]).
//! - **Bounded retries**: 429s wait for the reset, 5xx and connection failures back off;
//!   at most [`RetryPolicy::max_attempts`] (3) attempts, then a rate-limit or upstream
//!   error with `retry_after_ms` where PagerDuty said when.
//! - **Errors**: PagerDuty's error body becomes a [`ToolError`] of the right kind
//!   (`UPSTREAM_RUNTIME_AUTH_ERROR` for 401/403, so that a rejected token is refreshed,
//!   `..._NOT_FOUND`, `..._RATE_LIMIT`...) with PagerDuty's message and a hint
//!   ([`error::api_error`]); the raw body is in the developer message.
//! - **The `From` header**: [`Session::write`] sends the email of the token's user, or
//!   `PAGERDUTY_FROM_EMAIL` (a secret, metadata or environment variable) for an
//!   account-level API key.
//! - **Regions**: US, EU (`PAGERDUTY_REGION=eu`, or the region of an OAuth login) or a
//!   base URL, as below.
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
//! - **OAuth**: PagerDuty's OAuth app ([`oauth_app`], [`oauth_provider`]) for the TDK's
//!   `auth login`, whose ID token names the account's region ([`id_token_user_info`]).
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
//! - The client's own pace per credential: `PAGERDUTY_RATE_LIMIT` (`N/DURATION`, e.g.
//!   `480/60s`), else PagerDuty's 960 a minute; the windows live in the process's
//!   [shared store](arcade_tdk::store) (Redis with `--store redis://...`, so replicas
//!   share one budget per token).

mod config;
pub mod error;
pub(crate) mod lenient;
mod oauth;
mod pagination;
mod rate_limit;
mod region;
mod request;
mod session;

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock};

use arcade_tdk::{TokenKind, ToolContext, ToolError};
use reqwest::Url;

pub use config::{PagerDutyClientBuilder, RATE_LIMIT_ENV, RetryPolicy};
pub use error::{ApiErrorBody, api_error, required_scope};
pub use oauth::{
    PAGERDUTY_AUTHORIZE_URL, PAGERDUTY_TOKEN_URL, id_token_user_info, oauth_app, oauth_provider,
};
pub use pagination::{AllPages, Page};
use rate_limit::Limiter;
pub use rate_limit::RateLimit;
pub use region::Region;
/// The HTTP method of [`Session::write`] (reqwest's).
pub use reqwest::Method;
pub use session::{Query, Session};

/// The `Accept` header PagerDuty's REST API v2 expects.
pub const ACCEPT_V2: &str = "application/vnd.pagerduty+json;version=2";
/// Classic pagination cannot go past this `offset + limit`.
pub const MAX_OFFSET: u32 = 10_000;
/// The largest page PagerDuty serves.
pub const MAX_PAGE_SIZE: u32 = 100;
/// The `User-Agent` sent with every request.
pub const USER_AGENT_VALUE: &str = concat!("tools-pagerduty/", env!("CARGO_PKG_VERSION"));

/// How a request authenticates: the `Authorization` header value.
#[derive(Clone)]
pub struct Credential {
    header: String,
    kind: TokenKind,
    key: u64,
    /// The rate window's key in the shared store: a digest, never the credential.
    store_key: String,
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
        let store_key = arcade_tdk::store::credential_key(rate_limit::NAMESPACE, &header);
        Self {
            header,
            kind,
            key,
            store_key,
        }
    }

    /// OAuth token or API key.
    pub fn kind(&self) -> TokenKind {
        self.kind
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

impl PagerDutyClient {
    /// Starts building a client.
    pub fn builder() -> PagerDutyClientBuilder {
        PagerDutyClientBuilder::default()
    }

    /// A client for `region` with the default settings.
    pub fn new(region: Region) -> Result<Self, ToolError> {
        Self::builder().region(region).build()
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
}
