//! The client's own rate limit: requests per credential in any rolling window.
//!
//! PagerDuty limits each token (user or app, per account) to 960 REST requests a
//! minute and answers 429 beyond that. Waiting for the 429 costs the request and its
//! `ratelimit-reset` wait (a second or more); pacing on the client side costs nothing
//! when under the limit and lets [`Session::get_all`](super::Session::get_all) fetch pages
//! concurrently without ever crossing it, from this process at least (other processes
//! using the same token still count against PagerDuty's limit, so 429s stay handled).
//!
//! A sliding log rather than a token bucket: "at most N in any rolling window" is the
//! guarantee wanted, and a bucket that refills continuously lets N + (refills) through in
//! a window after a burst.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

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

impl Default for RateLimit {
    fn default() -> Self {
        Self::PAGERDUTY_REST
    }
}

/// Credentials whose log is kept before idle ones are dropped.
const PRUNE_ABOVE: usize = 64;

/// The send times of each credential's requests in the current window.
#[derive(Debug)]
pub(crate) struct Limiter {
    limit: RateLimit,
    sent: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            sent: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until the credential `key` may send one more request, and counts it.
    pub(crate) async fn acquire(&self, key: u64) {
        loop {
            let wait = {
                let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                let per = self.limit.per;
                if sent.len() > PRUNE_ABOVE {
                    sent.retain(|_, log| log.back().is_some_and(|t| now - *t < per));
                }
                let log = sent.entry(key).or_default();
                while log.front().is_some_and(|t| now - *t >= per) {
                    log.pop_front();
                }
                if log.len() < self.limit.requests as usize {
                    log.push_back(now);
                    return;
                }
                // The oldest request in the window leaves it at `front + per`.
                log.front().map_or(Duration::ZERO, |t| *t + per - now)
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

    /// With time paused, every `acquire` returns at a known instant.
    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_window() {
        let limiter =
            std::sync::Arc::new(Limiter::new(RateLimit::new(5, Duration::from_millis(100))));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..17 {
            let limiter = limiter.clone();
            tasks.push(tokio::spawn(async move {
                limiter.acquire(1).await;
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
        limiter.acquire(2).await;
        assert_eq!(Instant::now(), before);
    }
}
