//! Tool-to-tool calls (`context.tools()`): through the same pipeline as a client's call
//! (the called tool's requirements, redaction, errors), for the same user, at most
//! `MAX_CALL_DEPTH` deep; through the harness and over MCP.
#![cfg(feature = "testing")]

use arcade_tdk::calls::MAX_CALL_DEPTH;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::{Harness, mcp};
use arcade_tdk::{
    Content, ErrorKind, ToolContent, ToolContext, ToolError, ToolValue, Toolkit, tool,
};
use serde_json::{Value, json};

/// Who runs this call, and with which key length.
#[tool(requires_secrets = ["INNER_KEY"])]
fn inner(
    context: &ToolContext,
    /// Whether to fail, quoting the key
    fail: bool,
) -> Result<Value, ToolError> {
    let key = context.get_secret("INNER_KEY")?;
    if fail {
        return Err(ToolError::execution(format!("the upstream refused {key}")));
    }
    context.log().info(&format!("inner used {key}"));
    Ok(json!({"user": context.user_id, "key_len": key.len()}))
}

/// Calls Inner and returns what it said (typed).
#[tool]
async fn outer(
    context: ToolContext,
    /// Passed on to Inner
    fail: bool,
) -> Result<Value, ToolError> {
    context
        .tools()
        .call("Calls.Inner", json!({"fail": fail}))
        .await
}

/// Calls a tool by name with arguments, raw.
#[tool]
async fn relay(
    context: ToolContext,
    /// The tool
    name: String,
    /// Its arguments
    args: Value,
) -> Result<String, ToolError> {
    let args = args.as_object().cloned().unwrap_or_default();
    match context.tools().call_raw(&name, args).await? {
        ToolValue::Json(value) => Ok(format!("json {value}")),
        ToolValue::Content(content) => Ok(format!("content {}", content.to_json())),
    }
}

/// Answers MCP content.
#[tool]
fn picture() -> ToolContent {
    ToolContent::new().with(Content::text("a picture"))
}

/// Calls itself with n + 1 until the depth limit stops it; answers the deepest n.
#[tool]
async fn recurse(
    context: ToolContext,
    /// The depth of this call
    n: u32,
) -> Result<u32, ToolError> {
    match context
        .tools()
        .call::<u32>("Calls.Recurse", json!({"n": n + 1}))
        .await
    {
        Ok(deepest) => Ok(deepest),
        Err(error) if error.message().contains("depth limit") => Ok(n),
        Err(error) => Err(error),
    }
}

fn toolkit() -> Toolkit {
    Toolkit::new("Calls")
        .tool(inner::tool())
        .tool(outer::tool())
        .tool(relay::tool())
        .tool(picture::tool())
        .tool(recurse::tool())
}

#[tokio::test]
async fn a_tool_calls_another_for_the_same_user_with_its_requirements() {
    let harness = Harness::new(toolkit())
        .secret("INNER_KEY", "inner-key-777")
        .user_id("ada");
    let output = harness.call("Calls.Outer", json!({"fail": false})).await;
    assert_eq!(output.value(), json!({"user": "ada", "key_len": 13}));
    // The called tool's log reaches the client, its secret redacted.
    assert!(
        output
            .logs()
            .iter()
            .any(|l| l.message == "inner used [redacted]"),
        "{:?}",
        output.logs()
    );

    // Its error comes back to the caller with its kind, its values redacted.
    let output = harness.call("Calls.Outer", json!({"fail": true})).await;
    let error = output.error();
    assert_eq!(error.kind, ErrorKind::ToolRuntimeFatal);
    assert!(
        error.message.contains("the upstream refused [redacted]"),
        "{error:?}"
    );
    assert!(error.message.contains("tool 'Inner'"), "{error:?}");
    assert!(!format!("{error:?}").contains("inner-key-777"));
}

#[tokio::test]
async fn the_called_tools_requirements_and_arguments_are_checked() {
    let harness = Harness::new(toolkit());
    let output = harness.call("Calls.Outer", json!({"fail": false})).await;
    let error = output.error();
    assert_eq!(error.kind, ErrorKind::ToolRequirementsNotMet, "{error:?}");
    assert!(
        error.message.contains("Missing secret: INNER_KEY"),
        "{error:?}"
    );

    let bad = json!({"name": "Calls.Inner", "args": {"fail": "maybe"}});
    let output = Harness::new(toolkit())
        .secret("INNER_KEY", "k-1234")
        .call("Calls.Relay", bad)
        .await;
    assert_eq!(
        output.error().kind,
        ErrorKind::ToolRuntimeBadInputValue,
        "{:?}",
        output.error()
    );

    let unknown = json!({"name": "Calls.Nope", "args": {}});
    let output = harness.call("Calls.Relay", unknown).await;
    assert!(
        output.error().message.contains("no such tool"),
        "{:?}",
        output.error()
    );
}

#[tokio::test]
async fn call_raw_returns_content_as_is() {
    let harness = Harness::new(toolkit());
    let output = harness
        .call("Calls.Relay", json!({"name": "Calls_Picture", "args": {}}))
        .await;
    let text = output.value();
    assert!(text.as_str().unwrap().starts_with("content "), "{text}");
    assert!(text.as_str().unwrap().contains("a picture"), "{text}");
}

#[tokio::test]
async fn calls_nest_at_most_the_depth_limit() {
    let harness = Harness::new(toolkit());
    let output = harness.call("Calls.Recurse", json!({"n": 1})).await;
    assert_eq!(output.value(), json!(MAX_CALL_DEPTH));
}

#[tokio::test]
async fn over_mcp_too() {
    use arcade_tdk::serve::local::LocalEnvironment;
    use std::sync::Arc;
    let env =
        LocalEnvironment::from_vars([("INNER_KEY", "inner-key-777"), ("ARCADE_USER_ID", "bo")]);
    let options = McpOptions::new("calls", "1.0.0").with_environment(Arc::new(env));
    let client = mcp::connect(toolkit(), options).await;
    let result = client
        .call_tool("Calls_Outer", json!({"fail": false}))
        .await
        .unwrap();
    assert_eq!(result.structured(), &json!({"user": "bo", "key_len": 13}));
    let result = client
        .call_tool("Calls_Recurse", json!({"n": 1}))
        .await
        .unwrap();
    assert_eq!(result.structured()["result"], json!(MAX_CALL_DEPTH));
}

/// Without a server (a context built by hand) a call is a clear error.
#[tokio::test]
async fn a_hand_built_context_cannot_call() {
    let context = ToolContext::default();
    let error = context
        .tools()
        .call::<Value>("Calls.Inner", json!({}))
        .await
        .unwrap_err();
    assert!(
        error.message().contains("not made by a server"),
        "{error:?}"
    );
}
