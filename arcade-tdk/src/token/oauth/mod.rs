//! Tokens from the user's own OAuth app (for example their PagerDuty app), without the
//! Arcade Engine: a one-time browser login with the authorization-code flow and PKCE,
//! a token cache file in the user's config folder, and refresh-token rotation.
//!
//! * [`login`] opens (or prints) the authorization URL, receives the redirect on a
//!   one-shot listener on `127.0.0.1`, checks `state`, exchanges the code with the PKCE
//!   verifier and writes the cache file atomically with mode 0600.
//! * [`OAuthTokenSource`] reads that file for each call and refreshes the token when it
//!   nears expiry (keeping the rotated refresh token).
//! * [`status`] and [`logout`] report on and remove the cache file.
//!
//! ```no_run
//! use arcade_tdk::token::oauth::{self, OAuthProvider};
//!
//! # async fn run() -> Result<(), oauth::OAuthError> {
//! let provider = OAuthProvider::pagerduty("my-client-id");
//! let outcome = oauth::login(&provider, true).await?; // prints the URL to stderr
//! eprintln!("{outcome}");
//! println!("{}", oauth::status(&provider)?);
//! # Ok(()) }
//! ```
//!
//! The PagerDuty region (US or EU) is read from the `id_token`'s `aud`/`iss` claims when
//! the provider sends one. The ID token is decoded **without verifying its signature**:
//! it only serves as a hint for which API host to call, never for access decisions.

mod cache;
mod flow;
mod listener;

use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use futures_util::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::TokenSource;
use super::env::var_prefix;
use crate::auth::ToolAuthorization;
use crate::context::{Authorization, TokenKind};
use crate::error::{NetworkFailure, ToolError};
use cache::{StoredToken, now_unix};

/// PagerDuty's authorize endpoint.
pub const PAGERDUTY_AUTHORIZE_URL: &str = "https://identity.pagerduty.com/oauth/authorize";
/// PagerDuty's token endpoint.
pub const PAGERDUTY_TOKEN_URL: &str = "https://identity.pagerduty.com/oauth/token";
/// The default redirect port: register `http://127.0.0.1:8765/callback` with the app.
pub const DEFAULT_REDIRECT_PORT: u16 = 8765;

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_id` (and `client_secret`) in the form body (PagerDuty's way).
    #[default]
    RequestBody,
    /// HTTP Basic authentication.
    BasicAuth,
}

/// A PagerDuty service region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// The US service region (`api.pagerduty.com`).
    Us,
    /// The EU service region (`api.eu.pagerduty.com`).
    Eu,
}

impl Region {
    /// `"us"` or `"eu"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Us => "us",
            Self::Eu => "eu",
        }
    }

    /// The REST API base URL of the region.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::Region;
    /// assert_eq!(Region::Eu.api_base_url(), "https://api.eu.pagerduty.com");
    /// ```
    pub fn api_base_url(self) -> &'static str {
        match self {
            Self::Us => "https://api.pagerduty.com",
            Self::Eu => "https://api.eu.pagerduty.com",
        }
    }

    /// The region named by an ID token's audience (or issuer): a value naming an EU
    /// PagerDuty host (`*.eu.pagerduty.com`) or `eu` means EU, another PagerDuty value
    /// means US; anything else says nothing.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::Region;
    /// let claims = serde_json::json!({"aud": ["https://api.eu.pagerduty.com"]});
    /// assert_eq!(Region::from_claims(claims.as_object().unwrap()), Some(Region::Eu));
    /// ```
    pub fn from_claims(claims: &Map<String, Value>) -> Option<Self> {
        let mut values: Vec<String> = Vec::new();
        for key in ["aud", "iss"] {
            match claims.get(key) {
                Some(Value::String(s)) => values.push(s.to_ascii_lowercase()),
                Some(Value::Array(items)) => values.extend(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_ascii_lowercase),
                ),
                _ => {}
            }
        }
        let is_eu = |v: &String| {
            v == "eu" || v.contains(".eu.pagerduty.com") || v.contains("//eu.pagerduty.com")
        };
        if values.iter().any(is_eu) {
            Some(Self::Eu)
        } else if values
            .iter()
            .any(|v| v == "us" || v.contains("pagerduty.com"))
        {
            Some(Self::Us)
        } else {
            None
        }
    }
}

/// The claims of a JWT (an OpenID Connect ID token), decoded **without verifying the
/// signature**. Only for hints such as the region.
///
/// ```
/// use arcade_tdk::token::oauth::id_token_claims;
/// // {"alg":"none"}.{"aud":"x"}.
/// let claims = id_token_claims("eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.").unwrap();
/// assert_eq!(claims["aud"], "x");
/// ```
pub fn id_token_claims(jwt: &str) -> Option<Map<String, Value>> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The configuration of an OAuth app the user registered with a provider.
///
/// ```
/// use arcade_tdk::token::oauth::OAuthProvider;
///
/// // The seed's endpoints, on app.pagerduty.com, work when configured.
/// let provider = OAuthProvider::pagerduty("my-client-id")
///     .with_client_secret("my-client-secret")
///     .with_endpoints(
///         "https://app.pagerduty.com/oauth/authorize",
///         "https://app.pagerduty.com/oauth/token",
///     )
///     .with_scopes(["read", "write"]);
/// assert_eq!(provider.token_url, "https://app.pagerduty.com/oauth/token");
/// assert!(!format!("{provider:?}").contains("my-client-secret"));
/// ```
#[derive(Clone)]
pub struct OAuthProvider {
    /// The provider id tools name in `requires_auth` (`"pagerduty"`); also the cache
    /// file's name.
    pub id: String,
    /// Other provider ids (or configuration ids) this app answers for, e.g.
    /// `"arcade-pagerduty"`.
    pub aliases: Vec<String>,
    /// The app's client id.
    pub client_id: String,
    client_secret: Option<SecretString>,
    /// The authorization endpoint.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The scopes to request at login.
    pub scopes: Vec<String>,
    /// The port of the redirect listener on 127.0.0.1 (0: any free port).
    pub redirect_port: u16,
    /// The path of the redirect URI (default `/callback`).
    pub redirect_path: String,
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// Extra query parameters for the authorization URL.
    pub extra_authorize_params: Vec<(String, String)>,
    /// How long [`login`] waits for the redirect (default 5 minutes).
    pub login_timeout: Duration,
    /// Where the cache file goes (default: the user's config folder, see
    /// [`cache_path`](Self::cache_path)).
    pub cache_dir: Option<PathBuf>,
}

impl OAuthProvider {
    /// A provider with the given endpoints and no scopes.
    pub fn new(
        id: impl Into<String>,
        client_id: impl Into<String>,
        authorize_url: impl Into<String>,
        token_url: impl Into<String>,
    ) -> Self {
        Self {
            id: id.into(),
            aliases: Vec::new(),
            client_id: client_id.into(),
            client_secret: None,
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            scopes: Vec::new(),
            redirect_port: DEFAULT_REDIRECT_PORT,
            redirect_path: "/callback".into(),
            client_auth: ClientAuth::default(),
            extra_authorize_params: Vec::new(),
            login_timeout: Duration::from_secs(300),
            cache_dir: None,
        }
    }

    /// A PagerDuty app: endpoints on `identity.pagerduty.com`, scope `read`, answering
    /// for `pagerduty` and `arcade-pagerduty`, redirect `http://127.0.0.1:8765/callback`.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let provider = OAuthProvider::pagerduty("my-client-id");
    /// assert_eq!(provider.authorize_url, "https://identity.pagerduty.com/oauth/authorize");
    /// assert_eq!(provider.redirect_uri(8765), "http://127.0.0.1:8765/callback");
    /// ```
    pub fn pagerduty(client_id: impl Into<String>) -> Self {
        Self::new(
            "pagerduty",
            client_id,
            PAGERDUTY_AUTHORIZE_URL,
            PAGERDUTY_TOKEN_URL,
        )
        .with_alias("arcade-pagerduty")
        .with_scopes(["read"])
    }

    /// A provider from variables named after `id` (`pagerduty` → `PAGERDUTY_...`):
    /// `_OAUTH_CLIENT_ID` (required: `Ok(None)` without it), `_OAUTH_CLIENT_SECRET`,
    /// `_OAUTH_AUTHORIZE_URL` and `_OAUTH_TOKEN_URL` (required except for `pagerduty`),
    /// `_OAUTH_SCOPES` (space or comma separated) and `_OAUTH_REDIRECT_PORT`; plus
    /// `ARCADE_TDK_TOKEN_DIR` for the cache folder.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let vars = [("PAGERDUTY_OAUTH_CLIENT_ID", "cid"), ("PAGERDUTY_OAUTH_SCOPES", "read write")];
    /// let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    /// let provider = OAuthProvider::from_lookup("pagerduty", lookup).unwrap().unwrap();
    /// assert_eq!(provider.scopes, ["read", "write"]);
    /// ```
    pub fn from_lookup(
        id: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, OAuthError> {
        let prefix = var_prefix(id);
        let get = |suffix: &str| {
            lookup(&format!("{prefix}_OAUTH_{suffix}")).filter(|v| !v.trim().is_empty())
        };
        let Some(client_id) = get("CLIENT_ID") else {
            return Ok(None);
        };
        let mut provider = if id.eq_ignore_ascii_case("pagerduty") {
            Self::pagerduty(client_id)
        } else {
            let missing =
                |what: &str| OAuthError::Config(format!("{prefix}_OAUTH_{what} is not set"));
            Self::new(
                id.to_ascii_lowercase(),
                client_id,
                get("AUTHORIZE_URL").ok_or_else(|| missing("AUTHORIZE_URL"))?,
                get("TOKEN_URL").ok_or_else(|| missing("TOKEN_URL"))?,
            )
        };
        if let Some(secret) = get("CLIENT_SECRET") {
            provider = provider.with_client_secret(secret);
        }
        if let (Some(a), Some(t)) = (get("AUTHORIZE_URL"), get("TOKEN_URL")) {
            provider = provider.with_endpoints(a, t);
        }
        if let Some(scopes) = get("SCOPES") {
            provider = provider.with_scopes(
                scopes
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
        }
        if let Some(port) = get("REDIRECT_PORT") {
            provider.redirect_port = port.trim().parse().map_err(|_| {
                OAuthError::Config(format!("{prefix}_OAUTH_REDIRECT_PORT is not a port"))
            })?;
        }
        if let Some(dir) = lookup("ARCADE_TDK_TOKEN_DIR").filter(|v| !v.is_empty()) {
            provider.cache_dir = Some(PathBuf::from(dir));
        }
        Ok(Some(provider))
    }

    /// [`from_lookup`](Self::from_lookup) on the process environment.
    pub fn from_env(id: &str) -> Result<Option<Self>, OAuthError> {
        Self::from_lookup(id, |name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env), with an error naming the variable to set when the
    /// provider is not configured. For the CLI's `auth login|status|logout PROVIDER`.
    ///
    /// ```
    /// # if std::env::var_os("EXAMPLECORP_OAUTH_CLIENT_ID").is_none() {
    /// let err = arcade_tdk::token::oauth::OAuthProvider::require_env("examplecorp").unwrap_err();
    /// assert!(err.to_string().contains("EXAMPLECORP_OAUTH_CLIENT_ID"));
    /// # }
    /// ```
    pub fn require_env(id: &str) -> Result<Self, OAuthError> {
        Self::require_lookup(id, |name| std::env::var(name).ok())
    }

    /// [`from_lookup`](Self::from_lookup), with an error naming the variable to set when
    /// the provider is not configured.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let vars = |name: &str| (name == "PAGERDUTY_OAUTH_CLIENT_ID").then(|| "cl1ent".to_owned());
    /// assert!(OAuthProvider::require_lookup("pagerduty", vars).is_ok());
    /// let err = OAuthProvider::require_lookup("examplecorp", vars).unwrap_err();
    /// assert!(err.to_string().contains("EXAMPLECORP_OAUTH_CLIENT_ID"));
    /// ```
    pub fn require_lookup(
        id: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OAuthError> {
        Self::from_lookup(id, lookup)?.ok_or_else(|| {
            OAuthError::Config(format!(
                "no OAuth app is configured for {id}: set {}_OAUTH_CLIENT_ID (and its \
                 _OAUTH_CLIENT_SECRET if the app has one)",
                var_prefix(id)
            ))
        })
    }

    /// Sets the client secret (confidential apps; PKCE is used either way).
    pub fn with_client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// Sets the authorize and token endpoints.
    pub fn with_endpoints(
        mut self,
        authorize_url: impl Into<String>,
        token_url: impl Into<String>,
    ) -> Self {
        self.authorize_url = authorize_url.into();
        self.token_url = token_url.into();
        self
    }

    /// Sets the scopes requested at login.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a provider id this app also answers for.
    pub fn with_alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Sets the redirect listener's port (0: any free port; the app must then accept
    /// any loopback port).
    pub fn with_redirect_port(mut self, port: u16) -> Self {
        self.redirect_port = port;
        self
    }

    /// Sets the cache folder.
    pub fn with_cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// Sets how long [`login`] waits for the redirect.
    pub fn with_login_timeout(mut self, timeout: Duration) -> Self {
        self.login_timeout = timeout;
        self
    }

    /// Sets how the client authenticates at the token endpoint.
    pub fn with_client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self
    }

    /// The redirect URI for a listener on `port`.
    pub fn redirect_uri(&self, port: u16) -> String {
        format!("http://127.0.0.1:{port}{}", self.redirect_path)
    }

    /// Whether a tool's requirement is for this app: its `provider_id` or `id` is the
    /// provider's id or an alias (case-insensitive).
    ///
    /// ```
    /// use arcade_tdk::{auth::ToolAuthorization, token::oauth::OAuthProvider};
    /// let provider = OAuthProvider::pagerduty("cid");
    /// assert!(provider.matches(&ToolAuthorization::oauth2(Some("arcade-pagerduty"), None, None)));
    /// assert!(!provider.matches(&ToolAuthorization::oauth2(Some("github"), None, None)));
    /// ```
    pub fn matches(&self, requirement: &ToolAuthorization) -> bool {
        [
            requirement.provider_id.as_deref(),
            requirement.id.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|name| {
            name.eq_ignore_ascii_case(&self.id)
                || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// The cache file: `{cache_dir}/{id}.json`, by default
    /// `{config dir}/arcade-tdk/tokens/{id}.json` (`~/.config/arcade-tdk/tokens` on Linux).
    pub fn cache_path(&self) -> Result<PathBuf, OAuthError> {
        let dir = match &self.cache_dir {
            Some(d) => d.clone(),
            None => dirs::config_dir()
                .ok_or_else(|| {
                    OAuthError::Config(
                        "no config folder is known for this user; set ARCADE_TDK_TOKEN_DIR".into(),
                    )
                })?
                .join("arcade-tdk")
                .join("tokens"),
        };
        let name: String = self
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok(dir.join(format!("{name}.json")))
    }

    fn secrets(&self) -> Vec<&str> {
        self.client_secret
            .iter()
            .map(|s| s.expose_secret())
            .collect()
    }
}

impl fmt::Debug for OAuthProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthProvider")
            .field("id", &self.id)
            .field("aliases", &self.aliases)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("authorize_url", &self.authorize_url)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .field("redirect_port", &self.redirect_port)
            .field("cache_dir", &self.cache_dir)
            .finish_non_exhaustive()
    }
}

/// The providers configured in the environment: PagerDuty (`PAGERDUTY_OAUTH_CLIENT_ID`)
/// and any other `{PROVIDER}_OAUTH_CLIENT_ID`. Misconfigured ones are logged and skipped.
pub fn providers_from_env() -> Vec<OAuthProvider> {
    providers_from_vars(&std::env::vars().collect())
}

/// [`providers_from_env`] on the given variables (for example the environment merged
/// with a `.env` file).
///
/// ```
/// use std::collections::HashMap;
/// let vars: HashMap<String, String> =
///     [("PAGERDUTY_OAUTH_CLIENT_ID".to_owned(), "cid".to_owned())].into();
/// let providers = arcade_tdk::token::oauth::providers_from_vars(&vars);
/// assert_eq!(providers[0].id, "pagerduty");
/// ```
pub fn providers_from_vars(vars: &std::collections::HashMap<String, String>) -> Vec<OAuthProvider> {
    let mut ids: Vec<String> = vars
        .iter()
        .filter_map(|(k, v)| {
            (!v.is_empty())
                .then(|| {
                    k.strip_suffix("_OAUTH_CLIENT_ID")
                        .map(str::to_ascii_lowercase)
                })
                .flatten()
        })
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(
            |id| match OAuthProvider::from_lookup(&id, |name| vars.get(name).cloned()) {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(provider = %id, error = %e, "skipping OAuth provider");
                    None
                }
            },
        )
        .collect()
}

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
    fn cache(path: &std::path::Path, err: &std::io::Error) -> Self {
        Self::Cache(format!("{}: {err}", path.display()))
    }

    /// Replaces any of `secrets` in the messages (provider texts may echo them).
    fn scrub(self, secrets: &[&str]) -> Self {
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

/// A login waiting for the user: the URL to open and the listener for the redirect.
/// From [`start_login`]; [`login`] does it all.
pub struct PendingLogin {
    provider: OAuthProvider,
    request: flow::AuthRequest,
    listener: tokio::net::TcpListener,
}

impl PendingLogin {
    /// The authorization URL the user must open.
    pub fn authorize_url(&self) -> &str {
        &self.request.url
    }

    /// The redirect URI the provider will send the user back to.
    pub fn redirect_uri(&self) -> &str {
        &self.request.redirect_uri
    }

    /// Waits for the redirect (at most the provider's login timeout), checks `state`,
    /// exchanges the code and writes the cache file. Nothing is written on any error.
    pub async fn finish(self) -> Result<LoginOutcome, OAuthError> {
        let provider = self.provider;
        let callback = listener::wait_for_callback(
            self.listener,
            &provider.redirect_path,
            provider.login_timeout,
        )
        .await?;
        let params = callback.params;
        let state_ok = params.get("state").is_some_and(|s| {
            constant_time_eq(s.as_bytes(), self.request.state.secret().as_bytes())
        });
        if !state_ok {
            return Err(OAuthError::StateMismatch);
        }
        if let Some(error) = params.get("error") {
            let description = params.get("error_description").cloned();
            let err = if error == "access_denied" {
                OAuthError::AccessDenied { description }
            } else {
                OAuthError::Authorization {
                    error: error.clone(),
                    description,
                }
            };
            return Err(err.scrub(&provider.secrets()));
        }
        let code = params.get("code").cloned().ok_or(OAuthError::MissingCode)?;
        let token = flow::exchange_code(&provider, self.request, code.clone())
            .await
            .map_err(|e| e.scrub(&[provider.secrets().as_slice(), &[code.as_str()]].concat()))?;
        let path = provider.cache_path()?;
        cache::save(&path, &token)?;
        tracing::info!(provider = %provider.id, path = %path.display(), "OAuth login saved");
        Ok(LoginStatus::of(&provider, path, Some(&token)))
    }
}

impl fmt::Debug for PendingLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingLogin")
            .field("provider", &self.provider.id)
            .field("redirect_uri", &self.request.redirect_uri)
            .finish_non_exhaustive()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Starts a login: binds the redirect listener on 127.0.0.1 and builds the
/// authorization URL (PKCE S256, fresh `state`). Open [`PendingLogin::authorize_url`]
/// and await [`PendingLogin::finish`].
///
/// ```no_run
/// use arcade_tdk::token::oauth::{self, OAuthProvider};
/// # async fn run() -> Result<(), oauth::OAuthError> {
/// let pending = oauth::start_login(&OAuthProvider::pagerduty("cid")).await?;
/// println!("Open {}", pending.authorize_url());
/// let outcome = pending.finish().await?;
/// assert!(outcome.logged_in);
/// # Ok(()) }
/// ```
pub async fn start_login(provider: &OAuthProvider) -> Result<PendingLogin, OAuthError> {
    let listener = listener::bind(provider.redirect_port).await?;
    let port = listener
        .local_addr()
        .map_err(|e| OAuthError::Listener(e.to_string()))?
        .port();
    let request = flow::authorization_request(provider, provider.redirect_uri(port))?;
    Ok(PendingLogin {
        provider: provider.clone(),
        request,
        listener,
    })
}

/// Logs in: prints the authorization URL to stderr (and opens the browser when
/// `open_browser`), waits for the redirect, exchanges the code and saves the token.
/// For the CLI's `auth login`.
///
/// ```no_run
/// use arcade_tdk::token::oauth::{self, OAuthProvider};
/// # async fn run() -> Result<(), oauth::OAuthError> {
/// let provider = OAuthProvider::require_env("pagerduty")?; // PAGERDUTY_OAUTH_CLIENT_ID, ...
/// let outcome = oauth::login(&provider, true).await?;
/// eprintln!("{outcome}"); // "pagerduty: logged in, scopes read, ... (path)"
/// # Ok(()) }
/// ```
pub async fn login(
    provider: &OAuthProvider,
    open_browser: bool,
) -> Result<LoginOutcome, OAuthError> {
    let pending = start_login(provider).await?;
    eprintln!(
        "To authorize {}, open this URL in your browser:\n\n  {}\n\nWaiting for the redirect to {} ...",
        provider.id,
        pending.authorize_url(),
        pending.redirect_uri()
    );
    if open_browser {
        open_in_browser(pending.authorize_url());
    }
    pending.finish().await
}

/// Opens `url` in the user's browser (`open` on macOS, `start` on Windows, `xdg-open`
/// elsewhere), without waiting; failures are only logged at debug level, since the URL
/// is printed too.
pub fn open_in_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    match command.spawn() {
        Ok(mut child) => {
            std::thread::spawn(move || {
                let _ = child.wait();
            });
        }
        Err(e) => tracing::debug!(error = %e, "could not open a browser"),
    }
}

/// What is known of a login, without its tokens. Returned by [`login`] (as
/// [`LoginOutcome`]) and [`status`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginStatus {
    /// The provider id.
    pub provider: String,
    /// The cache file.
    pub cache_path: PathBuf,
    /// Whether a usable token (or refresh token) is cached for this client.
    pub logged_in: bool,
    /// When the access token expires (Unix seconds), if known.
    pub expires_at: Option<u64>,
    /// Whether the access token has expired (it may still be refreshed).
    pub expired: bool,
    /// Whether a refresh token is cached.
    pub has_refresh_token: bool,
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// The PagerDuty region, if the ID token named one.
    pub region: Option<Region>,
}

/// The result of [`login`].
pub type LoginOutcome = LoginStatus;

impl LoginStatus {
    fn of(provider: &OAuthProvider, cache_path: PathBuf, token: Option<&StoredToken>) -> Self {
        let token = token.filter(|t| same_client(provider, t));
        Self {
            provider: provider.id.clone(),
            cache_path,
            logged_in: token.is_some(),
            expires_at: token.and_then(|t| t.expires_at),
            expired: token.is_some_and(|t| t.expires_within(0)),
            has_refresh_token: token.is_some_and(|t| t.refresh_token.is_some()),
            scopes: token.map(|t| t.scopes.clone()).unwrap_or_default(),
            region: token.and_then(|t| t.region),
        }
    }
}

impl fmt::Display for LoginStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.logged_in {
            return write!(f, "{}: not logged in", self.provider);
        }
        write!(f, "{}: logged in", self.provider)?;
        if !self.scopes.is_empty() {
            write!(f, ", scopes {}", self.scopes.join(" "))?;
        }
        if let Some(region) = self.region {
            write!(f, ", region {}", region.as_str())?;
        }
        match self.expires_at {
            Some(_) if self.expired => write!(f, ", access token expired")?,
            Some(at) => write!(
                f,
                ", access token expires in {} s",
                at.saturating_sub(now_unix())
            )?,
            None => {}
        }
        if self.has_refresh_token {
            write!(f, ", refreshable")?;
        }
        write!(f, " ({})", self.cache_path.display())
    }
}

fn same_client(provider: &OAuthProvider, token: &StoredToken) -> bool {
    token.client_id == provider.client_id && token.token_url == provider.token_url
}

/// The login state of `provider`, from its cache file. For the CLI's `auth status`.
///
/// ```
/// use arcade_tdk::token::oauth::{self, OAuthProvider};
/// let dir = std::env::temp_dir().join("arcade-tdk-doc-status");
/// let provider = OAuthProvider::pagerduty("cid").with_cache_dir(&dir);
/// let status = oauth::status(&provider).unwrap();
/// assert!(!status.logged_in);
/// assert_eq!(status.to_string(), "pagerduty: not logged in");
/// ```
pub fn status(provider: &OAuthProvider) -> Result<LoginStatus, OAuthError> {
    let path = provider.cache_path()?;
    let token = cache::load(&path)?;
    Ok(LoginStatus::of(provider, path, token.as_ref()))
}

/// Removes `provider`'s cache file; `Ok(false)` when there was none. For the CLI's
/// `auth logout`. (The token is not revoked at the provider.)
///
/// ```
/// use arcade_tdk::token::oauth::{self, OAuthProvider};
/// let dir = std::env::temp_dir().join("arcade-tdk-doc-logout");
/// let provider = OAuthProvider::pagerduty("cid").with_cache_dir(&dir);
/// assert!(!oauth::logout(&provider).unwrap()); // nothing to remove
/// ```
pub fn logout(provider: &OAuthProvider) -> Result<bool, OAuthError> {
    cache::remove(&provider.cache_path()?)
}

/// Tokens from [`login`]'s cache file, refreshed when they near expiry.
///
/// Answers only for requirements whose `provider_id` or `id` is the provider's id or an
/// alias. Without a login it returns `Ok(None)` (the chain tries the next source), or,
/// when [`required`](Self::required), an error telling the user to run `auth login`.
///
/// ```no_run
/// use arcade_tdk::token::{EnvTokenSource, OAuthProvider, OAuthTokenSource, TokenChain};
///
/// let provider = OAuthProvider::pagerduty("my-client-id");
/// let chain = TokenChain::new(vec![
///     Box::new(EnvTokenSource::from_env()),
///     Box::new(OAuthTokenSource::new(provider)),
/// ]);
/// # let _ = chain;
/// ```
pub struct OAuthTokenSource {
    provider: OAuthProvider,
    refresh_lock: tokio::sync::Mutex<()>,
    force_refresh: AtomicBool,
    required: bool,
    margin_secs: u64,
}

impl OAuthTokenSource {
    /// A source for `provider`'s cached login.
    pub fn new(provider: OAuthProvider) -> Self {
        Self {
            provider,
            refresh_lock: tokio::sync::Mutex::new(()),
            force_refresh: AtomicBool::new(false),
            required: false,
            margin_secs: 60,
        }
    }

    /// Whether a missing login is an error (telling the user to run `auth login`)
    /// rather than `Ok(None)`.
    ///
    /// ```
    /// # use arcade_tdk::token::{OAuthProvider, OAuthTokenSource};
    /// let source = OAuthTokenSource::new(OAuthProvider::pagerduty("cid")).required(true);
    /// # let _ = source;
    /// ```
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// Refresh this long before the access token expires (default 60 s).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin_secs = margin.as_secs();
        self
    }

    /// The provider.
    pub fn provider(&self) -> &OAuthProvider {
        &self.provider
    }

    fn load(&self) -> Result<Option<StoredToken>, OAuthError> {
        let token = cache::load(&self.provider.cache_path()?)?;
        Ok(token.filter(|t| {
            let same = same_client(&self.provider, t);
            if !same {
                tracing::debug!(provider = %self.provider.id, "cached token is for another client; ignoring it");
            }
            same
        }))
    }

    fn fresh(&self, token: &StoredToken) -> bool {
        !self.force_refresh.load(Ordering::Acquire) && !token.expires_within(self.margin_secs)
    }

    fn authorization(token: &StoredToken) -> Authorization {
        Authorization::new(token.access_token.clone(), TokenKind::OAuth2)
            .with_user_info(token.user_info.clone())
    }

    /// The current token, refreshed if needed. `Ok(None)`: not logged in.
    ///
    /// ```no_run
    /// # use arcade_tdk::token::{OAuthProvider, OAuthTokenSource};
    /// # async fn run() -> Result<(), arcade_tdk::token::oauth::OAuthError> {
    /// let source = OAuthTokenSource::new(OAuthProvider::pagerduty("cid"));
    /// if let Some(auth) = source.current().await? {
    ///     println!("token of {} characters", auth.token().unwrap().len());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn current(&self) -> Result<Option<Authorization>, OAuthError> {
        let Some(token) = self.load()? else {
            return Ok(None);
        };
        if self.fresh(&token) {
            return Ok(Some(Self::authorization(&token)));
        }
        let _guard = self.refresh_lock.lock().await;
        // Another call may have refreshed while this one waited.
        let Some(token) = self.load()? else {
            return Ok(None);
        };
        if self.fresh(&token) {
            return Ok(Some(Self::authorization(&token)));
        }
        if token.refresh_token.is_none() {
            return Err(OAuthError::RefreshExpired {
                provider: self.provider.id.clone(),
                description: Some(
                    "the access token expired and no refresh token was issued".into(),
                ),
            });
        }
        let path = self.provider.cache_path()?;
        let secrets: Vec<&str> = self
            .provider
            .secrets()
            .into_iter()
            .chain(token.refresh_token.as_deref())
            .chain([token.access_token.as_str()])
            .collect();
        match flow::refresh(&self.provider, &token).await {
            Ok(new) => {
                cache::save(&path, &new)?;
                self.force_refresh.store(false, Ordering::Release);
                tracing::debug!(provider = %self.provider.id, "OAuth token refreshed");
                Ok(Some(Self::authorization(&new)))
            }
            Err(e @ OAuthError::RefreshExpired { .. }) => {
                // The login is dead: remove it so that status says so.
                let _ = cache::remove(&path);
                Err(e.scrub(&secrets))
            }
            Err(e) => Err(e.scrub(&secrets)),
        }
    }
}

impl fmt::Debug for OAuthTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokenSource")
            .field("provider", &self.provider)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}

impl TokenSource for OAuthTokenSource {
    fn name(&self) -> &'static str {
        "oauth"
    }

    fn token<'a>(
        &'a self,
        requirement: &'a ToolAuthorization,
        _user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>> {
        Box::pin(async move {
            if !self.provider.matches(requirement) {
                return Ok(None);
            }
            match self.current().await? {
                Some(auth) => Ok(Some(auth)),
                None if self.required => Err(OAuthError::NotLoggedIn {
                    provider: self.provider.id.clone(),
                }
                .into()),
                None => Ok(None),
            }
        })
    }

    fn invalidate(&self, requirement: &ToolAuthorization, _user_id: &str) {
        if self.provider.matches(requirement) {
            self.force_refresh.store(true, Ordering::Release);
        }
    }
}
