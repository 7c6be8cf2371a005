//! Front-door auth: the Streamable HTTP server as an OAuth 2.1 protected resource (the
//! MCP authorization spec; RFC 9728, RFC 8707, RFC 6750), configured as Arcade's Python
//! `ResourceServerAuth` is, so that a Python toolkit's `.env` works unchanged.
//!
//! * [`ResourceServerConfig`]: the canonical URL of the MCP endpoint and the
//!   authorization servers whose JWT access tokens are accepted
//!   (`MCP_RESOURCE_SERVER_CANONICAL_URL`, `MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS`, a
//!   JSON array of `{authorization_server_url, issuer, jwks_uri, algorithm?,
//!   expected_audiences?, validation_options?}`; the audience defaults to the canonical
//!   URL, the algorithm to `RS256`). A bad configuration is an error at start naming the
//!   variable.
//! * `GET /.well-known/oauth-protected-resource` (and the path form
//!   `/.well-known/oauth-protected-resource/mcp`): the resource metadata.
//! * Every request to `/mcp` needs `Authorization: Bearer <JWT>`: signature from the
//!   issuer's JWKS (cached; refetched on an unknown `kid` at most once per
//!   [`jwks_refresh_interval`](ResourceServerConfig::jwks_refresh_interval); while the
//!   endpoint is down, cached keys keep working and unknown ones fail), the issuer's one
//!   algorithm, `iss`, `aud`, `exp`/`nbf`/`iat` with leeway, and `sub`. Otherwise 401
//!   with `WWW-Authenticate: Bearer resource_metadata="..."` (and `error="invalid_token"`
//!   when a token was sent), or 403 `insufficient_scope` when a
//!   [required scope](ResourceServerConfig::required_scopes) is missing. Tokens never
//!   appear in logs or answers.
//! * The caller reaches the tool: `context.user_id` is the token's `sub`, and
//!   [`ToolContext::resource_owner`](crate::ToolContext::resource_owner) gives the
//!   [`ResourceOwner`] (sub, client id, scopes, email, issuer, claims).
//! * A session (`Mcp-Session-Id`, 2025-era clients) is served only to the user who
//!   opened it: another user's token with that session id gets 404, as an unknown
//!   session does.
//! * Tools that need secrets or a token are served to authenticated callers (no
//!   `MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS` needed). Their tokens come only from
//!   per-user sources ([`TokenSource::per_user`](crate::token::TokenSource::per_user):
//!   the Arcade Engine, asked for *that* user id); the developer's own tokens
//!   (`{PROVIDER}_API_KEY`, the `auth login` cache) are not given to every caller unless
//!   [`share_developer_tokens`](ResourceServerConfig::share_developer_tokens) is set.
//!   Declared secrets are the server's and are given to every authenticated caller, as
//!   in Arcade's Python server.
//!
//! ```
//! use std::sync::Arc;
//! use arcade_tdk::serve::auth::{AuthorizationServer, FrontDoor, ResourceServerConfig};
//! use arcade_tdk::serve::mcp::{http_router, HttpOptions, McpOptions};
//! use arcade_tdk::{Catalog, Toolkit};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let config = ResourceServerConfig::new("https://mcp.example.com/mcp")
//!     .authorization_server(AuthorizationServer::new(
//!         "https://auth.example.com",
//!         "https://auth.example.com",
//!         "https://auth.example.com/.well-known/jwks.json",
//!     ))
//!     .with_scopes_supported(["mcp:tools"]);
//! let door = FrontDoor::new(config).expect("a valid configuration");
//! assert_eq!(
//!     door.metadata_url(),
//!     "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
//! );
//! assert_eq!(door.metadata()["authorization_servers"][0], "https://auth.example.com");
//!
//! let catalog = Arc::new(Catalog::new(Toolkit::new("Demo")).unwrap());
//! let http = HttpOptions::default().with_front_door(door);
//! let router = http_router(catalog, McpOptions::new("demo", "1.0.0"), http);
//! # let _ = router;
//! # });
//! ```

mod config;
mod jwks;
mod routes;
mod sessions;
mod validate;
mod verified;

use std::fmt;
use std::sync::Arc;

use axum::routing::get;
use serde_json::{Value, json};

pub use config::{
    AUTHORIZATION_SERVERS_ENV, AuthorizationServer, CANONICAL_URL_ENV, ConfigError,
    DEFAULT_CHALLENGE_SCOPES_ENV, REQUIRED_SCOPES_ENV, ResourceServerConfig, SCOPES_SUPPORTED_ENV,
    SHARE_DEVELOPER_TOKENS_ENV, SUPPORTED_ALGORITHMS, ValidationOptions,
};
pub use validate::{MAX_TOKEN_BYTES, TokenRejection};

pub use crate::owner::ResourceOwner;
pub(crate) use routes::Authenticated;

/// The path of the resource metadata at the root.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";

/// The front door: a checked [`ResourceServerConfig`] with its key caches. Cheap to
/// clone (shared). See the [module docs](self).
#[derive(Clone)]
pub struct FrontDoor {
    inner: Arc<Inner>,
}

struct Inner {
    config: ResourceServerConfig,
    issuers: Vec<validate::Issuer>,
    metadata: Value,
    metadata_url: String,
    /// The path form of the metadata (`/.well-known/oauth-protected-resource/mcp`).
    metadata_path: String,
    sessions: sessions::Sessions,
    verified: verified::Verified,
}

impl FrontDoor {
    /// Checks `config` and prepares the key caches (nothing is fetched yet).
    pub fn new(config: ResourceServerConfig) -> Result<Self, ConfigError> {
        config.validate()?;
        let canonical = config::canonical_url(&config.canonical_url)?;
        let client = reqwest::Client::builder()
            .timeout(config.jwks_timeout)
            .connect_timeout(config.jwks_timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| {
                ConfigError::new(
                    AUTHORIZATION_SERVERS_ENV,
                    format!("no HTTP client for the JWKS ({e})"),
                )
            })?;
        let issuers = config
            .authorization_servers
            .iter()
            .map(|server| {
                let jwks = jwks::Jwks::new(
                    server.jwks_uri.clone(),
                    client.clone(),
                    config.jwks_cache_ttl,
                    config.jwks_refresh_interval,
                );
                validate::Issuer::new(server.clone(), &config.canonical_url, jwks)
            })
            .collect();
        let path = canonical.path().trim_end_matches('/');
        let metadata_path = format!("{METADATA_PATH}{path}");
        let mut origin = canonical.clone();
        origin.set_path("");
        origin.set_query(None);
        let metadata_url = format!("{}{metadata_path}", origin.as_str().trim_end_matches('/'));
        let mut servers: Vec<&str> = Vec::new();
        for server in &config.authorization_servers {
            if !servers.contains(&server.authorization_server_url.as_str()) {
                servers.push(&server.authorization_server_url);
            }
        }
        let mut metadata = json!({
            "resource": config.canonical_url,
            "authorization_servers": servers,
            "bearer_methods_supported": ["header"],
        });
        if !config.scopes_supported.is_empty() {
            metadata["scopes_supported"] = json!(config.scopes_supported);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                issuers,
                metadata,
                metadata_url,
                metadata_path,
                sessions: sessions::Sessions::default(),
                verified: verified::Verified::default(),
            }),
        })
    }

    /// [`FrontDoor::new`] on [`ResourceServerConfig::from_env`]; `Ok(None)` when the
    /// variables are not set.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        ResourceServerConfig::from_env()?.map(Self::new).transpose()
    }

    /// The configuration.
    pub fn config(&self) -> &ResourceServerConfig {
        &self.inner.config
    }

    /// The RFC 9728 metadata document.
    pub fn metadata(&self) -> &Value {
        &self.inner.metadata
    }

    /// Where the metadata is served, as the 401 challenge names it: the canonical URL's
    /// origin, then `/.well-known/oauth-protected-resource` and the canonical path.
    pub fn metadata_url(&self) -> &str {
        &self.inner.metadata_url
    }

    /// Validates an access token (without the `Bearer ` prefix).
    ///
    /// ```
    /// # use arcade_tdk::serve::auth::{AuthorizationServer, FrontDoor, ResourceServerConfig};
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let door = FrontDoor::new(ResourceServerConfig::new("http://127.0.0.1:8000/mcp")
    /// #     .authorization_server(AuthorizationServer::new("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:9/jwks"))).unwrap();
    /// let refused = door.validate("not-a-jwt").await.unwrap_err();
    /// assert!(refused.description().contains("well-formed"));
    /// # });
    /// ```
    ///
    /// A token that passed is remembered (by its SHA-256) and taken on trust for up to a
    /// minute, never past its `exp`; rejections are not remembered.
    pub async fn validate(&self, token: &str) -> Result<ResourceOwner, TokenRejection> {
        let owner = self.validate_shared(token).await?;
        Ok(Arc::unwrap_or_clone(owner))
    }

    /// [`FrontDoor::validate`], the owner shared with the cache of verified tokens (what
    /// every request to `/mcp` takes: a remembered token costs no copy of its claims).
    pub(crate) async fn validate_shared(
        &self,
        token: &str,
    ) -> Result<Arc<ResourceOwner>, TokenRejection> {
        if token.len() <= MAX_TOKEN_BYTES
            && let Some(owner) = self.inner.verified.get(token)
        {
            return Ok(owner);
        }
        let owner = Arc::new(validate::validate(&self.inner.issuers, token).await?);
        self.inner.verified.insert(token, &owner);
        Ok(owner)
    }

    /// The metadata routes (public).
    pub fn metadata_router(&self) -> axum::Router {
        let mut paths = vec![
            METADATA_PATH.to_owned(),
            format!("{METADATA_PATH}/mcp"),
            self.inner.metadata_path.clone(),
        ];
        paths.dedup();
        paths.sort();
        paths.dedup();
        let mut router = axum::Router::new();
        for path in paths {
            router = router.route(&path, get(routes::metadata));
        }
        router.with_state(self.clone())
    }

    /// `router` behind the front door (as a middleware: every request needs a valid
    /// token), plus the public metadata routes. [`http_router`](crate::serve::mcp::http_router)
    /// does not need it: its `/mcp` handler admits requests itself.
    pub fn protect(&self, router: axum::Router) -> axum::Router {
        router
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                routes::require_token,
            ))
            .merge(self.metadata_router())
    }
}

impl fmt::Debug for FrontDoor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrontDoor")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
