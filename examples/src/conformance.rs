//! The fixture tools of the official MCP conformance suite
//! (`@modelcontextprotocol/conformance`), so that its `tools-call-*` scenarios exercise
//! real tools: each tool returns exactly what the suite's reference servers return.
//!
//! The suite calls tools by fixed names (`test_simple_text`, ...), so this toolkit uses
//! [`ToolNames::Declared`]: its MCP names are the function names rather than
//! Arcade's `Conformance_TestSimpleText`, which `tools/call` still accepts.
//!
//! The fixtures that ask the client (sampling, elicitation) are in [`interaction`], those
//! of 2026-07-28's `input_required` results in [`input_required`], those of the tasks
//! extension in [`tasks`], those about input schemas in [`schema`].

pub mod input_required;
pub mod interaction;
pub mod schema;
pub mod tasks;

use std::time::Duration;

use arcade_tdk::{Content, ToolContent, ToolContext, ToolError, ToolNames, Toolkit, tool};

/// A 1x1 PNG, base64.
pub const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
/// An empty 44.1 kHz mono 16-bit WAV, base64.
pub const WAV_EMPTY: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=";

/// The text of `test_simple_text`.
pub const SIMPLE_TEXT: &str = "This is a simple text response for testing.";
/// The error message of `test_error_handling`.
pub const ERROR_TEXT: &str = "This tool intentionally returns an error for testing";
/// The messages `test_tool_with_logging` logs, in order.
pub const LOG_MESSAGES: [&str; 3] = [
    "Tool execution started",
    "Tool processing data",
    "Tool execution completed",
];

/// The pause between two notifications of the logging and progress tools.
const STEP: Duration = Duration::from_millis(50);

/// Returns simple text content.
#[tool]
pub fn test_simple_text() -> ToolContent {
    ToolContent::new().with(Content::text(SIMPLE_TEXT))
}

/// Returns image content (a 1x1 PNG).
#[tool]
pub fn test_image_content() -> ToolContent {
    ToolContent::new().with(Content::image(PNG_1X1, "image/png"))
}

/// Returns audio content (an empty WAV).
#[tool]
pub fn test_audio_content() -> ToolContent {
    ToolContent::new().with(Content::audio(WAV_EMPTY, "audio/wav"))
}

/// Returns an embedded text resource.
#[tool]
pub fn test_embedded_resource() -> ToolContent {
    ToolContent::new().with(Content::text_resource(
        "test://embedded-resource",
        "text/plain",
        "This is an embedded resource content.",
    ))
}

/// Returns text, an image and an embedded resource.
#[tool]
pub fn test_multiple_content_types() -> ToolContent {
    ToolContent::new()
        .with(Content::text("Multiple content types test:"))
        .with(Content::image(PNG_1X1, "image/png"))
        .with(Content::text_resource(
            "test://mixed-content-resource",
            "application/json",
            r#"{"test":"data","value":123}"#,
        ))
}

/// Sends three info log messages, 50 ms apart.
#[tool]
pub async fn test_tool_with_logging(context: ToolContext) -> ToolContent {
    for (i, message) in LOG_MESSAGES.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(STEP).await;
        }
        context.log().info(message);
    }
    ToolContent::new().with(Content::text("Logging test completed"))
}

/// Sends one info log message (the suite's `server-stateless` scenario checks that it is
/// not sent when the request did not ask for logs).
#[tool]
pub async fn test_logging_tool(context: ToolContext) -> ToolContent {
    context.log().info("test_logging_tool ran");
    ToolContent::new().with(Content::text("Logged one message"))
}

/// Always fails.
#[tool]
pub fn test_error_handling() -> Result<ToolContent, ToolError> {
    Err(ToolError::execution(ERROR_TEXT))
}

/// Reports progress 0, 50 and 100 of 100, 50 ms apart (when the client sent a progress
/// token).
#[tool]
pub async fn test_tool_with_progress(context: ToolContext) -> ToolContent {
    for (i, progress) in [0.0, 50.0, 100.0].into_iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(STEP).await;
        }
        context.progress().report(progress, Some(100.0), None);
    }
    ToolContent::new().with(Content::text("Progress test completed"))
}

/// Closes the SSE stream of its call, waits a little and answers: the client gets the
/// answer by reconnecting with `Last-Event-ID` (the suite's `server-sse-polling`,
/// SEP-1699). Where the call has no stream to close, it answers on the one it has.
#[tool]
pub async fn test_reconnection(context: ToolContext) -> ToolContent {
    let closed = context.close_sse_stream();
    tokio::time::sleep(2 * STEP).await;
    ToolContent::new().with(Content::text(if closed {
        "Reconnection test completed after the stream was closed"
    } else {
        "Reconnection test completed (no stream to close)"
    }))
}

/// The conformance fixture toolkit, named by declared names (`test_simple_text`).
pub fn toolkit() -> Toolkit {
    let toolkit = Toolkit::new("Conformance")
        .description("Fixture tools of the MCP conformance suite")
        .version("1.0.0")
        .tool_names(ToolNames::Declared)
        .tool(test_simple_text::tool())
        .tool(test_image_content::tool())
        .tool(test_audio_content::tool())
        .tool(test_embedded_resource::tool())
        .tool(test_multiple_content_types::tool())
        .tool(test_tool_with_logging::tool())
        .tool(test_logging_tool::tool())
        .tool(test_error_handling::tool())
        .tool(test_tool_with_progress::tool())
        .tool(test_reconnection::tool());
    crate::conformance_surface::with_fixtures(toolkit)
}

/// [`toolkit`] plus the fixtures that ask the client ([`interaction`],
/// [`input_required`]) and those of the tasks extension ([`tasks`]): what the
/// `conformance` example serves.
pub fn full_toolkit() -> Toolkit {
    let toolkit = schema::add_tools(interaction::add_tools(toolkit()));
    tasks::add_tools(input_required::add_tools(toolkit))
}
