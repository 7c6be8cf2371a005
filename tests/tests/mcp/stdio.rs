//! The MCP server over stdio-style byte streams: rmcp's client against an in-process
//! server (`tokio::io::duplex`), raw JSON-RPC lines for the exact wire form, and one
//! real child process (`mcp_stdio_sample`).

#![allow(deprecated)] // rmcp marks MCP logging deprecated (2026-07-28); 2025 clients use it.
#![allow(clippy::result_large_err)] // tools return `Result<_, ToolError>` by design.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arcade_examples::sample_kit;
use arcade_tdk::definition::mcp;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::{Catalog, ToolContext, ToolError, Toolkit, tool};
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResult, ClientRequest, LoggingLevel,
    LoggingMessageNotificationParam, ProgressNotificationParam, SetLevelRequestParams,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RoleClient, RunningService};
use rmcp::{ClientHandler, ServiceError, ServiceExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

// ---------------------------------------------------------------------------------------
// Test tools: logging, progress, cancellation.

/// Log at every level and report progress twice.
#[tool]
async fn chatty(context: ToolContext) -> String {
    context.log().debug("debug line");
    context.log().info("info line");
    context.log().warning("warning line");
    context.progress().report(1.0, Some(2.0), Some("half"));
    context.progress().report(2.0, Some(2.0), None);
    "done".to_owned()
}

static SLEEPER_STARTED: AtomicBool = AtomicBool::new(false);
static SLEEPER_DROPPED: AtomicBool = AtomicBool::new(false);

struct DropFlag(&'static AtomicBool);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Sleep for a minute (until cancelled).
#[tool]
async fn sleeper() -> String {
    let _guard = DropFlag(&SLEEPER_DROPPED);
    SLEEPER_STARTED.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(60)).await;
    "woke up".to_owned()
}

/// Return a value that is not an object.
#[tool]
fn numbers() -> Vec<i64> {
    vec![1, 2, 3]
}

/// Fail with developer details.
#[tool]
fn broken() -> Result<String, ToolError> {
    Err(ToolError::fatal("It broke").with_developer_message("db password wrong"))
}

/// Log the secret it was given (which must not reach the client).
#[tool(requires_secrets = ["LEAKY_SECRET"])]
async fn leaky(context: ToolContext) -> Result<String, ToolError> {
    let secret = context.get_secret("LEAKY_SECRET")?.to_owned();
    context.log().info(&format!("the key is {secret}"));
    context.log().log(
        arcade_tdk::LogLevel::Warning,
        "data",
        Some(&json!({"nested": [secret]})),
    );
    Ok("ok".to_owned())
}

/// Return MCP content blocks.
#[tool]
fn picture() -> arcade_tdk::ToolContent {
    arcade_tdk::ToolContent::new()
        .with(arcade_tdk::Content::text("a chart"))
        .with(arcade_tdk::Content::image("iVBORw0KGgo=", "image/png"))
        .with(arcade_tdk::Content::text_resource(
            "file:///a.txt",
            "text/plain",
            "body",
        ))
}

fn test_kit() -> Toolkit {
    Toolkit::new("TestKit")
        .version("0.0.1")
        .tool(chatty::tool())
        .tool(sleeper::tool())
        .tool(numbers::tool())
        .tool(broken::tool())
        .tool(leaky::tool())
        .tool(picture::tool())
}

// ---------------------------------------------------------------------------------------
// Harness.

fn sample_catalog() -> Arc<Catalog> {
    Arc::new(Catalog::new(sample_kit::toolkit()).expect("no duplicates"))
}

fn options(vars: &[(&str, &str)]) -> McpOptions {
    McpOptions::new("sample_kit", "1.0.0")
        .with_expose_developer_messages(false)
        .with_environment(Arc::new(LocalEnvironment::from_vars(vars.iter().copied())))
}

/// Collects the notifications the client receives.
#[derive(Clone)]
struct Collector(mpsc::UnboundedSender<Value>);

impl ClientHandler for Collector {
    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(json!({"log": params}));
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(json!({"progress": params}));
    }
}

type Client = RunningService<RoleClient, Collector>;

/// An rmcp client connected to an in-process server.
async fn connect(
    catalog: Arc<Catalog>,
    options: McpOptions,
) -> (Client, mpsc::UnboundedReceiver<Value>) {
    let arcade_tests::mcp::Duplex {
        read: client_read,
        write: client_write,
        ..
    } = arcade_tests::mcp::duplex(catalog, options);
    let (tx, rx) = mpsc::unbounded_channel();
    let client = Collector(tx)
        .serve((client_read, client_write))
        .await
        .expect("initialize");
    (client, rx)
}

async fn call(client: &Client, name: &str, args: Value) -> Result<CallToolResult, ServiceError> {
    let mut params = CallToolRequestParams::new(name.to_owned());
    params.arguments = args.as_object().cloned();
    client.call_tool(params).await
}

fn to_json(result: &CallToolResult) -> Value {
    serde_json::to_value(result).expect("serializable")
}

fn text(result: &Value, index: usize) -> &str {
    result["content"][index]["text"]
        .as_str()
        .expect("a text block")
}

// ---------------------------------------------------------------------------------------
// Tests over the rmcp client.

#[tokio::test]
async fn initialize_reports_server_info_and_capabilities() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    let info = client.peer_info().expect("server info");
    let info = serde_json::to_value(&*info).unwrap();
    assert_eq!(info["serverInfo"]["name"], "sample_kit");
    assert_eq!(info["serverInfo"]["version"], "1.0.0");
    assert!(info["capabilities"]["tools"].is_object());
    assert!(info["capabilities"]["logging"].is_object());
}

#[tokio::test]
async fn list_gives_every_tool_sorted_with_our_json_verbatim() {
    let catalog = sample_catalog();
    let (client, _) = connect(catalog.clone(), options(&[])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    assert_eq!(tools.len(), 12);
    for (tool, entry) in tools.iter().zip(catalog.entries()) {
        assert_eq!(
            serde_json::to_value(tool).unwrap(),
            mcp::tool(entry),
            "{}",
            tool.name
        );
    }
}

#[tokio::test]
async fn call_success_has_text_and_structured_content() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    let echo = to_json(
        &call(&client, "SampleKit_Echo", json!({"text": "hi"}))
            .await
            .unwrap(),
    );
    assert_eq!(
        echo,
        json!({"content": [{"type": "text", "text": "hi"}], "structuredContent": {"result": "hi"}, "isError": false})
    );
    // The dotted name resolves too, case-insensitively.
    let dotted = to_json(
        &call(&client, "samplekit.echo", json!({"text": "x"}))
            .await
            .unwrap(),
    );
    assert_eq!(dotted["structuredContent"], json!({"result": "x"}));

    let flags = to_json(
        &call(&client, "SampleKit_GetFlags", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(
        flags["structuredContent"],
        json!({"verbose": true, "mode": "fast"})
    );
    let parsed: Value = serde_json::from_str(text(&flags, 0)).unwrap();
    assert_eq!(parsed, flags["structuredContent"]);

    let sum = to_json(
        &call(&client, "SampleKit_AddNumbers", json!({"a": 2, "b": 0.5}))
            .await
            .unwrap(),
    );
    assert_eq!(sum["structuredContent"], json!({"result": 2.5}));
}

#[tokio::test]
async fn non_object_values_are_wrapped_in_result() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let (client, _) = connect(catalog, options(&[])).await;
    let result = to_json(&call(&client, "TestKit_Numbers", json!({})).await.unwrap());
    assert_eq!(result["structuredContent"], json!({"result": [1, 2, 3]}));
    assert_eq!(text(&result, 0), "[1,2,3]");
}

#[tokio::test]
async fn content_blocks_pass_through() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let (client, _) = connect(catalog, options(&[])).await;
    let result = to_json(&call(&client, "TestKit_Picture", json!({})).await.unwrap());
    assert_eq!(
        result,
        json!({"content": [
            {"type": "text", "text": "a chart"},
            {"type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"},
            {"type": "resource", "resource": {"uri": "file:///a.txt", "mimeType": "text/plain", "text": "body"}}
        ], "isError": false})
    );
}

#[tokio::test]
async fn tool_errors_carry_arcade_meta() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    let retry = to_json(
        &call(&client, "SampleKit_Fail", json!({"kind": "retry"}))
            .await
            .unwrap(),
    );
    assert_eq!(retry["isError"], true);
    assert_eq!(
        retry["_meta"]["arcade"],
        json!({"errorKind": "TOOL_RUNTIME_RETRY", "canRetry": true,
               "additionalPromptContent": "use a smaller limit", "retryAfterMs": 1500})
    );
    assert!(
        text(&retry, 0).ends_with("Try again\n\nuse a smaller limit"),
        "{retry}"
    );
    assert!(
        !text(&retry, 0).contains("dev details"),
        "developer message hidden by default"
    );
    assert!(retry.get("structuredContent").is_none());

    let rate = to_json(
        &call(&client, "SampleKit_Fail", json!({"kind": "ratelimit"}))
            .await
            .unwrap(),
    );
    assert_eq!(
        rate["_meta"]["arcade"],
        json!({"errorKind": "UPSTREAM_RUNTIME_RATE_LIMIT", "canRetry": true, "retryAfterMs": 2000, "statusCode": 429})
    );

    let not_found = to_json(
        &call(&client, "SampleKit_Fail", json!({"kind": "upstream404"}))
            .await
            .unwrap(),
    );
    assert_eq!(
        not_found["_meta"]["arcade"]["errorKind"],
        "UPSTREAM_RUNTIME_NOT_FOUND"
    );
    assert_eq!(not_found["_meta"]["arcade"]["statusCode"], 404);

    // A panic is contained and its payload (which holds a "secret") is not shown.
    let panic = to_json(
        &call(&client, "SampleKit_Fail", json!({"kind": "valueerror"}))
            .await
            .unwrap(),
    );
    assert_eq!(panic["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_FATAL");
    assert!(!panic.to_string().contains("hunter2"), "{panic}");

    // The server lives on.
    let echo = to_json(
        &call(&client, "SampleKit_Echo", json!({"text": "still here"}))
            .await
            .unwrap(),
    );
    assert_eq!(echo["isError"], false);
}

#[tokio::test]
async fn developer_messages_only_when_exposed() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let (hidden, _) = connect(catalog.clone(), options(&[])).await;
    let result = to_json(&call(&hidden, "TestKit_Broken", json!({})).await.unwrap());
    assert!(!result.to_string().contains("db password wrong"));

    let (shown, _) = connect(catalog, options(&[]).with_expose_developer_messages(true)).await;
    let result = to_json(&call(&shown, "TestKit_Broken", json!({})).await.unwrap());
    assert!(text(&result, 0).contains("db password wrong"), "{result}");
}

#[tokio::test]
async fn bad_arguments_are_tool_errors_naming_the_field() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    let result = to_json(
        &call(&client, "SampleKit_AddNumbers", json!({"a": "x"}))
            .await
            .unwrap(),
    );
    assert_eq!(result["isError"], true);
    assert_eq!(
        result["_meta"]["arcade"]["errorKind"],
        "TOOL_RUNTIME_BAD_INPUT_VALUE"
    );
    assert_eq!(result["_meta"]["arcade"]["statusCode"], 400);
    assert!(text(&result, 0).contains("a: "), "{result}");

    let missing = to_json(&call(&client, "SampleKit_Echo", json!({})).await.unwrap());
    assert_eq!(missing["isError"], true);
    assert!(text(&missing, 0).contains("text"), "{missing}");
}

#[tokio::test]
async fn unknown_tool_is_invalid_params() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    match call(&client, "NoSuchTool", json!({})).await {
        Err(ServiceError::McpError(error)) => {
            assert_eq!(error.code.0, -32602);
            assert_eq!(error.message, "Unknown tool: NoSuchTool");
        }
        other => panic!("expected -32602, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_secret_says_what_to_set_and_present_secret_reaches_the_tool() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    let result = to_json(
        &call(&client, "SampleKit_SecretOnly", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(result["isError"], true);
    assert!(text(&result, 0).contains("export MY_API_KEY="), "{result}");
    assert!(text(&result, 0).contains(".env"), "{result}");
    let instructions: Value = serde_json::from_str(text(&result, 1)).unwrap();
    assert!(
        instructions["llm_instructions"]
            .as_str()
            .unwrap()
            .contains("MY_API_KEY")
    );
    assert_eq!(
        result["_meta"]["arcade"]["errorKind"],
        "TOOL_REQUIREMENTS_NOT_MET"
    );

    let (client, _) = connect(sample_catalog(), options(&[("MY_API_KEY", "sk-live-abcd")])).await;
    let result = to_json(
        &call(&client, "SampleKit_SecretOnly", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(result["structuredContent"], json!({"result": "abcd"}));
}

#[tokio::test]
async fn token_comes_from_the_environment() {
    let (client, _) = connect(sample_catalog(), options(&[])).await;
    let result = to_json(
        &call(&client, "SampleKit_PagerdutyWhoami", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(result["isError"], true);
    assert!(
        text(&result, 1).contains("PAGERDUTY_ACCESS_TOKEN"),
        "{result}"
    );

    let env = [
        ("PAGERDUTY_ACCESS_TOKEN", "pd-oauth-token"),
        ("ARCADE_USER_ID", "dev@example.com"),
    ];
    let (client, _) = connect(sample_catalog(), options(&env)).await;
    let result = to_json(
        &call(&client, "SampleKit_PagerdutyWhoami", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"]["token"], "pd-oauth-token");
}

#[tokio::test]
async fn logging_and_progress_notifications() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let (client, mut notes) = connect(catalog, options(&[])).await;

    // Default level: info and above; rmcp's client always sends a progress token.
    let result = to_json(&call(&client, "TestKit_Chatty", json!({})).await.unwrap());
    assert_eq!(result["structuredContent"], json!({"result": "done"}));
    let mut got = Vec::new();
    while let Ok(Some(note)) = tokio::time::timeout(Duration::from_millis(200), notes.recv()).await
    {
        got.push(note);
    }
    let logs: Vec<&Value> = got.iter().filter_map(|n| n.get("log")).collect();
    let progress: Vec<&Value> = got.iter().filter_map(|n| n.get("progress")).collect();
    assert_eq!(logs.len(), 2, "{got:?}");
    assert_eq!(logs[0]["level"], "info");
    assert_eq!(logs[0]["data"], json!({"msg": "info line"}));
    assert_eq!(logs[0]["logger"], "TestKit_Chatty");
    assert_eq!(logs[1]["level"], "warning");
    assert_eq!(progress.len(), 2, "{got:?}");
    assert_eq!(progress[0]["progress"], 1.0);
    assert_eq!(progress[0]["total"], 2.0);
    assert_eq!(progress[0]["message"], "half");
    assert_eq!(progress[1]["progress"], 2.0);

    // logging/setLevel filters.
    client
        .set_level(SetLevelRequestParams::new(LoggingLevel::Warning))
        .await
        .expect("setLevel");
    call(&client, "TestKit_Chatty", json!({})).await.unwrap();
    let mut got = Vec::new();
    while let Ok(Some(note)) = tokio::time::timeout(Duration::from_millis(200), notes.recv()).await
    {
        got.push(note);
    }
    let levels: Vec<&Value> = got
        .iter()
        .filter_map(|n| n.get("log"))
        .map(|l| &l["level"])
        .collect();
    assert_eq!(levels, vec!["warning"], "{got:?}");
}

#[tokio::test]
async fn secrets_are_scrubbed_from_log_notifications() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let (client, mut notes) = connect(catalog, options(&[("LEAKY_SECRET", "s3cr3t-value")])).await;
    let result = to_json(&call(&client, "TestKit_Leaky", json!({})).await.unwrap());
    assert_eq!(result["isError"], false, "{result}");
    let mut got = Vec::new();
    while let Ok(Some(note)) = tokio::time::timeout(Duration::from_millis(200), notes.recv()).await
    {
        if note.get("log").is_some() {
            got.push(note);
        }
    }
    assert_eq!(got.len(), 2, "{got:?}");
    let text = serde_json::to_string(&got).unwrap();
    assert!(!text.contains("s3cr3t-value"), "{text}");
    assert_eq!(got[0]["log"]["data"]["msg"], "the key is [redacted]");
    assert_eq!(
        got[1]["log"]["data"]["extra"],
        json!({"nested": ["[redacted]"]})
    );
}

#[tokio::test]
async fn cancellation_drops_the_tool_future() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let (client, _) = connect(catalog, options(&[])).await;
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(CallToolRequestParams::new(
        "TestKit_Sleeper",
    )));
    let handle = client
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .expect("sent");
    for _ in 0..200 {
        if SLEEPER_STARTED.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(SLEEPER_STARTED.load(Ordering::SeqCst), "the tool started");
    assert!(!SLEEPER_DROPPED.load(Ordering::SeqCst));
    handle
        .cancel(Some("test".to_owned()))
        .await
        .expect("cancel sent");
    for _ in 0..200 {
        if SLEEPER_DROPPED.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        SLEEPER_DROPPED.load(Ordering::SeqCst),
        "the tool's future was dropped"
    );
    // The connection still serves.
    let result = to_json(&call(&client, "TestKit_Numbers", json!({})).await.unwrap());
    assert_eq!(result["isError"], false);
}

// ---------------------------------------------------------------------------------------
// Raw JSON-RPC lines: the exact wire form.

struct Raw {
    write: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    lines: tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
}

impl Raw {
    async fn start(catalog: Arc<Catalog>, options: McpOptions) -> Self {
        let arcade_tests::mcp::Duplex { read, write, .. } =
            arcade_tests::mcp::duplex(catalog, options);
        Self {
            write,
            lines: BufReader::new(read).lines(),
        }
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.write.write_all(line.as_bytes()).await.unwrap();
    }

    async fn recv(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(5), self.lines.next_line())
            .await
            .expect("an answer in time")
            .unwrap()
            .expect("a line");
        serde_json::from_str(&line).expect("JSON")
    }

    async fn handshake(&mut self, version: &str) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}))
            .await;
        let answer = self.recv().await;
        self.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        answer
    }
}

#[tokio::test]
async fn wire_form_matches_arcades_python_server() {
    let mut raw = Raw::start(sample_catalog(), options(&[])).await;
    let init = raw.handshake("2025-11-25").await;
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
    assert_eq!(
        init["result"]["serverInfo"],
        json!({"name": "sample_kit", "version": "1.0.0"})
    );

    raw.send(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "SampleKit_Echo", "arguments": {"text": "hi"}}}))
        .await;
    assert_eq!(
        raw.recv().await,
        json!({"jsonrpc": "2.0", "id": 3, "result": {"content": [{"type": "text", "text": "hi"}],
               "structuredContent": {"result": "hi"}, "isError": false}})
    );
    raw.send(json!({"jsonrpc": "2.0", "id": 15, "method": "tools/call",
        "params": {"name": "NoSuchTool", "arguments": {}}}))
        .await;
    assert_eq!(
        raw.recv().await,
        json!({"jsonrpc": "2.0", "id": 15, "error": {"code": -32602, "message": "Unknown tool: NoSuchTool"}})
    );
}

#[tokio::test]
async fn older_handshake_version_is_echoed_and_unknown_gets_latest() {
    let mut raw = Raw::start(sample_catalog(), options(&[])).await;
    assert_eq!(
        raw.handshake("2025-06-18").await["result"]["protocolVersion"],
        "2025-06-18"
    );
    let mut raw = Raw::start(sample_catalog(), options(&[])).await;
    assert_eq!(
        raw.handshake("2024-01-01").await["result"]["protocolVersion"],
        "2025-11-25"
    );
}

#[tokio::test]
async fn progress_only_with_a_progress_token() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let mut raw = Raw::start(catalog, options(&[])).await;
    raw.handshake("2025-11-25").await;
    // No _meta.progressToken: logs but no progress.
    raw.send(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "TestKit_Chatty", "arguments": {}}}))
        .await;
    let mut methods = Vec::new();
    loop {
        let message = raw.recv().await;
        if message.get("id") == Some(&json!(1)) {
            break;
        }
        methods.push(message["method"].as_str().unwrap().to_owned());
    }
    assert_eq!(methods, ["notifications/message", "notifications/message"]);

    raw.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "TestKit_Chatty", "arguments": {}, "_meta": {"progressToken": "p-1"}}}))
        .await;
    let mut progress = Vec::new();
    loop {
        let message = raw.recv().await;
        if message.get("id") == Some(&json!(2)) {
            break;
        }
        if message["method"] == "notifications/progress" {
            progress.push(message["params"].clone());
        }
    }
    assert_eq!(
        progress,
        [
            json!({"progressToken": "p-1", "progress": 1.0, "total": 2.0, "message": "half"}),
            json!({"progressToken": "p-1", "progress": 2.0, "total": 2.0})
        ]
    );
}

#[tokio::test]
async fn discover_serves_2026_07_28_clients() {
    let mut raw = Raw::start(sample_catalog(), options(&[])).await;
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {},
                      "io.modelcontextprotocol/clientInfo": {"name": "modern", "version": "0"}});
    raw.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": meta}}),
    )
    .await;
    let discover = raw.recv().await;
    let versions = discover["result"]["supportedVersions"]
        .as_array()
        .expect("versions");
    assert!(versions.contains(&json!("2026-07-28")), "{discover}");
    assert!(versions.contains(&json!("2025-11-25")), "{discover}");
    raw.send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"_meta": meta, "name": "SampleKit_Echo", "arguments": {"text": "modern"}}}))
        .await;
    let result = raw.recv().await;
    assert_eq!(
        result["result"]["structuredContent"],
        json!({"result": "modern"}),
        "{result}"
    );
    assert_eq!(result["result"]["isError"], false);
}

#[tokio::test]
async fn modern_requests_log_only_when_they_ask() {
    let catalog = Arc::new(Catalog::new(test_kit()).unwrap());
    let mut raw = Raw::start(catalog, options(&[])).await;
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {}});
    let mut with_level = meta.clone();
    with_level["io.modelcontextprotocol/logLevel"] = json!("debug");
    for (id, meta, expected) in [(1, meta, 0), (2, with_level, 3)] {
        raw.send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"_meta": meta, "name": "TestKit_Chatty", "arguments": {}}}))
            .await;
        let mut logs = 0;
        loop {
            let message = raw.recv().await;
            if message.get("id") == Some(&json!(id)) {
                assert_eq!(
                    message["result"]["structuredContent"],
                    json!({"result": "done"}),
                    "{message}"
                );
                break;
            }
            if message["method"] == "notifications/message" {
                logs += 1;
            }
        }
        assert_eq!(logs, expected, "request {id}");
    }
}

// ---------------------------------------------------------------------------------------
// A real child process.

#[tokio::test]
async fn real_stdio_process() {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcp_stdio_sample"));
    command
        .env_remove("MY_API_KEY")
        .env("MY_API_KEY", "from-env-wxyz")
        .env("PAGERDUTY_ACCESS_TOKEN", "pd-child-token");
    let mut child = arcade_tests::net::spawn_piped(command);
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, _rx) = mpsc::unbounded_channel();
    let client = Collector(tx)
        .serve((stdout, stdin))
        .await
        .expect("initialize");
    let info = serde_json::to_value(&*client.peer_info().unwrap()).unwrap();
    assert_eq!(info["serverInfo"]["name"], "SampleKit");

    assert_eq!(client.list_all_tools().await.unwrap().len(), 12);
    let echo = to_json(
        &call(&client, "SampleKit.Echo", json!({"text": "over a pipe"}))
            .await
            .unwrap(),
    );
    assert_eq!(echo["structuredContent"], json!({"result": "over a pipe"}));
    let secret = to_json(
        &call(&client, "SampleKit_SecretOnly", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(secret["structuredContent"], json!({"result": "wxyz"}));
    let whoami = to_json(
        &call(&client, "SampleKit_PagerdutyWhoami", json!({}))
            .await
            .unwrap(),
    );
    assert_eq!(whoami["structuredContent"]["token"], "pd-child-token");

    // Closing stdin ends the server.
    client.cancel().await.expect("client closed");
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("the server exits on EOF")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

/// Median and p99 of sequential `tools/call` round trips to the real child process,
/// timed by a native client. Run with `--ignored --nocapture` (meaningful in release).
#[tokio::test]
#[ignore = "a measurement, not a check"]
async fn stdio_latency() {
    let mut child = arcade_tests::net::spawn_piped(tokio::process::Command::new(env!(
        "CARGO_BIN_EXE_mcp_stdio_sample"
    )));
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = std::time::Instant::now();
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}}});
    stdin
        .write_all(format!("{init}\n").as_bytes())
        .await
        .unwrap();
    lines.next_line().await.unwrap().unwrap();
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n")
        .await
        .unwrap();
    lines.next_line().await.unwrap().unwrap();
    let to_first_list = started.elapsed();
    let mut samples = Vec::new();
    for i in 0..2050u32 {
        let line = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"tools/call\",\"params\":{{\"name\":\"SampleKit_Echo\",\"arguments\":{{\"text\":\"hello\"}}}}}}\n",
            i + 2
        );
        let t = std::time::Instant::now();
        stdin.write_all(line.as_bytes()).await.unwrap();
        let answer = lines.next_line().await.unwrap().unwrap();
        let elapsed = t.elapsed();
        assert!(answer.contains("\"hello\""), "{answer}");
        if i >= 50 {
            samples.push(elapsed);
        }
    }
    samples.sort_unstable();
    let median = samples[samples.len() / 2];
    let p99 = samples[samples.len() * 99 / 100];
    eprintln!(
        "spawn -> first tools/list: {to_first_list:?}; tools/call median {median:?}, p99 {p99:?} ({} calls)",
        samples.len()
    );
}
