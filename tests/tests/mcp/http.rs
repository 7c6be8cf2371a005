//! The MCP server over Streamable HTTP: Host/Origin checks and the body limit with plain
//! HTTP requests, and rmcp's Streamable HTTP client for the protocol.

#![allow(deprecated)] // rmcp marks MCP logging deprecated (2026-07-28); 2025 clients use it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arcade_examples::sample_kit;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router, serve_http_listener};
use arcade_tdk::{Catalog, ToolContext, ToolFilter, Toolkit, tool};
use rmcp::model::{CallToolRequestParams, LoggingMessageNotificationParam};
use rmcp::service::{NotificationContext, RoleClient};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientHandler, ServiceError, ServiceExt};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

/// Log one line.
#[tool]
async fn say(context: ToolContext) -> String {
    context.log().warning("over http");
    "said".to_owned()
}

struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(http: HttpOptions) -> Self {
        let catalog = Catalog::filtered(
            [
                sample_kit::toolkit(),
                Toolkit::new("HttpKit").tool(say::tool()),
            ],
            &ToolFilter::default(),
        )
        .unwrap();
        let env = LocalEnvironment::from_vars([("MY_API_KEY", "http-key-1234")]);
        let options = McpOptions::new("sample_kit", "1.0.0").with_environment(Arc::new(env));
        let router = http_router(Arc::new(catalog), options, http);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_http_listener(router, listener, async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
            task,
        }
    }

    fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }
}

fn initialize_body() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "curl", "version": "0"}}})
}

async fn post(url: &str, headers: &[(&str, &str)], body: String) -> reqwest::Response {
    arcade_tests::mcp::post(url, headers, body).await
}

#[tokio::test]
async fn foreign_host_and_origin_are_rejected() {
    let server = Server::start(HttpOptions::default()).await;
    let url = server.url();
    let body = initialize_body().to_string();

    let ok = post(&url, &[], body.clone()).await;
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers().get("mcp-session-id").is_some(),
        "stateful by default"
    );

    let evil_host = post(&url, &[("host", "evil.example.com")], body.clone()).await;
    assert_eq!(evil_host.status(), 421);

    let evil_origin = post(&url, &[("origin", "http://evil.example.com")], body.clone()).await;
    assert_eq!(evil_origin.status(), 403);

    let both = post(
        &url,
        &[
            ("host", "evil.example.com:80"),
            ("origin", "http://evil.example.com"),
        ],
        body.clone(),
    )
    .await;
    assert!(both.status().is_client_error());

    let local_origin = post(&url, &[("origin", "http://localhost:6274")], body.clone()).await;
    assert_eq!(local_origin.status(), 200);
    let local_host = post(
        &url,
        &[("host", &format!("localhost:{}", server.addr.port()))],
        body,
    )
    .await;
    assert_eq!(local_host.status(), 200);
}

#[tokio::test]
async fn configured_hosts_and_origins_are_accepted() {
    let http = HttpOptions::default()
        .with_allowed_hosts(["mcp.example.com"])
        .with_allowed_origins(["https://app.example.com"]);
    let server = Server::start(http).await;
    let body = initialize_body().to_string();
    let response = post(
        &server.url(),
        &[
            ("host", "mcp.example.com"),
            ("origin", "https://app.example.com"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let response = post(
        &server.url(),
        &[("origin", "https://other.example.com")],
        body,
    )
    .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn oversized_bodies_are_rejected() {
    let server = Server::start(HttpOptions::default().with_max_body_bytes(1024)).await;
    let mut body = initialize_body();
    body["params"]["clientInfo"]["name"] = json!("x".repeat(4096));
    let response = post(&server.url(), &[], body.to_string()).await;
    assert_eq!(response.status(), 413);
}

#[derive(Clone)]
struct Logs(mpsc::UnboundedSender<LoggingMessageNotificationParam>);

impl ClientHandler for Logs {
    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(params);
    }
}

#[tokio::test]
async fn rmcp_client_over_streamable_http() {
    let server = Server::start(HttpOptions::default().with_credentialed_tools(true)).await;
    let transport = StreamableHttpClientTransport::from_uri(server.url());
    let (tx, mut logs) = mpsc::unbounded_channel();
    let client = Logs(tx)
        .serve(transport)
        .await
        .expect("initialize over HTTP");
    let info = serde_json::to_value(&*client.peer_info().unwrap()).unwrap();
    assert_eq!(info["serverInfo"]["name"], "sample_kit");

    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 13);

    let call = |name: &str, args: Value| {
        let mut params = CallToolRequestParams::new(name.to_owned());
        params.arguments = args.as_object().cloned();
        params
    };
    let echo = client
        .call_tool(call("SampleKit_Echo", json!({"text": "http"})))
        .await
        .unwrap();
    let echo = serde_json::to_value(&echo).unwrap();
    assert_eq!(echo["structuredContent"], json!({"result": "http"}));

    let secret = client
        .call_tool(call("SampleKit.SecretOnly", json!({})))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&secret).unwrap()["structuredContent"],
        json!({"result": "1234"})
    );

    let fail = client
        .call_tool(call("SampleKit_Fail", json!({"kind": "context"})))
        .await
        .unwrap();
    let fail = serde_json::to_value(&fail).unwrap();
    assert_eq!(fail["isError"], true);
    assert_eq!(
        fail["_meta"]["arcade"]["errorKind"],
        "TOOL_RUNTIME_CONTEXT_REQUIRED"
    );
    assert_eq!(
        fail["_meta"]["arcade"]["additionalPromptContent"],
        "which project?"
    );

    match client.call_tool(call("Nope", json!({}))).await {
        Err(ServiceError::McpError(e)) => assert_eq!(e.code.0, -32602),
        other => panic!("expected -32602, got {other:?}"),
    }

    client
        .call_tool(call("HttpKit_Say", json!({})))
        .await
        .unwrap();
    let log = tokio::time::timeout(Duration::from_secs(2), logs.recv())
        .await
        .expect("a log notification over SSE")
        .unwrap();
    assert_eq!(
        serde_json::to_value(&log).unwrap()["data"],
        json!({"msg": "over http"})
    );

    client.cancel().await.unwrap();
}

/// Ending a session answers 200 (rmcp's own answer is 202, which the official Python
/// client reports as "Session termination failed"), and the session is gone afterwards.
#[tokio::test]
async fn deleting_a_session_answers_200_then_404() {
    let server = Server::start(HttpOptions::default()).await;
    let url = server.url();
    let init = post(&url, &[], initialize_body().to_string()).await;
    assert_eq!(init.status(), 200);
    let session = init.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    assert_eq!(
        post(&url, &headers, initialized.to_string()).await.status(),
        202
    );

    let mut delete = reqwest::Client::new().delete(&url);
    for (k, v) in headers {
        delete = delete.header(k, v);
    }
    let deleted = delete.send().await.unwrap();
    assert_eq!(deleted.status(), 200);

    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    assert_eq!(post(&url, &headers, list.to_string()).await.status(), 404);
    // A DELETE without a session is still refused.
    let no_session = reqwest::Client::new().delete(&url).send().await.unwrap();
    assert!(no_session.status().is_client_error());
}

#[tokio::test]
async fn stateless_mode_serves_without_sessions() {
    let server = Server::start(HttpOptions::default().with_stateful(false)).await;
    let response = post(&server.url(), &[], initialize_body().to_string()).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("mcp-session-id").is_none());

    let transport = StreamableHttpClientTransport::from_uri(server.url());
    let client = ().serve(transport).await.expect("initialize over HTTP");
    let mut params = CallToolRequestParams::new("SampleKit_AddNumbers");
    params.arguments = json!({"a": 1, "b": 1.5}).as_object().cloned();
    let sum = client.call_tool(params).await.unwrap();
    assert_eq!(
        serde_json::to_value(&sum).unwrap()["structuredContent"],
        json!({"result": 2.5})
    );
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn tools_with_credentials_are_refused_by_default() {
    let server = Server::start(HttpOptions::default()).await;
    let client = ().serve(StreamableHttpClientTransport::from_uri(server.url())).await.unwrap();
    let mut params = CallToolRequestParams::new("SampleKit_SecretOnly");
    params.arguments = Some(Default::default());
    let refused = serde_json::to_value(client.call_tool(params).await.unwrap()).unwrap();
    assert_eq!(refused["isError"], true);
    let text = refused["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("Unsupported transport"), "{refused}");
    assert!(
        text.contains("MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS=1"),
        "{refused}"
    );
    assert!(
        !refused.to_string().contains("1234"),
        "the secret never reached the tool"
    );
    assert_eq!(
        refused["_meta"]["arcade"]["errorKind"],
        "TOOL_REQUIREMENTS_NOT_MET"
    );
    // Tools without credentials still run.
    let mut params = CallToolRequestParams::new("SampleKit_Echo");
    params.arguments = json!({"text": "fine"}).as_object().cloned();
    let echo = serde_json::to_value(client.call_tool(params).await.unwrap()).unwrap();
    assert_eq!(echo["structuredContent"], json!({"result": "fine"}));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn stateless_2026_07_28_requests() {
    let server = Server::start(HttpOptions::default()).await;
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {}});
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"_meta": meta, "name": "SampleKit_Echo", "arguments": {"text": "modern"}}});
    let response = post(
        &server.url(),
        &[
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/call"),
            ("mcp-name", "SampleKit_Echo"),
        ],
        body.to_string(),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("mcp-session-id").is_none());
    let text = response.text().await.unwrap();
    // JSON, or SSE whose data lines carry the JSON-RPC messages.
    let message: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|m| m.get("id") == Some(&json!(7)))
            .unwrap_or_else(|| panic!("no response in {text}"))
    });
    assert_eq!(
        message["result"]["structuredContent"],
        json!({"result": "modern"}),
        "{message}"
    );
    assert_eq!(message["result"]["resultType"], "complete", "{message}");
}

/// A 2026-07-28 POST and its answer: status, content type, the JSON-RPC message (plain
/// JSON or the SSE event with the id).
async fn modern_post(
    server: &Server,
    headers: &[(&str, &str)],
    body: &Value,
) -> (u16, String, Value) {
    let response = post(&server.url(), headers, body.to_string()).await;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.unwrap();
    let message = serde_json::from_str(&text).unwrap_or_else(|_| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|m| m.get("id") == Some(&body["id"]))
            .unwrap_or_else(|| panic!("no response in {text}"))
    });
    (status, content_type, message)
}

/// The lean path (2026-07-28 POSTs answered without rmcp's per-request service) gives
/// the same JSON-RPC answers as rmcp's path, as `application/json`; what it does not
/// take (here: an `Accept` with weights, a mismatched `Mcp-Name`) rmcp answers as before.
#[tokio::test]
async fn lean_path_answers_as_rmcp_does() {
    let server = Server::start(HttpOptions::default()).await;
    let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                      "io.modelcontextprotocol/clientCapabilities": {}});
    let cases = [
        (
            "tools/call",
            Some("SampleKit_Echo"),
            json!({"name": "SampleKit_Echo", "arguments": {"text": "lean"}}),
        ),
        (
            "tools/call",
            Some("SampleKit.Echo"),
            json!({"name": "SampleKit.Echo", "arguments": {"text": "dotted"}}),
        ),
        (
            "tools/call",
            Some("Nope_Tool"),
            json!({"name": "Nope_Tool", "arguments": {}}),
        ),
        (
            "tools/call",
            Some("SampleKit_Echo"),
            json!({"name": "SampleKit_Echo", "arguments": {"wrong": 1}}),
        ),
        ("tools/list", None, json!({})),
        ("resources/list", None, json!({})),
        ("prompts/list", None, json!({})),
    ];
    for (id, (method, name, params)) in cases.into_iter().enumerate() {
        let mut params = params;
        params["_meta"] = meta.clone();
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut headers = vec![
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", method),
        ];
        if let Some(name) = name {
            headers.push(("mcp-name", name));
        }
        let (status, content_type, lean) = modern_post(&server, &headers, &body).await;
        assert_eq!(content_type, "application/json", "{method}: {lean}");
        // A weighted Accept leaves the request to rmcp's service.
        headers.push(("accept", "application/json;q=1"));
        let (rmcp_status, rmcp_type, rmcp) = modern_post(&server, &headers, &body).await;
        assert_eq!(rmcp_type, "text/event-stream", "{method}: {rmcp}");
        assert_eq!(status, rmcp_status, "{method}");
        assert_eq!(lean, rmcp, "{method} {name:?}");
    }

    // A mismatched Mcp-Name is still rmcp's header-mismatch error (HTTP 400).
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
        "params": {"_meta": meta, "name": "SampleKit_Echo", "arguments": {"text": "x"}}});
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "SampleKit_Other"),
    ];
    let (status, _, message) = modern_post(&server, &headers, &body).await;
    assert_eq!(status, 400, "{message}");
    assert_eq!(message["error"]["code"], -32020, "{message}");
    // So is a request without the 2026-07-28 _meta it declares in its header.
    let body = json!({"jsonrpc": "2.0", "id": 10, "method": "tools/list", "params": {}});
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    let (status, _, message) = modern_post(&server, &headers, &body).await;
    assert_eq!(status, 400, "{message}");
    assert_eq!(message["error"]["code"], -32602, "{message}");
}

/// A stateless request's JSON-RPC answer (plain JSON or SSE) and HTTP status.
async fn modern(server: &Server, id: u64, method: &str, params: Value) -> (u16, Value) {
    let mut params = params;
    params["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                             "io.modelcontextprotocol/clientCapabilities": {}});
    let mut headers = vec![
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", method),
    ];
    let name = params
        .get("name")
        .or_else(|| params.get("uri"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(name) = &name {
        headers.push(("mcp-name", name));
    }
    let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    let response = post(&server.url(), &headers, body.to_string()).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let message = serde_json::from_str(&text).unwrap_or_else(|_| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|m| m.get("id") == Some(&json!(id)))
            .unwrap_or_else(|| panic!("no response in {text}"))
    });
    (status, message)
}

/// Prompts and resources are declared and empty (as in Arcade's Python server): their
/// lists carry the 2026-07-28 caching hints, and unknown names are -32602 (SEP-2164 for
/// resources), or -32002 for a resource before 2026-07-28.
#[tokio::test]
async fn empty_prompts_and_resources() {
    let server = Server::start(HttpOptions::default()).await;
    let (_, discover) = modern(&server, 1, "server/discover", json!({})).await;
    let capabilities = &discover["result"]["capabilities"];
    assert!(capabilities["prompts"].is_object(), "{discover}");
    assert!(capabilities["resources"].is_object(), "{discover}");

    for (method, key) in [
        ("prompts/list", "prompts"),
        ("resources/list", "resources"),
        ("resources/templates/list", "resourceTemplates"),
    ] {
        let (status, message) = modern(&server, 2, method, json!({})).await;
        assert_eq!(status, 200, "{method}: {message}");
        let result = &message["result"];
        assert_eq!(result[key], json!([]), "{method}: {message}");
        assert!(result["ttlMs"].as_u64().is_some(), "{method}: {message}");
        assert!(result["cacheScope"].is_string(), "{method}: {message}");
    }
    let (_, prompt) = modern(&server, 3, "prompts/get", json!({"name": "nope"})).await;
    assert_eq!(prompt["error"]["code"], -32602, "{prompt}");
    let uri = "test://nope";
    let (_, resource) = modern(&server, 4, "resources/read", json!({"uri": uri})).await;
    assert_eq!(resource["error"]["code"], -32602, "{resource}");
    assert_eq!(resource["error"]["data"]["uri"], uri, "{resource}");

    // Before 2026-07-28, through rmcp's client: empty lists, -32002 for a resource.
    let transport = StreamableHttpClientTransport::from_uri(server.url());
    let client = ().serve(transport).await.expect("initialize over HTTP");
    assert!(client.list_all_prompts().await.unwrap().is_empty());
    assert!(client.list_all_resources().await.unwrap().is_empty());
    let read = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(uri))
        .await;
    match read {
        Err(ServiceError::McpError(e)) => assert_eq!(e.code.0, -32002),
        other => panic!("expected -32002, got {other:?}"),
    }
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown() {
    let mut server = Server::start(HttpOptions::default()).await;
    let ok = post(&server.url(), &[], initialize_body().to_string()).await;
    assert_eq!(ok.status(), 200);
    server.stop.take().unwrap().send(()).unwrap();
    let result = tokio::time::timeout(Duration::from_secs(10), &mut server.task)
        .await
        .expect("the server stops")
        .unwrap();
    assert!(result.is_ok());
    assert!(
        reqwest::Client::new()
            .post(server.url())
            .send()
            .await
            .is_err(),
        "no longer listening"
    );
}
