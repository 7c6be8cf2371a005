//! The login ([`start_login`], [`login`]) and what is known of it ([`status`],
//! [`logout`]), for the CLI's `auth login|status|logout`.

use std::fmt;
use std::path::PathBuf;

use super::cache::{self, StoredToken, now_unix};
use super::{OAuthError, OAuthProvider, flow, listener};

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
/// let provider = OAuthProvider::require_env("examplecorp")?; // EXAMPLECORP_OAUTH_CLIENT_ID, ...
/// let pending = oauth::start_login(&provider).await?;
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
/// let provider = OAuthProvider::require_env("examplecorp")?; // EXAMPLECORP_OAUTH_CLIENT_ID, ...
/// let outcome = oauth::login(&provider, true).await?;
/// eprintln!("{outcome}"); // "examplecorp: logged in, scopes read, ... (path)"
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
    /// The account's region, if the ID token named one (a `region` entry of
    /// [`OAuthProvider::with_id_token_user_info`]).
    pub region: Option<String>,
}

/// The result of [`login`].
pub type LoginOutcome = LoginStatus;

impl LoginStatus {
    pub(super) fn of(
        provider: &OAuthProvider,
        cache_path: PathBuf,
        token: Option<&StoredToken>,
    ) -> Self {
        let token = token.filter(|t| t.is_for(provider));
        Self {
            provider: provider.id.clone(),
            cache_path,
            logged_in: token.is_some(),
            expires_at: token.and_then(|t| t.expires_at),
            expired: token.is_some_and(|t| t.expires_within(0)),
            has_refresh_token: token.is_some_and(|t| t.refresh_token.is_some()),
            scopes: token.map(|t| t.scopes.clone()).unwrap_or_default(),
            region: token.and_then(|t| t.region.clone()),
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
        if let Some(region) = &self.region {
            write!(f, ", region {region}")?;
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

/// The login state of `provider`, from its cache file. For the CLI's `auth status`.
///
/// ```
/// use arcade_tdk::token::oauth::{self, OAuthProvider};
/// let dir = std::env::temp_dir().join("arcade-tdk-doc-status");
/// let provider = OAuthProvider::new("examplecorp", "cid", "https://auth.example.com/a", "https://auth.example.com/t")
///     .with_cache_dir(&dir);
/// let status = oauth::status(&provider).unwrap();
/// assert!(!status.logged_in);
/// assert_eq!(status.to_string(), "examplecorp: not logged in");
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
/// let provider = OAuthProvider::new("examplecorp", "cid", "https://auth.example.com/a", "https://auth.example.com/t")
///     .with_cache_dir(&dir);
/// assert!(!oauth::logout(&provider).unwrap()); // nothing to remove
/// ```
pub fn logout(provider: &OAuthProvider) -> Result<bool, OAuthError> {
    cache::remove(&provider.cache_path()?)
}
