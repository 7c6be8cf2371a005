//! Tokens from the user's own OAuth app, without the Arcade Engine: a one-time browser
//! login with the authorization-code flow and PKCE, a token cache file in the user's
//! config folder, and refresh-token rotation.
//!
//! * [`OAuthProvider`] configures the app, in code or from `{PROVIDER}_OAUTH_*`
//!   variables (a toolkit that knows its provider's endpoints gives its own app to the
//!   CLI, which completes it from those variables).
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
//! let provider = OAuthProvider::new(
//!     "examplecorp",
//!     "my-client-id",
//!     "https://auth.example.com/oauth/authorize",
//!     "https://auth.example.com/oauth/token",
//! );
//! let outcome = oauth::login(&provider, true).await?; // prints the URL to stderr
//! eprintln!("{outcome}");
//! println!("{}", oauth::status(&provider)?);
//! # Ok(()) }
//! ```
//!
//! When the provider sends an `id_token`, its claims may add `user_info` entries, such as
//! the account's region (see [`OAuthProvider::with_id_token_user_info`]). The ID token is
//! decoded **without verifying its signature**: it only serves as a hint (for example
//! which API host to call), never for access decisions.

mod cache;
mod error;
mod flow;
mod listener;
mod login;
mod provider;
mod source;

pub use error::OAuthError;
pub use login::{
    LoginOutcome, LoginStatus, PendingLogin, login, logout, open_in_browser, start_login, status,
};
pub use provider::{
    ClientAuth, DEFAULT_REDIRECT_PORT, IdTokenUserInfo, OAuthProvider, id_token_claims,
    providers_from_env, providers_from_vars, providers_from_vars_with,
};
pub use source::OAuthTokenSource;
