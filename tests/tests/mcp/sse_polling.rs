//! SSE polling (SEP-1699) over real HTTP: a tool closes its call's SSE stream, and the
//! client gets the rest of the call, its result included, by reconnecting with `GET`
//! and `Last-Event-ID`.

use std::sync::Arc;
use std::time::Duration;

use arcade_examples::conformance;
use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router, serve_http_listener};
use arcade_tdk::{Catalog, ToolFilter};
use serde_json::{Value, json};

/// One server-sent event.
#[derive(Debug, Default)]
struct Event {
    id: Option<String>,
    retry: Option<u64>,
    data: String,
}

fn parse_events(text: &str) -> Vec<Event> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut event = Event::default();
            for line in block.lines() {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "id" => event.id = Some(value.to_owned()),
                    "retry" => event.retry = value.parse().ok(),
                    "data" => event.data.push_str(value),
                    _ => {}
                }
            }
            event
        })
        .collect()
}

/// Reads `response` until an event answers request `id` (or the body ends, or 10 s).
async fn read_until_answer(mut response: reqwest::Response, id: u64) -> Vec<Event> {
    let mut text = String::new();
    let read = async {
        while let Some(chunk) = response.chunk().await.expect("SSE body") {
            text.push_str(std::str::from_utf8(&chunk).unwrap());
            if parse_events(&text).iter().any(|e| answers(e, id)) {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the stream ends or answers within 10 s");
    parse_events(&text)
}

fn answers(event: &Event, id: u64) -> bool {
    serde_json::from_str::<Value>(&event.data)
        .is_ok_and(|m| m["id"] == id && m.get("result").is_some())
}

async fn start() -> (String, tokio::sync::oneshot::Sender<()>) {
    let catalog = Catalog::filtered([conformance::toolkit()], &ToolFilter::default()).unwrap();
    let router = http_router(
        Arc::new(catalog),
        McpOptions::new("conformance", "1.0.0"),
        HttpOptions::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/mcp", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(serve_http_listener(router, listener, async move {
        let _ = stopped.await;
    }));
    (url, stop)
}

/// A 2025-11-25 session's id.
async fn session(url: &str) -> String {
    arcade_tests::mcp::HttpSession::open(url, "2025-11-25")
        .await
        .id
}

async fn call(url: &str, session: &str, id: u64, tool: &str) -> reqwest::Response {
    let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": tool, "arguments": {}}});
    let headers = [
        ("mcp-session-id", session),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    arcade_tests::mcp::post(url, &headers, body.to_string()).await
}

async fn reconnect(url: &str, session: &str, last_event_id: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(url)
        .header("accept", "text/event-stream")
        .header("mcp-session-id", session)
        .header("mcp-protocol-version", "2025-11-25")
        .header("last-event-id", last_event_id)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_closed_call_stream_is_resumed_with_last_event_id() {
    let (url, _stop) = start().await;
    let session = session(&url).await;

    let response = call(&url, &session, 1, "test_reconnection").await;
    assert_eq!(response.status(), 200);
    let events = read_until_answer(response, 1).await;
    // The POST stream: a priming event (an id, no data, a retry interval), then its
    // end, with no answer on it.
    assert!(!events.is_empty(), "no events on the POST stream");
    assert_eq!(events[0].data, "", "{events:?}");
    assert!(events[0].retry.is_some(), "{events:?}");
    assert!(
        !events.iter().any(|e| answers(e, 1)),
        "answered before the close: {events:?}"
    );
    let last = events
        .last()
        .unwrap()
        .id
        .clone()
        .expect("an event id to resume from");

    let resumed = reconnect(&url, &session, &last).await;
    assert_eq!(resumed.status(), 200);
    let events = read_until_answer(resumed, 1).await;
    let answer = events
        .iter()
        .find(|e| answers(e, 1))
        .expect("the answer after reconnecting");
    let message: Value = serde_json::from_str(&answer.data).unwrap();
    assert_eq!(
        message["result"]["content"][0]["text"],
        "Reconnection test completed after the stream was closed"
    );
    assert_ne!(message["result"]["isError"], true);

    // Resumed once: the same id again finds nothing to replay.
    let again = read_until_answer(reconnect(&url, &session, &last).await, 1).await;
    assert!(!again.iter().any(|e| answers(e, 1)), "{again:?}");
    // The session goes on: a call whose tool does not close its stream answers on it.
    let events = read_until_answer(call(&url, &session, 2, "test_simple_text").await, 2).await;
    assert!(events.iter().any(|e| answers(e, 2)), "{events:?}");
}

#[tokio::test]
async fn another_session_cannot_resume_a_closed_stream() {
    let (url, _stop) = start().await;
    let alice = session(&url).await;
    let mallory = session(&url).await;
    let events = read_until_answer(call(&url, &alice, 1, "test_reconnection").await, 1).await;
    let last = events.last().unwrap().id.clone().unwrap();

    let stolen = read_until_answer(reconnect(&url, &mallory, &last).await, 1).await;
    assert!(!stolen.iter().any(|e| answers(e, 1)), "{stolen:?}");
    // Alice still gets her answer.
    let events = read_until_answer(reconnect(&url, &alice, &last).await, 1).await;
    assert!(events.iter().any(|e| answers(e, 1)), "{events:?}");
}
