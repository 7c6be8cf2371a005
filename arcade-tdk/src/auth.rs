//! What a tool requires: an OAuth provider and scopes ([`ToolAuthorization`]), secrets
//! and metadata keys ([`ToolRequirements`]).
//!
//! Tools declare these in the attribute; `#[tool(requires_auth = OAuth2(provider_id =
//! "arcade-pagerduty", scopes = ["read"]))]` becomes the value below. The JSON is
//! Arcade's `ToolRequirements`.
//!
//! ```
//! use arcade_tdk::auth::ToolAuthorization;
//!
//! let auth = ToolAuthorization::oauth2(Some("arcade-pagerduty"), None, Some(&["read"]));
//! assert_eq!(
//!     serde_json::to_value(&auth).unwrap(),
//!     serde_json::json!({"provider_id": "arcade-pagerduty", "provider_type": "oauth2",
//!                        "id": null, "oauth2": {"scopes": ["read"]}}),
//! );
//! ```

use serde::{Deserialize, Serialize};

/// An OAuth requirement: which provider (by `provider_id`, or by the `id` of a
/// provider configured in the Arcade Engine) and which scopes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ToolAuthorization {
    /// The provider, e.g. `"pagerduty"` or `"arcade-pagerduty"`.
    pub provider_id: Option<String>,
    /// Always `"oauth2"` today.
    pub provider_type: String,
    /// The id of a specific provider configuration in the Arcade Engine.
    pub id: Option<String>,
    /// The OAuth 2.0 details.
    pub oauth2: Option<OAuth2Requirement>,
}

/// The OAuth 2.0 part of a requirement.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OAuth2Requirement {
    /// Scopes to request; `None` when the tool did not say.
    pub scopes: Option<Vec<String>>,
}

impl ToolAuthorization {
    /// An OAuth 2.0 requirement.
    pub fn oauth2(provider_id: Option<&str>, id: Option<&str>, scopes: Option<&[&str]>) -> Self {
        Self {
            provider_id: provider_id.map(str::to_owned),
            provider_type: "oauth2".to_owned(),
            id: id.map(str::to_owned),
            oauth2: Some(OAuth2Requirement {
                scopes: scopes.map(|s| s.iter().map(|&s| s.to_owned()).collect()),
            }),
        }
    }

    /// The scopes requested (empty when none).
    pub fn scopes(&self) -> &[String] {
        self.oauth2
            .as_ref()
            .and_then(|o| o.scopes.as_deref())
            .unwrap_or(&[])
    }

    /// A short name for messages: the provider id, else the configuration id.
    pub fn provider_name(&self) -> &str {
        self.provider_id
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or("oauth2")
    }
}

/// A required secret or metadata key (`{"key": "..."}` on the wire).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Key {
    /// The key.
    pub key: String,
}

/// Everything a tool needs before it can run: Arcade's `ToolRequirements`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolRequirements {
    /// The OAuth requirement, if any.
    pub authorization: Option<ToolAuthorization>,
    /// Secrets (deduplicated case-insensitively, first spelling kept).
    pub secrets: Option<Vec<Key>>,
    /// Metadata keys (lower-cased and deduplicated, as Arcade does).
    pub metadata: Option<Vec<Key>>,
}

impl ToolRequirements {
    /// Builds requirements, normalizing secrets and metadata as Arcade does.
    pub fn new(
        authorization: Option<ToolAuthorization>,
        secrets: &[&str],
        metadata: &[&str],
    ) -> Self {
        let mut secret_keys: Vec<Key> = Vec::new();
        for s in secrets {
            if !secret_keys.iter().any(|k| k.key.eq_ignore_ascii_case(s)) {
                secret_keys.push(Key {
                    key: (*s).to_owned(),
                });
            }
        }
        let mut metadata_keys: Vec<Key> = Vec::new();
        for m in metadata {
            let m = m.to_lowercase();
            if !metadata_keys.iter().any(|k| k.key == m) {
                metadata_keys.push(Key { key: m });
            }
        }
        Self {
            authorization,
            secrets: (!secret_keys.is_empty()).then_some(secret_keys),
            metadata: (!metadata_keys.is_empty()).then_some(metadata_keys),
        }
    }

    /// The declared secret keys.
    pub fn secret_keys(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().flatten().map(|k| k.key.as_str())
    }

    /// Whether nothing is required.
    pub fn is_empty(&self) -> bool {
        self.authorization.is_none() && self.secrets.is_none() && self.metadata.is_none()
    }
}
