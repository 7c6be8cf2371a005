//! Hostile input to the MCP server over Streamable HTTP (loopback): malformed and
//! truncated JSON, invalid UTF-8, wrong JSON-RPC shapes, unknown methods, a 10 MB body,
//! 100k-deep nesting, odd methods and headers. Every answer is a 4xx (or a JSON-RPC
//! error), never a 5xx, a panic or a hang, and the server keeps serving.

use std::sync::Arc;

use arcade_examples::sample_kit;
use arcade_tdk::Catalog;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router};
use serde_json::{Value, json};

const MARK: &str = "zz-hostile-value-zz";

async fn spawn(http: HttpOptions) -> String {
    let catalog = Arc::new(Catalog::new(sample_kit::toolkit()).unwrap());
    let options = McpOptions::new("sample_kit", "1.0.0")
        .with_environment(Arc::new(LocalEnvironment::from_vars([("A", "b")])));
    let router = http_router(catalog, options, http);
    format!("http://{}/mcp", arcade_tests::net::serve(router).await)
}

async fn post(url: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> (u16, String) {
    let response = arcade_tests::mcp::post(url, headers, body).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// One stateless echo call; the JSON-RPC answer.
async fn echo(url: &str, text: &str) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "SampleKit_Echo", "arguments": {"text": text}}});
    let (status, answer) = post(
        url,
        body.to_string().into_bytes(),
        &[("mcp-protocol-version", "2025-11-25")],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let json = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("data:")
                .map(str::trim)
                .filter(|d| !d.is_empty())
        })
        .unwrap_or(answer.as_str())
        .to_owned();
    serde_json::from_str(&json).unwrap_or_else(|_| panic!("{answer}"))
}

#[tokio::test]
async fn hostile_bodies_are_4xx_and_the_server_keeps_serving() {
    let url = spawn(
        HttpOptions::default()
            .with_stateful(false)
            .with_json_response(true),
    )
    .await;
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let mut deep_call = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":{"text":"#.to_owned();
    deep_call.push_str(&deep);
    deep_call.push_str("}}}");
    let mut huge = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":{"text":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge.extend_from_slice(br#""}}}"#);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not json", format!("{MARK} hello").into_bytes()),
        ("truncated", br#"{"jsonrpc":"2.0","id":1,"meth"#.to_vec()),
        ("invalid utf-8", b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}".to_vec()),
        ("array", b"[1,2]".to_vec()),
        ("empty batch", b"[]".to_vec()),
        ("null", b"null".to_vec()),
        ("string", format!("\"{MARK}\"").into_bytes()),
        ("no jsonrpc", br#"{"id":1,"method":"ping"}"#.to_vec()),
        ("unknown method", br#"{"jsonrpc":"2.0","id":1,"method":"tools/explode"}"#.to_vec()),
        ("params is a string", format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"{MARK}"}}"#).into_bytes()),
        ("arguments is an array", br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":[1]}}"#.to_vec()),
        ("a response to nothing", br#"{"jsonrpc":"2.0","id":1,"result":{}}"#.to_vec()),
        ("100k-deep nesting", deep.into_bytes()),
        ("100k-deep arguments", deep_call.into_bytes()),
        ("10 MB body", huge),
    ];
    for (label, body) in cases {
        let (status, text) = post(&url, body, &[("mcp-protocol-version", "2025-11-25")]).await;
        assert!(
            (200..500).contains(&status),
            "{label}: {status} {}",
            &text[..text.len().min(300)]
        );
        if status == 200 {
            // A JSON-RPC error (or notification acknowledgement), never a result.
            assert!(!text.contains("\"result\":{\"content\""), "{label}: {text}");
        }
        assert!(!text.contains(MARK), "{label}: echoed: {text}");
        let answer = echo(&url, label).await;
        assert_eq!(
            answer["result"]["structuredContent"],
            json!({"result": label}),
            "after {label}: {answer}"
        );
    }
}

#[tokio::test]
async fn odd_methods_headers_and_content_types() {
    let url = spawn(HttpOptions::default()).await;
    let client = reqwest::Client::new();
    for method in ["GET", "DELETE", "PUT", "PATCH"] {
        let response = client
            .request(method.parse().unwrap(), &url)
            .header("accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_client_error(),
            "{method}: {}",
            response.status()
        );
    }
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "h", "version": "0"}}})
    .to_string();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "unknown session",
            vec![("mcp-session-id", "no-such-session")],
        ),
        (
            "odd protocol version",
            vec![("mcp-protocol-version", "1999-01-01")],
        ),
        ("foreign host", vec![("host", "evil.example")]),
        ("foreign origin", vec![("origin", "http://evil.example")]),
        ("null origin", vec![("origin", "null")]),
        (
            "host with userinfo",
            vec![("host", "127.0.0.1@evil.example")],
        ),
        ("localhost suffix", vec![("host", "localhost.evil.example")]),
        (
            "origin with loopback as subdomain",
            vec![("origin", "http://127.0.0.1.evil.example")],
        ),
    ];
    for (label, headers) in cases {
        let (status, text) = post(&url, init.clone().into_bytes(), &headers).await;
        assert!((400..500).contains(&status), "{label}: {status} {text}");
    }
    // Wrong content type and accept.
    let response = client
        .post(&url)
        .header("content-type", "text/plain")
        .header("accept", "application/json, text/event-stream")
        .body(init.clone())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    let response = client
        .post(&url)
        .header("content-type", "application/json")
        .header("accept", "text/html")
        .body(init.clone())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    // And a proper initialize still works.
    let (status, _) = post(&url, init.into_bytes(), &[]).await;
    assert_eq!(status, 200);
}
