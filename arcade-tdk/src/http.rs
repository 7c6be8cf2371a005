//! Mapping HTTP failures to tool errors, as Arcade's Python HTTP adapter does.
//!
//! `?` on a [`reqwest::Error`] gives the right upstream or network kind. To keep the
//! `Retry-After` of a 429, check responses with [`error_for_status`] instead of
//! `reqwest::Response::error_for_status`.
//!
//! ```no_run
//! use arcade_tdk::{http, ToolError};
//!
//! async fn fetch(client: &reqwest::Client) -> Result<serde_json::Value, ToolError> {
//!     let response = client.get("https://api.example.com/items").send().await?;
//!     let response = http::error_for_status(response)?;
//!     Ok(response.json().await?)
//! }
//! ```

/// Re-exported for [`status_error`] and [`retry_after_ms`].
pub use reqwest::header::HeaderMap;

use crate::error::{NetworkFailure, ToolError};

/// Returns the response when its status is a success; otherwise the upstream error
/// Arcade's HTTP adapter would raise, with `retry_after_ms` from the rate-limit
/// headers for 429s (and for 403s whose rate limit is exhausted).
pub fn error_for_status(response: reqwest::Response) -> Result<reqwest::Response, ToolError> {
    let status = response.status();
    if status.is_success() || status.is_informational() || status.is_redirection() {
        return Ok(response);
    }
    Err(status_error(
        status.as_u16(),
        response.headers(),
        response.url(),
        "",
    ))
}

/// The tool error for an HTTP error status.
pub fn status_error(
    status: u16,
    headers: &HeaderMap,
    url: &reqwest::Url,
    method: &str,
) -> ToolError {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let class = if status >= 500 {
        "server error"
    } else {
        "client error"
    };
    let mut endpoint = url.clone();
    endpoint.set_query(None);
    endpoint.set_fragment(None);
    let rate_limited = status == 429
        || (status == 403
            && headers.iter().any(|(name, value)| {
                name.as_str().ends_with("ratelimit-remaining") && value.as_bytes() == b"0"
            }));
    let mut error = if rate_limited {
        let retry_after_ms = retry_after_ms(headers).unwrap_or(1000);
        ToolError::rate_limited(
            format!(
                "Upstream HTTP request failed ({reason}, {class}). Retry after {} second(s).",
                retry_after_ms.div_ceil(1000)
            ),
            retry_after_ms,
        )
    } else {
        ToolError::upstream(
            status,
            format!("Upstream HTTP request failed ({reason}, {class})."),
        )
    };
    error = error
        .with_developer_message(format!("HTTP status {status} from {endpoint}"))
        .with_extra("service", "_http")
        .with_extra("endpoint", endpoint.as_str());
    if !method.is_empty() {
        error = error.with_extra("http_method", method);
    }
    error
}

/// Reads `retry-after` (seconds), `x-ratelimit-reset-ms` or `x-ratelimit-reset` /
/// `ratelimit-reset` (seconds) from the headers.
pub fn retry_after_ms(headers: &HeaderMap) -> Option<u64> {
    let get = |name: &str| -> Option<f64> {
        headers
            .get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    if let Some(ms) = get("x-ratelimit-reset-ms") {
        return Some(ms as u64);
    }
    ["retry-after", "ratelimit-reset", "x-ratelimit-reset"]
        .iter()
        .find_map(|h| get(h))
        .map(|secs| (secs * 1000.0) as u64)
}

impl From<reqwest::Error> for ToolError {
    fn from(err: reqwest::Error) -> Self {
        let endpoint = err.url().map(|u| {
            let mut u = u.clone();
            u.set_query(None);
            u.to_string()
        });
        let mut error = if let Some(status) = err.status() {
            let reason = status.canonical_reason().unwrap_or("Unknown");
            let class = if status.is_server_error() {
                "server error"
            } else {
                "client error"
            };
            if status.as_u16() == 429 {
                ToolError::rate_limited(
                    format!(
                        "Upstream HTTP request failed ({reason}, {class}). Retry after 1 second(s)."
                    ),
                    1000,
                )
            } else {
                ToolError::upstream(
                    status.as_u16(),
                    format!("Upstream HTTP request failed ({reason}, {class})."),
                )
            }
        } else if err.is_timeout() {
            ToolError::network(NetworkFailure::Timeout, "The upstream request timed out.")
        } else if err.is_connect() {
            ToolError::network(
                NetworkFailure::Unreachable,
                "The upstream service could not be reached.",
            )
        } else if err.is_builder() {
            ToolError::fatal("The upstream request could not be built.")
        } else if err.is_decode() {
            ToolError::network(
                NetworkFailure::Other,
                "The upstream response could not be decoded.",
            )
        } else {
            ToolError::network(NetworkFailure::Other, "The upstream request failed.")
        };
        // The error's own text may quote the URL's query: keep it out.
        let detail = err.without_url().to_string();
        error = error
            .with_developer_message(detail)
            .with_extra("service", "_http");
        if let Some(endpoint) = endpoint {
            error = error.with_extra("endpoint", endpoint);
        }
        error
    }
}
