//! Tools that ask the client under the stateless 2026-07-28 revision: the call answers
//! with an `input_required` result, the client retries with `inputResponses` and the
//! sealed `requestState`; a tampered, foreign or expired state is refused, and a
//! capability the request did not declare is -32021.

use std::time::Duration;

use arcade_tdk::interaction::{Elicitation, SamplingRequest};
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::mcp::{self, McpTestClient};
use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use serde_json::{Value, json};

/// Asks a name, then a color.
#[tool]
async fn two_steps(context: ToolContext) -> Result<String, ToolError> {
    let schema = |field: &str| json!({"type": "object", "properties": {field: {"type": "string"}}, "required": [field]});
    let Elicitation::Accept(name) = context
        .input("name")
        .elicit_with_schema("Name?", schema("name"))
        .await?
    else {
        return Ok("no name".into());
    };
    let Elicitation::Accept(color) = context
        .elicit_with_schema("Color?", schema("color"))
        .await?
    else {
        return Ok("no color".into());
    };
    Ok(format!("{} likes {}", name["name"], color["color"]))
}

/// Needs sampling.
#[tool]
async fn needs_sampling(context: ToolContext) -> Result<String, ToolError> {
    let message = context.sample(SamplingRequest::new("Hi")).await?;
    Ok(message.text().unwrap_or_default().to_owned())
}

fn toolkit() -> Toolkit {
    Toolkit::new("Mrtr")
        .tool(two_steps::tool())
        .tool(needs_sampling::tool())
}

fn meta(capabilities: Value) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": capabilities,
    })
}

async fn call(client: &McpTestClient, name: &str, extra: Value) -> Result<Value, mcp::RpcError> {
    let mut params =
        json!({"name": name, "arguments": {}, "_meta": meta(json!({"elicitation": {}}))});
    if let (Some(params), Value::Object(extra)) = (params.as_object_mut(), extra) {
        params.extend(extra);
    }
    client.request("tools/call", params).await
}

fn accept(field: &str, value: &str) -> Value {
    json!({"action": "accept", "content": {field: value}})
}

#[tokio::test]
async fn two_rounds_then_the_result() {
    let client = mcp::connect(toolkit(), McpOptions::new("mrtr", "1.0.0")).await;
    let first = call(&client, "Mrtr_TwoSteps", json!({})).await.unwrap();
    assert_eq!(first["resultType"], "input_required");
    assert_eq!(
        first["inputRequests"]["name"]["method"],
        "elicitation/create"
    );
    assert_eq!(first["inputRequests"]["name"]["params"]["message"], "Name?");
    let state = first["requestState"].as_str().unwrap().to_owned();

    // Round 2: the name is replayed, the color (auto key) is asked.
    let second = call(
        &client,
        "Mrtr_TwoSteps",
        json!({"inputResponses": {"name": accept("name", "Ada")}, "requestState": state}),
    )
    .await
    .unwrap();
    assert_eq!(second["resultType"], "input_required");
    let (key, request) = second["inputRequests"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .unwrap();
    assert_eq!(request["params"]["message"], "Color?");
    let state = second["requestState"].as_str().unwrap().to_owned();

    let done = call(
        &client,
        "Mrtr_TwoSteps",
        json!({"inputResponses": {key: accept("color", "teal")}, "requestState": state}),
    )
    .await
    .unwrap();
    assert_eq!(done["content"][0]["text"], "\"Ada\" likes \"teal\"");
}

#[tokio::test]
async fn a_tampered_or_foreign_request_state_is_refused() {
    let client = mcp::connect(toolkit(), McpOptions::new("mrtr", "1.0.0")).await;
    let first = call(&client, "Mrtr_TwoSteps", json!({})).await.unwrap();
    let state = first["requestState"].as_str().unwrap().to_owned();
    let answers = json!({"name": accept("name", "Ada")});

    let mut tampered = state.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let err = call(
        &client,
        "Mrtr_TwoSteps",
        json!({"inputResponses": answers, "requestState": tampered}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, -32602);
    assert!(err.message.contains("requestState"), "{}", err.message);

    // The state of one call does not open for other arguments.
    let mut params = json!({"name": "Mrtr_TwoSteps", "arguments": {"x": 1},
        "_meta": meta(json!({"elicitation": {}})), "inputResponses": answers, "requestState": state});
    params["arguments"] = json!({"x": 1});
    let err = client.request("tools/call", params).await.unwrap_err();
    assert_eq!(err.code, -32602);
}

#[tokio::test]
async fn an_expired_request_state_is_refused() {
    let options = McpOptions::new("mrtr", "1.0.0").with_request_state_ttl(Duration::from_millis(1));
    let client = mcp::connect(toolkit(), options).await;
    let first = call(&client, "Mrtr_TwoSteps", json!({})).await.unwrap();
    let state = first["requestState"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let err = call(
        &client,
        "Mrtr_TwoSteps",
        json!({"inputResponses": {"name": accept("name", "Ada")}, "requestState": state}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, -32602);
    assert!(err.message.contains("expired"), "{}", err.message);
}

#[tokio::test]
async fn an_undeclared_capability_is_minus_32021() {
    let client = mcp::connect(toolkit(), McpOptions::new("mrtr", "1.0.0")).await;
    let err = call(&client, "Mrtr_NeedsSampling", json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code, -32021);
    assert_eq!(
        err.data.unwrap()["requiredCapabilities"],
        json!({"sampling": {}})
    );
    // Declared: an input request, never a server-to-client request.
    let mut params = json!({"name": "Mrtr_NeedsSampling", "arguments": {}, "_meta": meta(json!({"sampling": {}}))});
    let result = client.request("tools/call", params.take()).await.unwrap();
    assert_eq!(result["resultType"], "input_required");
    assert_eq!(
        result["inputRequests"]["sample-0"]["method"],
        "sampling/createMessage"
    );
    assert!(client.server_requests().is_empty());
}

#[tokio::test]
async fn malformed_answers_are_asked_again() {
    let client = mcp::connect(toolkit(), McpOptions::new("mrtr", "1.0.0")).await;
    let again = call(
        &client,
        "Mrtr_TwoSteps",
        json!({"inputResponses": {"name": "not an object", "other": {"action": "accept"}}}),
    )
    .await
    .unwrap();
    assert_eq!(again["resultType"], "input_required");
    assert!(again["inputRequests"]["name"].is_object());
}
