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
