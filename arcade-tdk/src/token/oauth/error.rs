//! [`OAuthError`]: what went wrong in a login or a refresh, and how it becomes a
//! [`ToolError`].

use std::time::Duration;

use crate::error::{NetworkFailure, ToolError};

/// What went wrong in an OAuth login or refresh. Never holds a token or the client
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The user declined consent (`error=access_denied`).
    #[error("the authorization was denied (access_denied){}: nothing was saved", opt(.description))]
    AccessDenied {
        /// The provider's `error_description`.
        description: Option<String>,
    },
    /// The provider redirected with another `error`.
    #[error("the provider answered the authorization with `{error}`{}", opt(.description))]
    Authorization {
        /// The `error` code.
        error: String,
        /// The `error_description`.
        description: Option<String>,
    },
    /// The redirect's `state` was not the one sent: the login was aborted.
    #[error(
        "the redirect's `state` did not match the login's: the login was aborted (possible CSRF); nothing was saved"
    )]
    StateMismatch,
    /// The redirect carried no `code`.
    #[error("the redirect carried no authorization code")]
    MissingCode,
    /// No redirect arrived in time.
    #[error("no redirect arrived within {0:?}: the login timed out; nothing was saved")]
    Timeout(Duration),
    /// The token endpoint rejected the authorization code.
    #[error("the token endpoint rejected the authorization code (invalid_grant){}: log in again", opt(.description))]
    InvalidGrant {
        /// The `error_description`.
        description: Option<String>,
    },
    /// The refresh token expired or was revoked.
    #[error("the {provider} refresh token was rejected (expired or revoked){}: run `auth login {provider}` again", opt(.description))]
    RefreshExpired {
        /// The provider id.
        provider: String,
        /// The `error_description`.
        description: Option<String>,
    },
    /// The token endpoint answered with another error.
    #[error("the token endpoint answered `{error}`{}", opt(.description))]
    TokenEndpoint {
        /// The `error` code.
        error: String,
        /// The `error_description`.
        description: Option<String>,
    },
    /// The token endpoint could not be reached.
    #[error("could not reach the token endpoint: {0}")]
    Network(String),
    /// There is no cached token.
    #[error("not logged in to {provider}: run `auth login {provider}`")]
    NotLoggedIn {
        /// The provider id.
        provider: String,
    },
    /// The redirect listener failed.
    #[error("{0}")]
    Listener(String),
    /// The cache file could not be read or written.
    #[error("token cache: {0}")]
    Cache(String),
    /// The configuration is invalid.
    #[error("OAuth configuration: {0}")]
    Config(String),
}

fn opt(description: &Option<String>) -> String {
    description
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

impl OAuthError {
    pub(crate) fn cache(path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::Cache(format!("{}: {err}", path.display()))
    }

    /// The error for an app that is not configured: names the variable to set.
    pub(crate) fn not_configured(id: &str) -> Self {
        Self::Config(format!(
            "no OAuth app is configured for {id}: set {}_OAUTH_CLIENT_ID (and its \
             _OAUTH_CLIENT_SECRET if the app has one)",
            crate::token::var_prefix(id)
        ))
    }

    /// Replaces any of `secrets` in the messages (provider texts may echo them).
    pub(crate) fn scrub(self, secrets: &[&str]) -> Self {
        let clean = |s: String| {
            secrets
                .iter()
                .filter(|x| x.len() >= 4)
                .fold(s, |acc, x| acc.replace(x, "[redacted]"))
        };
        let clean_opt = |s: Option<String>| s.map(clean);
        match self {
            Self::AccessDenied { description } => Self::AccessDenied {
                description: clean_opt(description),
            },
            Self::Authorization { error, description } => Self::Authorization {
                error: clean(error),
                description: clean_opt(description),
            },
            Self::InvalidGrant { description } => Self::InvalidGrant {
                description: clean_opt(description),
            },
            Self::RefreshExpired {
                provider,
                description,
            } => Self::RefreshExpired {
                provider,
                description: clean_opt(description),
            },
            Self::TokenEndpoint { error, description } => Self::TokenEndpoint {
                error: clean(error),
                description: clean_opt(description),
            },
            Self::Network(m) => Self::Network(clean(m)),
            other => other,
        }
    }
}

impl From<OAuthError> for ToolError {
    /// Errors the user can fix by logging in become `TOOL_REQUIREMENTS_NOT_MET` with
    /// instructions; network failures are retryable; the rest are fatal.
    fn from(err: OAuthError) -> Self {
        let message = err.to_string();
        match &err {
            OAuthError::NotLoggedIn { provider } | OAuthError::RefreshExpired { provider, .. } => {
                ToolError::requirements_not_met(
                    message,
                    format!(
                        "Tell the user to run `auth login {provider}` in a terminal to authorize \
                     the app, then call the tool again."
                    ),
                )
            }
            OAuthError::Network(_) => ToolError::network(NetworkFailure::Other, message),
            OAuthError::Cache(_) => ToolError::requirements_not_met(
                message,
                "Tell the user to run `auth logout` and `auth login` again, then call the tool again.",
            ),
            _ => ToolError::fatal(message),
        }
    }
}
