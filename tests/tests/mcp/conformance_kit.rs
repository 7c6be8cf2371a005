//! The conformance fixture toolkit (`examples/src/conformance.rs`) on the wire, without
//! the npm suite: the exact `tools/call` results the suite's reference servers give, the
//! three log notifications and the three progress notifications, and the declared tool
//! names (`test_simple_text`) next to Arcade's (`Conformance_TestSimpleText`).

use std::sync::Arc;
use std::time::Duration;

use arcade_examples::conformance;
use arcade_tdk::Catalog;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::McpOptions;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, WriteHalf};

/// Newline-delimited JSON-RPC with an in-process server.
struct Raw {
    lines: Lines<BufReader<tokio::io::ReadHalf<DuplexStream>>>,
    write: WriteHalf<DuplexStream>,
    next_id: u64,
}

impl Raw {
    async fn start() -> Self {
        let catalog = Arc::new(Catalog::new(conformance::toolkit()).unwrap());
        let options = McpOptions::new("conformance", "1.0.0").with_environment(Arc::new(
            LocalEnvironment::from_vars(Vec::<(String, String)>::new()),
        ));
        let arcade_tests::mcp::Duplex { read, write, .. } =
            arcade_tests::mcp::duplex(catalog, options);
        let mut raw = Self {
            lines: BufReader::new(read).lines(),
            write,
            next_id: 1,
        };
        let (init, _) = raw
            .request(
                "initialize",
                json!({"protocolVersion": "2025-11-25", "capabilities": {},
                       "clientInfo": {"name": "test", "version": "0"}}),
            )
            .await;
        assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
        raw.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        raw
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.write.write_all(line.as_bytes()).await.unwrap();
    }

    /// Sends a request; returns its response and the notifications before it.
    async fn request(&mut self, method: &str, params: Value) -> (Value, Vec<Value>) {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let mut notes = Vec::new();
        loop {
            let line = tokio::time::timeout(Duration::from_secs(5), self.lines.next_line())
                .await
                .expect("an answer in time")
                .unwrap()
                .expect("the server is running");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message.get("id") == Some(&json!(id)) {
                return (message, notes);
            }
            notes.push(message);
        }
    }

    async fn call(&mut self, name: &str, meta: Option<Value>) -> (Value, Vec<Value>) {
        let mut params = json!({ "name": name });
        if let Some(meta) = meta {
            params["_meta"] = meta;
        }
        let (response, notes) = self.request("tools/call", params).await;
        (response["result"].clone(), notes)
    }
}

#[tokio::test]
async fn tools_are_listed_by_their_declared_names() {
    let mut raw = Raw::start().await;
    let (list, _) = raw.request("tools/list", json!({})).await;
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "test_audio_content",
            "test_embedded_resource",
            "test_error_handling",
            "test_image_content",
            "test_logging_tool",
            "test_multiple_content_types",
            "test_reconnection",
            "test_simple_text",
            "test_tool_with_logging",
            "test_tool_with_progress",
        ]
    );
    for tool in list["result"]["tools"].as_array().unwrap() {
        assert!(tool["description"].is_string(), "{tool}");
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert!(tool.get("outputSchema").is_none(), "content tools: {tool}");
    }
    // Arcade's names still resolve.
    let (by_arcade_name, _) = raw.call("Conformance_TestSimpleText", None).await;
    let (by_declared_name, _) = raw.call("test_simple_text", None).await;
    assert_eq!(by_arcade_name, by_declared_name);
}

#[tokio::test]
async fn content_tools_return_the_suites_fixtures_exactly() {
    let png = conformance::PNG_1X1;
    let cases = [
        (
            "test_simple_text",
            json!([{"type": "text", "text": "This is a simple text response for testing."}]),
        ),
        (
            "test_image_content",
            json!([{"type": "image", "data": png, "mimeType": "image/png"}]),
        ),
        (
            "test_audio_content",
            json!([{"type": "audio", "data": conformance::WAV_EMPTY, "mimeType": "audio/wav"}]),
        ),
        (
            "test_embedded_resource",
            json!([{"type": "resource", "resource": {"uri": "test://embedded-resource",
                "mimeType": "text/plain", "text": "This is an embedded resource content."}}]),
        ),
        (
            "test_multiple_content_types",
            json!([
                {"type": "text", "text": "Multiple content types test:"},
                {"type": "image", "data": png, "mimeType": "image/png"},
                {"type": "resource", "resource": {"uri": "test://mixed-content-resource",
                    "mimeType": "application/json", "text": "{\"test\":\"data\",\"value\":123}"}}
            ]),
        ),
    ];
    let mut raw = Raw::start().await;
    for (tool, content) in cases {
        let (result, _) = raw.call(tool, None).await;
        assert_eq!(result["content"], content, "{tool}: {result}");
        assert_ne!(result["isError"], true, "{tool}: {result}");
        assert!(
            result.get("structuredContent").is_none(),
            "{tool}: {result}"
        );
    }
}

#[tokio::test]
async fn error_tool_is_an_is_error_result() {
    let mut raw = Raw::start().await;
    let (result, _) = raw.call("test_error_handling", None).await;
    assert_eq!(result["isError"], true, "{result}");
    let text = result["content"][0]["text"].as_str().unwrap();
    assert!(text.ends_with(conformance::ERROR_TEXT), "{text}");
    assert_eq!(result["_meta"]["arcade"]["canRetry"], false, "{result}");
}

#[tokio::test]
async fn logging_tool_sends_three_info_messages_in_order() {
    let mut raw = Raw::start().await;
    let (set, _) = raw
        .request("logging/setLevel", json!({"level": "debug"}))
        .await;
    assert_eq!(set["result"], json!({}));
    let (result, notes) = raw.call("test_tool_with_logging", None).await;
    assert_ne!(result["isError"], true, "{result}");
    let logs: Vec<(&str, &str)> = notes
        .iter()
        .filter(|n| n["method"] == "notifications/message")
        .map(|n| {
            (
                n["params"]["level"].as_str().unwrap(),
                n["params"]["data"]["msg"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(&str, &str)> = conformance::LOG_MESSAGES
        .iter()
        .map(|m| ("info", *m))
        .collect();
    assert_eq!(logs, expected);
}

#[tokio::test]
async fn progress_tool_reports_0_50_100_with_a_token_only() {
    let mut raw = Raw::start().await;
    let (_, notes) = raw
        .call(
            "test_tool_with_progress",
            Some(json!({"progressToken": "progress-test-1"})),
        )
        .await;
    let progress: Vec<Value> = notes
        .iter()
        .filter(|n| n["method"] == "notifications/progress")
        .map(|n| n["params"].clone())
        .collect();
    let expected: Vec<Value> = [0.0, 50.0, 100.0]
        .iter()
        .map(|p| json!({"progressToken": "progress-test-1", "progress": p, "total": 100.0}))
        .collect();
    assert_eq!(progress, expected);

    let (result, notes) = raw.call("test_tool_with_progress", None).await;
    assert_ne!(result["isError"], true, "{result}");
    assert!(notes.is_empty(), "no token, no progress: {notes:?}");
}
