//! `arcade_tdk::testing`: the harness goes through the real pipeline (requirement
//! errors as users see them, validation, redaction), captures logs and progress; the
//! in-process MCP client sees what an MCP client sees; the fake engine answers per user.
#![cfg(feature = "testing")]

use std::sync::Arc;

use arcade_tdk::client::AuthorizationStatus;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::serve::pipeline::Pipeline;
use arcade_tdk::testing::{FakeEngine, Harness, mcp};
use arcade_tdk::{Catalog, ErrorKind, LogLevel, TokenKind, ToolContext, ToolError, Toolkit, tool};
use serde_json::json;

const SECRET: &str = "sk_harness_secret_0042";
const TOKEN: &str = "tok_harness_token_0043";

/// Reports what it was given, logging and reporting progress on the way.
#[tool(requires_auth = PagerDuty(scopes = ["read"]), requires_secrets = ["MY_API_KEY"])]
async fn whoami(
    context: ToolContext,
    /// How loud.
    volume: Option<u8>,
) -> Result<serde_json::Value, ToolError> {
    let token = context.authorization.token()?.to_owned();
    let key = context.get_secret("MY_API_KEY")?.to_owned();
    context.log().warning(&format!("token {token}"));
    context
        .log()
        .log(LogLevel::Debug, "data", Some(&json!({"key": key})));
    context.progress().report(1.0, Some(2.0), Some("half"));
    context.progress().report(2.0, Some(2.0), None);
    Ok(json!({
        "name": "Ada",
        "volume": volume,
        "kind": format!("{:?}", context.authorization.token_kind()),
        "header": context.authorization.header_value()?.replace(&token, "T"),
        "user": context.user_id,
        "region": context.get_metadata("region").ok(),
    }))
}

/// Fails with the secret in its message.
#[tool(requires_secrets = ["MY_API_KEY"])]
fn leaky(context: &ToolContext) -> Result<String, ToolError> {
    Err(ToolError::execution(format!(
        "refused {}",
        context.get_secret("MY_API_KEY")?
    )))
}

fn toolkit() -> Toolkit {
    Toolkit::new("Kit").tool(whoami::tool()).tool(leaky::tool())
}

fn full() -> Harness {
    Harness::new(toolkit())
        .token(TOKEN)
        .secret("MY_API_KEY", SECRET)
        .metadata("region", "eu")
        .user_id("ada@example.com")
}

#[tokio::test]
async fn a_call_gets_token_secret_metadata_user_and_captures_logs_and_progress() {
    let out = full().call("Whoami", json!({"volume": "3"})).await;
    assert_eq!(out.value()["name"], "Ada");
    assert_eq!(out.field("/volume"), 3, "coerced as Arcade does");
    assert_eq!(out.field("/kind"), "OAuth2");
    assert_eq!(out.field("/header"), "Bearer T");
    assert_eq!(out.field("/user"), "ada@example.com");
    assert_eq!(out.field("/region"), "eu");
    // Every level is captured, redacted as a client would receive it.
    assert_eq!(out.logs().len(), 2);
    assert_eq!(out.logs()[0].level, LogLevel::Warning);
    assert_eq!(out.logs()[0].message, "token [redacted]");
    assert_eq!(out.logs()[1].data, Some(json!({"key": "[redacted]"})));
    assert_eq!(out.progress().len(), 2);
    assert_eq!(out.progress()[0].message.as_deref(), Some("half"));
    assert_eq!(out.progress()[1].total, Some(2.0));
}

#[tokio::test]
async fn names_resolve_every_way() {
    let harness = full();
    for name in ["Whoami", "whoami", "Kit.Whoami", "Kit_Whoami"] {
        harness.call(name, json!(null)).await.assert_success();
    }
}

#[tokio::test]
#[should_panic(expected = "no tool named \"Nope\"")]
async fn an_unknown_tool_is_a_clear_panic() {
    full().call("Nope", json!({})).await;
}

#[tokio::test]
async fn the_token_kind_is_selectable() {
    let out = full()
        .token_kind(TokenKind::ApiKey)
        .call("Whoami", json!({}))
        .await;
    assert_eq!(out.field("/kind"), "ApiKey");
    assert_eq!(out.field("/header"), "Token token=T");
}

#[tokio::test]
async fn requirement_errors_are_the_pipelines() {
    // What a user of `serve` or `call` sees without the secret, and without the token.
    let catalog = Catalog::new(toolkit()).unwrap();
    let entry = catalog.get("Kit.Whoami").unwrap();
    let env = LocalEnvironment::from_vars::<&str, &str>([]).with_var("MY_API_KEY", SECRET);
    let no_token = Pipeline::new(Arc::new(env))
        .call(entry, Default::default(), |_| None)
        .await
        .into_output();
    let no_secret = Pipeline::new(Arc::new(LocalEnvironment::default()))
        .call(entry, Default::default(), |_| None)
        .await
        .into_output();

    let out = Harness::new(toolkit())
        .secret("MY_API_KEY", SECRET)
        .call("Whoami", json!({}))
        .await;
    out.assert_error_kind(ErrorKind::ToolRequirementsNotMet);
    assert!(out.requirement_unmet());
    assert_eq!(out.output(), &no_token);

    let out = Harness::new(toolkit())
        .token(TOKEN)
        .call("Whoami", json!({}))
        .await;
    assert_eq!(out.error(), no_secret.error.unwrap());
    assert!(out.error().message.contains("MY_API_KEY"));
    assert!(out.logs().is_empty(), "the tool did not run");
}

#[tokio::test]
async fn validation_and_redaction_apply() {
    let out = full().call("Whoami", json!({"volume": "loud"})).await;
    out.assert_error_kind(ErrorKind::ToolRuntimeBadInputValue);
    assert!(!out.requirement_unmet());

    let err = full().call("Leaky", json!({})).await.error();
    assert_eq!(err.kind, ErrorKind::ToolRuntimeFatal);
    assert!(
        err.message.ends_with("refused [redacted]"),
        "{}",
        err.message
    );
}

#[tokio::test]
#[should_panic(expected = "expected Kit.Leaky to succeed, but it failed with TOOL_RUNTIME_FATAL")]
async fn value_on_an_error_shows_the_error() {
    full().call("Leaky", json!({})).await.value();
}

#[tokio::test]
#[should_panic(expected = "returned no field at \"/missing\"")]
async fn a_missing_field_shows_the_value() {
    full().call("Whoami", json!({})).await.field("/missing");
}

#[tokio::test]
async fn the_mcp_client_sees_the_server() {
    let client = full().mcp().await;
    assert_eq!(client.server_info()["serverInfo"]["name"], "Kit");
    let names: Vec<_> = client
        .list_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Kit_Leaky", "Kit_Whoami"]);
    assert!(client.list_resources().await.unwrap().is_empty());
    assert!(client.list_prompts().await.unwrap().is_empty());

    let result = client
        .call_tool_with_progress("Kit_Whoami", json!({"volume": 1}), "p1")
        .await
        .unwrap();
    assert!(!result.is_error(), "{:?}", result);
    assert_eq!(result.structured()["name"], "Ada");
    // The warning reached the client (the debug line is below the default level).
    let logs = client.notifications_named("notifications/message");
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["data"]["msg"], "token [redacted]");
    let progress = client.notifications_named("notifications/progress");
    assert_eq!(progress.len(), 2);
    assert_eq!(progress[0]["progressToken"], "p1");

    let failed = client.call_tool("Kit_Leaky", json!({})).await.unwrap();
    assert!(failed.is_error());
    assert_eq!(failed.arcade_meta()["errorKind"], "TOOL_RUNTIME_FATAL");
    assert!(!failed.text().contains(SECRET));

    let unknown = client.call_tool("Kit_Nope", json!({})).await.unwrap_err();
    assert_eq!(unknown.code, -32602);
    assert_eq!(unknown.message, "Unknown tool: Kit_Nope");
    let raw = client.request("ping", json!({})).await.unwrap();
    assert_eq!(raw, json!({}));
}

#[tokio::test]
async fn connect_without_an_environment_gives_no_credentials() {
    let client = mcp::connect(toolkit(), McpOptions::new("bare", "0.0.1")).await;
    let result = client.call_tool("Kit_Whoami", json!({})).await.unwrap();
    assert!(result.is_error());
    assert!(result.text().contains("MY_API_KEY"), "{}", result.text());
}

#[tokio::test]
async fn the_fake_engine_answers_per_user() {
    let engine = FakeEngine::start().await;
    let harness = |user: &str| {
        Harness::new(toolkit())
            .secret("MY_API_KEY", SECRET)
            .arcade_engine(&engine)
            .user_id(user)
    };
    engine.set_status_for("ada@example.com", AuthorizationStatus::Completed);
    engine.set_token_for("ada@example.com", "ada-token-1234");

    let out = harness("ada@example.com").call("Whoami", json!({})).await;
    assert_eq!(out.field("/user"), "ada@example.com");
    assert_eq!(out.logs()[0].message, "token [redacted]");

    let out = harness("bob@example.com").call("Whoami", json!({})).await;
    out.assert_error_kind(ErrorKind::ToolRequirementsNotMet);
    let url = out.requires_authorization().expect("an authorization URL");
    assert!(
        url.starts_with("https://cloud.arcade.dev/oauth/start?flow=ac_"),
        "{url}"
    );
    assert_eq!(out.error_extra()["authorization_status"], "pending");

    let sent = engine.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body["user_id"], "ada@example.com");
    assert_eq!(sent[1].body["user_id"], "bob@example.com");
    assert_eq!(sent[0].authorization.as_deref(), Some(engine.api_key()));
    assert_eq!(engine.count("/v1/auth/authorize"), 2);
    // Different users get different authorizations.
    assert_ne!(
        harness("carol@example.com")
            .call("Whoami", json!({}))
            .await
            .requires_authorization(),
        Some(url)
    );
}

#[tokio::test]
async fn a_token_kind_alone_gives_no_token() {
    Harness::new(toolkit())
        .secret("MY_API_KEY", SECRET)
        .token_kind(TokenKind::ApiKey)
        .call("Whoami", json!({}))
        .await
        .assert_error_kind(ErrorKind::ToolRequirementsNotMet);
}

#[tokio::test]
async fn the_fake_engine_stops_when_dropped() {
    let engine = FakeEngine::start().await;
    let client = engine.client();
    let clone = engine.clone();
    drop(engine);
    // A clone keeps it serving.
    client
        .auth()
        .start("user@example.com", "pagerduty", &["read"])
        .await
        .unwrap();
    assert_eq!(clone.count("/v1/auth/authorize"), 1);
    drop(clone);
    // Then it is gone: the connection is refused (retries are off).
    let mut gone = false;
    for _ in 0..250 {
        if client
            .auth()
            .start("user@example.com", "pagerduty", &["read"])
            .await
            .is_err()
        {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        gone,
        "the fake engine still answers after its last clone was dropped"
    );
}
