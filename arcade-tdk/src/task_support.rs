//! Whether a tool may run as an MCP task ([`TaskSupport`]): Arcade's Python
//! `@tool(execution=ToolExecution(taskSupport=...))`, in Rust
//! `#[tool(task_support = "optional")]` or [`ToolSpec::with_task_support`](crate::ToolSpec::with_task_support).
//!
//! ```
//! use arcade_tdk::{tool, TaskSupport};
//!
//! /// Crunch numbers for a while.
//! #[tool(task_support = "optional")]
//! async fn crunch(
//!     /// How many numbers
//!     count: u32,
//! ) -> u32 {
//!     count
//! }
//!
//! assert_eq!(crunch::tool().spec().task_support(), TaskSupport::Optional);
//! ```

use std::fmt;
use std::str::FromStr;

/// How a tool runs under the MCP tasks extension (`io.modelcontextprotocol/tasks`).
///
/// A client that declared the extension gets a task (`resultType: "task"`, then
/// `tasks/get`) for an [`Optional`](TaskSupport::Optional) or
/// [`Required`](TaskSupport::Required) tool; a client that did not gets a plain result
/// for an optional tool and the error -32021 (missing client capability) for a
/// required one. [`Forbidden`](TaskSupport::Forbidden), the default, always runs the
/// call synchronously.
///
/// ```
/// use arcade_tdk::TaskSupport;
///
/// assert_eq!("required".parse::<TaskSupport>(), Ok(TaskSupport::Required));
/// assert_eq!(TaskSupport::default(), TaskSupport::Forbidden);
/// assert_eq!(TaskSupport::Optional.to_string(), "optional");
/// assert!("sometimes".parse::<TaskSupport>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TaskSupport {
    /// Never a task (MCP's `"forbidden"`, the default).
    #[default]
    Forbidden,
    /// A task when the client supports tasks, else a plain call.
    Optional,
    /// Only as a task: a client without the tasks extension gets an error.
    Required,
}

impl TaskSupport {
    /// The MCP spelling: `forbidden`, `optional` or `required`.
    ///
    /// ```
    /// assert_eq!(arcade_tdk::TaskSupport::Required.as_str(), "required");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::Optional => "optional",
            Self::Required => "required",
        }
    }

    /// Whether the tool may run as a task at all.
    ///
    /// ```
    /// assert!(!arcade_tdk::TaskSupport::Forbidden.allows_task());
    /// ```
    pub fn allows_task(self) -> bool {
        !matches!(self, Self::Forbidden)
    }
}

impl fmt::Display for TaskSupport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`TaskSupport`]: the value was not one of the three words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTaskSupport(pub String);

impl fmt::Display for UnknownTaskSupport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown task support `{}`; expected `forbidden`, `optional` or `required`",
            self.0
        )
    }
}

impl std::error::Error for UnknownTaskSupport {}

impl FromStr for TaskSupport {
    type Err = UnknownTaskSupport;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "forbidden" => Ok(Self::Forbidden),
            "optional" => Ok(Self::Optional),
            "required" => Ok(Self::Required),
            other => Err(UnknownTaskSupport(other.to_owned())),
        }
    }
}

impl crate::context::ToolContext {
    /// Goes on as an MCP task: for a tool declared with `#[tool(defer_task)]`
    /// ([`ToolSpec::with_deferred_task`](crate::ToolSpec::with_deferred_task)), whose call
    /// from a client with the tasks extension runs synchronously first (asking the user
    /// through `input_required` rounds or the session as any call does) and becomes a task
    /// only here. The client then gets its `CreateTaskResult` and the tool runs again from
    /// the start as the task, where the questions it asked before are answered with what
    /// the user answered (they are not asked again) and `start_task` returns `Ok` at once.
    /// What comes before `start_task` must therefore be safe to run twice, as under
    /// `input_required`, where every round runs the tool again.
    ///
    /// Returns `Ok` and the call goes on synchronously where it cannot become a task
    /// (a client without the extension calling an `optional` tool, a tool that does not
    /// defer its task, the worker, tests); the error that ends the synchronous run must be
    /// passed on with `?`.
    ///
    /// ```
    /// use arcade_tdk::interaction::Elicitation;
    /// use arcade_tdk::{tool, ToolContext, ToolError};
    /// use schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// /// Which service to rebuild.
    /// #[derive(Deserialize, JsonSchema)]
    /// struct Target {
    ///     /// The service
    ///     service: String,
    /// }
    ///
    /// /// Asks which service to rebuild, then rebuilds it as a task (minutes).
    /// #[tool(task_support = "required", defer_task)]
    /// async fn rebuild(context: ToolContext) -> Result<String, ToolError> {
    ///     let Elicitation::Accept(target) = context.elicit::<Target>("Rebuild what?").await? else {
    ///         return Ok("nothing rebuilt".into());
    ///     };
    ///     context.start_task().await?;
    ///     Ok(format!("rebuilt {}", target.service))
    /// }
    ///
    /// assert!(rebuild::tool().spec().defers_task());
    /// // Where the call cannot become a task, it goes on synchronously.
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// assert!(ToolContext::default().start_task().await.is_ok());
    /// # });
    /// ```
    pub async fn start_task(&self) -> Result<(), crate::error::ToolError> {
        match self.client_requests() {
            Some(client) => client.start_task(),
            None => Ok(()),
        }
    }
}
