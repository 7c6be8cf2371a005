//! How a call's outcome becomes a `CallToolResult`: a value as text and
//! `structuredContent`, a tool error or an unmet requirement with Arcade's fields in
//! `_meta.arcade`.

use super::*;

/// A success: the value as text and `structuredContent` (an object as is, anything else
/// as `{"result": value}`), or MCP content blocks as they are.
pub(super) fn success_result(value: ToolValue) -> CallToolResult {
    match value {
        ToolValue::Json(value) => {
            let value = match value {
                Value::Null => Value::String(String::new()),
                v => v,
            };
            let text = match &value {
                Value::String(s) => s.clone(),
                // Compact JSON, as `Display` prints it, but written straight into the
                // buffer instead of through `fmt::Formatter` (a dynamic call per token).
                v => serde_json::to_string(v).unwrap_or_else(|_| v.to_string()),
            };
            let structured = match value {
                Value::Object(_) => value,
                v => json!({ "result": v }),
            };
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            result.structured_content = Some(structured);
            result
        }
        ToolValue::Content(content) => CallToolResult::success(
            content
                .blocks()
                .iter()
                .filter_map(|block| {
                    serde_json::to_value(block)
                        .and_then(serde_json::from_value::<ContentBlock>)
                        .inspect_err(|err| tracing::error!(%err, "unrepresentable content block"))
                        .ok()
                })
                .collect(),
        ),
    }
}

/// A tool error: `isError` with the message (and what the model should do next) as text
/// and Arcade's error fields in `_meta.arcade`.
pub(super) fn error_result(error: &ToolCallError, options: &McpOptions) -> CallToolResult {
    let mut text = error.message.clone();
    if let Some(more) = &error.additional_prompt_content {
        text.push_str("\n\n");
        text.push_str(more);
    }
    if options.expose_developer_messages
        && let Some(dev) = &error.developer_message
    {
        text.push_str("\n\nDeveloper message: ");
        text.push_str(dev);
    }
    if options.expose_stacktraces
        && let Some(trace) = &error.stacktrace
    {
        text.push_str("\n\nStacktrace: ");
        text.push_str(trace);
    }
    let mut arcade = Map::new();
    arcade.insert("errorKind".into(), json!(error.kind.as_str()));
    arcade.insert("canRetry".into(), json!(error.can_retry));
    if let Some(v) = &error.additional_prompt_content {
        arcade.insert("additionalPromptContent".into(), json!(v));
    }
    if let Some(v) = error.retry_after_ms {
        arcade.insert("retryAfterMs".into(), json!(v));
    }
    if let Some(v) = error.status_code {
        arcade.insert("statusCode".into(), json!(v));
    }
    if options.expose_developer_messages
        && let Some(v) = &error.developer_message
    {
        arcade.insert("developerMessage".into(), json!(v));
    }
    CallToolResult::error(vec![ContentBlock::text(text)]).with_meta(Some(arcade_meta(arcade)))
}

/// A requirement that failed before the tool ran (missing secret, no token): as Arcade's
/// Python server, a message for the user and a JSON text with `llm_instructions` (and
/// `authorization_url` when a token source gave one).
pub(super) fn requirements_result(error: &ToolError) -> CallToolResult {
    let mut instructions = Map::new();
    if let Some(text) = error.additional_prompt_content() {
        instructions.insert("llm_instructions".into(), json!(text));
    }
    if let Some(url) = error.extra().and_then(|e| e.get("authorization_url")) {
        instructions.insert("authorization_url".into(), url.clone());
    }
    let mut content = vec![ContentBlock::text(error.message())];
    if !instructions.is_empty() {
        content.push(ContentBlock::text(Value::Object(instructions).to_string()));
    }
    let mut arcade = Map::new();
    arcade.insert("errorKind".into(), json!(error.kind().as_str()));
    arcade.insert("canRetry".into(), json!(error.can_retry()));
    CallToolResult::error(content).with_meta(Some(arcade_meta(arcade)))
}

fn arcade_meta(arcade: Map<String, Value>) -> MetaObject {
    let mut meta = JsonObject::new();
    meta.insert("arcade".into(), Value::Object(arcade));
    MetaObject(meta)
}
