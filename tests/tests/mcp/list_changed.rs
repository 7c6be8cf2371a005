//! list-changed: a `ServedCatalog` handle replaces what a running server serves; the
//! server advertises `listChanged` only with the handle, and a 2025-11-25 session is
//! told which lists changed, then lists the new ones.

use arcade_tdk::serve::mcp::{McpOptions, ServedCatalog};
use arcade_tdk::testing::mcp;
use arcade_tdk::{Catalog, Content, Prompt, PromptMessage, Resource, Toolkit, tool};
use serde_json::json;

/// Echo the input text.
#[tool]
fn echo(
    /// Text to echo back
    text: String,
) -> String {
    text
}

/// Shout the input text.
#[tool]
fn shout(
    /// Text to shout
    text: String,
) -> String {
    text.to_uppercase()
}

fn first() -> Toolkit {
    Toolkit::new("Kit").tool(echo::tool())
}

#[tokio::test]
async fn a_session_hears_of_changes_and_lists_the_new_set() {
    let served = ServedCatalog::new();
    let options = McpOptions::new("kit", "1.0.0").with_served(served.clone());
    let client = mcp::connect(first(), options).await;
    let capabilities = &client.server_info()["capabilities"];
    assert_eq!(capabilities["tools"]["listChanged"], true, "{capabilities}");
    assert_eq!(
        capabilities["resources"]["listChanged"], true,
        "{capabilities}"
    );
    assert_eq!(
        capabilities["prompts"]["listChanged"], true,
        "{capabilities}"
    );
    let tools = client.list_tools().await.unwrap();
    assert_eq!(tools.len(), 1);

    // A new tool and a resource; the prompts stay (none).
    let next = Toolkit::new("Kit")
        .tool(echo::tool())
        .tool(shout::tool())
        .resource(Resource::text("kit://notes", "notes", "text/plain", "hi"));
    served.replace(Catalog::new(next).unwrap()).await;
    // A round trip: the notifications were sent before its answer.
    let tools = client.list_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Kit_Echo", "Kit_Shout"]);
    assert_eq!(
        client
            .notifications_named("notifications/tools/list_changed")
            .len(),
        1
    );
    assert_eq!(
        client
            .notifications_named("notifications/resources/list_changed")
            .len(),
        1
    );
    assert!(
        client
            .notifications_named("notifications/prompts/list_changed")
            .is_empty()
    );
    let shouted = client
        .call_tool("Kit_Shout", json!({"text": "hey"}))
        .await
        .unwrap();
    assert_eq!(shouted.structured()["result"], "HEY");
    assert_eq!(client.list_resources().await.unwrap().len(), 1);

    // Only a prompt changes: only prompts are announced; a removed tool is gone.
    let prompt = Prompt::new("greet", |_| async {
        Ok(vec![PromptMessage::user(Content::text("hi"))])
    });
    let last = Toolkit::new("Kit")
        .tool(shout::tool())
        .resource(Resource::text("kit://notes", "notes", "text/plain", "hi"))
        .prompt(prompt);
    served.replace(Catalog::new(last).unwrap()).await;
    assert_eq!(client.list_prompts().await.unwrap().len(), 1);
    assert_eq!(
        client
            .notifications_named("notifications/tools/list_changed")
            .len(),
        2
    );
    assert_eq!(
        client
            .notifications_named("notifications/resources/list_changed")
            .len(),
        1
    );
    assert_eq!(
        client
            .notifications_named("notifications/prompts/list_changed")
            .len(),
        1
    );
    let gone = client
        .call_tool("Kit_Echo", json!({"text": "x"}))
        .await
        .unwrap_err();
    assert_eq!(gone.code, -32602, "{gone:?}");
}

#[tokio::test]
async fn without_the_handle_nothing_is_advertised() {
    let client = mcp::connect(first(), McpOptions::new("kit", "1.0.0")).await;
    let capabilities = &client.server_info()["capabilities"];
    assert!(
        capabilities["tools"]
            .get("listChanged")
            .is_none_or(|v| v == false),
        "{capabilities}"
    );
    assert!(
        capabilities["prompts"]
            .get("listChanged")
            .is_none_or(|v| v == false),
        "{capabilities}"
    );
}

/// The `method`s of the JSON-RPC messages in the SSE text so far.
fn methods(sse: &str) -> Vec<String> {
    sse.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d.trim()).ok())
        .filter_map(|m| m["method"].as_str().map(str::to_owned))
        .collect()
}

/// Reads `response` until a message's method is `method` (at most 10 s); the methods
/// read so far.
async fn read_until(
    response: &mut reqwest::Response,
    text: &mut String,
    method: &str,
) -> Vec<String> {
    let read = async {
        while !methods(text).iter().any(|m| m == method) {
            let chunk = response
                .chunk()
                .await
                .unwrap()
                .expect("the stream stays open");
            text.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("no {method} in {text}"));
    methods(text)
}

#[tokio::test]
async fn a_2026_listen_stream_hears_the_list_changes_it_asked_for() {
    use arcade_tdk::serve::mcp::{HttpOptions, http_router, serve_http_listener};
    use std::sync::Arc;

    let served = ServedCatalog::new();
    let options = McpOptions::new("kit", "1.0.0").with_served(served.clone());
    let router = http_router(
        Arc::new(Catalog::new(first()).unwrap()),
        options,
        HttpOptions::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    tokio::spawn(serve_http_listener(
        router,
        listener,
        std::future::pending(),
    ));

    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "subscriptions/listen", "params": {
        "notifications": {"toolsListChanged": true, "promptsListChanged": true},
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientInfo": {"name": "listen-test", "version": "0"},
                  "io.modelcontextprotocol/clientCapabilities": {}}}});
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "subscriptions/listen"),
    ];
    let mut stream = arcade_tests::mcp::post(&url, &headers, body.to_string()).await;
    assert_eq!(stream.status(), 200);
    let mut text = String::new();
    let seen = read_until(
        &mut stream,
        &mut text,
        "notifications/subscriptions/acknowledged",
    )
    .await;
    assert!(
        !seen.iter().any(|m| m.ends_with("list_changed")),
        "{seen:?}"
    );
    assert!(
        text.contains("\"toolsListChanged\":true"),
        "the ack names what was accepted: {text}"
    );

    // A new tool and a resource: the stream asked for tools (and prompts), not resources.
    let next = Toolkit::new("Kit")
        .tool(echo::tool())
        .tool(shout::tool())
        .resource(Resource::text("kit://notes", "notes", "text/plain", "hi"));
    served.replace(Catalog::new(next).unwrap()).await;
    read_until(&mut stream, &mut text, "notifications/tools/list_changed").await;

    // Then only a prompt changes: prompts, and nothing about resources at any point.
    let prompt = Prompt::new("greet", |_| async {
        Ok(vec![PromptMessage::user(Content::text("hi"))])
    });
    let last = Toolkit::new("Kit")
        .tool(echo::tool())
        .tool(shout::tool())
        .resource(Resource::text("kit://notes", "notes", "text/plain", "hi"))
        .prompt(prompt);
    served.replace(Catalog::new(last).unwrap()).await;
    let seen = read_until(&mut stream, &mut text, "notifications/prompts/list_changed").await;
    let changes: Vec<&String> = seen
        .iter()
        .filter(|m| m.ends_with("list_changed"))
        .collect();
    assert_eq!(
        changes,
        [
            "notifications/tools/list_changed",
            "notifications/prompts/list_changed"
        ],
        "{text}"
    );
}
