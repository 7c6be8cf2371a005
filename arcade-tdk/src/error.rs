//! The error model: Arcade's error kinds as Rust values.
//!
//! A tool returns `Result<T, E>` where `E: Into<ToolError>`. [`ToolError`] carries what
//! Arcade's `ToolCallError` carries on the wire (kind, message, developer message,
//! retry hints, upstream status, extra fields); its constructors mirror the Python
//! classes (`RetryableToolError`, `ContextRequiredToolError`, `FatalToolError`,
//! `UpstreamError`, `UpstreamRateLimitError`, `NetworkTransportError`, ...).
//!
//! ```
//! use arcade_tdk::{ErrorKind, ToolError};
//!
//! let err = ToolError::retry("The search matched too many incidents")
//!     .with_additional_prompt_content("Narrow the search with `since`.")
//!     .with_retry_after_ms(1500);
//! assert_eq!(err.kind(), ErrorKind::ToolRuntimeRetry);
//! assert!(err.can_retry());
//!
//! assert_eq!(ToolError::upstream(404, "No such incident").kind(), ErrorKind::UpstreamRuntimeNotFound);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Arcade's `ErrorKind`: what went wrong, in the words the engine and models understand.
///
/// Serialized as Arcade's SCREAMING_SNAKE_CASE names, e.g. `TOOL_RUNTIME_RETRY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A toolkit could not be loaded.
    ToolkitLoadFailed,
    /// A tool's definition is invalid.
    ToolDefinitionBadDefinition,
    /// A tool's input schema is invalid.
    ToolDefinitionBadInputSchema,
    /// A tool's output schema is invalid.
    ToolDefinitionBadOutputSchema,
    /// The arguments did not match the tool's input schema.
    ToolRuntimeBadInputValue,
    /// The tool's result could not be serialized.
    ToolRuntimeBadOutputValue,
    /// The call may succeed if retried (perhaps with other arguments).
    ToolRuntimeRetry,
    /// The tool needs more context from the user or the model.
    ToolRuntimeContextRequired,
    /// The tool failed and retrying will not help.
    ToolRuntimeFatal,
    /// An upstream service rejected the request as malformed (4xx).
    UpstreamRuntimeBadRequest,
    /// An upstream service rejected the credentials (401/403).
    UpstreamRuntimeAuthError,
    /// An upstream resource does not exist (404).
    UpstreamRuntimeNotFound,
    /// An upstream service rejected the request's content (422).
    UpstreamRuntimeValidationError,
    /// An upstream service is rate limiting (429).
    UpstreamRuntimeRateLimit,
    /// An upstream service failed (5xx).
    UpstreamRuntimeServerError,
    /// An upstream failure that fits no other kind.
    UpstreamRuntimeUnmapped,
    /// The network timed out.
    NetworkTransportRuntimeTimeout,
    /// The upstream host could not be reached.
    NetworkTransportRuntimeUnreachable,
    /// Another network failure.
    NetworkTransportRuntimeUnmapped,
    /// The tool's requirements (token, secrets) were not met before it ran.
    ToolRequirementsNotMet,
    /// Anything else.
    Unknown,
}

impl ErrorKind {
    /// The wire name, e.g. `"TOOL_RUNTIME_RETRY"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ToolkitLoadFailed => "TOOLKIT_LOAD_FAILED",
            Self::ToolDefinitionBadDefinition => "TOOL_DEFINITION_BAD_DEFINITION",
            Self::ToolDefinitionBadInputSchema => "TOOL_DEFINITION_BAD_INPUT_SCHEMA",
            Self::ToolDefinitionBadOutputSchema => "TOOL_DEFINITION_BAD_OUTPUT_SCHEMA",
            Self::ToolRuntimeBadInputValue => "TOOL_RUNTIME_BAD_INPUT_VALUE",
            Self::ToolRuntimeBadOutputValue => "TOOL_RUNTIME_BAD_OUTPUT_VALUE",
            Self::ToolRuntimeRetry => "TOOL_RUNTIME_RETRY",
            Self::ToolRuntimeContextRequired => "TOOL_RUNTIME_CONTEXT_REQUIRED",
            Self::ToolRuntimeFatal => "TOOL_RUNTIME_FATAL",
            Self::UpstreamRuntimeBadRequest => "UPSTREAM_RUNTIME_BAD_REQUEST",
            Self::UpstreamRuntimeAuthError => "UPSTREAM_RUNTIME_AUTH_ERROR",
            Self::UpstreamRuntimeNotFound => "UPSTREAM_RUNTIME_NOT_FOUND",
            Self::UpstreamRuntimeValidationError => "UPSTREAM_RUNTIME_VALIDATION_ERROR",
            Self::UpstreamRuntimeRateLimit => "UPSTREAM_RUNTIME_RATE_LIMIT",
            Self::UpstreamRuntimeServerError => "UPSTREAM_RUNTIME_SERVER_ERROR",
            Self::UpstreamRuntimeUnmapped => "UPSTREAM_RUNTIME_UNMAPPED",
            Self::NetworkTransportRuntimeTimeout => "NETWORK_TRANSPORT_RUNTIME_TIMEOUT",
            Self::NetworkTransportRuntimeUnreachable => "NETWORK_TRANSPORT_RUNTIME_UNREACHABLE",
            Self::NetworkTransportRuntimeUnmapped => "NETWORK_TRANSPORT_RUNTIME_UNMAPPED",
            Self::ToolRequirementsNotMet => "TOOL_REQUIREMENTS_NOT_MET",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The kind Arcade gives an upstream HTTP status: 401/403 auth, 404 not found,
    /// 429 rate limit, 5xx server error, other 4xx bad request, anything else unmapped.
    pub fn for_upstream_status(status: u16) -> Self {
        match status {
            401 | 403 => Self::UpstreamRuntimeAuthError,
            404 => Self::UpstreamRuntimeNotFound,
            429 => Self::UpstreamRuntimeRateLimit,
            500.. => Self::UpstreamRuntimeServerError,
            400..=499 => Self::UpstreamRuntimeBadRequest,
            _ => Self::UpstreamRuntimeUnmapped,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of Arcade's Python error classes an error corresponds to. The class name
/// appears in the message prefix of the wire format, so that the Arcade Engine and
/// models see the same text from a Rust tool as from a Python one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    Retryable,
    ContextRequired,
    Fatal,
    Execution,
    Upstream,
    UpstreamRateLimit,
    NetworkTransport,
    Input,
    Output,
    Requirements,
}

impl ErrorClass {
    pub(crate) fn python_name(self) -> &'static str {
        match self {
            Self::Retryable => "RetryableToolError",
            Self::ContextRequired => "ContextRequiredToolError",
            Self::Fatal => "FatalToolError",
            Self::Execution => "ToolExecutionError",
            Self::Upstream => "UpstreamError",
            Self::UpstreamRateLimit => "UpstreamRateLimitError",
            Self::NetworkTransport => "NetworkTransportError",
            Self::Input => "ToolInputError",
            Self::Output => "ToolOutputError",
            Self::Requirements => "ToolRequirementsError",
        }
    }
}

/// Which network failure a [`ToolError::network`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkFailure {
    /// The request timed out.
    Timeout,
    /// The host could not be reached (DNS, refused connection, TLS).
    Unreachable,
    /// Any other transport failure (reset connection, truncated body, ...).
    Other,
}

/// The error a tool returns. Cheap to build, and what every protocol adapter reports.
///
/// Build one with the constructor named after the situation ([`ToolError::retry`],
/// [`ToolError::context_required`], [`ToolError::fatal`], [`ToolError::upstream`],
/// [`ToolError::rate_limited`], [`ToolError::network`], ...) and refine it with the
/// `with_*` methods. `message` is shown to the model; `developer_message` is for logs
/// and, by default, is not sent to MCP clients.
///
/// ```
/// use arcade_tdk::ToolError;
///
/// fn check_limit(limit: u32) -> Result<(), ToolError> {
///     if limit > 100 {
///         return Err(ToolError::retry("limit must be at most 100")
///             .with_additional_prompt_content("Call again with limit <= 100."));
///     }
///     Ok(())
/// }
/// assert!(check_limit(500).is_err());
/// ```
#[derive(Clone, PartialEq)]
pub struct ToolError(Box<Repr>);

/// The fields of a [`ToolError`], boxed so that a `Result<T, ToolError>` stays small.
#[derive(Clone, PartialEq)]
pub(crate) struct Repr {
    pub(crate) class: ErrorClass,
    kind: ErrorKind,
    message: String,
    developer_message: Option<String>,
    can_retry: bool,
    additional_prompt_content: Option<String>,
    retry_after_ms: Option<u64>,
    status_code: Option<u16>,
    extra: Option<Map<String, Value>>,
    pub(crate) stacktrace: Option<String>,
}

impl ToolError {
    fn new(class: ErrorClass, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Repr {
            class,
            kind,
            message: message.into(),
            developer_message: None,
            can_retry: false,
            additional_prompt_content: None,
            retry_after_ms: None,
            status_code: None,
            extra: None,
            stacktrace: None,
        }))
    }

    /// The call may succeed if retried, perhaps with other arguments
    /// (Python's `RetryableToolError`, `TOOL_RUNTIME_RETRY`).
    pub fn retry(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorClass::Retryable, ErrorKind::ToolRuntimeRetry, message);
        e.0.can_retry = true;
        e
    }

    /// The tool needs more information; `additional_prompt_content` tells the model what
    /// to ask for (Python's `ContextRequiredToolError`).
    pub fn context_required(
        message: impl Into<String>,
        additional_prompt_content: impl Into<String>,
    ) -> Self {
        Self::new(
            ErrorClass::ContextRequired,
            ErrorKind::ToolRuntimeContextRequired,
            message,
        )
        .with_additional_prompt_content(additional_prompt_content)
    }

    /// The tool failed and a retry will not help (Python's `FatalToolError`, status 500).
    pub fn fatal(message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorClass::Fatal, ErrorKind::ToolRuntimeFatal, message);
        e.0.status_code = Some(500);
        e
    }

    /// A generic execution failure (Python's `ToolExecutionError`).
    pub fn execution(message: impl Into<String>) -> Self {
        Self::new(ErrorClass::Execution, ErrorKind::ToolRuntimeFatal, message)
    }

    /// An upstream service answered with an error status. The kind follows the status
    /// ([`ErrorKind::for_upstream_status`]); 429 and 5xx can be retried.
    pub fn upstream(status_code: u16, message: impl Into<String>) -> Self {
        let mut e = Self::new(
            ErrorClass::Upstream,
            ErrorKind::for_upstream_status(status_code),
            message,
        );
        e.0.status_code = Some(status_code);
        e.0.can_retry = status_code >= 500 || status_code == 429;
        e
    }

    /// An upstream service is rate limiting; retry after `retry_after_ms`
    /// (Python's `UpstreamRateLimitError`).
    pub fn rate_limited(message: impl Into<String>, retry_after_ms: u64) -> Self {
        let mut e = Self::new(
            ErrorClass::UpstreamRateLimit,
            ErrorKind::UpstreamRuntimeRateLimit,
            message,
        );
        e.0.status_code = Some(429);
        e.0.can_retry = true;
        e.0.retry_after_ms = Some(retry_after_ms);
        e
    }

    /// The network failed before an answer arrived (Python's `NetworkTransportError`).
    pub fn network(failure: NetworkFailure, message: impl Into<String>) -> Self {
        let kind = match failure {
            NetworkFailure::Timeout => ErrorKind::NetworkTransportRuntimeTimeout,
            NetworkFailure::Unreachable => ErrorKind::NetworkTransportRuntimeUnreachable,
            NetworkFailure::Other => ErrorKind::NetworkTransportRuntimeUnmapped,
        };
        let mut e = Self::new(ErrorClass::NetworkTransport, kind, message);
        e.0.can_retry = true;
        e
    }

    /// The arguments were invalid (Python's `ToolInputError`, status 400).
    pub fn bad_input(message: impl Into<String>) -> Self {
        let mut e = Self::new(
            ErrorClass::Input,
            ErrorKind::ToolRuntimeBadInputValue,
            message,
        );
        e.0.status_code = Some(400);
        e
    }

    /// The tool's result could not be serialized (Python's `ToolOutputError`, status 500).
    pub fn bad_output(message: impl Into<String>) -> Self {
        let mut e = Self::new(
            ErrorClass::Output,
            ErrorKind::ToolRuntimeBadOutputValue,
            message,
        );
        e.0.status_code = Some(500);
        e
    }

    /// A requirement (token, secret) was not met, so the tool did not run.
    /// `additional_prompt_content` tells the model what the user must do.
    pub fn requirements_not_met(
        message: impl Into<String>,
        additional_prompt_content: impl Into<String>,
    ) -> Self {
        Self::new(
            ErrorClass::Requirements,
            ErrorKind::ToolRequirementsNotMet,
            message,
        )
        .with_additional_prompt_content(additional_prompt_content)
    }

    /// Adds details for the developer (logs, the worker protocol); hidden from MCP
    /// clients unless the operator opts in.
    pub fn with_developer_message(mut self, message: impl Into<String>) -> Self {
        self.0.developer_message = Some(message.into());
        self
    }

    /// Adds text for the model: what to do next.
    pub fn with_additional_prompt_content(mut self, content: impl Into<String>) -> Self {
        self.0.additional_prompt_content = Some(content.into());
        self
    }

    /// Says when a retry may succeed.
    pub fn with_retry_after_ms(mut self, retry_after_ms: u64) -> Self {
        self.0.retry_after_ms = Some(retry_after_ms);
        self
    }

    /// Sets the HTTP-like status code reported with the error.
    pub fn with_status_code(mut self, status_code: u16) -> Self {
        self.0.status_code = Some(status_code);
        self
    }

    /// Adds a JSON field to the error's `extra` object.
    pub fn with_extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0
            .extra
            .get_or_insert_with(Map::new)
            .insert(key.into(), value.into());
        self
    }

    /// Overrides whether the caller may retry.
    pub fn with_can_retry(mut self, can_retry: bool) -> Self {
        self.0.can_retry = can_retry;
        self
    }

    /// What went wrong, as Arcade's kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The message for the model and the user.
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// Details for the developer.
    pub fn developer_message(&self) -> Option<&str> {
        self.0.developer_message.as_deref()
    }
    /// Whether retrying may succeed.
    pub fn can_retry(&self) -> bool {
        self.0.can_retry
    }
    /// Text for the model: what to do next.
    pub fn additional_prompt_content(&self) -> Option<&str> {
        self.0.additional_prompt_content.as_deref()
    }
    /// When a retry may succeed, in milliseconds.
    pub fn retry_after_ms(&self) -> Option<u64> {
        self.0.retry_after_ms
    }
    /// The HTTP-like status code.
    pub fn status_code(&self) -> Option<u16> {
        self.0.status_code
    }
    /// Extra JSON fields.
    pub fn extra(&self) -> Option<&Map<String, Value>> {
        self.0.extra.as_ref()
    }
    /// Where the failure came from, when known.
    pub(crate) fn stacktrace(&self) -> Option<&str> {
        self.0.stacktrace.as_deref()
    }

    /// The error a tool's wire error stands for (a nested call's, handed back to the
    /// calling tool): the same kind and fields; the message keeps the prefix that names
    /// the tool that raised it.
    #[cfg(any(feature = "mcp", feature = "worker", feature = "cli"))]
    pub(crate) fn from_call_error(error: &crate::executor::ToolCallError) -> Self {
        let class = match error.kind {
            ErrorKind::ToolRuntimeRetry => ErrorClass::Retryable,
            ErrorKind::ToolRuntimeContextRequired => ErrorClass::ContextRequired,
            ErrorKind::ToolRuntimeFatal => ErrorClass::Fatal,
            ErrorKind::ToolRuntimeBadInputValue => ErrorClass::Input,
            ErrorKind::ToolRuntimeBadOutputValue => ErrorClass::Output,
            ErrorKind::ToolRequirementsNotMet => ErrorClass::Requirements,
            ErrorKind::UpstreamRuntimeRateLimit => ErrorClass::UpstreamRateLimit,
            ErrorKind::NetworkTransportRuntimeTimeout
            | ErrorKind::NetworkTransportRuntimeUnreachable
            | ErrorKind::NetworkTransportRuntimeUnmapped => ErrorClass::NetworkTransport,
            kind if kind.as_str().starts_with("UPSTREAM_") => ErrorClass::Upstream,
            _ => ErrorClass::Execution,
        };
        let mut e = Self::new(class, error.kind, error.message.clone());
        e.0.developer_message = error.developer_message.clone();
        e.0.can_retry = error.can_retry;
        e.0.additional_prompt_content = error.additional_prompt_content.clone();
        e.0.retry_after_ms = error.retry_after_ms;
        e.0.status_code = error.status_code;
        e.0.extra = error.extra.clone();
        e.0.stacktrace = error.stacktrace.clone();
        e
    }

    /// Python's class name for this error, used in the wire message prefix.
    pub fn class_name(&self) -> &'static str {
        self.0.class.python_name()
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.kind, self.0.message)
    }
}

impl fmt::Debug for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolError")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("developer_message", &self.0.developer_message)
            .field("can_retry", &self.0.can_retry)
            .field(
                "additional_prompt_content",
                &self.0.additional_prompt_content,
            )
            .field("retry_after_ms", &self.0.retry_after_ms)
            .field("status_code", &self.0.status_code)
            .field("extra", &self.0.extra)
            .finish()
    }
}

impl std::error::Error for ToolError {}

impl From<serde_json::Error> for ToolError {
    /// A JSON failure inside a tool is fatal; its text goes to the developer message
    /// only, since it may quote the data.
    fn from(err: serde_json::Error) -> Self {
        ToolError::fatal("The tool failed to process JSON data.")
            .with_developer_message(format!("serde_json: {err}"))
    }
}

impl From<std::io::Error> for ToolError {
    fn from(err: std::io::Error) -> Self {
        ToolError::fatal(format!("An I/O error occurred ({}).", err.kind()))
            .with_developer_message(format!("io: {err}"))
    }
}
