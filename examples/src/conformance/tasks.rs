//! The fixtures of the conformance suite's tasks extension scenarios (SEP-2663,
//! `tasks-*`): `greet` (never a task), `slow_compute` (a task when the client supports
//! tasks), `failing_job` (only as a task; a tool error), `protocol_error_job` (a task
//! that panics: a `failed` task), and `confirm_delete` and `multi_input`, tasks that ask
//! the user (`input_required` until the client's `tasks/update`), and
//! `test_tool_with_task`, which asks through `input_required` rounds first and goes on
//! as a task on the last round (`tasks-mrtr-composition`).

use std::time::Duration;

use arcade_tdk::interaction::Elicitation;
use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use schemars::JsonSchema;
use serde::Deserialize;

/// The form of `confirm_delete`.
#[derive(Deserialize, JsonSchema)]
pub struct Confirm {
    /// Whether to delete
    pub confirm: bool,
}

/// The form of `multi_input`.
#[derive(Deserialize, JsonSchema)]
pub struct NameAndConfirm {
    /// A name
    pub name: Option<String>,
    /// Whether to go on
    pub confirm: Option<bool>,
}

fn described<T>(answer: &Elicitation<T>, accepted: impl FnOnce(&T) -> String) -> String {
    match answer {
        Elicitation::Accept(value) => accepted(value),
        Elicitation::Decline => "declined".to_owned(),
        Elicitation::Cancel => "cancelled".to_owned(),
    }
}

/// The form of `test_tool_with_task`.
#[derive(Deserialize, JsonSchema)]
pub struct UserName {
    /// The user's name
    pub name: String,
}

/// Asks for the user's name, then greets them as a task (a task only; the task is
/// created when the name is known, on the last `input_required` round).
#[tool(task_support = "required", defer_task)]
pub async fn test_tool_with_task(context: ToolContext) -> Result<String, ToolError> {
    let answer = context
        .input("user_name")
        .elicit::<UserName>("What is your name?")
        .await?;
    let Elicitation::Accept(user) = answer else {
        return Ok(format!("No name given ({})", answer.action()));
    };
    context.start_task().await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok(format!("Hello, {}! (from the task)", user.name))
}

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

/// Asks the user to confirm deleting `filename` (as a task: `input_required` until the
/// client answers through `tasks/update`).
#[tool(task_support = "optional")]
pub async fn confirm_delete(
    context: ToolContext,
    /// The file to delete
    filename: String,
) -> Result<String, ToolError> {
    let answer = context
        .elicit::<Confirm>(format!("Delete {filename}?"))
        .await?;
    Ok(described(&answer, |c| {
        if c.confirm {
            format!("Deleted {filename}")
        } else {
            format!("Kept {filename}")
        }
    }))
}

/// Asks the user two questions at once (two pending `inputRequests`).
#[tool(task_support = "optional")]
pub async fn multi_input(context: ToolContext) -> Result<String, ToolError> {
    let (first, second) = tokio::join!(
        context
            .input("first")
            .elicit::<NameAndConfirm>("First question"),
        context
            .input("second")
            .elicit::<NameAndConfirm>("Second question"),
    );
    let name = |a: &NameAndConfirm| a.name.clone().unwrap_or_default();
    Ok(format!(
        "first: {}, second: {}",
        described(&first?, name),
        described(&second?, name)
    ))
}

/// `toolkit` with the tasks fixtures.
pub fn add_tools(toolkit: Toolkit) -> Toolkit {
    toolkit
        .tool(greet::tool())
        .tool(slow_compute::tool())
        .tool(failing_job::tool())
        .tool(protocol_error_job::tool())
        .tool(confirm_delete::tool())
        .tool(multi_input::tool())
        .tool(test_tool_with_task::tool())
}
