//! The client's own rate limit: requests per credential in any rolling window.
//!
//! PagerDuty limits each token (user or app, per account) to 960 REST requests a
//! minute and answers 429 beyond that. Waiting for the 429 costs the request and its
//! `ratelimit-reset` wait (a second or more); pacing on the client side costs nothing
//! when under the limit and lets [`Session::get_all`](super::Session::get_all) fetch pages
//! concurrently without ever crossing it. The windows live in a
//! [`SharedStore`](arcade_tdk::store::SharedStore): this process's memory by default,
//! or Redis shared by every replica (`--store redis://...`), keyed by a SHA-256 digest
//! of the credential. Other programs using the same token still count against
//! PagerDuty's limit, so 429s stay handled.
//!
//! A sliding log rather than a token bucket: "at most N in any rolling window" is the
//! guarantee wanted, and a bucket that refills continuously lets N + (refills) through in
//! a window after a burst.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arcade_tdk::store::{MemoryStore, SharedStore, Take};

/// At most `requests` REST requests per credential in any rolling `per`.
///
/// ```
/// use std::time::Duration;
/// use tools_pagerduty::client::{PagerDutyClient, RateLimit};
///
/// let client = PagerDutyClient::builder()
///     .rate_limit(RateLimit::new(480, Duration::from_secs(60))) // half of the token's share
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
}

impl RateLimit {
    /// PagerDuty's documented REST limit: 960 requests a minute per token.
    pub const PAGERDUTY_REST: RateLimit = RateLimit {
        requests: 960,
        per: Duration::from_secs(60),
    };

    /// At most `requests` (at least 1) in any rolling `per`.
    pub fn new(requests: u32, per: Duration) -> Self {
        Self {
            requests: requests.max(1),
            per,
        }
    }

    /// The number of requests allowed per window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn per(&self) -> Duration {
        self.per
    }
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `N/DURATION`: `960/60s`, `200/1s`, `25/100ms` (a bare number is seconds).
    ///
    /// ```
    /// use std::time::Duration;
    /// use tools_pagerduty::client::RateLimit;
    ///
    /// let limit: RateLimit = "200/1s".parse().unwrap();
    /// assert_eq!(limit, RateLimit::new(200, Duration::from_secs(1)));
    /// assert!("fast".parse::<RateLimit>().is_err());
    /// ```
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{raw}` is not a rate limit such as 960/60s or 25/100ms");
        let (count, per) = raw.trim().split_once('/').ok_or_else(bad)?;
        let requests: u32 = count.trim().parse().map_err(|_| bad())?;
        let per = per.trim();
        let (number, unit_ms) = match per.strip_suffix("ms") {
            Some(n) => (n, 1),
            None => (per.strip_suffix('s').unwrap_or(per), 1000),
        };
        let n: u64 = number.trim().parse().map_err(|_| bad())?;
        let per = Duration::from_millis(n.saturating_mul(unit_ms));
        if requests == 0 || per.is_zero() {
            return Err(bad());
        }
        Ok(Self::new(requests, per))
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::PAGERDUTY_REST
    }
}

/// The store namespace of the windows: `pagerduty:rate:<SHA-256 of the credential>`.
pub(crate) const NAMESPACE: &str = "pagerduty:rate";

/// Paces each credential's requests through a [`SharedStore`]: the process's own by
/// default ([`MemoryStore`](arcade_tdk::store::MemoryStore)), or one that replicas
/// share (Redis), so that three replicas together stay within one token's budget.
///
/// When the shared store fails (Redis down, unreachable or slow: each operation is
/// bounded to half a second), the request is paced on this process's own window
/// instead, which is logged once (and once more when the store is back). Requests are
/// never held up by a store that is gone and never refused because of it; until it is
/// back each replica may spend up to the whole budget, and PagerDuty's 429s, still
/// handled, are the last guard.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    shared: Arc<dyn SharedStore>,
    local: MemoryStore,
    degraded: AtomicBool,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit, shared: Arc<dyn SharedStore>) -> Self {
        Self {
            limit,
            shared,
            local: MemoryStore::new(),
            degraded: AtomicBool::new(false),
        }
    }

    /// Waits until the credential whose store key is `key` may send one more request,
    /// and counts it.
    pub(crate) async fn acquire(&self, key: &str) {
        let (requests, per) = (self.limit.requests, self.limit.per);
        loop {
            let take = match self.shared.take(key, requests, per).await {
                Ok(take) => {
                    if self.degraded.swap(false, Ordering::Relaxed) {
                        tracing::info!(
                            store = self.shared.kind(),
                            "the shared store is back: PagerDuty requests are paced across replicas again"
                        );
                    }
                    take
                }
                Err(e) => {
                    if !self.degraded.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            error = %e,
                            "shared store unavailable: pacing PagerDuty requests on this process's own window until it is back"
                        );
                    }
                    // The local store cannot fail.
                    self.local
                        .take(key, requests, per)
                        .await
                        .unwrap_or(Take::Granted)
                }
            };
            let wait = match take {
                Take::Granted => return,
                Take::Wait(wait) => wait,
            };
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "PagerDuty client rate limit; pacing"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arcade_tdk::store::{StoreError, StoreFuture};
    use tokio::time::Instant;

    /// A shared store that is down.
    #[derive(Debug)]
    struct Down;

    impl SharedStore for Down {
        fn take<'a>(&'a self, _: &'a str, _: u32, _: Duration) -> StoreFuture<'a, Take> {
            Box::pin(async { Err(StoreError::new("down")) })
        }
        fn get<'a>(&'a self, _: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
            Box::pin(async { Err(StoreError::new("down")) })
        }
        fn set<'a>(&'a self, _: &'a str, _: Vec<u8>, _: Duration) -> StoreFuture<'a, ()> {
            Box::pin(async { Err(StoreError::new("down")) })
        }
        fn delete<'a>(&'a self, _: &'a str) -> StoreFuture<'a, ()> {
            Box::pin(async { Err(StoreError::new("down")) })
        }
        fn kind(&self) -> &'static str {
            "down"
        }
    }

    #[test]
    fn rate_limits_parse() {
        let parse = |s: &str| s.parse::<RateLimit>();
        assert_eq!(parse("960/60s"), Ok(RateLimit::PAGERDUTY_REST));
        assert_eq!(parse(" 960 / 60 "), Ok(RateLimit::PAGERDUTY_REST));
        assert_eq!(
            parse("25/100ms"),
            Ok(RateLimit::new(25, Duration::from_millis(100)))
        );
        for bad in ["", "960", "0/1s", "5/0s", "-1/1s", "5/1m", "x/1s", "5/ms"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    /// A store that is down paces on the local window: still at most the limit, and
    /// no request waits for the store.
    #[tokio::test(start_paused = true)]
    async fn a_store_that_is_down_paces_locally() {
        let limiter = Limiter::new(
            RateLimit::new(2, Duration::from_millis(100)),
            Arc::new(Down),
        );
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire("k").await;
        }
        // 5 at 2 per 100 ms: at 0, 0, 100, 100, 200 ms.
        assert_eq!(Instant::now() - start, Duration::from_millis(200));
        assert!(limiter.degraded.load(Ordering::Relaxed));
    }

    /// With time paused, every `acquire` returns at a known instant.
    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_window() {
        let limiter = std::sync::Arc::new(Limiter::new(
            RateLimit::new(5, Duration::from_millis(100)),
            Arc::new(MemoryStore::new()),
        ));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..17 {
            let limiter = limiter.clone();
            tasks.push(tokio::spawn(async move {
                limiter.acquire("1").await;
                Instant::now() - start
            }));
        }
        let mut at = Vec::new();
        for t in tasks {
            at.push(t.await.unwrap());
        }
        at.sort();
        for (i, t) in at.iter().enumerate() {
            let in_window = at[i..]
                .iter()
                .take_while(|u| **u - *t < Duration::from_millis(100));
            assert!(
                in_window.count() <= 5,
                "more than 5 within 100 ms of {t:?}: {at:?}"
            );
        }
        // Not slower than needed: 17 requests at 5 per 100 ms take 300 ms.
        assert_eq!(at[16], Duration::from_millis(300), "{at:?}");
        // Another credential is not held up.
        let before = Instant::now();
        limiter.acquire("2").await;
        assert_eq!(Instant::now(), before);
    }
}
