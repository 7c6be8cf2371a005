//! The Arcade API's request and response bodies.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Where an authorization stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizationStatus {
    /// Not started yet.
    NotStarted,
    /// Waiting for the user to finish at the URL.
    Pending,
    /// Done: the context holds the token.
    Completed,
    /// The user denied it or the provider failed.
    Failed,
    /// A status this client does not know.
    #[serde(other)]
    #[default]
    Unknown,
}

impl AuthorizationStatus {
    /// The wire name, e.g. `"pending"`.
    ///
    /// ```
    /// use arcade_tdk::client::AuthorizationStatus;
    /// assert_eq!(AuthorizationStatus::NotStarted.as_str(), "not_started");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Pending => "pending",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for AuthorizationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer of `POST /v1/auth/authorize`, `GET /v1/auth/status` and
/// `POST /v1/tools/authorize` (arcadepy's `AuthorizationResponse`).
///
/// `url` is present while the authorization is pending, `context` once it completed.
/// `Debug` never shows the token.
///
/// ```
/// use arcade_tdk::client::{AuthorizationResponse, AuthorizationStatus};
///
/// let response: AuthorizationResponse = serde_json::from_value(serde_json::json!({
///     "id": "ac_123", "status": "completed", "provider_id": "pagerduty",
///     "scopes": ["read"], "user_id": "user@example.com",
///     "context": {"token": "pd_access_token", "user_info": {"id": "PABC123"}}
/// })).unwrap();
/// assert_eq!(response.status, AuthorizationStatus::Completed);
/// assert_eq!(response.token(), Some("pd_access_token"));
/// assert!(!format!("{response:?}").contains("pd_access_token"));
/// ```
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AuthorizationResponse {
    /// The authorization id (`ac_...`), for [`status`](super::AuthApi::status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where it stands.
    #[serde(default = "default_status")]
    pub status: AuthorizationStatus,
    /// The URL the user must open, while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// The scopes requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The token and user info, once completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<AuthorizationContext>,
}

fn default_status() -> AuthorizationStatus {
    AuthorizationStatus::Unknown
}

impl AuthorizationResponse {
    /// The token, when the authorization completed.
    pub fn token(&self) -> Option<&str> {
        self.context.as_ref()?.token()
    }

    /// Whether the authorization completed.
    pub fn is_completed(&self) -> bool {
        self.status == AuthorizationStatus::Completed
    }
}

/// What a completed authorization carries: the token and what the provider said about
/// the user. `Debug` never shows the token.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct AuthorizationContext {
    /// The provider's access token.
    #[serde(
        default,
        serialize_with = "ser_secret",
        deserialize_with = "de_secret",
        skip_serializing_if = "Option::is_none"
    )]
    token: Option<SecretString>,
    /// What the provider said about the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_info: Option<Map<String, Value>>,
    /// When the token expires, if the engine says: Unix seconds or an RFC 3339 string.
    /// (The engine documents no such field today; it is read when present.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Value>,
    /// The token's lifetime in seconds, if the engine says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}

impl AuthorizationContext {
    /// A context with `token` (for fakes and tests).
    ///
    /// ```
    /// use arcade_tdk::client::AuthorizationContext;
    /// assert_eq!(AuthorizationContext::with_token("t0k3n").token(), Some("t0k3n"));
    /// ```
    pub fn with_token(token: impl Into<String>) -> Self {
        Self {
            token: Some(SecretString::from(token.into())),
            ..Self::default()
        }
    }

    /// The token.
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.expose_secret())
    }

    /// The expiry as Unix seconds, from `expires_at` (number or RFC 3339) or
    /// `expires_in` counted from `now`.
    pub fn expires_at_unix(&self, now: u64) -> Option<u64> {
        match &self.expires_at {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                    .ok()
                    .and_then(|t| u64::try_from(t.unix_timestamp()).ok())
            }
            _ => None,
        }
        .or_else(|| self.expires_in.map(|s| now.saturating_add(s)))
    }
}

impl fmt::Debug for AuthorizationContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationContext")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("user_info", &self.user_info)
            .field("expires_at", &self.expires_at)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

fn ser_secret<S: Serializer>(v: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(t) => s.serialize_str(t.expose_secret()),
        None => s.serialize_none(),
    }
}

fn de_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(SecretString::from))
}

/// The answer of `POST /v1/tools/execute` (arcadepy's `ExecuteToolResponse`).
///
/// ```
/// use arcade_tdk::client::ExecuteToolResponse;
///
/// let response: ExecuteToolResponse = serde_json::from_value(serde_json::json!({
///     "id": "te_1", "execution_id": "exec_1", "execution_type": "immediate",
///     "finished_at": "2025-01-01T00:00:01Z", "duration": 12.3, "status": "success",
///     "success": true,
///     "output": {"value": {"incidents": []}, "logs": null, "error": null, "authorization": null}
/// })).unwrap();
/// assert_eq!(response.success, Some(true));
/// assert_eq!(response.value().unwrap()["incidents"], serde_json::json!([]));
/// ```
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExecuteToolResponse {
    /// The response id.
    #[serde(default)]
    pub id: Option<String>,
    /// The execution id.
    #[serde(default)]
    pub execution_id: Option<String>,
    /// `"immediate"` or `"scheduled"`.
    #[serde(default)]
    pub execution_type: Option<String>,
    /// When the execution finished.
    #[serde(default)]
    pub finished_at: Option<String>,
    /// How long it took, in milliseconds.
    #[serde(default)]
    pub duration: Option<f64>,
    /// The execution status, e.g. `"success"`.
    #[serde(default)]
    pub status: Option<String>,
    /// When a scheduled execution runs.
    #[serde(default)]
    pub run_at: Option<String>,
    /// Whether the tool succeeded.
    #[serde(default)]
    pub success: Option<bool>,
    /// The tool's output.
    #[serde(default)]
    pub output: Option<ExecuteToolOutput>,
}

impl ExecuteToolResponse {
    /// The tool's value, when it returned one.
    pub fn value(&self) -> Option<&Value> {
        self.output.as_ref()?.value.as_ref()
    }
}

/// The output of an executed tool.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExecuteToolOutput {
    /// The returned value.
    #[serde(default)]
    pub value: Option<Value>,
    /// The error, if the tool failed.
    #[serde(default)]
    pub error: Option<ExecuteToolError>,
    /// Log entries.
    #[serde(default)]
    pub logs: Option<Vec<ExecuteToolLog>>,
    /// The authorization the tool still needs, if it could not run.
    #[serde(default)]
    pub authorization: Option<AuthorizationResponse>,
}

/// A tool's error, as the engine reports it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExecuteToolError {
    /// The message.
    #[serde(default)]
    pub message: String,
    /// Arcade's error kind, e.g. `"TOOL_RUNTIME_FATAL"`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Whether a retry may succeed.
    #[serde(default)]
    pub can_retry: Option<bool>,
    /// Details for the developer.
    #[serde(default)]
    pub developer_message: Option<String>,
    /// Text for the model.
    #[serde(default)]
    pub additional_prompt_content: Option<String>,
    /// When to retry.
    #[serde(default)]
    pub retry_after_ms: Option<u64>,
    /// A stack trace, when requested.
    #[serde(default)]
    pub stacktrace: Option<String>,
    /// The HTTP-like status code.
    #[serde(default)]
    pub status_code: Option<u16>,
    /// Extra fields.
    #[serde(default)]
    pub extra: Option<Map<String, Value>>,
}

/// A log entry of an executed tool.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ExecuteToolLog {
    /// The level.
    #[serde(default)]
    pub level: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: Option<String>,
    /// The subtype, e.g. `"deprecation"`.
    #[serde(default)]
    pub subtype: Option<String>,
}
