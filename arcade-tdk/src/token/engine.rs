//! Tokens from the Arcade Engine, for tools served locally with an Arcade API key.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::future::BoxFuture;

use super::TokenSource;
use crate::auth::ToolAuthorization;
use crate::client::{Arcade, ArcadeError, AuthorizationResponse, AuthorizationStatus};
use crate::context::{Authorization, TokenKind};
use crate::error::ToolError;

/// Asks the Arcade Engine for the user's token with `POST /v1/auth/authorize`, as
/// Python's local MCP server does on every call, but caches a completed token per
/// (user, requirement): the key is the user id and the whole requirement (provider id,
/// configuration id and scopes), so one user's token is never served for another user
/// or for other scopes. It is a [per-user](TokenSource::per_user) source: front-door
/// callers get tokens from it.
///
/// * `completed`: the token (an OAuth token) and the user info.
/// * `pending` / `not_started`: an error of kind `TOOL_REQUIREMENTS_NOT_MET` whose message
///   holds the authorization URL and tells the model to ask the user to open it and then
///   call the tool again (the URL is also in the error's `extra.authorization_url`).
/// * `failed`: an error of the same kind saying so.
///
/// A cached token is reused until it is within the expiry margin (default 60 s) of
/// the expiry the engine reports, if it does; until it is older than the maximum age
/// (default 15 minutes, so that a token the engine refreshed is picked up); or until
/// [`invalidate`](Self::invalidate) is called because the upstream rejected it.
///
/// ```no_run
/// use arcade_tdk::client::Arcade;
/// use arcade_tdk::token::{ArcadeTokenSource, EnvTokenSource, TokenChain};
///
/// let arcade = Arcade::from_env().expect("ARCADE_API_KEY is set");
/// let chain = TokenChain::new(vec![
///     Box::new(EnvTokenSource::from_env()),
///     Box::new(ArcadeTokenSource::new(arcade)),
/// ]);
/// # let _ = chain;
/// ```
pub struct ArcadeTokenSource {
    client: Arcade,
    cache: Mutex<HashMap<CacheKey, Cached>>,
    expiry_margin: Duration,
    max_age: Option<Duration>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    user_id: String,
    requirement: ToolAuthorization,
}

struct Cached {
    authorization: Authorization,
    expires_at: Option<SystemTime>,
    stored: Instant,
}

impl ArcadeTokenSource {
    /// A source that asks the engine `client` talks to.
    pub fn new(client: Arcade) -> Self {
        Self {
            client,
            cache: Mutex::new(HashMap::new()),
            expiry_margin: Duration::from_secs(60),
            max_age: Some(Duration::from_secs(15 * 60)),
        }
    }

    /// A source from `ARCADE_API_KEY` and `ARCADE_BASE_URL`.
    ///
    /// ```
    /// // Without ARCADE_API_KEY there is no source.
    /// # if std::env::var_os("ARCADE_API_KEY").is_none() {
    /// assert!(arcade_tdk::token::ArcadeTokenSource::from_env().is_err());
    /// # }
    /// ```
    pub fn from_env() -> Result<Self, ArcadeError> {
        Arcade::from_env().map(Self::new)
    }

    /// How long before the reported expiry a cached token is dropped (default 60 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use arcade_tdk::{client::Arcade, token::ArcadeTokenSource};
    /// let source = ArcadeTokenSource::new(Arcade::new("arc_k3y", "http://127.0.0.1:9").unwrap())
    ///     .with_expiry_margin(Duration::from_secs(120))
    ///     .with_max_age(None);
    /// # let _ = source;
    /// ```
    pub fn with_expiry_margin(mut self, margin: Duration) -> Self {
        self.expiry_margin = margin;
        self
    }

    /// The longest a token is cached when the engine reports no expiry (default
    /// 15 minutes). `None` keeps it until [`invalidate`](Self::invalidate).
    pub fn with_max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }

    /// The client this source uses.
    pub fn client(&self) -> &Arcade {
        &self.client
    }

    /// Forgets the cached token of `user_id` for `requirement`; the next call asks the
    /// engine again. Call it when the upstream API rejected the token (401).
    pub fn invalidate(&self, requirement: &ToolAuthorization, user_id: &str) {
        let key = CacheKey {
            user_id: user_id.to_owned(),
            requirement: requirement.clone(),
        };
        self.lock().remove(&key);
    }

    /// Forgets every cached token.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CacheKey, Cached>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self, key: &CacheKey) -> Option<Authorization> {
        let mut cache = self.lock();
        let entry = cache.get(key)?;
        let fresh_by_expiry = entry
            .expires_at
            .is_none_or(|at| SystemTime::now() + self.expiry_margin < at);
        let fresh_by_age = entry.expires_at.is_some()
            || self.max_age.is_none_or(|max| entry.stored.elapsed() < max);
        if fresh_by_expiry && fresh_by_age {
            Some(entry.authorization.clone())
        } else {
            cache.remove(key);
            None
        }
    }

    async fn fetch(&self, key: CacheKey) -> Result<Option<Authorization>, ToolError> {
        if let Some(hit) = self.cached(&key) {
            tracing::debug!(
                provider = key.requirement.provider_name(),
                "Arcade token cache hit"
            );
            return Ok(Some(hit));
        }
        let response = self
            .client
            .auth()
            .authorize(&key.requirement, &key.user_id)
            .await?;
        match response.status {
            AuthorizationStatus::Completed => {
                let context = response.context.clone().unwrap_or_default();
                let Some(token) = context.token() else {
                    return Err(ToolError::fatal(format!(
                        "The Arcade Engine completed the authorization with {} but sent no token.",
                        key.requirement.provider_name()
                    )));
                };
                let authorization = Authorization::new(token, TokenKind::OAuth2)
                    .with_user_info(context.user_info.clone().unwrap_or_default());
                let now = SystemTime::now();
                let now_secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                let expires_at = context
                    .expires_at_unix(now_secs)
                    .map(|s| UNIX_EPOCH + Duration::from_secs(s));
                self.lock().insert(
                    key,
                    Cached {
                        authorization: authorization.clone(),
                        expires_at,
                        stored: Instant::now(),
                    },
                );
                Ok(Some(authorization))
            }
            AuthorizationStatus::Failed => Err(ToolError::requirements_not_met(
                format!(
                    "Authorization with {} failed.",
                    key.requirement.provider_name()
                ),
                "Tell the user that the authorization failed or was denied. Calling the tool \
                 again starts a new authorization.",
            )),
            _ => Err(authorization_required(&key.requirement, &response)),
        }
    }
}

/// The error for an authorization the user must still complete at a URL.
pub(crate) fn authorization_required(
    requirement: &ToolAuthorization,
    response: &AuthorizationResponse,
) -> ToolError {
    let provider = requirement.provider_name();
    let mut err = match response.url.as_deref() {
        Some(url) => ToolError::requirements_not_met(
            format!(
                "Authorization required: this tool needs permission to access the user's \
                 {provider} account. To authorize: 1. Open this link: {url} 2. Grant the \
                 requested permissions 3. Return here and call the tool again."
            ),
            format!(
                "Please show the following link to the end user formatted as markdown: {url} \n\
                 Inform the end user that the tool requires their authorization to be completed \
                 before the tool can be executed. Ask them to open the link and grant access, \
                 then call the tool again."
            ),
        )
        .with_extra("authorization_url", url),
        None => ToolError::requirements_not_met(
            format!(
                "Authorization required: this tool needs permission to access the user's \
                 {provider} account, and the authorization has not completed yet."
            ),
            "Tell the user that the authorization is not complete yet; when they have finished \
             it, call the tool again.",
        ),
    };
    if let Some(id) = &response.id {
        err = err.with_extra("authorization_id", id.as_str());
    }
    err.with_extra("authorization_status", response.status.as_str())
}

impl std::fmt::Debug for ArcadeTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArcadeTokenSource")
            .field("client", &self.client)
            .field("cached", &self.lock().len())
            .field("expiry_margin", &self.expiry_margin)
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl TokenSource for ArcadeTokenSource {
    fn name(&self) -> &'static str {
        "arcade"
    }

    /// Each user id gets its own token (cached per user and requirement).
    fn per_user(&self) -> bool {
        true
    }

    fn token<'a>(
        &'a self,
        requirement: &'a ToolAuthorization,
        user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>> {
        Box::pin(self.fetch(CacheKey {
            user_id: user_id.to_owned(),
            requirement: requirement.clone(),
        }))
    }

    fn invalidate(&self, requirement: &ToolAuthorization, user_id: &str) {
        ArcadeTokenSource::invalidate(self, requirement, user_id);
    }
}
