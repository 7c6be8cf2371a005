//! [`ToolContext`]: what the caller gives a tool besides its arguments.
//!
//! The OAuth token (`context.authorization`), the declared secrets and metadata, the
//! user id, and handles to log and report progress to the client. Whoever calls the
//! tool fills it in: the Arcade Engine through the worker protocol, the MCP server
//! from its token sources and environment, or a test.
//!
//! ```
//! use arcade_tdk::{ToolContext, TokenKind};
//!
//! let context = ToolContext::builder()
//!     .token("pd-oauth-token", TokenKind::OAuth2)
//!     .secret("MY_API_KEY", "sk-123")
//!     .metadata("Region", "eu")
//!     .user_id("user@example.com")
//!     .build();
//!
//! assert_eq!(context.authorization.token().unwrap(), "pd-oauth-token");
//! assert_eq!(context.get_secret("my_api_key").unwrap(), "sk-123"); // keys are case-insensitive
//! assert_eq!(context.get_metadata("region").unwrap(), "eu");
//! // Debug output never shows a token or a secret.
//! assert!(!format!("{context:?}").contains("sk-123"));
//! ```

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::error::ToolError;
use crate::owner::ResourceOwner;

/// What kind of credential [`Authorization`] carries, so that toolkits need not guess
/// how to send it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenKind {
    /// An OAuth 2.0 access token, sent as `Authorization: Bearer <token>`.
    #[default]
    OAuth2,
    /// A provider API key (for PagerDuty a REST API key, sent as
    /// `Authorization: Token token=<key>`).
    ApiKey,
}

/// The authorization a tool was called with: the token and what is known of its user.
#[derive(Clone, Default)]
pub struct Authorization {
    token: Option<SecretString>,
    kind: TokenKind,
    user_info: Map<String, Value>,
}

impl Authorization {
    /// An authorization carrying `token` of the given kind.
    pub fn new(token: impl Into<String>, kind: TokenKind) -> Self {
        Self {
            token: Some(SecretString::from(token.into())),
            kind,
            user_info: Map::new(),
        }
    }

    /// Sets what the provider said about the user.
    pub fn with_user_info(mut self, user_info: Map<String, Value>) -> Self {
        self.user_info = user_info;
        self
    }

    /// The token, or an error telling the user that the tool needs authorization.
    ///
    /// ```
    /// # use arcade_tdk::ToolContext;
    /// let context = ToolContext::default();
    /// let err = context.authorization.token().unwrap_err();
    /// assert!(err.message().contains("authorization"));
    /// ```
    pub fn token(&self) -> Result<&str, ToolError> {
        self.token
            .as_ref()
            .map(|t| t.expose_secret())
            .ok_or_else(|| {
                ToolError::requirements_not_met(
                    "This tool requires authorization, but the call carried no token.",
                    "Ask the user to authorize the tool, then call it again.",
                )
            })
    }

    /// The token, if any, without building an error when there is none.
    pub(crate) fn token_if_any(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.expose_secret())
    }

    /// Whether a token is present.
    pub fn has_token(&self) -> bool {
        self.token.is_some()
    }

    /// The kind of token: OAuth access token or API key.
    pub fn token_kind(&self) -> TokenKind {
        self.kind
    }

    /// The value of an HTTP `Authorization` header for this token: `Bearer <token>` for
    /// OAuth tokens and `Token token=<key>` for API keys (PagerDuty's convention).
    pub fn header_value(&self) -> Result<String, ToolError> {
        let token = self.token()?;
        Ok(match self.kind {
            TokenKind::OAuth2 => format!("Bearer {token}"),
            TokenKind::ApiKey => format!("Token token={token}"),
        })
    }

    /// What the provider said about the user (may be empty).
    pub fn user_info(&self) -> &Map<String, Value> {
        &self.user_info
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("kind", &self.kind)
            .field("user_info", &self.user_info)
            .finish()
    }
}

/// The level of a log message sent to the client (MCP's syslog levels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Detailed debugging information.
    Debug,
    /// Normal operation.
    Info,
    /// Normal but significant.
    Notice,
    /// A warning.
    Warning,
    /// An error.
    Error,
    /// A critical condition.
    Critical,
    /// Action must be taken immediately.
    Alert,
    /// The system is unusable.
    Emergency,
}

impl LogLevel {
    /// MCP's name of the level, e.g. `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Notice => "notice",
            Self::Warning => "warning",
            Self::Error => "error",
            Self::Critical => "critical",
            Self::Alert => "alert",
            Self::Emergency => "emergency",
        }
    }
}

/// Where a tool's log messages and progress reports go. The MCP server installs one
/// that sends `notifications/message` and `notifications/progress`; elsewhere there is
/// none and the handles do nothing.
pub trait ContextSink: Send + Sync {
    /// Sends a log message.
    fn log(&self, level: LogLevel, message: &str, data: Option<&Value>);
    /// Reports progress.
    fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>);
    /// Where the tool's requests to the client go (elicitation, sampling, roots), if
    /// the caller can reach a client; none by default. See [`crate::interaction`].
    fn client_requests(&self) -> Option<&dyn crate::interaction::ClientRequests> {
        None
    }
    /// Closes the call's SSE stream, if it has one that can be closed; `false` (the
    /// default) when it has none. See [`ToolContext::close_sse_stream`].
    fn close_sse_stream(&self) -> bool {
        false
    }
}

/// The context a tool is called with. See the [module docs](self).
#[derive(Clone, Default)]
pub struct ToolContext {
    /// The OAuth token (or API key) and user info.
    pub authorization: Authorization,
    /// The id of the user on whose behalf the tool runs, when known.
    pub user_id: Option<String>,
    secrets: Vec<(String, SecretString)>,
    metadata: Vec<(String, String)>,
    sink: Option<Arc<dyn ContextSink>>,
    resource_owner: Option<Arc<ResourceOwner>>,
    /// The resources of the tool's toolkit ([`ToolContext::resources`]).
    pub(crate) resources: Option<Arc<crate::resource::Resources>>,
    /// Where its tool calls go ([`ToolContext::tools`]).
    pub(crate) scope: Option<Arc<dyn crate::calls::CallScope>>,
}

impl ToolContext {
    /// Starts building a context.
    pub fn builder() -> ToolContextBuilder {
        ToolContextBuilder::default()
    }

    /// The token, or `""` when there is none (Python's `get_auth_token_or_empty`).
    pub fn get_auth_token_or_empty(&self) -> &str {
        self.authorization.token_if_any().unwrap_or("")
    }

    /// A secret by key, matched case-insensitively.
    pub fn get_secret(&self, key: &str) -> Result<&str, ToolError> {
        lookup(&self.secrets, key, "Secret").map(|s| s.expose_secret())
    }

    /// A metadata value by key, matched case-insensitively.
    pub fn get_metadata(&self, key: &str) -> Result<&str, ToolError> {
        lookup(&self.metadata, key, "Metadata").map(String::as_str)
    }

    /// Sets (or replaces) a secret.
    pub fn set_secret(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = SecretString::from(value.into());
        match self
            .secrets
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            Some(slot) => slot.1 = value,
            None => self.secrets.push((key, value)),
        }
    }

    /// The values of the secrets, for scrubbing them from error texts.
    pub(crate) fn secret_values(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(|(_, v)| v.expose_secret())
    }

    /// The keys of the secrets present (never their values).
    pub fn secret_keys(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(|(k, _)| k.as_str())
    }

    /// Sets (or replaces) a metadata value.
    pub fn set_metadata(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self
            .metadata
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            Some(slot) => slot.1 = value,
            None => self.metadata.push((key, value)),
        }
    }

    /// The authenticated caller, when the call came through the HTTP server's front
    /// door (OAuth access tokens, see `serve::auth`); `None` for stdio, `call`, the
    /// worker protocol and unauthenticated HTTP. [`ToolContext::user_id`] is then the
    /// owner's `sub`. See [`ResourceOwner`].
    ///
    /// ```
    /// # use arcade_tdk::{ResourceOwner, ToolContext};
    /// assert!(ToolContext::default().resource_owner().is_none());
    /// let context = ToolContext::builder()
    ///     .resource_owner(ResourceOwner::new("user-1", "https://auth.example.com"))
    ///     .build();
    /// assert_eq!(context.resource_owner().unwrap().issuer, "https://auth.example.com");
    /// ```
    pub fn resource_owner(&self) -> Option<&ResourceOwner> {
        self.resource_owner.as_deref()
    }

    /// Sets the authenticated caller and the user id to its `sub` (done by the servers).
    pub fn set_resource_owner(&mut self, owner: Arc<ResourceOwner>) {
        self.user_id = Some(owner.user_id.clone());
        self.resource_owner = Some(owner);
    }

    /// Connects the logging and progress handles to a sink (done by the servers).
    pub fn set_sink(&mut self, sink: Arc<dyn ContextSink>) {
        self.sink = Some(sink);
    }

    /// The context of a tool this one calls, under the Engine's context (the worker):
    /// the same user, metadata and owner, only the secrets `requirements` declare, and
    /// the token only when `token` (the called tool requires the same provider).
    #[cfg(feature = "worker")]
    pub(crate) fn for_nested(
        &self,
        requirements: &crate::auth::ToolRequirements,
        token: bool,
    ) -> ToolContext {
        let secrets = self
            .secrets
            .iter()
            .filter(|(k, _)| {
                requirements
                    .secret_keys()
                    .any(|d| d.eq_ignore_ascii_case(k))
            })
            .cloned()
            .collect();
        ToolContext {
            authorization: if token {
                self.authorization.clone()
            } else {
                Authorization::default()
            },
            user_id: self.user_id.clone(),
            secrets,
            metadata: self.metadata.clone(),
            sink: None,
            resource_owner: self.resource_owner.clone(),
            resources: None,
            scope: None,
        }
    }

    /// The sink, for a nested call that reports to the same client.
    #[cfg(any(feature = "mcp", feature = "worker", feature = "cli"))]
    pub(crate) fn sink(&self) -> Option<Arc<dyn ContextSink>> {
        self.sink.clone()
    }

    /// Where requests to the client go, if anywhere (see [`crate::interaction`]).
    pub(crate) fn client_requests(&self) -> Option<&dyn crate::interaction::ClientRequests> {
        self.sink.as_deref().and_then(|sink| sink.client_requests())
    }

    /// A handle to log messages to the client.
    ///
    /// ```
    /// # let context = arcade_tdk::ToolContext::default();
    /// context.log().info("Fetched 3 incidents");
    /// ```
    pub fn log(&self) -> Log<'_> {
        Log(self.sink.as_deref())
    }

    /// A handle to report progress to the client.
    ///
    /// ```
    /// # let context = arcade_tdk::ToolContext::default();
    /// context.progress().report(1.0, Some(3.0), Some("page 1 of 3"));
    /// ```
    pub fn progress(&self) -> Progress<'_> {
        Progress(self.sink.as_deref())
    }

    /// Closes the SSE stream this call's answer is going out on, keeping the call
    /// running: SSE polling (SEP-1699), for a long call that should not hold a
    /// connection open, or to test a client's reconnection. The client reconnects with
    /// `GET` and `Last-Event-ID` (after the `retry` interval the stream began with, 3
    /// seconds) and gets what the call sends from then on, its result included. The
    /// server keeps that for 60 seconds.
    ///
    /// Only a `tools/call` in a Streamable HTTP session (2025-11-25 clients) has such
    /// a stream; elsewhere (stdio, stateless HTTP, a task, tests) this does nothing and
    /// returns `false`.
    ///
    /// ```
    /// # let context = arcade_tdk::ToolContext::default();
    /// if !context.close_sse_stream() {
    ///     context.log().debug("no stream to close; answering on this one");
    /// }
    /// ```
    pub fn close_sse_stream(&self) -> bool {
        self.sink
            .as_deref()
            .is_some_and(ContextSink::close_sse_stream)
    }
}

fn lookup<'a, V>(entries: &'a [(String, V)], key: &str, what: &str) -> Result<&'a V, ToolError> {
    if key.is_empty() {
        return Err(ToolError::fatal(format!(
            "{what} key passed to the context is empty."
        )));
    }
    entries
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
        .ok_or_else(|| ToolError::fatal(format!("{what} '{key}' not found in context.")))
}

impl fmt::Debug for ToolContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Keys<'a, V>(&'a [(String, V)]);
        impl<V> fmt::Debug for Keys<'_, V> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(self.0.iter().map(|(k, _)| (k, "[redacted]")))
                    .finish()
            }
        }
        f.debug_struct("ToolContext")
            .field("authorization", &self.authorization)
            .field("user_id", &self.user_id)
            .field("secrets", &Keys(&self.secrets))
            .field("metadata", &self.metadata)
            .field("resource_owner", &self.resource_owner)
            .finish_non_exhaustive()
    }
}

/// Builds a [`ToolContext`].
#[derive(Default, Debug)]
pub struct ToolContextBuilder {
    context: ToolContext,
}

impl ToolContextBuilder {
    /// Sets the token.
    pub fn token(mut self, token: impl Into<String>, kind: TokenKind) -> Self {
        let user_info = std::mem::take(&mut self.context.authorization.user_info);
        self.context.authorization = Authorization::new(token, kind).with_user_info(user_info);
        self
    }
    /// Sets the user info of the authorization.
    pub fn user_info(mut self, user_info: Map<String, Value>) -> Self {
        self.context.authorization.user_info = user_info;
        self
    }
    /// Adds a secret.
    pub fn secret(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.context.set_secret(key, value);
        self
    }
    /// Adds a metadata value.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.context.set_metadata(key, value);
        self
    }
    /// Sets the user id.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.context.user_id = Some(user_id.into());
        self
    }
    /// Sets the authenticated caller (and the user id, to its `sub`).
    pub fn resource_owner(mut self, owner: ResourceOwner) -> Self {
        self.context.set_resource_owner(Arc::new(owner));
        self
    }
    /// Connects logging and progress.
    pub fn sink(mut self, sink: Arc<dyn ContextSink>) -> Self {
        self.context.sink = Some(sink);
        self
    }
    /// Finishes the context.
    pub fn build(self) -> ToolContext {
        self.context
    }
}

/// Logs to the client; does nothing where no client listens.
#[derive(Clone, Copy)]
pub struct Log<'a>(Option<&'a dyn ContextSink>);

impl Log<'_> {
    /// Logs at `level`, with optional structured data.
    pub fn log(&self, level: LogLevel, message: &str, data: Option<&Value>) {
        if let Some(sink) = self.0 {
            sink.log(level, message, data);
        }
    }
    /// Logs at debug level.
    pub fn debug(&self, message: &str) {
        self.log(LogLevel::Debug, message, None);
    }
    /// Logs at info level.
    pub fn info(&self, message: &str) {
        self.log(LogLevel::Info, message, None);
    }
    /// Logs at warning level.
    pub fn warning(&self, message: &str) {
        self.log(LogLevel::Warning, message, None);
    }
    /// Logs at error level.
    pub fn error(&self, message: &str) {
        self.log(LogLevel::Error, message, None);
    }
}

/// Reports progress to the client; does nothing where no client asked for progress.
#[derive(Clone, Copy)]
pub struct Progress<'a>(Option<&'a dyn ContextSink>);

impl Progress<'_> {
    /// Reports `progress` (of `total`, when known), with an optional message.
    pub fn report(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        if let Some(sink) = self.0 {
            sink.progress(progress, total, message);
        }
    }
}

/// Arcade's wire form of a context (`ToolCallRequest.context` in the worker protocol).
#[derive(Deserialize, Default)]
struct WireContext {
    #[serde(default)]
    authorization: Option<WireAuthorization>,
    #[serde(default)]
    secrets: Option<Vec<WireEntry>>,
    #[serde(default)]
    metadata: Option<Vec<WireEntry>>,
    #[serde(default)]
    user_id: Option<String>,
}

#[derive(Deserialize)]
struct WireAuthorization {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    user_info: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct WireEntry {
    key: String,
    value: String,
}

impl<'de> Deserialize<'de> for ToolContext {
    /// Reads Arcade's wire form: `{"authorization": {"token", "user_info"}, "secrets":
    /// [{"key", "value"}], "metadata": [...], "user_id"}`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Option::<WireContext>::deserialize(deserializer)?.unwrap_or_default();
        let mut context = ToolContext {
            user_id: wire.user_id,
            ..Default::default()
        };
        if let Some(auth) = wire.authorization {
            context.authorization = Authorization {
                token: auth.token.map(SecretString::from),
                kind: TokenKind::OAuth2,
                user_info: auth.user_info.unwrap_or_default(),
            };
        }
        for e in wire.secrets.into_iter().flatten() {
            context.set_secret(e.key, e.value);
        }
        for e in wire.metadata.into_iter().flatten() {
            context.set_metadata(e.key, e.value);
        }
        Ok(context)
    }
}
