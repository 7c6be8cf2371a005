//! How a client is configured: [`PagerDutyClientBuilder`], [`RetryPolicy`], and the
//! base URLs of a tool call from its context and the environment
//! ([`PagerDutyClient::for_context`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use arcade_tdk::store::SharedStore;
use arcade_tdk::{ToolContext, ToolError};
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, USER_AGENT};

use super::rate_limit::Limiter;
use super::{ACCEPT_V2, Inner, PagerDutyClient, RateLimit, Region, USER_AGENT_VALUE};

/// The environment variable that sets the client's own pace per credential in
/// [`PagerDutyClient::for_context`] (`N/DURATION`, e.g. `480/60s`; default
/// [`RateLimit::PAGERDUTY_REST`]). Every replica should have the same value.
pub const RATE_LIMIT_ENV: &str = "PAGERDUTY_RATE_LIMIT";

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
    store: Option<Arc<dyn SharedStore>>,
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
            store: None,
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
    /// How many pages [`Session::get_all`](super::Session::get_all) fetches at once once `total` is known
    /// (default 3; 1 fetches serially).
    pub fn page_concurrency(mut self, n: usize) -> Self {
        self.page_concurrency = n.max(1);
        self
    }
    /// Paces REST requests on the client side: at most `limit` per credential in any
    /// rolling window, waiting before sending rather than after a 429 (default:
    /// [`RateLimit::PAGERDUTY_REST`], 960 a minute). With it, [`Session::get_all`](super::Session::get_all) can
    /// fetch pages concurrently without crossing the limit.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }
    /// Keeps the rate windows in `store` (default: the process's
    /// [`installed`](arcade_tdk::store::installed) store, which the command line's
    /// `--store` sets). Clients in several processes that share one store (Redis) pace
    /// each credential together, within one budget.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arcade_tdk::store::MemoryStore;
    /// use tools_pagerduty::client::PagerDutyClient;
    ///
    /// let client = PagerDutyClient::builder()
    ///     .shared_store(Arc::new(MemoryStore::new()))
    ///     .build()
    ///     .unwrap();
    /// # let _ = client;
    /// ```
    pub fn shared_store(mut self, store: Arc<dyn SharedStore>) -> Self {
        self.store = Some(store);
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
                limiter: self.rate_limit.map(|limit| {
                    Limiter::new(
                        limit,
                        self.store.unwrap_or_else(arcade_tdk::store::installed),
                    )
                }),
                from_cache: Mutex::new(HashMap::new()),
            }),
        })
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

pub(super) fn lookup(context: &ToolContext, key: &str) -> Option<String> {
    context.get_metadata(key).ok().map(str::to_owned)
}

pub(super) fn env(key: &str) -> Option<String> {
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
    /// The shared client for a tool call, configured from its context and the
    /// environment (see the [module docs](super)). Clients are cached per base URL.
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
                    Some(name) => Region::from_name(&name).ok_or_else(|| {
                        ToolError::fatal(format!(
                            "PAGERDUTY_REGION must be `us` or `eu`, not `{}`",
                            name.trim().to_ascii_lowercase()
                        ))
                    })?,
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
        let mut builder = Self::builder().region(region).events_base_url(events);
        if let Some(raw) = env(RATE_LIMIT_ENV) {
            let limit = raw
                .parse::<RateLimit>()
                .map_err(|e| ToolError::fatal(format!("{RATE_LIMIT_ENV}: {e}")))?;
            builder = builder.rate_limit(limit);
        }
        let client = builder.build()?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
