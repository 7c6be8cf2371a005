//! The errors of the Arcade API client.

use std::time::Duration;

use crate::error::{NetworkFailure, ToolError};

/// What went wrong talking to the Arcade API.
///
/// No variant ever holds the API key or a token: messages that came from the engine are
/// scrubbed of the key before they are stored.
///
/// ```
/// use arcade_tdk::client::ArcadeError;
///
/// let err = ArcadeError::MissingApiKey;
/// assert!(err.to_string().contains("ARCADE_API_KEY"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArcadeError {
    /// No API key was configured.
    #[error(
        "no Arcade API key: set ARCADE_API_KEY (create a key in the Arcade dashboard or run `arcade login`)"
    )]
    MissingApiKey,
    /// The API key holds characters an HTTP header cannot carry.
    #[error("the Arcade API key contains characters not allowed in an HTTP header")]
    InvalidApiKey,
    /// The base URL could not be parsed.
    #[error("invalid Arcade base URL `{0}`")]
    InvalidBaseUrl(String),
    /// The engine answered with an error status.
    #[error("the Arcade API answered {status}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The engine's message (scrubbed of the API key).
        message: String,
    },
    /// The request did not get an answer.
    #[error("could not reach the Arcade API: {message}")]
    Network {
        /// Timeout, unreachable or other.
        failure: NetworkFailure,
        /// What happened (no secrets).
        message: String,
    },
    /// The answer was not what the API documents.
    #[error("unexpected answer from the Arcade API: {0}")]
    Decode(String),
    /// The authorization ended with status `failed`.
    #[error("the authorization {id} failed")]
    AuthorizationFailed {
        /// The authorization id.
        id: String,
    },
    /// The user did not complete the authorization in time.
    #[error("the authorization {id} was not completed within {waited:?}")]
    Timeout {
        /// The authorization id.
        id: String,
        /// How long the caller waited.
        waited: Duration,
    },
    /// The authorization response had no id to poll.
    #[error("the authorization response has no id to wait on")]
    MissingAuthorizationId,
}

impl ArcadeError {
    /// The HTTP status the engine answered with, for [`ArcadeError::Api`].
    ///
    /// ```
    /// use arcade_tdk::client::ArcadeError;
    /// let err = ArcadeError::Api { status: 401, message: "unauthorized".into() };
    /// assert_eq!(err.status(), Some(401));
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl From<ArcadeError> for ToolError {
    /// Maps a client error to the error a tool call reports.
    ///
    /// A rejected API key (401/403) and a missing key are requirements the operator must
    /// meet; network failures are retryable network errors; other engine statuses are
    /// upstream errors.
    fn from(err: ArcadeError) -> Self {
        let message = err.to_string();
        match err {
            ArcadeError::MissingApiKey => ToolError::requirements_not_met(
                "This tool needs authorization through Arcade, but no Arcade API key is configured.",
                "Tell the user to set ARCADE_API_KEY (or to provide a token another way), then call the tool again.",
            ),
            ArcadeError::Api {
                status: 401 | 403, ..
            } => ToolError::requirements_not_met(
                "The Arcade API rejected the configured API key.",
                "Tell the user to check ARCADE_API_KEY (and ARCADE_BASE_URL), then call the tool again.",
            )
            .with_developer_message(message),
            ArcadeError::Api { status, .. } => ToolError::upstream(status, message),
            ArcadeError::Network { failure, .. } => ToolError::network(failure, message),
            ArcadeError::AuthorizationFailed { .. } => ToolError::requirements_not_met(
                message,
                "Tell the user that the authorization failed; they can call the tool again to start a new one.",
            ),
            ArcadeError::Timeout { .. } => ToolError::retry(message),
            _ => ToolError::fatal(message),
        }
    }
}

/// Maps a reqwest error without its URL's query (never secret here, but kept short).
pub(crate) fn network_error(err: &reqwest::Error, api_key: &str) -> ArcadeError {
    let failure = if err.is_timeout() {
        NetworkFailure::Timeout
    } else if err.is_connect() {
        NetworkFailure::Unreachable
    } else {
        NetworkFailure::Other
    };
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    ArcadeError::Network {
        failure,
        message: scrub(&message, api_key),
    }
}

/// Replaces every occurrence of `secret` in `text`.
pub(crate) fn scrub(text: &str, secret: &str) -> String {
    if secret.len() < 4 {
        return text.to_owned();
    }
    text.replace(secret, "[redacted]")
}
