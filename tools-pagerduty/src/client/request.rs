//! The request path: one REST or Events API request, with pacing, retries on 429, 5xx
//! and connection failures, and PagerDuty's errors mapped to [`ToolError`]s.

use std::hash::BuildHasher;
use std::time::Duration;

use arcade_tdk::{NetworkFailure, ToolError};
use reqwest::header::AUTHORIZATION;
use reqwest::{Method, Url};
use serde_json::Value;

use super::error::{self, ApiErrorBody, api_error};
use super::{Credential, PagerDutyClient, RetryPolicy};

impl PagerDutyClient {
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
        self.request_with(credential, method, path, query, body, from, |body| {
            serde_json::from_slice(body)
        })
        .await
    }

    /// [`PagerDutyClient::request`], with the body's bytes read by `decode` (given
    /// `null` when the body is empty) instead of into a [`Value`]: a typed read skips
    /// what it does not keep.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn request_with<T>(
        &self,
        credential: Option<&Credential>,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        from: Option<&str>,
        decode: impl FnOnce(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, ToolError> {
        let url = self.url(&self.inner.api_base, path)?;
        self.send(credential, method, url, path, query, body, from, decode)
            .await
    }

    /// Posts to the Events API v2 (`path` is `/v2/enqueue` or `/v2/change/enqueue`).
    pub async fn post_event(&self, path: &str, body: &Value) -> Result<Value, ToolError> {
        let url = self.url(&self.inner.events_base, path)?;
        self.send(
            None,
            Method::POST,
            url,
            path,
            &[],
            Some(body),
            None,
            |body| serde_json::from_slice(body),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn send<T>(
        &self,
        credential: Option<&Credential>,
        method: Method,
        url: Url,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        from: Option<&str>,
        decode: impl FnOnce(&[u8]) -> serde_json::Result<T>,
    ) -> Result<T, ToolError> {
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
                limiter.acquire(&credential.store_key).await;
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
            // Bytes, not `text()`: JSON is UTF-8, and serde_json checks the strings it
            // keeps as it reads them (a whole-body check would cost a pass of its own).
            let bytes = match response.bytes().await {
                Ok(bytes) => bytes,
                Err(err) => {
                    if idempotent && !last {
                        tokio::time::sleep(backoff(policy, attempt)).await;
                        continue;
                    }
                    return Err(transport_error(err, &method, path, attempt));
                }
            };
            if !(200..300).contains(&status) {
                let text = String::from_utf8_lossy(&bytes);
                let mut error = api_error(status, &headers, &text, method.as_str(), path);
                if status >= 500 {
                    error = error.with_extra("attempts", attempt);
                }
                return Err(error);
            }
            let body: &[u8] = if bytes.trim_ascii().is_empty() {
                b"null"
            } else {
                &bytes
            };
            return decode(body).map_err(|e| {
                ToolError::upstream(
                    502,
                    format!(
                        "PagerDuty returned a response for {method} {path} that is not valid JSON."
                    ),
                )
                .with_developer_message(format!(
                    "{e}; body starts with: {}",
                    error::truncate(&String::from_utf8_lossy(body), 200)
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
