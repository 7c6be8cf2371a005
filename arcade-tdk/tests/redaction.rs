//! A tool that puts its secret and its token into the `extra` of its error (nested,
//! and as a key), its log data and its progress message: through every exit — `call`,
//! MCP over stdio, MCP over Streamable HTTP and the worker protocol — neither value
//! leaves, and each place that held one says `[redacted]` (so the value was scrubbed,
//! not dropped).
#![cfg(all(feature = "mcp", feature = "worker", feature = "cli"))]

use std::sync::Arc;
use std::time::Duration;

use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router, serve_http_listener, serve_io};
use arcade_tdk::{Catalog, ToolContext, ToolError, Toolkit, tool};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const SECRET: &str = "sk_SECRET_nested_extra_0007";
const TOKEN: &str = "tok_SECRET_nested_extra_0008";

/// Fail with the secret and the token deep inside the error's extra fields.
#[tool(requires_secrets = ["LEAK_KEY"], requires_auth = PagerDuty(scopes = ["read"]))]
async fn leak_in_extra(context: ToolContext) -> Result<String, ToolError> {
    let secret = context.get_secret("LEAK_KEY")?.to_owned();
    let token = context.authorization.token()?.to_owned();
    context.log().log(
        arcade_tdk::LogLevel::Warning,
        "logging",
        Some(&json!({"deep": [{"token": token}]})),
    );
    context
        .progress()
        .report(1.0, Some(2.0), Some(&format!("half way with {secret}")));
    Err(ToolError::execution("upstream refused the request")
        .with_extra("request_token", secret.clone())
        .with_extra(
            "request",
            json!({"headers": [{"authorization": format!("Bearer {token}")}], secret.as_str(): true}),
        ))
}

fn catalog() -> Arc<Catalog> {
    Arc::new(Catalog::new(Toolkit::new("LeakKit").tool(leak_in_extra::tool())).unwrap())
}

fn environment() -> LocalEnvironment {
    LocalEnvironment::from_vars([("LEAK_KEY", SECRET), ("PAGERDUTY_ACCESS_TOKEN", TOKEN)])
}

/// The redacted `extra` every exit that carries it must show.
fn redacted_extra() -> Value {
    json!({
        "request_token": "[redacted]",
        "request": {"headers": [{"authorization": "Bearer [redacted]"}], "[redacted]": true},
    })
}

fn assert_clean(text: &str) {
    assert!(!text.contains(SECRET), "the secret leaked: {text}");
    assert!(!text.contains(TOKEN), "the token leaked: {text}");
}

#[test]
fn call_command_scrubs_extra() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = arcade_tdk::cli::Cli::new(Toolkit::new("LeakKit").tool(leak_in_extra::tool()))
        .environment(environment())
        .run_with_output(["leak", "call", "LeakInExtra"], &mut out, &mut err);
    let (out, err) = (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    );
    assert_eq!(code, 1, "{out} {err}");
    assert_clean(&out);
    assert_clean(&err);
    let output: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(output["error"]["extra"], redacted_extra(), "{out}");
}

#[tokio::test]
async fn worker_scrubs_extra() {
    use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
    const WORKER_SECRET: &str = "worker-secret-for-redaction";
    let router = worker_router(catalog(), WorkerSecret::new(WORKER_SECRET).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"aud": "worker", "ver": "1"}),
        &jsonwebtoken::EncodingKey::from_secret(WORKER_SECRET.as_bytes()).unwrap(),
    )
    .unwrap();
    let body = json!({
        "execution_id": "e", "tool": {"name": "LeakInExtra", "toolkit": "LeakKit"}, "inputs": {},
        "context": {"user_id": "u", "secrets": [{"key": "LEAK_KEY", "value": SECRET}],
                    "authorization": {"token": TOKEN, "user_info": {}}}
    });
    let text = reqwest::Client::new()
        .post(format!("http://{addr}/worker/tools/invoke"))
        .bearer_auth(jwt)
        .json(&body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_clean(&text);
    let response: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        response["output"]["error"]["extra"],
        redacted_extra(),
        "{text}"
    );
}

#[tokio::test]
async fn mcp_stdio_scrubs_errors_logs_and_progress() {
    let options = McpOptions::new("leak", "1")
        .with_expose_developer_messages(true)
        .with_environment(Arc::new(environment()));
    let (client, server) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server);
    tokio::spawn(serve_io(catalog(), options, sr, sw));
    let (read, mut write) = tokio::io::split(client);
    let mut lines = BufReader::new(read).lines();
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "LeakKit_LeakInExtra", "arguments": {}, "_meta": {"progressToken": "p"}}});
    let script = format!(
        "{}\n{}\n{}\n{call}\n",
        r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#,
        r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"debug"}}"#,
    );
    write.write_all(script.as_bytes()).await.unwrap();
    let mut seen = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .expect("an answer within 10 s")
            .unwrap()
            .expect("the server answers before closing");
        let done = line.contains("\"id\":2");
        seen.push(line);
        if done {
            break;
        }
    }
    let all = seen.join("\n");
    assert_clean(&all);
    let log = seen
        .iter()
        .find(|l| l.contains("notifications/message"))
        .unwrap_or_else(|| panic!("no log notification in {all}"));
    let log: Value = serde_json::from_str(log).unwrap();
    assert_eq!(
        log["params"]["data"]["extra"],
        json!({"deep": [{"token": "[redacted]"}]})
    );
    let progress = seen
        .iter()
        .find(|l| l.contains("notifications/progress"))
        .unwrap_or_else(|| panic!("no progress notification in {all}"));
    let progress: Value = serde_json::from_str(progress).unwrap();
    assert_eq!(progress["params"]["message"], "half way with [redacted]");
    let result: Value = serde_json::from_str(seen.last().unwrap()).unwrap();
    assert_eq!(result["result"]["isError"], true, "{all}");
}

#[tokio::test]
async fn mcp_http_scrubs_errors_and_logs() {
    let options = McpOptions::new("leak", "1")
        .with_expose_developer_messages(true)
        .with_environment(Arc::new(environment()));
    let http = HttpOptions::default().with_credentialed_tools(true);
    let router = http_router(catalog(), options, http);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve_http_listener(
        router,
        listener,
        std::future::pending::<()>(),
    ));
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "LeakKit_LeakInExtra", "arguments": {},
                   "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                             "io.modelcontextprotocol/clientCapabilities": {},
                             "io.modelcontextprotocol/logLevel": "debug",
                             "progressToken": "p"}}});
    let text = reqwest::Client::new()
        .post(format!("http://{addr}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", "LeakKit_LeakInExtra")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_clean(&text);
    assert!(text.contains("\"isError\":true"), "{text}");
    assert!(
        text.contains("[redacted]"),
        "the log notification is scrubbed, not dropped: {text}"
    );
}
