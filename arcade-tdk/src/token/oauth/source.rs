//! [`OAuthTokenSource`]: the token chain's source for the cached login, refreshed when
//! it nears expiry.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::cache::{self, StoredToken};
use super::{OAuthError, OAuthProvider, flow};
use crate::auth::ToolAuthorization;
use crate::context::{Authorization, TokenKind};
use crate::error::ToolError;
use crate::token::TokenSource;

/// Tokens from [`login`](super::login)'s cache file, refreshed when they near expiry.
///
/// Answers only for requirements whose `provider_id` or `id` is the provider's id or an
/// alias. Without a login it returns `Ok(None)` (the chain tries the next source), or,
/// when [`required`](Self::required), an error telling the user to run `auth login`.
///
/// ```no_run
/// use arcade_tdk::token::{EnvTokenSource, OAuthProvider, OAuthTokenSource, TokenChain};
///
/// let provider = OAuthProvider::new(
///     "examplecorp",
///     "my-client-id",
///     "https://auth.example.com/oauth/authorize",
///     "https://auth.example.com/oauth/token",
/// );
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
    /// let provider = OAuthProvider::new("examplecorp", "cid", "https://auth.example.com/a", "https://auth.example.com/t");
    /// let source = OAuthTokenSource::new(provider).required(true);
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
            let same = t.is_for(&self.provider);
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
    /// let provider = OAuthProvider::require_env("examplecorp")?;
    /// let source = OAuthTokenSource::new(provider);
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
