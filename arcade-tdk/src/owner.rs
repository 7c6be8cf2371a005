//! [`ResourceOwner`]: the person on whose behalf an authenticated HTTP request calls a
//! tool, as the front door (an OAuth 2.1 protected resource, see `serve::auth` with the
//! `mcp` feature) read it from the validated access token.
//!
//! A tool reads it from its context; `context.user_id` is then the owner's `sub`:
//!
//! ```
//! use arcade_tdk::{tool, ResourceOwner, ToolContext, ToolError};
//!
//! /// Say who is calling.
//! #[tool]
//! fn whoami(context: &ToolContext) -> Result<String, ToolError> {
//!     Ok(match context.resource_owner() {
//!         Some(owner) => format!("{} via {}", owner.user_id, owner.issuer),
//!         None => "a local user".to_owned(),
//!     })
//! }
//!
//! let owner = ResourceOwner::new("user-42", "https://auth.example.com")
//!     .with_scopes(["mcp:tools"])
//!     .with_email("ada@example.com");
//! let context = ToolContext::builder().resource_owner(owner).build();
//! assert_eq!(context.user_id.as_deref(), Some("user-42"));
//! assert!(context.resource_owner().unwrap().has_scope("mcp:tools"));
//! ```

use serde_json::{Map, Value};

/// The authenticated caller of a tool: who the access token was issued to and by whom.
/// The token itself is not kept. See the [module docs](self).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ResourceOwner {
    /// The token's `sub` claim: the user id tools run for.
    pub user_id: String,
    /// The OAuth client the token was issued to (`client_id`, else `azp`), when present.
    pub client_id: Option<String>,
    /// The scopes granted (`scope`, space-separated, or `scp`).
    pub scopes: Vec<String>,
    /// The `email` claim, when present.
    pub email: Option<String>,
    /// The token's issuer (`iss`): which authorization server vouched for the user.
    pub issuer: String,
    /// Every claim of the validated token, for advanced uses.
    pub claims: Map<String, Value>,
}

impl ResourceOwner {
    /// An owner with user id `user_id` (the `sub`) vouched for by `issuer`.
    pub fn new(user_id: impl Into<String>, issuer: impl Into<String>) -> Self {
        Self {
            user_id: user_id.into(),
            client_id: None,
            scopes: Vec::new(),
            email: None,
            issuer: issuer.into(),
            claims: Map::new(),
        }
    }

    /// Sets the client id.
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Sets the granted scopes.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the email.
    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets all claims.
    pub fn with_claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims = claims;
        self
    }

    /// Whether `scope` was granted.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}
