//! Prompts that ask the client while they produce their messages
//! (`Prompt::with_context`): over the session at 2025-11-25, and at 2026-07-28 as an
//! `input_required` result of `prompts/get` that the client answers by asking again; a
//! tampered `requestState`, one of another prompt's arguments, and an undeclared
//! capability are refused.

use arcade_tdk::interaction::{ClientRequest, Elicitation};
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::{ClientScript, mcp};
use arcade_tdk::{Content, Prompt, PromptArgument, PromptMessage, Toolkit};
use serde_json::{Value, json};

fn toolkit() -> Toolkit {
    let prompt = Prompt::with_context("briefing", |args, context| async move {
        let schema = json!({"type": "object", "properties": {"topic": {"type": "string"}},
                            "required": ["topic"]});
        let answer = context
            .input("topic")
            .elicit_with_schema("Which topic?", schema)
            .await?;
        let topic = match answer {
            Elicitation::Accept(content) => content["topic"].as_str().unwrap_or("").to_owned(),
            other => format!("nothing ({})", other.action()),
        };
        let tone = args.get("tone").unwrap_or("plain");
        Ok(vec![PromptMessage::user(Content::text(format!(
            "Brief me on {topic}, {tone}."
        )))])
    })
    .argument(PromptArgument::new("tone").description("The tone"));
    Toolkit::new("Brief").prompt(prompt)
}

fn options() -> McpOptions {
    McpOptions::new("brief", "1.0.0")
}

fn params(capabilities: Value, extra: Value) -> Value {
    let mut params = json!({"name": "briefing", "arguments": {"tone": "short"}, "_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": capabilities,
    }});
    if let (Some(params), Value::Object(extra)) = (params.as_object_mut(), extra) {
        params.extend(extra);
    }
    params
}

fn accept(topic: &str) -> Value {
    json!({"action": "accept", "content": {"topic": topic}})
}

#[tokio::test]
async fn at_2026_07_28_the_prompt_asks_through_input_required() {
    let client = mcp::connect(toolkit(), options()).await;
    let first = client
        .request("prompts/get", params(json!({"elicitation": {}}), json!({})))
        .await
        .unwrap();
    assert_eq!(first["resultType"], "input_required", "{first}");
    let request = &first["inputRequests"]["topic"];
    assert_eq!(request["method"], "elicitation/create");
    assert_eq!(request["params"]["message"], "Which topic?");
    assert!(first.get("messages").is_none(), "{first}");
    let state = first["requestState"].as_str().unwrap().to_owned();

    let done = client
        .request(
            "prompts/get",
            params(
                json!({"elicitation": {}}),
                json!({"inputResponses": {"topic": accept("tides")}, "requestState": state}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        done["messages"][0]["content"]["text"],
        "Brief me on tides, short."
    );
    assert!(client.server_requests().is_empty());
}

#[tokio::test]
async fn a_tampered_or_rebound_request_state_is_refused() {
    let client = mcp::connect(toolkit(), options()).await;
    let first = client
        .request("prompts/get", params(json!({"elicitation": {}}), json!({})))
        .await
        .unwrap();
    let state = first["requestState"].as_str().unwrap().to_owned();
    let mut tampered = state.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let err = client
        .request(
            "prompts/get",
            params(
                json!({"elicitation": {}}),
                json!({"requestState": tampered}),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, -32602);
    assert!(err.message.contains("requestState"), "{}", err.message);

    // The state is bound to the prompt's arguments.
    let mut other = params(json!({"elicitation": {}}), json!({"requestState": state}));
    other["arguments"] = json!({"tone": "long"});
    let err = client.request("prompts/get", other).await.unwrap_err();
    assert_eq!(err.code, -32602);
}

#[tokio::test]
async fn an_undeclared_elicitation_capability_is_minus_32021() {
    let client = mcp::connect(toolkit(), options()).await;
    let err = client
        .request("prompts/get", params(json!({}), json!({})))
        .await
        .unwrap_err();
    assert_eq!(err.code, -32021, "{}", err.message);
    assert_eq!(
        err.data.unwrap()["requiredCapabilities"],
        json!({"elicitation": {}})
    );
}

#[tokio::test]
async fn on_a_2025_session_the_prompt_asks_the_client() {
    let script = ClientScript::new().elicitation(Elicitation::Accept(json!({"topic": "ropes"})));
    let client = mcp::connect_with_client(toolkit(), options(), script.clone()).await;
    let result = client
        .request("prompts/get", json!({"name": "briefing", "arguments": {}}))
        .await
        .unwrap();
    assert_eq!(
        result["messages"][0]["content"]["text"],
        "Brief me on ropes, plain."
    );
    let requests = script.requests();
    assert!(
        matches!(&requests[..], [ClientRequest::Elicit(p)] if p["message"] == "Which topic?"),
        "{requests:?}"
    );

    // A client that cannot elicit: the prompt fails with a clear error.
    let client = mcp::connect(toolkit(), options()).await;
    let err = client
        .request("prompts/get", json!({"name": "briefing", "arguments": {}}))
        .await
        .unwrap_err();
    assert!(err.message.contains("elicitation"), "{}", err.message);
}
