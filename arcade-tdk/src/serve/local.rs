//! [`LocalEnvironment`]: what a tool gets when the toolkit runs on the developer's own
//! machine (the MCP servers and the `call` command) rather than behind the Arcade
//! Engine: secrets from the environment and a `.env` file, tokens from a
//! [`TokenChain`] ([`TokenChain::from_vars`] on the same variables: the environment,
//! then your own OAuth app's cached login, then the Arcade Engine when `ARCADE_API_KEY`
//! is set), and the user id from `ARCADE_USER_ID`.
//!
//! ```
//! use arcade_tdk::serve::local::LocalEnvironment;
//!
//! let env = LocalEnvironment::from_vars([("MY_API_KEY", "sk-1234"), ("ARCADE_USER_ID", "dev@example.com")]);
//! assert!(env.has_secret("MY_API_KEY"));
//! assert_eq!(env.user_id(), "dev@example.com");
//! // Debug output names the variables, never their values.
//! assert!(!format!("{env:?}").contains("sk-1234"));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use crate::catalog::CatalogEntry;
use crate::context::ToolContext;
use crate::error::ToolError;
use crate::owner::ResourceOwner;
use crate::token::{EnvTokenSource, TokenChain};

/// Variables never given to tools, even when a tool declares them.
pub const RESERVED_SECRETS: [&str; 2] = ["ARCADE_API_KEY", "ARCADE_WORKER_SECRET"];

/// The user id used when `ARCADE_USER_ID` is not set (as Arcade's Python server does).
pub const ANONYMOUS_USER: &str = "anonymous";

/// Secrets, tokens and user id for running tools locally. See the [module docs](self).
pub struct LocalEnvironment {
    vars: HashMap<String, SecretString>,
    dotenv: Option<PathBuf>,
    tokens: TokenChain,
    user_id: Option<String>,
    metadata: Vec<(String, String)>,
}

impl LocalEnvironment {
    /// The process environment plus the `.env` file found by walking up from the current
    /// directory (see [`LocalEnvironment::from_env_in`]).
    pub fn from_env() -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self::from_env_in(&cwd)
    }

    /// The process environment plus the nearest `.env` file found by walking up from
    /// `dir`, stopping at the first directory that contains a `Cargo.toml` (or at the
    /// root when there is none). Values in `.env` never override real environment
    /// variables.
    pub fn from_env_in(dir: &Path) -> Self {
        Self::from_env_in_with(dir, TokenChain::from_vars)
    }

    /// [`from_env`](Self::from_env), where `apps` (a toolkit's own OAuth apps, see
    /// [`TokenChain::from_vars_with_apps`]) need only `{PROVIDER}_OAUTH_CLIENT_ID`. The
    /// CLI uses it with the apps given to `Cli::oauth_provider`.
    ///
    /// ```
    /// use arcade_tdk::serve::local::LocalEnvironment;
    /// use arcade_tdk::token::OAuthProvider;
    /// let app = OAuthProvider::new("examplecorp", "", "https://auth.example.com/a", "https://auth.example.com/t");
    /// let env = LocalEnvironment::from_env_with_apps(&[app]);
    /// assert_eq!(env.tokens().source_names()[0], "env");
    /// ```
    #[cfg(feature = "oauth")]
    pub fn from_env_with_apps(apps: &[crate::token::OAuthProvider]) -> Self {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self::from_env_in_with(&cwd, |vars| TokenChain::from_vars_with_apps(vars, apps))
    }

    fn from_env_in_with(
        dir: &Path,
        tokens: impl FnOnce(std::vec::IntoIter<(String, String)>) -> TokenChain,
    ) -> Self {
        let dotenv = find_dotenv(dir);
        let mut vars: Vec<(String, String)> = Vec::new();
        if let Some(path) = &dotenv {
            match std::fs::read_to_string(path) {
                Ok(text) => vars.extend(parse_dotenv(&text)),
                Err(err) => {
                    tracing::warn!(path = %path.display(), %err, "could not read the .env file")
                }
            }
        }
        // Real environment variables win over .env lines.
        vars.extend(std::env::vars());
        let tokens = tokens(vars.clone().into_iter());
        let mut env = Self::from_vars(vars).with_tokens(tokens);
        env.dotenv = dotenv;
        env
    }

    /// Exactly these variables (later pairs win), with tokens from the same variables
    /// (only `{PROVIDER}_ACCESS_TOKEN` / `{PROVIDER}_API_KEY`: no OAuth app and no
    /// Arcade Engine; add them with [`with_tokens`](Self::with_tokens)). For tests and
    /// embedding.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let plain: HashMap<String, String> = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let user_id = plain
            .get("ARCADE_USER_ID")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let tokens = TokenChain::new(vec![Box::new(EnvTokenSource::from_vars(
            plain.iter().map(|(k, v)| (k.clone(), v.clone())),
        ))]);
        let vars = plain
            .into_iter()
            .map(|(k, v)| (k, SecretString::from(v)))
            .collect();
        Self {
            vars,
            dotenv: None,
            tokens,
            user_id,
            metadata: Vec::new(),
        }
    }

    /// Adds a variable (a secret tools may declare), replacing any of the same name.
    ///
    /// ```
    /// use arcade_tdk::serve::local::LocalEnvironment;
    /// let env = LocalEnvironment::default().with_var("PAGERDUTY_ROUTING_KEY", "R0UT1NG");
    /// assert!(env.has_secret("PAGERDUTY_ROUTING_KEY"));
    /// ```
    pub fn with_var(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars
            .insert(key.into(), SecretString::from(value.into()));
        self
    }

    /// Adds a metadata entry given to every tool's context (`context.get_metadata`),
    /// e.g. the base URL of a sandbox API.
    ///
    /// ```
    /// use arcade_tdk::serve::local::LocalEnvironment;
    /// let env = LocalEnvironment::default().with_metadata("PAGERDUTY_BASE_URL", "http://127.0.0.1:9");
    /// assert_eq!(env.metadata()[0].0, "PAGERDUTY_BASE_URL");
    /// ```
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = key.into();
        self.metadata.retain(|(k, _)| *k != key);
        self.metadata.push((key, value.into()));
        self
    }

    /// The metadata given to every tool's context.
    pub fn metadata(&self) -> &[(String, String)] {
        &self.metadata
    }

    /// Tells the token sources that the token given for `entry`'s requirement was
    /// rejected upstream (the tool failed with `UPSTREAM_RUNTIME_AUTH_ERROR`), so that
    /// the next call fetches a fresh one. Does nothing for tools without an
    /// authorization requirement. The MCP servers and `call` do this for you.
    pub fn token_rejected(&self, entry: &CatalogEntry) {
        self.token_rejected_for(entry, self.user_id());
    }

    /// [`token_rejected`](Self::token_rejected) for the token given to `user_id` (a
    /// caller the front door authenticated).
    pub fn token_rejected_for(&self, entry: &CatalogEntry, user_id: &str) {
        if let Some(requirement) = &entry.tool().spec().requirements().authorization {
            self.forget_token(Subject::Tool(entry.mcp_name()), requirement, user_id);
        }
    }

    /// Forgets the cached tokens for `requirement` and `user_id`: the upstream
    /// rejected the one `subject` (a tool or a resource) was given.
    pub(crate) fn forget_token(
        &self,
        subject: Subject<'_>,
        requirement: &crate::auth::ToolAuthorization,
        user_id: &str,
    ) {
        tracing::debug!(
            %subject,
            "the upstream rejected the token; forgetting cached tokens"
        );
        self.tokens.invalidate(requirement, user_id);
    }

    /// Replaces the token sources (the default reads `{PROVIDER}_ACCESS_TOKEN` and
    /// `{PROVIDER}_API_KEY` from the same variables as the secrets).
    pub fn with_tokens(mut self, tokens: TokenChain) -> Self {
        self.tokens = tokens;
        self
    }

    /// Sets the user id tools run for (overrides `ARCADE_USER_ID`).
    pub fn with_user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The user id: `ARCADE_USER_ID`, else `"anonymous"`.
    pub fn user_id(&self) -> &str {
        self.user_id.as_deref().unwrap_or(ANONYMOUS_USER)
    }

    /// The `.env` file that was read, if any.
    pub fn dotenv_path(&self) -> Option<&Path> {
        self.dotenv.as_deref()
    }

    /// The token sources.
    pub fn tokens(&self) -> &TokenChain {
        &self.tokens
    }

    /// Whether a non-empty value for `key` is available to tools (exact-case name,
    /// reserved names excepted).
    pub fn has_secret(&self, key: &str) -> bool {
        self.secret(key).is_some()
    }

    /// A variable of the environment or the `.env` file, reserved names included: the
    /// CLI's `auth` commands look for tokens and OAuth apps where `serve` does.
    #[cfg_attr(not(feature = "oauth"), allow(dead_code))]
    pub(crate) fn var(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(|v| v.expose_secret().trim())
            .filter(|v| !v.is_empty())
    }

    fn secret(&self, key: &str) -> Option<&SecretString> {
        if is_reserved(key) {
            return None;
        }
        self.vars.get(key).filter(|v| !v.expose_secret().is_empty())
    }

    /// The secrets `entry` declares that are not available (for a startup warning).
    pub fn missing_secrets<'a>(&self, entry: &'a CatalogEntry) -> Vec<&'a str> {
        entry
            .tool()
            .spec()
            .requirements()
            .secret_keys()
            .filter(|k| !self.has_secret(k))
            .collect()
    }

    /// The context to run `entry` with: only the secrets it declares, the token for its
    /// authorization requirement (from the token chain), and the user id.
    ///
    /// Fails before the tool runs, with [`ToolError::requirements_not_met`] saying which
    /// variable to set, when a declared secret is missing or reserved, or when no token
    /// source has a token.
    pub async fn context_for(&self, entry: &CatalogEntry) -> Result<ToolContext, ToolError> {
        self.context_for_caller(entry, None, true).await
    }

    /// [`context_for`](Self::context_for) on behalf of `owner`, a caller the front door
    /// authenticated: the user id is the owner's `sub`, the owner is in the context,
    /// and the token comes from [`TokenChain::resolve_for_caller`] (only per-user
    /// sources unless `share_developer_tokens`). `None`: the local user, every source.
    pub async fn context_for_caller(
        &self,
        entry: &CatalogEntry,
        owner: Option<&Arc<ResourceOwner>>,
        share_developer_tokens: bool,
    ) -> Result<ToolContext, ToolError> {
        let subject = Subject::Tool(entry.mcp_name());
        let requirements = entry.tool().spec().requirements();
        self.context_for_requirements(subject, requirements, owner, share_developer_tokens)
            .await
    }

    /// [`context_for_caller`](Self::context_for_caller) for what `subject` (a tool or a
    /// resource) requires: the pipeline's one path to a context.
    pub(crate) async fn context_for_requirements(
        &self,
        subject: Subject<'_>,
        requirements: &crate::auth::ToolRequirements,
        owner: Option<&Arc<ResourceOwner>>,
        share_developer_tokens: bool,
    ) -> Result<ToolContext, ToolError> {
        let user_id = owner.map_or(self.user_id(), |o| o.user_id.as_str());
        let mut builder = ToolContext::builder().user_id(user_id);
        for (key, value) in &self.metadata {
            builder = builder.metadata(key, value);
        }
        for key in requirements.secret_keys() {
            if is_reserved(key) {
                let (what, the) = (subject.capitalized(), subject);
                return Err(ToolError::requirements_not_met(
                    format!(
                        "{what} declares the secret {key}, which is reserved and never given to tools."
                    ),
                    format!(
                        "The {the} cannot run: it requires the reserved secret {key}. \
                         The toolkit developer must rename the secret."
                    ),
                ));
            }
            match self.secret(key) {
                Some(value) => builder = builder.secret(key, value.expose_secret()),
                None => return Err(self.missing_secret(subject, key)),
            }
        }
        let mut context = builder.build();
        if let Some(owner) = owner {
            context.set_resource_owner(owner.clone());
        }
        if let Some(requirement) = &requirements.authorization {
            context.authorization = match owner {
                None => self.tokens.resolve(requirement, user_id).await?,
                Some(_) => {
                    self.tokens
                        .resolve_for_caller(requirement, user_id, share_developer_tokens)
                        .await?
                }
            };
        }
        Ok(context)
    }

    fn missing_secret(&self, subject: Subject<'_>, key: &str) -> ToolError {
        let (what, the) = (subject.capitalized(), subject);
        let dotenv = match &self.dotenv {
            Some(path) => format!("Add to {}:", path.display()),
            None => "Add to the .env file:".to_owned(),
        };
        ToolError::requirements_not_met(
            format!(
                "Missing secret: {key}\n\n  {what} requires the secret {key}, which is not set.\n\n  \
                 To fix, either:\n  1. Set environment var:  export {key}=your_value_here\n  \
                 2. {dotenv}  {key}=your_value_here\n\n  Then restart the server."
            ),
            format!(
                "The {the} cannot run because it requires the secret {key}, which is not configured. \
                 Tell the user to set the {key} environment variable, or to add the line `{key}=...` to the \
                 .env file, and then to restart the server."
            ),
        )
    }
}

impl Default for LocalEnvironment {
    fn default() -> Self {
        Self::from_vars(std::iter::empty::<(String, String)>())
    }
}

impl fmt::Debug for LocalEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("LocalEnvironment")
            .field("variables", &names)
            .field("dotenv", &self.dotenv)
            .field("tokens", &self.tokens)
            .field("user_id", &self.user_id())
            .field(
                "metadata",
                &self.metadata.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// What a context is built for, as messages name it: `tool 'Kit_Tool'` or
/// `resource 'kit://x'`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Subject<'a> {
    /// A tool, by its MCP name.
    Tool(&'a str),
    /// A resource, by its URI.
    Resource(&'a str),
}

impl Subject<'_> {
    /// `Tool 'X'` / `Resource 'x'`, to start a sentence.
    fn capitalized(self) -> String {
        match self {
            Self::Tool(name) => format!("Tool '{name}'"),
            Self::Resource(uri) => format!("Resource '{uri}'"),
        }
    }
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tool(name) => write!(f, "tool '{name}'"),
            Self::Resource(uri) => write!(f, "resource '{uri}'"),
        }
    }
}

fn is_reserved(key: &str) -> bool {
    RESERVED_SECRETS.iter().any(|r| r.eq_ignore_ascii_case(key))
}

/// The nearest `.env` walking up from `dir`, not above the first directory that holds a
/// `Cargo.toml`.
fn find_dotenv(dir: &Path) -> Option<PathBuf> {
    for d in dir.ancestors() {
        let candidate = d.join(".env");
        if candidate.is_file() {
            return Some(candidate);
        }
        if d.join("Cargo.toml").is_file() {
            return None;
        }
    }
    None
}

/// A small `.env` parser: `KEY=value` lines, optional `export `, `#` comments, single-
/// or double-quoted values (double quotes understand `\n`, `\"` and `\\`), and trailing
/// ` #` comments after unquoted values.
pub fn parse_dotenv(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let value = value.trim();
        let value = if let Some(rest) = value.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => v.push('\n'),
                        Some('t') => v.push('\t'),
                        Some(other) => v.push(other),
                        None => {}
                    },
                    c => v.push(c),
                }
            }
            v
        } else if let Some(rest) = value.strip_prefix('\'') {
            rest.split('\'').next().unwrap_or_default().to_owned()
        } else {
            match value.find(" #") {
                Some(i) => value[..i].trim_end().to_owned(),
                None => value.to_owned(),
            }
        };
        out.push((key.to_owned(), value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dotenv_lines() {
        let text =
            "# c\nA=1\nexport B = two # note\nC=\"x\\ny\"\nD='single # kept'\nbad line\n=no\n";
        assert_eq!(
            parse_dotenv(text),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "two".into()),
                ("C".into(), "x\ny".into()),
                ("D".into(), "single # kept".into()),
            ]
        );
    }

    #[test]
    fn reserved_secrets_are_never_available() {
        let env = LocalEnvironment::from_vars([("ARCADE_API_KEY", "k"), ("X", "")]);
        assert!(!env.has_secret("ARCADE_API_KEY"));
        assert!(!env.has_secret("X"));
        assert_eq!(env.user_id(), ANONYMOUS_USER);
    }
}
