//! The conformance fixtures of the stateless 2026-07-28 revision's multi-round-trip
//! requests (`input-required-result-*`, SEP-2322) and the `server-stateless` diagnostics
//! (`test_missing_capability`, `test_streaming_elicitation`). Each asks under the key
//! the suite expects ([`ToolContext::input`]); the same tools ask over the session at
//! 2025-11-25.

use arcade_tdk::interaction::{ClientCapability, Elicitation, SamplingRequest};
use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use serde_json::{Map, Value, json};

/// A form of one required field of `ty`.
fn one_field(name: &str, ty: &str) -> Value {
    json!({
        "type": "object",
        "properties": { name: { "type": ty } },
        "required": [name],
    })
}

/// The accepted content, or why there is none.
fn accepted(answer: Elicitation<Map<String, Value>>) -> Result<Map<String, Value>, ToolError> {
    match answer {
        Elicitation::Accept(content) => Ok(content),
        other => Err(ToolError::execution(format!(
            "The user chose {}.",
            other.action()
        ))),
    }
}

fn field(content: &Map<String, Value>, name: &str) -> String {
    match content.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

async fn ask_name(context: &ToolContext, key: &str, message: &str) -> Result<String, ToolError> {
    let content = accepted(
        context
            .input(key)
            .elicit_with_schema(message, one_field("name", "string"))
            .await?,
    )?;
    Ok(field(&content, "name"))
}

/// Asks the user's name (key `user_name`) and greets them.
#[tool]
pub async fn test_input_required_result_elicitation(
    context: ToolContext,
) -> Result<String, ToolError> {
    let name = ask_name(&context, "user_name", "What is your name?").await?;
    Ok(format!("Hello, {name}!"))
}

/// Asks the client's model a question (key `capital_question`).
#[tool]
pub async fn test_input_required_result_sampling(
    context: ToolContext,
) -> Result<String, ToolError> {
    let answer = context
        .input("capital_question")
        .sample(SamplingRequest::new("What is the capital of France?").max_tokens(100))
        .await?;
    Ok(format!(
        "Sampling response: {}",
        answer.text().unwrap_or_default()
    ))
}

/// Lists the client's roots (key `client_roots`).
#[tool]
pub async fn test_input_required_result_list_roots(
    context: ToolContext,
) -> Result<String, ToolError> {
    let roots = context.input("client_roots").list_roots().await?;
    let uris: Vec<String> = roots.into_iter().map(|r| r.uri).collect();
    Ok(format!("Client roots: {}", uris.join(", ")))
}

/// Asks for a confirmation (key `confirm`); the answer comes back with the validated
/// `requestState`.
#[tool]
pub async fn test_input_required_result_request_state(
    context: ToolContext,
) -> Result<String, ToolError> {
    let content = accepted(
        context
            .input("confirm")
            .elicit_with_schema("Please confirm", one_field("ok", "boolean"))
            .await?,
    )?;
    Ok(format!("state-ok: confirmed={}", field(&content, "ok")))
}

/// Asks three things in one round: a name, a greeting from the model, the roots.
#[tool]
pub async fn test_input_required_result_multiple_inputs(
    context: ToolContext,
) -> Result<String, ToolError> {
    let (name, greeting, roots) = tokio::join!(
        ask_name(&context, "user_name", "What is your name?"),
        context
            .input("greeting")
            .sample(SamplingRequest::new("Generate a greeting").max_tokens(50)),
        context.input("client_roots").list_roots(),
    );
    let (name, greeting, roots) = (name?, greeting?, roots?);
    Ok(format!(
        "Name: {name}; greeting: {}; roots: {}",
        greeting.text().unwrap_or_default(),
        roots.len()
    ))
}

/// Asks in two rounds: a name (`step1`), then a color (`step2`).
#[tool]
pub async fn test_input_required_result_multi_round(
    context: ToolContext,
) -> Result<String, ToolError> {
    let name = ask_name(&context, "step1", "Step 1: What is your name?").await?;
    let color = accepted(
        context
            .input("step2")
            .elicit_with_schema(
                "Step 2: What is your favorite color?",
                one_field("color", "string"),
            )
            .await?,
    )?;
    Ok(format!(
        "Hello, {name}! Your favorite color is {}.",
        field(&color, "color")
    ))
}

/// Asks a name under an integrity-protected `requestState`.
#[tool]
pub async fn test_input_required_result_tampered_state(
    context: ToolContext,
) -> Result<String, ToolError> {
    let name = ask_name(&context, "user_name", "What is your name?").await?;
    Ok(format!("Hello, {name}!"))
}

/// Asks only for what the client declared: sampling and/or elicitation.
#[tool]
pub async fn test_input_required_result_capabilities(
    context: ToolContext,
) -> Result<String, ToolError> {
    let mut parts = Vec::new();
    if context.client_supports(ClientCapability::Sampling) {
        let answer = context
            .input("capital_question")
            .sample(SamplingRequest::new("What is the capital of France?").max_tokens(100))
            .await?;
        parts.push(format!("sampling: {}", answer.text().unwrap_or_default()));
    }
    if context.client_supports(ClientCapability::Elicitation) {
        let name = ask_name(&context, "user_name", "What is your name?").await?;
        parts.push(format!("name: {name}"));
    }
    Ok(format!(
        "Asked what the client supports: {}",
        parts.join("; ")
    ))
}

/// Needs sampling, whatever the client declared (the suite checks -32021 when it did
/// not).
#[tool]
pub async fn test_missing_capability(context: ToolContext) -> Result<String, ToolError> {
    let answer = context
        .sample(SamplingRequest::new("Say hello").max_tokens(20))
        .await?;
    Ok(answer.text().unwrap_or_default().to_owned())
}

/// Elicits while the response streams (the suite checks that the stream carries only
/// the `input_required` result, never a request).
#[tool]
pub async fn test_streaming_elicitation(context: ToolContext) -> Result<String, ToolError> {
    let name = ask_name(&context, "user_name", "What is your name?").await?;
    Ok(format!("Hello, {name}!"))
}

/// Adds the `input_required` fixtures to `toolkit`.
pub fn add_tools(toolkit: Toolkit) -> Toolkit {
    toolkit
        .tool(test_input_required_result_elicitation::tool())
        .tool(test_input_required_result_sampling::tool())
        .tool(test_input_required_result_list_roots::tool())
        .tool(test_input_required_result_request_state::tool())
        .tool(test_input_required_result_multiple_inputs::tool())
        .tool(test_input_required_result_multi_round::tool())
        .tool(test_input_required_result_tampered_state::tool())
        .tool(test_input_required_result_capabilities::tool())
        .tool(test_missing_capability::tool())
        .tool(test_streaming_elicitation::tool())
}
