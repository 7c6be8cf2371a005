//! `#[arg(header = "...")]` on the wire (SEP-2243): a 2026-07-28 `tools/call` of a tool
//! with an `x-mcp-header` argument must carry it as `Mcp-Param-<name>` too, matching the
//! body (literal or `=?base64?...?=`); a missing, mismatched or badly encoded header is
//! HTTP 400 with -32020, before the tool runs.

use std::sync::Arc;

use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router, serve_http_listener};
use arcade_tdk::{Catalog, Toolkit, tool};
use serde_json::{Value, json};

/// Routes by region.
#[tool]
fn route(
    /// The region, also the `Mcp-Param-Region` header
    #[arg(header = "Region")]
    region: String,
) -> String {
    format!("routed to {region}")
}

/// A 2026-07-28 `tools/call` of `Hdr_Route` with `region` in the body and `header`
/// (if any) as `Mcp-Param-Region`: the HTTP status and the JSON-RPC message.
async fn call(url: &str, region: &str, header: Option<&str>) -> (u16, Value) {
    let body = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities": {}},
        "name": "Hdr_Route", "arguments": {"region": region}}});
    let mut headers = vec![
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "Hdr_Route"),
    ];
    if let Some(header) = header {
        headers.push(("mcp-param-region", header));
    }
    let response = arcade_tests::mcp::post(url, &headers, body.to_string()).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let message = serde_json::from_str(&text).unwrap_or_else(|_| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|m| m.get("id") == Some(&json!(3)))
            .unwrap_or_else(|| panic!("no response in {text}"))
    });
    (status, message)
}

#[tokio::test]
async fn header_arguments_are_checked_against_the_body() {
    let catalog = Catalog::new(Toolkit::new("Hdr").tool(route::tool())).unwrap();
    let router = http_router(
        Arc::new(catalog),
        McpOptions::new("hdr", "1.0.0"),
        HttpOptions::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_http_listener(router, listener, async move {
        let _ = stopped.await;
    }));

    for (body, header) in [
        ("eu", "eu"),
        ("Hello", "=?base64?SGVsbG8=?="),
        ("x", "  x  "),
    ] {
        let (status, message) = call(&url, body, Some(header)).await;
        assert_eq!(status, 200, "{header}: {message}");
        assert_eq!(
            message["result"]["structuredContent"]["result"],
            format!("routed to {body}"),
            "{message}"
        );
    }
    for (body, header) in [
        ("eu", Some("us")),
        ("eu", None),
        ("Hello", Some("=?base64?SGVsbG8?=")),
        ("Hello", Some("=?base64?SGVs!!!bG8=?=")),
    ] {
        let (status, message) = call(&url, body, header).await;
        assert_eq!(status, 400, "{header:?}: {message}");
        assert_eq!(message["error"]["code"], -32020, "{header:?}: {message}");
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
