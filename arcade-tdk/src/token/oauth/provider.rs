//! [`OAuthProvider`]: the configuration of the user's own OAuth app, from code or from
//! `{PROVIDER}_OAUTH_*` variables, and the ID token's claims.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use super::OAuthError;
use crate::auth::ToolAuthorization;
use crate::token::var_prefix;

/// The default redirect port: register `http://127.0.0.1:8765/callback` with the app.
pub const DEFAULT_REDIRECT_PORT: u16 = 8765;

/// How the client authenticates at the token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_id` (and `client_secret`) in the form body (the default).
    #[default]
    RequestBody,
    /// HTTP Basic authentication.
    BasicAuth,
}

/// The claims of a JWT (an OpenID Connect ID token), decoded **without verifying the
/// signature**. Only for hints such as the region (see
/// [`OAuthProvider::with_id_token_user_info`]).
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
/// let provider = OAuthProvider::new(
///     "examplecorp",
///     "my-client-id",
///     "https://auth.example.com/oauth/authorize",
///     "https://auth.example.com/oauth/token",
/// )
/// .with_client_secret("my-client-secret")
/// .with_scopes(["read", "write"]);
/// assert_eq!(provider.token_url, "https://auth.example.com/oauth/token");
/// assert!(!format!("{provider:?}").contains("my-client-secret"));
/// ```
#[derive(Clone)]
pub struct OAuthProvider {
    /// The provider id tools name in `requires_auth` (`"examplecorp"`); also the cache
    /// file's name and the prefix of its variables (`EXAMPLECORP_OAUTH_...`).
    pub id: String,
    /// Other provider ids (or configuration ids) this app answers for, e.g.
    /// `"arcade-examplecorp"`.
    pub aliases: Vec<String>,
    /// The app's client id. Empty for a toolkit's known app whose client id the user
    /// configures (see [`configured_by`](Self::configured_by)).
    pub client_id: String,
    pub(super) client_secret: Option<SecretString>,
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
    /// How long [`login`](super::login) waits for the redirect (default 5 minutes).
    pub login_timeout: Duration,
    /// Where the cache file goes (default: the user's config folder, see
    /// [`cache_path`](Self::cache_path)).
    pub cache_dir: Option<PathBuf>,
    id_token_user_info: Option<IdTokenUserInfo>,
}

/// Turns an ID token's claims into `user_info` entries; see
/// [`OAuthProvider::with_id_token_user_info`].
pub type IdTokenUserInfo = Arc<dyn Fn(&Map<String, Value>) -> Map<String, Value> + Send + Sync>;

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
            id_token_user_info: None,
        }
    }

    /// A provider from variables named after `id` (`examplecorp` → `EXAMPLECORP_...`):
    /// `_OAUTH_CLIENT_ID` (required: `Ok(None)` without it), `_OAUTH_CLIENT_SECRET`,
    /// `_OAUTH_AUTHORIZE_URL` and `_OAUTH_TOKEN_URL` (required), `_OAUTH_SCOPES` (space
    /// or comma separated) and `_OAUTH_REDIRECT_PORT`; plus `ARCADE_TDK_TOKEN_DIR` for
    /// the cache folder. A toolkit that knows its provider's endpoints starts from its
    /// own app instead, with [`configured_by`](Self::configured_by).
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let vars = [
    ///     ("EXAMPLECORP_OAUTH_CLIENT_ID", "cid"),
    ///     ("EXAMPLECORP_OAUTH_AUTHORIZE_URL", "https://auth.example.com/authorize"),
    ///     ("EXAMPLECORP_OAUTH_TOKEN_URL", "https://auth.example.com/token"),
    ///     ("EXAMPLECORP_OAUTH_SCOPES", "read write"),
    /// ];
    /// let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    /// let provider = OAuthProvider::from_lookup("examplecorp", lookup).unwrap().unwrap();
    /// assert_eq!(provider.scopes, ["read", "write"]);
    /// ```
    pub fn from_lookup(
        id: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, OAuthError> {
        let prefix = var_prefix(id);
        let get = |suffix: &str| oauth_var(&lookup, &prefix, suffix);
        let Some(client_id) = get("CLIENT_ID") else {
            return Ok(None);
        };
        let missing = |what: &str| OAuthError::Config(format!("{prefix}_OAUTH_{what} is not set"));
        Self::new(
            id.to_ascii_lowercase(),
            client_id,
            get("AUTHORIZE_URL").ok_or_else(|| missing("AUTHORIZE_URL"))?,
            get("TOKEN_URL").ok_or_else(|| missing("TOKEN_URL"))?,
        )
        .with_vars(&prefix, &lookup)
        .map(Some)
    }

    /// This app (a toolkit's own, with its provider's endpoints and scopes) with the
    /// variables named after its id applied, as [`from_lookup`](Self::from_lookup)
    /// reads them: `_OAUTH_CLIENT_ID` replaces the client id, the others override the
    /// app's settings (the endpoints only when both are set). `Ok(None)` when neither
    /// the app nor the variables give a client id.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let app = OAuthProvider::new(
    ///     "examplecorp",
    ///     "",
    ///     "https://auth.example.com/authorize",
    ///     "https://auth.example.com/token",
    /// )
    /// .with_scopes(["read"]);
    /// let vars = |name: &str| (name == "EXAMPLECORP_OAUTH_CLIENT_ID").then(|| "cid".to_owned());
    /// let provider = app.clone().configured_by(vars).unwrap().unwrap();
    /// assert_eq!((provider.client_id.as_str(), provider.scopes.as_slice()), ("cid", &["read".to_owned()][..]));
    /// assert!(app.configured_by(|_| None).unwrap().is_none());
    /// ```
    pub fn configured_by(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, OAuthError> {
        let prefix = var_prefix(&self.id);
        if let Some(client_id) = oauth_var(&lookup, &prefix, "CLIENT_ID") {
            self.client_id = client_id;
        }
        if self.client_id.is_empty() {
            return Ok(None);
        }
        self.with_vars(&prefix, &lookup).map(Some)
    }

    /// Applies the optional `{prefix}_OAUTH_*` variables and `ARCADE_TDK_TOKEN_DIR`.
    fn with_vars(
        mut self,
        prefix: &str,
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OAuthError> {
        let get = |suffix: &str| oauth_var(lookup, prefix, suffix);
        if let Some(secret) = get("CLIENT_SECRET") {
            self = self.with_client_secret(secret);
        }
        if let (Some(a), Some(t)) = (get("AUTHORIZE_URL"), get("TOKEN_URL")) {
            self = self.with_endpoints(a, t);
        }
        if let Some(scopes) = get("SCOPES") {
            self = self.with_scopes(
                scopes
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
        }
        if let Some(port) = get("REDIRECT_PORT") {
            self.redirect_port = port.trim().parse().map_err(|_| {
                OAuthError::Config(format!("{prefix}_OAUTH_REDIRECT_PORT is not a port"))
            })?;
        }
        if let Some(dir) = lookup("ARCADE_TDK_TOKEN_DIR").filter(|v| !v.is_empty()) {
            self.cache_dir = Some(PathBuf::from(dir));
        }
        Ok(self)
    }

    /// [`from_lookup`](Self::from_lookup), starting from the app of `apps` without a
    /// client id (a toolkit's own, see [`configured_by`](Self::configured_by)) whose id
    /// has the same variables as `id`, when there is one.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let app = OAuthProvider::new("examplecorp", "", "https://auth.example.com/a", "https://auth.example.com/t");
    /// let vars = |name: &str| (name == "EXAMPLECORP_OAUTH_CLIENT_ID").then(|| "cid".to_owned());
    /// let found = OAuthProvider::from_lookup_with("examplecorp", vars, &[app]).unwrap().unwrap();
    /// assert_eq!(found.token_url, "https://auth.example.com/t");
    /// ```
    pub fn from_lookup_with(
        id: &str,
        lookup: impl Fn(&str) -> Option<String>,
        apps: &[OAuthProvider],
    ) -> Result<Option<Self>, OAuthError> {
        let prefix = var_prefix(id);
        let app = apps
            .iter()
            .find(|a| a.client_id.is_empty() && var_prefix(&a.id) == prefix);
        match app {
            Some(app) => app.clone().configured_by(lookup),
            None => Self::from_lookup(id, lookup),
        }
    }

    /// The app `auth login|status|logout ID` works on: one of `apps` with a client id
    /// that answers for `id` (see [`matches`](Self::matches)), else
    /// [`from_lookup_with`](Self::from_lookup_with), else an error naming the variable
    /// to set.
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let app = OAuthProvider::new("examplecorp", "", "https://auth.example.com/a", "https://auth.example.com/t");
    /// let err = OAuthProvider::require_lookup_with("examplecorp", |_| None, &[app]).unwrap_err();
    /// assert!(err.to_string().contains("EXAMPLECORP_OAUTH_CLIENT_ID"));
    /// ```
    pub fn require_lookup_with(
        id: &str,
        lookup: impl Fn(&str) -> Option<String>,
        apps: &[OAuthProvider],
    ) -> Result<Self, OAuthError> {
        let requirement = ToolAuthorization::oauth2(Some(id), None, None);
        if let Some(app) = apps
            .iter()
            .find(|a| !a.client_id.is_empty() && a.matches(&requirement))
        {
            return Ok(app.clone());
        }
        Self::from_lookup_with(id, lookup, apps)?.ok_or_else(|| OAuthError::not_configured(id))
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
    /// let vars = |name: &str| match name {
    ///     "EXAMPLECORP_OAUTH_CLIENT_ID" => Some("cl1ent".to_owned()),
    ///     "EXAMPLECORP_OAUTH_AUTHORIZE_URL" => Some("https://auth.example.com/authorize".to_owned()),
    ///     "EXAMPLECORP_OAUTH_TOKEN_URL" => Some("https://auth.example.com/token".to_owned()),
    ///     _ => None,
    /// };
    /// assert!(OAuthProvider::require_lookup("examplecorp", vars).is_ok());
    /// let err = OAuthProvider::require_lookup("otherapp", vars).unwrap_err();
    /// assert!(err.to_string().contains("OTHERAPP_OAUTH_CLIENT_ID"));
    /// ```
    pub fn require_lookup(
        id: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OAuthError> {
        Self::require_lookup_with(id, lookup, &[])
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

    /// Sets how long [`login`](super::login) waits for the redirect.
    pub fn with_login_timeout(mut self, timeout: Duration) -> Self {
        self.login_timeout = timeout;
        self
    }

    /// Sets how the client authenticates at the token endpoint.
    pub fn with_client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self
    }

    /// Sets how the ID token's claims (decoded **without verifying the signature**, so
    /// only for hints such as the account's region) become `user_info` entries of the
    /// token, beside the standard `sub`, `email` and `name`. An entry `region` (a
    /// string) is also kept in the cache file and shown by [`status`](super::status).
    ///
    /// ```
    /// use arcade_tdk::token::oauth::OAuthProvider;
    /// let provider = OAuthProvider::new("examplecorp", "cid", "https://auth.example.com/a", "https://auth.example.com/t")
    ///     .with_id_token_user_info(|claims| {
    ///         let mut info = serde_json::Map::new();
    ///         if claims.get("aud").and_then(|a| a.as_str()) == Some("https://eu.example.com") {
    ///             info.insert("region".into(), "eu".into());
    ///         }
    ///         info
    ///     });
    /// let claims = serde_json::json!({"aud": "https://eu.example.com"});
    /// assert_eq!(provider.id_token_user_info(claims.as_object().unwrap())["region"], "eu");
    /// ```
    pub fn with_id_token_user_info(
        mut self,
        f: impl Fn(&Map<String, Value>) -> Map<String, Value> + Send + Sync + 'static,
    ) -> Self {
        self.id_token_user_info = Some(Arc::new(f));
        self
    }

    /// The `user_info` entries of an ID token's claims: `sub`, `email` and `name` when
    /// present, then those of [`with_id_token_user_info`](Self::with_id_token_user_info).
    pub fn id_token_user_info(&self, claims: &Map<String, Value>) -> Map<String, Value> {
        let mut info = Map::new();
        for key in ["sub", "email", "name"] {
            if let Some(v) = claims.get(key) {
                info.insert(key.to_owned(), v.clone());
            }
        }
        if let Some(f) = &self.id_token_user_info {
            info.extend(f(claims));
        }
        info
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
    /// let provider = OAuthProvider::new("examplecorp", "cid", "https://auth.example.com/a", "https://auth.example.com/t")
    ///     .with_alias("arcade-examplecorp");
    /// assert!(provider.matches(&ToolAuthorization::oauth2(Some("arcade-examplecorp"), None, None)));
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

    pub(crate) fn secrets(&self) -> Vec<&str> {
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

/// The providers configured in the environment: each `{PROVIDER}_OAUTH_CLIENT_ID` with
/// its endpoints (see [`OAuthProvider::from_lookup`]). Misconfigured ones are logged and
/// skipped.
pub fn providers_from_env() -> Vec<OAuthProvider> {
    providers_from_vars(&std::env::vars().collect())
}

/// [`providers_from_env`] on the given variables (for example the environment merged
/// with a `.env` file).
///
/// ```
/// use std::collections::HashMap;
/// let vars: HashMap<String, String> = [
///     ("EXAMPLECORP_OAUTH_CLIENT_ID", "cid"),
///     ("EXAMPLECORP_OAUTH_AUTHORIZE_URL", "https://auth.example.com/authorize"),
///     ("EXAMPLECORP_OAUTH_TOKEN_URL", "https://auth.example.com/token"),
/// ]
/// .map(|(k, v)| (k.to_owned(), v.to_owned()))
/// .into();
/// let providers = arcade_tdk::token::oauth::providers_from_vars(&vars);
/// assert_eq!(providers[0].id, "examplecorp");
/// ```
pub fn providers_from_vars(vars: &HashMap<String, String>) -> Vec<OAuthProvider> {
    providers_from_vars_with(vars, &[])
}

/// [`providers_from_vars`], where a variable prefix names one of `apps` (a toolkit's own
/// apps, usually without a client id): that app [`configured_by`](OAuthProvider::configured_by)
/// the variables, so that `{PROVIDER}_OAUTH_CLIENT_ID` alone is enough.
///
/// ```
/// use std::collections::HashMap;
/// use arcade_tdk::token::oauth::{providers_from_vars_with, OAuthProvider};
/// let app = OAuthProvider::new("examplecorp", "", "https://auth.example.com/a", "https://auth.example.com/t");
/// let vars: HashMap<String, String> =
///     [("EXAMPLECORP_OAUTH_CLIENT_ID".to_owned(), "cid".to_owned())].into();
/// let providers = providers_from_vars_with(&vars, &[app]);
/// assert_eq!(providers[0].token_url, "https://auth.example.com/t");
/// ```
pub fn providers_from_vars_with(
    vars: &HashMap<String, String>,
    apps: &[OAuthProvider],
) -> Vec<OAuthProvider> {
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
        .filter_map(|id| {
            let found = OAuthProvider::from_lookup_with(&id, |name| vars.get(name).cloned(), apps);
            found.unwrap_or_else(|e| {
                tracing::warn!(provider = %id, error = %e, "skipping OAuth provider");
                None
            })
        })
        .collect()
}

/// The `{prefix}_OAUTH_{suffix}` variable, when set and not blank.
fn oauth_var(
    lookup: &impl Fn(&str) -> Option<String>,
    prefix: &str,
    suffix: &str,
) -> Option<String> {
    lookup(&format!("{prefix}_OAUTH_{suffix}")).filter(|v| !v.trim().is_empty())
}
