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
