//! Tokens from the environment, for CI and quick starts.

use std::collections::HashMap;

use futures_util::future::BoxFuture;

use super::TokenSource;
use crate::auth::ToolAuthorization;
use crate::context::{Authorization, TokenKind};
use crate::error::ToolError;

/// The prefix of a provider's variables: `pagerduty` → `PAGERDUTY`,
/// `arcade-pagerduty` → `ARCADE_PAGERDUTY`.
pub(crate) fn var_prefix(provider: &str) -> String {
    provider
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Reads `{PROVIDER}_ACCESS_TOKEN` (an OAuth access token, sent as `Bearer`) and then
/// `{PROVIDER}_API_KEY` (an API key; for PagerDuty sent as `Token token=`), where
/// `{PROVIDER}` is the requirement's provider id upper-cased (`PAGERDUTY`). A
/// requirement by configuration `id` also tries the id's variables.
#[derive(Clone, Default)]
pub struct EnvTokenSource {
    vars: HashMap<String, String>,
}

impl EnvTokenSource {
    /// Reads the process environment (once, now).
    pub fn from_env() -> Self {
        Self::from_vars(std::env::vars())
    }

    /// Reads the given variables (for tests).
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .filter(|(k, v)| {
                    !v.is_empty() && (k.ends_with("_ACCESS_TOKEN") || k.ends_with("_API_KEY"))
                })
                .collect(),
        }
    }

    fn lookup(&self, name: &str) -> Option<Authorization> {
        let prefix = var_prefix(name);
        if let Some(token) = self.vars.get(&format!("{prefix}_ACCESS_TOKEN")) {
            return Some(Authorization::new(token.clone(), TokenKind::OAuth2));
        }
        self.vars
            .get(&format!("{prefix}_API_KEY"))
            .map(|key| Authorization::new(key.clone(), TokenKind::ApiKey))
    }
}

impl std::fmt::Debug for EnvTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvTokenSource")
            .field("variables", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl TokenSource for EnvTokenSource {
    fn name(&self) -> &'static str {
        "env"
    }

    fn token<'a>(
        &'a self,
        requirement: &'a ToolAuthorization,
        _user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>> {
        let found = [
            requirement.provider_id.as_deref(),
            requirement.id.as_deref(),
        ]
        .into_iter()
        .flatten()
        .find_map(|name| self.lookup(name));
        Box::pin(async move { Ok(found) })
    }
}
