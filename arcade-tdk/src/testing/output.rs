//! [`TestOutput`]: what one [`Harness::call`](super::Harness::call) produced, with
//! assertions that read well in a test, and the sink that captured the tool's logs and
//! progress.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::context::{ContextSink, LogLevel};
use crate::error::ErrorKind;
use crate::executor::{ToolCallError, ToolCallLog, ToolCallOutput};
use crate::redact::Redactor;

/// A message the tool logged through `context.log()`, redacted as a client receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRecord {
    /// The level.
    pub level: LogLevel,
    /// The message.
    pub message: String,
    /// The structured data logged with it, if any.
    pub data: Option<Value>,
}

/// A progress report the tool sent through `context.progress()`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressRecord {
    /// How far along.
    pub progress: f64,
    /// Out of how much, when known.
    pub total: Option<f64>,
    /// The message, redacted.
    pub message: Option<String>,
}

#[derive(Default)]
pub(super) struct Captured {
    pub(super) logs: Vec<LogRecord>,
    pub(super) progress: Vec<ProgressRecord>,
}

/// The [`ContextSink`] of one harness call: every log message (all levels) and every
/// progress report, redacted with the call's [`Redactor`].
pub(super) struct CaptureSink {
    pub(super) captured: Arc<Mutex<Captured>>,
    pub(super) redactor: Arc<Redactor>,
    /// The harness's scripted client.
    pub(super) client: Option<super::ClientScript>,
}

impl CaptureSink {
    fn lock(&self) -> std::sync::MutexGuard<'_, Captured> {
        self.captured.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ContextSink for CaptureSink {
    fn client_requests(&self) -> Option<&dyn crate::interaction::ClientRequests> {
        self.client.as_ref().map(|c| c as _)
    }

    fn log(&self, level: LogLevel, message: &str, data: Option<&Value>) {
        let data = data.map(|d| {
            let mut d = d.clone();
            self.redactor.redact_value(&mut d);
            d
        });
        let message = self.redactor.redact(message);
        self.lock().logs.push(LogRecord {
            level,
            message,
            data,
        });
    }

    fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let message = message.map(|m| self.redactor.redact(m));
        self.lock().progress.push(ProgressRecord {
            progress,
            total,
            message,
        });
    }
}

/// The result of one [`Harness::call`](super::Harness::call): Arcade's
/// [`ToolCallOutput`] plus what the tool logged and reported.
///
/// The accessors panic with a message that shows what happened instead (the error when
/// a value was expected, the value when an error was expected), which is what a failing
/// test should print. They return owned values, so that
/// `let err = harness.call(..).await.error();` works.
///
/// ```
/// use arcade_tdk::testing::Harness;
/// use arcade_tdk::{tool, ErrorKind, ToolContext, ToolError, Toolkit};
/// use serde_json::json;
///
/// /// Greet someone.
/// #[tool]
/// fn greet(
///     context: &ToolContext,
///     /// Who to greet.
///     name: String,
/// ) -> Result<serde_json::Value, ToolError> {
///     context.log().info(&format!("greeting {name}"));
///     if name.is_empty() {
///         return Err(ToolError::retry("Give a name."));
///     }
///     Ok(json!({"greeting": {"text": format!("Hello, {name}!")}}))
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let harness = Harness::new(Toolkit::new("Demo").tool(greet::tool()));
/// let out = harness.call("Greet", json!({"name": "Ada"})).await;
/// assert_eq!(out.field("/greeting/text"), "Hello, Ada!");
/// assert_eq!(out.logs()[0].message, "greeting Ada");
///
/// harness.call("Greet", json!({"name": ""})).await.assert_error_kind(ErrorKind::ToolRuntimeRetry);
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct TestOutput {
    pub(super) tool: String,
    pub(super) output: ToolCallOutput,
    pub(super) unmet: bool,
    pub(super) logs: Vec<LogRecord>,
    pub(super) progress: Vec<ProgressRecord>,
}

impl TestOutput {
    /// Whether the tool succeeded.
    pub fn is_success(&self) -> bool {
        self.output.error.is_none()
    }

    /// The success value. Panics, showing the error, when the call failed.
    pub fn value(&self) -> Value {
        match (&self.output.value, &self.output.error) {
            (Some(value), None) => value.clone(),
            (_, Some(error)) => panic!(
                "expected {} to succeed, but it failed with {}: {}{}",
                self.tool,
                error.kind,
                error.message,
                error
                    .developer_message
                    .as_deref()
                    .map(|d| format!("\n  developer message: {d}"))
                    .unwrap_or_default()
            ),
            (None, None) => panic!("{} returned neither a value nor an error", self.tool),
        }
    }

    /// The error. Panics, showing the value, when the call succeeded.
    pub fn error(&self) -> ToolCallError {
        match &self.output.error {
            Some(error) => error.clone(),
            None => panic!(
                "expected {} to fail, but it succeeded with {}",
                self.tool,
                self.output.value.as_ref().unwrap_or(&Value::Null)
            ),
        }
    }

    /// The part of the success value at `pointer` (a JSON pointer such as
    /// `"/user/email"` or `"/incidents/0/id"`; `""` is the whole value). Panics, showing
    /// the value, when there is nothing there (or the call failed).
    pub fn field(&self, pointer: &str) -> Value {
        let value = self.value();
        match value.pointer(pointer) {
            Some(found) => found.clone(),
            None => panic!(
                "{} returned no field at {pointer:?}; the value is {value}",
                self.tool
            ),
        }
    }

    /// Asserts that the call failed with `kind`; returns the output for more checks.
    pub fn assert_error_kind(&self, kind: ErrorKind) -> &Self {
        let error = self.error();
        assert_eq!(
            error.kind, kind,
            "{} failed with {} instead of {kind}: {}",
            self.tool, error.kind, error.message
        );
        self
    }

    /// Asserts that the call succeeded; returns the output for more checks.
    pub fn assert_success(&self) -> &Self {
        let _ = self.value();
        self
    }

    /// Whether a requirement was not met (a missing secret or token, an authorization to
    /// complete): the tool did not run.
    pub fn requirement_unmet(&self) -> bool {
        self.unmet
    }

    /// The URL the user must open to authorize the tool, when the call failed because an
    /// authorization (through the Arcade Engine) is pending; `None` otherwise.
    pub fn requires_authorization(&self) -> Option<String> {
        let from_output = self
            .output
            .requires_authorization
            .as_ref()
            .and_then(|r| r.get("url").or_else(|| r.get("authorization_url")))
            .and_then(Value::as_str);
        let from_error = self
            .output
            .error
            .as_ref()
            .and_then(|e| e.extra.as_ref())
            .and_then(|x| x.get("authorization_url"))
            .and_then(Value::as_str);
        from_output.or(from_error).map(str::to_owned)
    }

    /// The error's `extra` fields (empty when there are none or the call succeeded).
    pub fn error_extra(&self) -> Map<String, Value> {
        self.output
            .error
            .as_ref()
            .and_then(|e| e.extra.clone())
            .unwrap_or_default()
    }

    /// What the tool logged through `context.log()`, every level, in order.
    pub fn logs(&self) -> &[LogRecord] {
        &self.logs
    }

    /// The progress the tool reported through `context.progress()`, in order.
    pub fn progress(&self) -> &[ProgressRecord] {
        &self.progress
    }

    /// The `logs` of the `ToolCallOutput` (deprecation warnings), not the tool's own
    /// log messages (see [`logs`](Self::logs)).
    pub fn output_logs(&self) -> &[ToolCallLog] {
        self.output.logs.as_deref().unwrap_or_default()
    }

    /// Arcade's `ToolCallOutput`, as the `call` command prints it.
    pub fn output(&self) -> &ToolCallOutput {
        &self.output
    }

    /// The `ToolCallOutput`, owned.
    pub fn into_output(self) -> ToolCallOutput {
        self.output
    }
}
