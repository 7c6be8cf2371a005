//! Tools that ask the client — elicitation (form and URL), sampling, roots — over the
//! real MCP server (in process) and in the harness: accept, decline, cancel, a client
//! without the capability, a client that never answers, a bad form type, and sessions
//! kept apart.

use std::time::Duration;

use arcade_tdk::interaction::{ClientRequest, Elicitation, SamplingRequest};
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::{ClientScript, Harness, mcp};
use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A contact.
#[derive(Deserialize, JsonSchema)]
struct Contact {
    /// Name
    name: String,
    /// Age, if given
    age: Option<u32>,
    /// Kind of contact
    #[serde(default)]
    kind: Kind,
    /// Tags
    #[serde(default)]
    tags: Vec<Tag>,
}

/// Serialize, so that schemars writes its default into the form.
#[derive(Deserialize, Serialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
enum Kind {
    #[default]
    Person,
    Team,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Tag {
    Vip,
    Oncall,
}

/// Asks for a contact.
#[tool]
async fn ask(context: ToolContext) -> Result<String, ToolError> {
    Ok(match context.elicit::<Contact>("Who?").await? {
        Elicitation::Accept(c) => format!(
            "{} {:?} {} {}",
            c.name,
            c.age,
            matches!(c.kind, Kind::Team),
            c.tags.len()
        ),
        Elicitation::Decline => "declined".into(),
        Elicitation::Cancel => "cancelled".into(),
    })
}

/// Sends the user to a page.
#[tool]
async fn open_page(context: ToolContext) -> Result<String, ToolError> {
    let answer = context
        .elicit_url("Authorize", "https://auth.example.com/start")
        .await?;
    Ok(answer.action().to_owned())
}

/// Asks the model.
#[tool]
async fn summarize(context: ToolContext) -> Result<String, ToolError> {
    let message = context
        .sample(
            SamplingRequest::new("Summarize")
                .system_prompt("Be brief")
                .max_tokens(20),
        )
        .await?;
    Ok(message.text().unwrap_or_default().to_owned())
}

/// Lists roots.
#[tool]
async fn roots(context: ToolContext) -> Result<Vec<String>, ToolError> {
    Ok(context
        .list_roots()
        .await?
        .into_iter()
        .map(|r| r.uri)
        .collect())
}

/// Not a flat form.
#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Nested {
    /// Inner
    inner: Contact,
}

/// Asks with a bad form type.
#[tool]
async fn ask_nested(context: ToolContext) -> Result<String, ToolError> {
    context.elicit::<Nested>("?").await.map(|_| String::new())
}

fn toolkit() -> Toolkit {
    Toolkit::new("Ask")
        .tool(ask::tool())
        .tool(open_page::tool())
        .tool(summarize::tool())
        .tool(roots::tool())
        .tool(ask_nested::tool())
}

fn options() -> McpOptions {
    McpOptions::new("ask", "1.0.0")
}

async fn call(script: &ClientScript, tool: &str) -> (bool, String) {
    let client = mcp::connect_with_client(toolkit(), options(), script.clone()).await;
    let result = client.call_tool(tool, json!({})).await.unwrap();
    (result.is_error(), result.text())
}

#[tokio::test]
async fn accepted_form_reaches_the_tool_with_the_derived_schema() {
    let script = ClientScript::new().elicitation(Elicitation::Accept(
        json!({"name": "Ada", "age": 36, "kind": "team", "tags": ["vip"]}),
    ));
    let (is_error, text) = call(&script, "Ask_Ask").await;
    assert!(!is_error, "{text}");
    assert_eq!(text, "Ada Some(36) true 1");
    let requests = script.requests();
    let ClientRequest::Elicit(params) = &requests[0] else {
        panic!("not an elicitation: {requests:?}")
    };
    assert_eq!(params["message"], "Who?");
    let schema = &params["requestedSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["name"]));
    assert_eq!(schema["properties"]["age"]["type"], "integer");
    assert_eq!(
        schema["properties"]["kind"]["enum"],
        json!(["person", "team"])
    );
    assert_eq!(schema["properties"]["kind"]["default"], "person");
    assert_eq!(
        schema["properties"]["tags"]["items"]["enum"],
        json!(["vip", "oncall"])
    );
}

#[tokio::test]
async fn decline_and_cancel_are_surfaced() {
    let script = ClientScript::new()
        .elicitation(Elicitation::Decline)
        .elicitation(Elicitation::Cancel);
    let client = mcp::connect_with_client(toolkit(), options(), script).await;
    let declined = client.call_tool("Ask_Ask", json!({})).await.unwrap();
    assert_eq!(declined.text(), "declined");
    let cancelled = client.call_tool("Ask_Ask", json!({})).await.unwrap();
    assert_eq!(cancelled.text(), "cancelled");
}

#[tokio::test]
async fn an_answer_that_does_not_fit_the_form_is_a_tool_error() {
    let script = ClientScript::new().elicitation(Elicitation::Accept(json!({"age": "old"})));
    let (is_error, text) = call(&script, "Ask_Ask").await;
    assert!(is_error);
    assert!(text.contains("does not fit the form"), "{text}");
}

#[tokio::test]
async fn a_client_without_the_capability_gets_a_clear_error() {
    let script = ClientScript::new();
    for (tool, what) in [
        ("Ask_Ask", "elicitation"),
        ("Ask_OpenPage", "URL elicitation"),
        ("Ask_Summarize", "sampling"),
        ("Ask_Roots", "roots"),
    ] {
        let (is_error, text) = call(&script, tool).await;
        assert!(is_error, "{tool}: {text}");
        assert!(
            text.contains(&format!("the client does not support {what}")),
            "{tool}: {text}"
        );
    }
    assert!(script.requests().is_empty());
}

#[tokio::test]
async fn a_client_that_never_answers_ends_the_call_at_the_timeout() {
    let script = ClientScript::new().never_answer();
    let options = options().with_client_request_timeout(Duration::from_millis(200));
    let client = mcp::connect_with_client(toolkit(), options, script).await;
    for tool in ["Ask_Ask", "Ask_Summarize", "Ask_Roots"] {
        let result = client.call_tool(tool, json!({})).await.unwrap();
        assert!(result.is_error(), "{tool}");
        assert!(
            result.text().contains("did not answer"),
            "{}",
            result.text()
        );
        assert_eq!(result.arcade_meta()["canRetry"], true);
    }
}

#[tokio::test]
async fn url_mode_sends_the_url_and_an_id() {
    let script = ClientScript::new().elicitation(Elicitation::Accept(json!({})));
    let (is_error, text) = call(&script, "Ask_OpenPage").await;
    assert!(!is_error, "{text}");
    assert_eq!(text, "accept");
    let ClientRequest::Elicit(params) = &script.requests()[0] else {
        panic!("not an elicitation")
    };
    assert_eq!(params["mode"], "url");
    assert_eq!(params["url"], "https://auth.example.com/start");
    assert!(
        params["elicitationId"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
}

#[tokio::test]
async fn sampling_and_roots_over_mcp() {
    let script = ClientScript::new()
        .sampling("Short.")
        .roots(["file:///a", "file:///b"]);
    let (_, text) = call(&script, "Ask_Summarize").await;
    assert_eq!(text, "Short.");
    let client = mcp::connect_with_client(toolkit(), options(), script.clone()).await;
    let result = client.call_tool("Ask_Roots", json!({})).await.unwrap();
    assert_eq!(
        result.structured()["result"],
        json!(["file:///a", "file:///b"])
    );
    let ClientRequest::Sample(params) = &script.requests()[0] else {
        panic!("not a sampling request")
    };
    assert_eq!(params["systemPrompt"], "Be brief");
    assert_eq!(params["maxTokens"], 20);
    assert_eq!(params["messages"][0]["role"], "user");
}

#[tokio::test]
async fn a_type_the_form_cannot_express_is_a_clear_error() {
    let script = ClientScript::new().elicitation(Elicitation::Decline);
    let (is_error, text) = call(&script, "Ask_AskNested").await;
    assert!(is_error);
    assert!(text.contains("`Nested` is not a valid MCP form"), "{text}");
    assert!(text.contains("field `inner`"), "{text}");
    // Nothing was sent.
    assert!(script.requests().is_empty());
}

#[tokio::test]
async fn each_session_gets_its_own_answers() {
    let ada = ClientScript::new().elicitation(Elicitation::Accept(json!({"name": "Ada"})));
    let bob = ClientScript::new().elicitation(Elicitation::Accept(json!({"name": "Bob"})));
    let none = ClientScript::new();
    let a = mcp::connect_with_client(toolkit(), options(), ada.clone()).await;
    let b = mcp::connect_with_client(toolkit(), options(), bob.clone()).await;
    let c = mcp::connect_with_client(toolkit(), options(), none.clone()).await;
    let (ra, rb, rc) = tokio::join!(
        a.call_tool("Ask_Ask", json!({})),
        b.call_tool("Ask_Ask", json!({})),
        c.call_tool("Ask_Ask", json!({})),
    );
    assert!(ra.unwrap().text().starts_with("Ada "));
    assert!(rb.unwrap().text().starts_with("Bob "));
    assert!(rc.unwrap().is_error());
    assert_eq!(ada.requests().len(), 1);
    assert_eq!(bob.requests().len(), 1);
    assert!(none.requests().is_empty());
}

#[tokio::test]
async fn the_harness_answers_from_its_script() {
    let harness = Harness::new(toolkit())
        .answer_elicitation(Elicitation::Accept(
            json!({"name": "Ada", "tags": ["oncall"]}),
        ))
        .answer_elicitation(Elicitation::Cancel)
        .answer_sampling("Done.")
        .roots(["file:///r"]);
    assert_eq!(
        harness.call("Ask", json!({})).await.value(),
        "Ada None false 1"
    );
    assert_eq!(harness.call("Ask", json!({})).await.value(), "cancelled");
    // The script is used up: a further elicitation is an error, not a hang.
    let out = harness.call("Ask", json!({})).await;
    assert!(out.error().message.contains("no scripted answer left"));
    assert_eq!(harness.call("Summarize", json!({})).await.value(), "Done.");
    assert_eq!(
        harness.call("Roots", json!({})).await.value(),
        json!(["file:///r"])
    );
    // The same script over the harness's MCP client.
    let harness = Harness::new(toolkit()).answer_sampling("Via MCP.");
    let client = harness.mcp().await;
    let result = client.call_tool("Ask_Summarize", json!({})).await.unwrap();
    assert_eq!(result.text(), "Via MCP.");
    let _: Value = result.structured().clone();
}
