//! The fixtures of the conformance suite's tasks extension scenarios (SEP-2663,
//! `tasks-*`): `greet` (never a task), `slow_compute` (a task when the client supports
//! tasks), `failing_job` (only as a task; a tool error) and `protocol_error_job` (a task
//! that panics: a `failed` task).

use std::time::Duration;

use arcade_tdk::{ToolError, Toolkit, tool};

/// Greets `name` at once (never runs as a task).
#[tool]
pub fn greet(
    /// Who to greet
    name: String,
) -> String {
    format!("Hello, {name}!")
}

/// Sleeps `seconds` (at most an hour), then says it is done; runs as a task when the
/// client supports tasks.
#[tool(task_support = "optional")]
pub async fn slow_compute(
    /// How long to work, in seconds
    seconds: f64,
    /// A label echoed in the result
    label: Option<String>,
) -> Result<String, ToolError> {
    if !seconds.is_finite() || !(0.0..=3600.0).contains(&seconds) {
        return Err(ToolError::bad_input("`seconds` must be between 0 and 3600"));
    }
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    Ok(format!(
        "Computed for {seconds}s ({})",
        label.as_deref().unwrap_or("no label")
    ))
}

/// Fails with a tool error after about a second; only runs as a task.
#[tool(task_support = "required")]
pub async fn failing_job() -> Result<String, ToolError> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    Err(ToolError::execution("failing_job always fails"))
}

/// Panics: the task ends `failed` with a JSON-RPC error.
#[tool(task_support = "optional")]
pub async fn protocol_error_job() -> String {
    panic!("protocol_error_job panics on purpose")
}

/// `toolkit` with the tasks fixtures.
pub fn add_tools(toolkit: Toolkit) -> Toolkit {
    toolkit
        .tool(greet::tool())
        .tool(slow_compute::tool())
        .tool(failing_job::tool())
        .tool(protocol_error_job::tool())
}
