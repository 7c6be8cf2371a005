//! Where a tool's OAuth token comes from when a toolkit is served locally (over MCP or
//! the `call` command): a [`TokenChain`] of [`TokenSource`]s tried in the order the
//! operator configures. In the worker protocol the Arcade Engine sends the token with
//! each call instead.
//!
//! A server that authenticates many users (front-door auth) asks only the sources that
//! hold each user's own token ([`TokenSource::per_user`]: the Arcade Engine); the
//! developer's own tokens (environment variables, the `auth login` cache) are not given
//! to every user unless shared on purpose ([`TokenChain::resolve_for_caller`]).
//!
//! ```
//! use arcade_tdk::auth::ToolAuthorization;
//! use arcade_tdk::token::{EnvTokenSource, TokenChain};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let env = EnvTokenSource::from_vars([("PAGERDUTY_API_KEY", "u+abc")]);
//! let chain = TokenChain::new(vec![Box::new(env)]);
//! let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]));
//! let auth = chain.resolve(&requirement, "user@example.com").await.unwrap();
//! assert_eq!(auth.header_value().unwrap(), "Token token=u+abc");
//! # });
//! ```

#[cfg(feature = "client")]
mod engine;
mod env;
#[cfg(feature = "oauth")]
pub mod oauth;

#[cfg(feature = "client")]
pub use engine::ArcadeTokenSource;
pub use env::EnvTokenSource;
#[cfg(any(feature = "oauth", feature = "cli"))]
pub(crate) use env::var_prefix;
#[cfg(feature = "oauth")]
pub use oauth::{OAuthProvider, OAuthTokenSource};

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use crate::auth::ToolAuthorization;
use crate::context::Authorization;
use crate::error::ToolError;

/// The environment variable that lets front-door callers use the developer's own tokens
/// (environment variables, the developer's OAuth login) as well as per-user ones (`1` or
/// `true`): see [`TokenChain::resolve_for_caller`].
pub const SHARE_DEVELOPER_TOKENS_ENV: &str = "MCP_RESOURCE_SERVER_SHARE_DEVELOPER_TOKENS";

/// One place a token may come from.
pub trait TokenSource: Send + Sync {
    /// A short name for messages and logs (`"env"`, `"arcade"`, `"oauth"`).
    fn name(&self) -> &'static str;

    /// A token for `requirement` on behalf of `user_id`.
    ///
    /// `Ok(None)`: this source has none, try the next. `Err`: stop here and report it
    /// (for example an authorization the user must complete at a URL).
    fn token<'a>(
        &'a self,
        requirement: &'a ToolAuthorization,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>>;

    /// Whether this source gives each user id that user's own token (the Arcade Engine
    /// does), rather than one token held for the developer whatever the user id (an
    /// environment variable, the developer's own OAuth login). The front door serves
    /// many users: only per-user sources answer its callers, unless the operator shares
    /// the developer's tokens on purpose (see [`TokenChain::resolve_for_caller`]).
    ///
    /// `false` by default: a source that says nothing is treated as the developer's.
    fn per_user(&self) -> bool {
        false
    }

    /// Forgets any token this source cached for `requirement` and `user_id`, because
    /// the upstream API rejected it (401). Sources that cache nothing ignore it.
    fn invalidate(&self, requirement: &ToolAuthorization, user_id: &str) {
        let _ = (requirement, user_id);
    }
}

/// Token sources tried in order.
#[derive(Default)]
pub struct TokenChain {
    sources: Vec<Box<dyn TokenSource>>,
}

impl TokenChain {
    /// A chain of `sources`, tried in order.
    pub fn new(sources: Vec<Box<dyn TokenSource>>) -> Self {
        Self { sources }
    }

    /// The chain a locally served toolkit uses, from the environment, in this order:
    ///
    /// 1. [`EnvTokenSource`]: `{PROVIDER}_ACCESS_TOKEN` / `{PROVIDER}_API_KEY`;
    /// 2. with the `oauth` feature, an `OAuthTokenSource` for each app configured with
    ///    `{PROVIDER}_OAUTH_CLIENT_ID` and its endpoints (see `OAuthProvider::from_lookup`;
    ///    `from_vars_with_apps` knows a toolkit's own apps), using the cache
    ///    `auth login` wrote;
    /// 3. with the `client` feature and `ARCADE_API_KEY` set, an `ArcadeTokenSource`
    ///    (`ARCADE_BASE_URL` optional).
    ///
    /// ```
    /// let chain = arcade_tdk::token::TokenChain::from_env();
    /// assert_eq!(chain.source_names()[0], "env");
    /// ```
    pub fn from_env() -> Self {
        Self::from_vars(std::env::vars())
    }

    /// The chain [`from_env`](Self::from_env) builds, from the given variables instead
    /// of the process environment (the local servers pass the environment merged with
    /// the `.env` file, so that `ARCADE_API_KEY` or `{PROVIDER}_OAUTH_CLIENT_ID` may live
    /// there too).
    ///
    /// ```
    /// let chain = arcade_tdk::token::TokenChain::from_vars([("PAGERDUTY_API_KEY", "u+abc")]);
    /// assert_eq!(chain.source_names(), ["env"]);
    /// # #[cfg(feature = "client")]
    /// assert_eq!(
    ///     arcade_tdk::token::TokenChain::from_vars([("ARCADE_API_KEY", "arc_k3y")]).source_names(),
    ///     ["env", "arcade"],
    /// );
    /// ```
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self::from_var_map(
            collect_vars(vars),
            #[cfg(feature = "oauth")]
            &[],
        )
    }

    /// [`from_vars`](Self::from_vars), where `apps` (a toolkit's own OAuth apps, see
    /// [`oauth::providers_from_vars_with`]) need only `{PROVIDER}_OAUTH_CLIENT_ID`.
    ///
    /// ```
    /// use arcade_tdk::token::{OAuthProvider, TokenChain};
    /// let app = OAuthProvider::new("examplecorp", "", "https://auth.example.com/a", "https://auth.example.com/t");
    /// let vars = [("EXAMPLECORP_OAUTH_CLIENT_ID", "cid")];
    /// assert_eq!(TokenChain::from_vars_with_apps(vars, &[app]).source_names(), ["env", "oauth"]);
    /// ```
    #[cfg(feature = "oauth")]
    pub fn from_vars_with_apps<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
        apps: &[OAuthProvider],
    ) -> Self {
        Self::from_var_map(collect_vars(vars), apps)
    }

    fn from_var_map(
        vars: std::collections::HashMap<String, String>,
        #[cfg(feature = "oauth")] apps: &[OAuthProvider],
    ) -> Self {
        #[allow(unused_mut)]
        let mut chain = Self::new(vec![Box::new(EnvTokenSource::from_vars(
            vars.iter().map(|(k, v)| (k.clone(), v.clone())),
        ))]);
        #[cfg(feature = "oauth")]
        for provider in oauth::providers_from_vars_with(&vars, apps) {
            chain.push(Box::new(OAuthTokenSource::new(provider)));
        }
        #[cfg(feature = "client")]
        if let Ok(client) = crate::client::Arcade::from_lookup(|name| vars.get(name).cloned()) {
            chain.push(Box::new(ArcadeTokenSource::new(client)));
        }
        chain
    }

    /// Adds a source at the end.
    pub fn push(&mut self, source: Box<dyn TokenSource>) {
        self.sources.push(source);
    }

    /// The names of the sources, in order.
    pub fn source_names(&self) -> Vec<&'static str> {
        self.sources.iter().map(|s| s.name()).collect()
    }

    /// Tells every source that the token it gave for `requirement` and `user_id` was
    /// rejected upstream, so that the next [`resolve`](Self::resolve) fetches a new one.
    /// Call it when a tool fails with `UPSTREAM_RUNTIME_AUTH_ERROR`.
    ///
    /// ```
    /// # use arcade_tdk::{auth::ToolAuthorization, token::TokenChain};
    /// let chain = TokenChain::default();
    /// let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, None);
    /// chain.invalidate(&requirement, "user@example.com");
    /// ```
    pub fn invalidate(&self, requirement: &ToolAuthorization, user_id: &str) {
        for source in &self.sources {
            source.invalidate(requirement, user_id);
        }
    }

    /// [`resolve`](Self::resolve) for a caller the front door authenticated (many users
    /// share the server): only [`per_user`](TokenSource::per_user) sources are asked,
    /// so that one developer's token (an environment variable, their own OAuth login) is
    /// never handed to every caller. `share_developer_tokens` asks every source, as
    /// [`resolve`](Self::resolve) does: for a team that deliberately shares one
    /// account.
    ///
    /// ```
    /// use arcade_tdk::auth::ToolAuthorization;
    /// use arcade_tdk::token::{EnvTokenSource, TokenChain};
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let chain = TokenChain::new(vec![Box::new(EnvTokenSource::from_vars([("PAGERDUTY_API_KEY", "u+abc")]))]);
    /// let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, None);
    /// // The developer's key is not given to a front-door caller...
    /// let err = chain.resolve_for_caller(&requirement, "user-1", false).await.unwrap_err();
    /// assert!(err.message().contains("not shared"));
    /// // ...unless the operator shares it.
    /// assert!(chain.resolve_for_caller(&requirement, "user-1", true).await.is_ok());
    /// # });
    /// ```
    pub async fn resolve_for_caller(
        &self,
        requirement: &ToolAuthorization,
        user_id: &str,
        share_developer_tokens: bool,
    ) -> Result<Authorization, ToolError> {
        if share_developer_tokens {
            return self.resolve(requirement, user_id).await;
        }
        if let Some(auth) = self.first_token(requirement, user_id, true).await? {
            return Ok(auth);
        }
        let provider = requirement.provider_name();
        let withheld: Vec<&str> = self
            .sources
            .iter()
            .filter(|s| !s.per_user())
            .map(|s| s.name())
            .collect();
        let why = if withheld.is_empty() {
            String::new()
        } else {
            format!(
                " The developer's own token sources ({}) are not shared with the users of this server.",
                withheld.join(", ")
            )
        };
        Err(ToolError::requirements_not_met(
            format!(
                "This tool needs authorization with {provider}, and this server has no per-user token source for it.{why}"
            ),
            format!(
                "Tell the user that the server's operator must set ARCADE_API_KEY so that each user authorizes {provider} through Arcade, or (to share one account with every user on purpose) set {SHARE_DEVELOPER_TOKENS_ENV}=1."
            ),
        ))
    }

    /// The first token a source has, or an error telling the user how to provide one.
    ///
    /// A source that panics is contained: the panic becomes a fatal tool error (the
    /// panic message is not reported, as it may hold a token) and the process lives on.
    pub async fn resolve(
        &self,
        requirement: &ToolAuthorization,
        user_id: &str,
    ) -> Result<Authorization, ToolError> {
        if let Some(auth) = self.first_token(requirement, user_id, false).await? {
            return Ok(auth);
        }
        let provider = requirement.provider_name();
        let var = env::var_prefix(provider);
        Err(ToolError::requirements_not_met(
            format!(
                "This tool needs authorization with {provider}, and no token source has a token for it."
            ),
            format!(
                "Tell the user to provide a token: set {var}_ACCESS_TOKEN (an OAuth access token) or \
                 {var}_API_KEY (an API key), run `auth login`, or set ARCADE_API_KEY to authorize through Arcade."
            ),
        ))
    }

    /// The first source's token (only per-user sources when `per_user_only`).
    async fn first_token(
        &self,
        requirement: &ToolAuthorization,
        user_id: &str,
        per_user_only: bool,
    ) -> Result<Option<Authorization>, ToolError> {
        for source in self
            .sources
            .iter()
            .filter(|s| !per_user_only || s.per_user())
        {
            let found = match std::panic::catch_unwind(AssertUnwindSafe(|| {
                source.token(requirement, user_id)
            })) {
                Ok(fut) => AssertUnwindSafe(fut).catch_unwind().await,
                Err(panic) => Err(panic),
            };
            let found = found.unwrap_or_else(|_| {
                tracing::error!(source = source.name(), "a token source panicked");
                Err(ToolError::fatal(
                    "An unhandled panic occurred while getting the tool's authorization token.",
                )
                .with_developer_message(format!("the token source '{}' panicked", source.name())))
            });
            if let Some(auth) = found? {
                return Ok(Some(auth));
            }
        }
        Ok(None)
    }
}

fn collect_vars<K: Into<String>, V: Into<String>>(
    vars: impl IntoIterator<Item = (K, V)>,
) -> std::collections::HashMap<String, String> {
    vars.into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

impl std::fmt::Debug for TokenChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("TokenChain")
            .field(&self.source_names())
            .finish()
    }
}
