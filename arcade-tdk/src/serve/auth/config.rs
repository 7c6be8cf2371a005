//! The front door's configuration, as Arcade's Python `ResourceServerAuth` takes it:
//! the environment variables, their JSON shape and defaults, and the same through a
//! builder.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use jsonwebtoken::Algorithm;
use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;

/// The MCP server's canonical URL (the resource, RFC 8707), e.g.
/// `https://mcp.example.com/mcp`.
pub const CANONICAL_URL_ENV: &str = "MCP_RESOURCE_SERVER_CANONICAL_URL";
/// A JSON array of authorization server entries (see [`AuthorizationServer`]).
pub const AUTHORIZATION_SERVERS_ENV: &str = "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS";
/// Space-separated scopes advertised as `scopes_supported` in the resource metadata.
pub const SCOPES_SUPPORTED_ENV: &str = "MCP_RESOURCE_SERVER_SCOPES_SUPPORTED";
/// Space-separated scopes named in the `scope` parameter of the 401 challenge.
pub const DEFAULT_CHALLENGE_SCOPES_ENV: &str = "MCP_RESOURCE_SERVER_DEFAULT_CHALLENGE_SCOPES";
/// Space-separated scopes every token must carry (403 `insufficient_scope` otherwise).
/// Not in Arcade's Python server, which checks scopes per tool.
pub const REQUIRED_SCOPES_ENV: &str = "MCP_RESOURCE_SERVER_REQUIRED_SCOPES";
pub use crate::token::SHARE_DEVELOPER_TOKENS_ENV;

/// The algorithms an authorization server may be configured with (asymmetric only, as
/// in Arcade's Python server; `Ed25519` is a name of `EdDSA`).
pub const SUPPORTED_ALGORITHMS: [&str; 11] = [
    "RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "PS384", "PS512", "EdDSA", "Ed25519",
    "ES512",
];

/// A configuration the front door cannot start with: which setting, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable (or builder setting) at fault.
    pub setting: String,
    /// What is wrong with it.
    pub problem: String,
}

impl ConfigError {
    pub(super) fn new(setting: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "front-door auth: {}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// Which checks to make on an access token, per authorization server (Python's
/// `AccessTokenValidationOptions`). The signature, the audience and the `sub` claim are
/// always checked.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ValidationOptions {
    /// Check `exp` (and require it). Default `true`.
    pub verify_exp: bool,
    /// Reject an `iat` in the future. Default `true`.
    pub verify_iat: bool,
    /// Check `iss` against the entry's issuer. Default `true`.
    pub verify_iss: bool,
    /// Reject a token before its `nbf`. Default `true`.
    pub verify_nbf: bool,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. Default `0`.
    pub leeway: u64,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        Self {
            verify_exp: true,
            verify_iat: true,
            verify_iss: true,
            verify_nbf: true,
            leeway: 0,
        }
    }
}

impl ValidationOptions {
    /// Sets the clock skew tolerance.
    pub fn with_leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }
}

/// One authorization server whose tokens the server accepts (Python's
/// `AuthorizationServerEntry`; in JSON, the same keys).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationServer {
    /// Where clients find the authorization server (listed in the resource metadata).
    pub authorization_server_url: String,
    /// The `iss` its tokens carry.
    pub issuer: String,
    /// Its JSON Web Key Set.
    pub jwks_uri: String,
    /// The one signature algorithm accepted (default `RS256`).
    pub algorithm: String,
    /// The accepted `aud` values; empty means the canonical URL.
    pub expected_audiences: Vec<String>,
    /// Which claims to check.
    pub validation_options: ValidationOptions,
}

impl AuthorizationServer {
    /// An entry with the defaults: `RS256`, audience = the canonical URL, every check.
    pub fn new(
        authorization_server_url: impl Into<String>,
        issuer: impl Into<String>,
        jwks_uri: impl Into<String>,
    ) -> Self {
        Self {
            authorization_server_url: authorization_server_url.into(),
            issuer: issuer.into(),
            jwks_uri: jwks_uri.into(),
            algorithm: "RS256".to_owned(),
            expected_audiences: Vec::new(),
            validation_options: ValidationOptions::default(),
        }
    }

    /// Sets the signature algorithm.
    pub fn with_algorithm(mut self, algorithm: impl Into<String>) -> Self {
        self.algorithm = algorithm.into();
        self
    }

    /// Sets the accepted audiences (instead of the canonical URL).
    pub fn with_expected_audiences(
        mut self,
        audiences: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.expected_audiences = owned(audiences);
        self
    }

    /// Sets the validation options.
    pub fn with_validation_options(mut self, options: ValidationOptions) -> Self {
        self.validation_options = options;
        self
    }
}

/// The JSON form of an entry.
#[derive(Deserialize)]
struct WireEntry {
    authorization_server_url: Option<String>,
    issuer: Option<String>,
    jwks_uri: Option<String>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    expected_audiences: Option<Vec<String>>,
    #[serde(default)]
    validation_options: Option<HashMap<String, Value>>,
}

/// The front door's configuration. See the [module docs](super).
///
/// ```
/// use arcade_tdk::serve::auth::{AuthorizationServer, ResourceServerConfig};
///
/// let config = ResourceServerConfig::new("https://mcp.example.com/mcp").authorization_server(
///     AuthorizationServer::new(
///         "https://auth.example.com",
///         "https://auth.example.com",
///         "https://auth.example.com/jwks",
///     ),
/// );
/// assert!(config.validate().is_ok());
/// let err = ResourceServerConfig::new("mcp.example.com").validate().unwrap_err();
/// assert_eq!(err.setting, "MCP_RESOURCE_SERVER_CANONICAL_URL");
/// assert!(err.problem.contains("not an absolute URL"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResourceServerConfig {
    /// The canonical URL of the MCP endpoint: the resource, and the default audience.
    pub canonical_url: String,
    /// The authorization servers whose tokens are accepted.
    pub authorization_servers: Vec<AuthorizationServer>,
    /// `scopes_supported` in the resource metadata (omitted when empty).
    pub scopes_supported: Vec<String>,
    /// The `scope` of the 401 challenge (omitted when empty).
    pub default_challenge_scopes: Vec<String>,
    /// Scopes every token must carry; 403 `insufficient_scope` names the missing one.
    pub required_scopes: Vec<String>,
    /// Give front-door callers the developer's own tokens (environment variables, the
    /// developer's OAuth login) too, not only per-user ones. Off by default.
    pub share_developer_tokens: bool,
    /// How long fetched keys are used before the JWKS is fetched again (default 1 hour,
    /// as in Python); when that fetch fails the old keys stay in use.
    pub jwks_cache_ttl: Duration,
    /// The shortest time between two fetches of one JWKS caused by unknown `kid`s
    /// (default 30 s): a flood of forged `kid`s cannot make the server hammer the
    /// authorization server.
    pub jwks_refresh_interval: Duration,
    /// The longest a JWKS fetch may take, connection included (default 5 s).
    pub jwks_timeout: Duration,
}

impl ResourceServerConfig {
    /// A configuration for the MCP endpoint at `canonical_url`, with no authorization
    /// server yet.
    pub fn new(canonical_url: impl Into<String>) -> Self {
        Self {
            canonical_url: canonical_url.into(),
            authorization_servers: Vec::new(),
            scopes_supported: Vec::new(),
            default_challenge_scopes: Vec::new(),
            required_scopes: Vec::new(),
            share_developer_tokens: false,
            jwks_cache_ttl: Duration::from_secs(3600),
            jwks_refresh_interval: Duration::from_secs(30),
            jwks_timeout: Duration::from_secs(5),
        }
    }

    /// Reads [`CANONICAL_URL_ENV`] and [`AUTHORIZATION_SERVERS_ENV`] (plus the scope
    /// variables and [`SHARE_DEVELOPER_TOKENS_ENV`]). `Ok(None)` when neither is set:
    /// the front door is off.
    ///
    /// ```
    /// use arcade_tdk::serve::auth::ResourceServerConfig;
    /// let vars = [
    ///     ("MCP_RESOURCE_SERVER_CANONICAL_URL", "http://127.0.0.1:8000/mcp"),
    ///     ("MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
    ///      r#"[{"authorization_server_url": "https://auth.example.com", "issuer": "https://auth.example.com",
    ///          "jwks_uri": "https://auth.example.com/jwks", "validation_options": {"leeway": 30}}]"#),
    /// ];
    /// let lookup = |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    /// let config = ResourceServerConfig::from_lookup(lookup).unwrap().unwrap();
    /// assert_eq!(config.authorization_servers[0].algorithm, "RS256");
    /// assert_eq!(config.authorization_servers[0].validation_options.leeway, 30);
    /// assert!(ResourceServerConfig::from_lookup(|_| None).unwrap().is_none());
    /// ```
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) from `lookup` instead of the process environment.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let (url, servers) = match (get(CANONICAL_URL_ENV), get(AUTHORIZATION_SERVERS_ENV)) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(ConfigError::new(
                    AUTHORIZATION_SERVERS_ENV,
                    format!(
                        "not set, but {CANONICAL_URL_ENV} is: set both to turn front-door auth on, or neither"
                    ),
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    CANONICAL_URL_ENV,
                    format!(
                        "not set, but {AUTHORIZATION_SERVERS_ENV} is: set both to turn front-door auth on, or neither"
                    ),
                ));
            }
            (Some(url), Some(servers)) => (url, servers),
        };
        let mut config = Self::new(url.trim());
        config.authorization_servers = parse_servers(&servers)?;
        let scopes = |name: &str| -> Vec<String> {
            get(name)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        };
        config.scopes_supported = scopes(SCOPES_SUPPORTED_ENV);
        config.default_challenge_scopes = scopes(DEFAULT_CHALLENGE_SCOPES_ENV);
        config.required_scopes = scopes(REQUIRED_SCOPES_ENV);
        config.share_developer_tokens = match get(SHARE_DEVELOPER_TOKENS_ENV) {
            None => false,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => {
                    return Err(ConfigError::new(
                        SHARE_DEVELOPER_TOKENS_ENV,
                        "must be 1, true, yes, 0, false or no",
                    ));
                }
            },
        };
        config.validate()?;
        Ok(Some(config))
    }

    /// Adds an authorization server.
    pub fn authorization_server(mut self, server: AuthorizationServer) -> Self {
        self.authorization_servers.push(server);
        self
    }

    /// Sets `scopes_supported`.
    pub fn with_scopes_supported(
        mut self,
        scopes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.scopes_supported = owned(scopes);
        self
    }

    /// Sets the scopes of the 401 challenge.
    pub fn with_default_challenge_scopes(
        mut self,
        scopes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.default_challenge_scopes = owned(scopes);
        self
    }

    /// Sets the scopes every token must carry.
    pub fn with_required_scopes(
        mut self,
        scopes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.required_scopes = owned(scopes);
        self
    }

    /// Sets whether front-door callers get the developer's own tokens too (see
    /// [`ResourceServerConfig::share_developer_tokens`]).
    pub fn with_share_developer_tokens(mut self, share: bool) -> Self {
        self.share_developer_tokens = share;
        self
    }

    /// Sets the JWKS cache lifetime, the shortest interval between refetches caused by
    /// unknown keys, and the fetch timeout.
    pub fn with_jwks_timing(
        mut self,
        ttl: Duration,
        refresh_interval: Duration,
        timeout: Duration,
    ) -> Self {
        self.jwks_cache_ttl = ttl;
        self.jwks_refresh_interval = refresh_interval;
        self.jwks_timeout = timeout;
        self
    }

    /// Checks the configuration: the canonical URL (absolute, `https` or loopback
    /// `http`, no fragment), at least one authorization server, each with URLs, an
    /// issuer and a supported algorithm, and scopes in RFC 6750's grammar.
    pub fn validate(&self) -> Result<(), ConfigError> {
        canonical_url(&self.canonical_url)?;
        if self.authorization_servers.is_empty() {
            return Err(ConfigError::new(
                AUTHORIZATION_SERVERS_ENV,
                "lists no authorization server: give at least one entry",
            ));
        }
        for (i, server) in self.authorization_servers.iter().enumerate() {
            let at = |key: &str| format!("{AUTHORIZATION_SERVERS_ENV}[{i}].{key}");
            http_url(&server.authorization_server_url)
                .map_err(|p| ConfigError::new(at("authorization_server_url"), p))?;
            http_url(&server.jwks_uri).map_err(|p| ConfigError::new(at("jwks_uri"), p))?;
            if server.issuer.trim().is_empty() {
                return Err(ConfigError::new(at("issuer"), "is empty"));
            }
            algorithm(&server.algorithm).map_err(|p| ConfigError::new(at("algorithm"), p))?;
            if server
                .expected_audiences
                .iter()
                .any(|a| a.trim().is_empty())
            {
                return Err(ConfigError::new(
                    at("expected_audiences"),
                    "holds an empty audience",
                ));
            }
        }
        for (setting, scopes) in [
            (SCOPES_SUPPORTED_ENV, &self.scopes_supported),
            (DEFAULT_CHALLENGE_SCOPES_ENV, &self.default_challenge_scopes),
            (REQUIRED_SCOPES_ENV, &self.required_scopes),
        ] {
            if let Some(bad) = scopes.iter().find(|s| !valid_scope(s)) {
                return Err(ConfigError::new(
                    setting,
                    format!(
                        "'{bad}' is not a scope (RFC 6750: printable ASCII without spaces, quotes or backslashes)"
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn parse_servers(json: &str) -> Result<Vec<AuthorizationServer>, ConfigError> {
    let var = AUTHORIZATION_SERVERS_ENV;
    let value: Value = serde_json::from_str(json)
        .map_err(|e| ConfigError::new(var, format!("is not valid JSON ({e})")))?;
    let Value::Array(items) = value else {
        return Err(ConfigError::new(
            var,
            "must be a JSON array of authorization server entries",
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let at = |key: &str| format!("{var}[{i}]{key}");
            let entry: WireEntry = serde_json::from_value(item)
                .map_err(|e| ConfigError::new(at(""), format!("is not an entry object ({e})")))?;
            let required = |value: Option<String>, key: &str| {
                value.ok_or_else(|| ConfigError::new(at(&format!(".{key}")), "is missing"))
            };
            let mut server = AuthorizationServer::new(
                required(entry.authorization_server_url, "authorization_server_url")?,
                required(entry.issuer, "issuer")?,
                required(entry.jwks_uri, "jwks_uri")?,
            );
            if let Some(algorithm) = entry.algorithm {
                server.algorithm = algorithm;
            }
            server.expected_audiences = entry.expected_audiences.unwrap_or_default();
            if let Some(options) = entry.validation_options {
                server.validation_options =
                    validation_options(options, &at(".validation_options"))?;
            }
            Ok(server)
        })
        .collect()
}

fn validation_options(
    mut map: HashMap<String, Value>,
    at: &str,
) -> Result<ValidationOptions, ConfigError> {
    let mut options = ValidationOptions::default();
    for (key, slot) in [
        ("verify_exp", &mut options.verify_exp),
        ("verify_iat", &mut options.verify_iat),
        ("verify_iss", &mut options.verify_iss),
        ("verify_nbf", &mut options.verify_nbf),
    ] {
        match map.remove(key) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => *slot = b,
            Some(other) => {
                return Err(ConfigError::new(
                    format!("{at}.{key}"),
                    format!("must be true or false, not {other}"),
                ));
            }
        }
    }
    match map.remove("leeway") {
        None | Some(Value::Null) => {}
        Some(v) => {
            options.leeway = v.as_u64().filter(|s| *s <= 3600).ok_or_else(|| {
                ConfigError::new(
                    format!("{at}.leeway"),
                    format!("must be a number of seconds from 0 to 3600, not {v}"),
                )
            })?;
        }
    }
    // As in Python (pydantic ignores them), other keys are accepted and have no effect.
    let mut unknown: Vec<&String> = map.keys().collect();
    unknown.sort();
    for key in unknown {
        tracing::warn!(
            "{at}.{key} is not a validation option and has no effect (the audience and signature are always checked)"
        );
    }
    Ok(options)
}

/// The canonical URL, checked.
pub(super) fn canonical_url(url: &str) -> Result<Url, ConfigError> {
    let bad = |p: String| ConfigError::new(CANONICAL_URL_ENV, p);
    let parsed =
        Url::parse(url).map_err(|e| bad(format!("'{url}' is not an absolute URL ({e})")))?;
    if parsed.fragment().is_some() {
        return Err(bad(format!(
            "'{url}' has a fragment; a canonical URL has none"
        )));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if is_loopback(&parsed) => {}
        "http" => {
            return Err(bad(format!(
                "'{url}' is http on a host that is not loopback: use https"
            )));
        }
        other => {
            return Err(bad(format!(
                "'{url}' has the scheme {other}; use https (or http on loopback)"
            )));
        }
    }
    if !valid_scope(url) {
        return Err(bad(format!(
            "'{url}' holds characters that cannot appear in a WWW-Authenticate header"
        )));
    }
    Ok(parsed)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn http_url(url: &str) -> Result<Url, String> {
    let parsed = Url::parse(url).map_err(|e| format!("'{url}' is not an absolute URL ({e})"))?;
    if matches!(parsed.scheme(), "http" | "https") {
        Ok(parsed)
    } else {
        Err(format!("'{url}' is not an http(s) URL"))
    }
}

/// The configured algorithm as `jsonwebtoken` names it.
pub(super) fn algorithm(name: &str) -> Result<Algorithm, String> {
    match name {
        "Ed25519" | "EdDSA" => Ok(Algorithm::EdDSA),
        "ES512" => Err(
            "ES512 is not supported by this server; use ES256, ES384, RS*, PS* or EdDSA".to_owned(),
        ),
        _ if SUPPORTED_ALGORITHMS.contains(&name) => name
            .parse()
            .map_err(|_| format!("'{name}' is not supported")),
        _ => Err(format!(
            "'{name}' is not a supported asymmetric algorithm (one of RS256, RS384, RS512, ES256, ES384, \
             PS256, PS384, PS512, EdDSA)"
        )),
    }
}

/// The strings of a builder argument.
fn owned(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

/// RFC 6750's `scope-token` (also used for the quoted values this server writes).
fn valid_scope(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}
