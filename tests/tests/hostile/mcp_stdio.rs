//! Hostile input to the MCP server over stdio-style streams (in-process, `serve_io` over
//! `tokio::io::duplex`): malformed and truncated JSON, invalid UTF-8, wrong JSON-RPC
//! shapes, unknown methods, a 10 MB line, deeply nested arrays, wrong types and extra
//! keys for every parameter type. After each, the server must still answer the next
//! request correctly.

use std::sync::Arc;
use std::time::Duration;

use arcade_examples::sample_kit;
use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::context::Authorization;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::token::{TokenChain, TokenSource};
use arcade_tdk::{Catalog, ToolError, ToolFilter, Toolkit, tool};
use futures_util::future::BoxFuture;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

struct Raw {
    write: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    lines: tokio::io::Lines<BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    next_id: u64,
}

impl Raw {
    async fn start() -> Self {
        let catalog = Catalog::new(sample_kit::toolkit()).unwrap();
        Self::start_with(
            catalog,
            LocalEnvironment::from_vars([("MY_API_KEY", "hostile-key-9876")]),
        )
        .await
    }

    async fn start_with(catalog: Catalog, environment: LocalEnvironment) -> Self {
        let catalog = Arc::new(catalog);
        let options = McpOptions::new("sample_kit", "1.0.0")
            .with_expose_developer_messages(false)
            .with_environment(Arc::new(environment));
        let arcade_tests::mcp::Duplex {
            read,
            write,
            server,
        } = arcade_tests::mcp::duplex(catalog, options);
        let mut raw = Self {
            write,
            lines: BufReader::new(read).lines(),
            server,
            next_id: 1000,
        };
        raw.send_line(br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"hostile","version":"0"}}}"#).await;
        let init = raw.recv().await.expect("initialize answered");
        assert_eq!(init["id"], 0, "{init}");
        raw.send_line(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            .await;
        raw
    }

    async fn send_line(&mut self, bytes: &[u8]) {
        self.write.write_all(bytes).await.unwrap();
        self.write.write_all(b"\n").await.unwrap();
        self.write.flush().await.unwrap();
    }

    /// The next message, or None when none arrives within 5 s (or the stream ended).
    async fn recv(&mut self) -> Option<Value> {
        let line = tokio::time::timeout(Duration::from_secs(5), self.lines.next_line())
            .await
            .ok()?
            .ok()??;
        Some(serde_json::from_str(&line).expect("the server writes JSON"))
    }

    /// Reads until the answer to `id` (skipping notifications and answers to earlier
    /// hostile lines, which are collected).
    async fn answer(&mut self, id: u64, others: &mut Vec<Value>) -> Value {
        loop {
            let message = self
                .recv()
                .await
                .unwrap_or_else(|| panic!("no answer to {id}; earlier: {others:?}"));
            if message.get("id") == Some(&json!(id)) {
                return message;
            }
            others.push(message);
        }
    }

    async fn call(&mut self, name: &str, arguments: Value) -> (Value, Vec<Value>) {
        self.next_id += 1;
        let id = self.next_id;
        let line = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": name, "arguments": arguments}});
        self.send_line(line.to_string().as_bytes()).await;
        let mut others = Vec::new();
        let answer = self.answer(id, &mut others).await;
        (answer, others)
    }

    /// The server still answers an echo correctly; returns whatever else it said since
    /// the last check (answers to hostile lines).
    async fn still_serving(&mut self, label: &str) -> Vec<Value> {
        let (answer, others) = self.call("SampleKit_Echo", json!({"text": label})).await;
        assert_eq!(
            answer["result"]["structuredContent"],
            json!({"result": label}),
            "after {label}: {answer}"
        );
        assert!(!self.server.is_finished(), "server ended after {label}");
        others
    }
}

fn nested_array(depth: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(depth * 2);
    v.extend(std::iter::repeat_n(b'[', depth));
    v.extend(std::iter::repeat_n(b']', depth));
    v
}

#[tokio::test]
async fn hostile_lines_get_errors_or_are_dropped_and_the_server_keeps_serving() {
    let mut raw = Raw::start().await;
    let deep = nested_array(100_000);
    let mut deep_call =
        br#"{"jsonrpc":"2.0","id":77,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":{"text":"#.to_vec();
    deep_call.extend_from_slice(&deep);
    deep_call.extend_from_slice(b"}}}");
    let mut huge = br#"{"jsonrpc":"2.0","id":78,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":{"text":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge.extend_from_slice(br#""}}}"#);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty line", b"".to_vec()),
        ("whitespace", b"   \t ".to_vec()),
        ("not json", b"hello there".to_vec()),
        ("truncated", br#"{"jsonrpc":"2.0","id":5,"method":"tools/ca"#.to_vec()),
        ("invalid utf-8", b"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"\xff\xfe\"}".to_vec()),
        ("invalid utf-8 in a string argument", b"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"SampleKit_Echo\",\"arguments\":{\"text\":\"\xc3\x28\"}}}".to_vec()),
        ("lone surrogate escape", br#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":{"text":"\ud800"}}}"#.to_vec()),
        ("nul bytes", b"\0\0\0".to_vec()),
        ("array", b"[1,2,3]".to_vec()),
        ("empty batch", b"[]".to_vec()),
        ("number", b"42".to_vec()),
        ("string", br#""tools/call""#.to_vec()),
        ("null", b"null".to_vec()),
        ("no jsonrpc", br#"{"id":9,"method":"ping"}"#.to_vec()),
        ("jsonrpc 1.0", br#"{"jsonrpc":"1.0","id":10,"method":"ping"}"#.to_vec()),
        ("id is an object", br#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#.to_vec()),
        ("id is a float", br#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#.to_vec()),
        ("method is a number", br#"{"jsonrpc":"2.0","id":11,"method":5}"#.to_vec()),
        ("unknown method", br#"{"jsonrpc":"2.0","id":12,"method":"tools/explode"}"#.to_vec()),
        ("unknown notification", br#"{"jsonrpc":"2.0","method":"notifications/whatever"}"#.to_vec()),
        ("params is a string", br#"{"jsonrpc":"2.0","id":13,"method":"tools/call","params":"x"}"#.to_vec()),
        ("params missing", br#"{"jsonrpc":"2.0","id":14,"method":"tools/call"}"#.to_vec()),
        ("name missing", br#"{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"arguments":{}}}"#.to_vec()),
        ("name is a number", br#"{"jsonrpc":"2.0","id":16,"method":"tools/call","params":{"name":3}}"#.to_vec()),
        ("arguments is an array", br#"{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":[1]}}"#.to_vec()),
        ("arguments is a string", br#"{"jsonrpc":"2.0","id":18,"method":"tools/call","params":{"name":"SampleKit_Echo","arguments":"text"}}"#.to_vec()),
        ("response from the client to nothing", br#"{"jsonrpc":"2.0","id":19,"result":{}}"#.to_vec()),
        ("error from the client to nothing", br#"{"jsonrpc":"2.0","id":20,"error":{"code":1,"message":"x"}}"#.to_vec()),
        ("duplicate keys", br#"{"jsonrpc":"2.0","id":21,"id":22,"method":"ping"}"#.to_vec()),
        ("second initialize", br#"{"jsonrpc":"2.0","id":23,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"again","version":"0"}}}"#.to_vec()),
        ("cancel of an unknown request", br#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":999999}}"#.to_vec()),
        ("huge number", format!(r#"{{"jsonrpc":"2.0","id":24,"method":"ping","params":{{"n":1{}}}}}"#, "0".repeat(5000)).into_bytes()),
        ("deeply nested arrays (100k)", deep),
        ("deeply nested arguments (100k)", deep_call),
        ("10 MB line", huge),
    ];
    for (label, bytes) in cases {
        raw.send_line(&bytes).await;
        let others = raw.still_serving(label).await;
        // Anything the server said about the hostile line is a JSON-RPC message, and an
        // error names no internals beyond the protocol.
        for message in &others {
            assert_eq!(message["jsonrpc"], "2.0", "{label}: {message}");
        }
    }
}

#[tokio::test]
async fn protocol_errors_are_json_rpc_errors() {
    let mut raw = Raw::start().await;
    raw.send_line(br#"{"jsonrpc":"2.0","id":1,"method":"tools/explode"}"#)
        .await;
    let mut others = Vec::new();
    let unknown = raw.answer(1, &mut others).await;
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");

    raw.send_line(br#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"Nope"}}"#)
        .await;
    let unknown_tool = raw.answer(2, &mut others).await;
    assert_eq!(unknown_tool["error"]["code"], -32602, "{unknown_tool}");
    raw.still_serving("after protocol errors").await;
}

/// Wrong types and extra keys for every parameter type of the sample kit: each is an
/// `isError` result naming the field, never echoing the value; the server goes on.
#[tokio::test]
async fn wrong_types_and_extra_keys_for_every_parameter_type() {
    const MARK: &str = "zz-hostile-value-zz";
    let mut raw = Raw::start().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        // string
        ("SampleKit_Echo", json!({"text": 5}), "text"),
        ("SampleKit_Echo", json!({"text": [MARK]}), "text"),
        ("SampleKit_Echo", json!({"text": {"k": MARK}}), "text"),
        (
            "SampleKit_Echo",
            json!({"text": "ok", "bogus_key": MARK}),
            "bogus_key",
        ),
        ("SampleKit_Echo", json!({}), "text"),
        // integer, number
        ("SampleKit_AddNumbers", json!({"a": MARK}), "a"),
        ("SampleKit_AddNumbers", json!({"a": 1.5}), "a"),
        ("SampleKit_AddNumbers", json!({"a": true}), "a"),
        ("SampleKit_AddNumbers", json!({"a": 1, "b": MARK}), "b"),
        ("SampleKit_AddNumbers", json!({"a": 1, "b": [1]}), "b"),
        // boolean, string enum
        ("SampleKit_GetFlags", json!({"verbose": MARK}), "verbose"),
        ("SampleKit_GetFlags", json!({"verbose": 2}), "verbose"),
        ("SampleKit_GetFlags", json!({"mode": MARK}), "mode"),
        ("SampleKit_GetFlags", json!({"mode": 1}), "mode"),
        // arrays of strings, integers, enums; optional string
        (
            "SampleKit_TagItems",
            json!({"tags": MARK, "ids": [1], "priority": "low"}),
            "tags",
        ),
        (
            "SampleKit_TagItems",
            json!({"tags": ["a"], "ids": [1, MARK], "priority": "low"}),
            "ids[1]",
        ),
        (
            "SampleKit_TagItems",
            json!({"tags": ["a"], "ids": [1], "priority": MARK}),
            "priority",
        ),
        (
            "SampleKit_TagItems",
            json!({"tags": ["a"], "ids": [1], "priority": "low", "note": [MARK]}),
            "note",
        ),
        (
            "SampleKit_TagItems",
            json!({"tags": ["a"], "ids": [1], "priority": "low", "priorities": [MARK]}),
            "priorities",
        ),
        // objects (TypedDict, model), free-form map, list of objects
        (
            "SampleKit_CreateTicket",
            json!({"ticket": MARK, "assignee": {"user_id": "u"}}),
            "ticket",
        ),
        (
            "SampleKit_CreateTicket",
            json!({"ticket": {"title": "t", "labels": [], "bogus_key": MARK}, "assignee": {"user_id": "u"}}),
            "ticket.bogus_key",
        ),
        (
            "SampleKit_CreateTicket",
            json!({"ticket": {"title": "t", "labels": []}, "assignee": {"user_id": "u", "weight": MARK}}),
            "assignee.weight",
        ),
        (
            "SampleKit_CreateTicket",
            json!({"ticket": {"title": "t", "labels": []}, "assignee": {"user_id": "u"}, "extra": MARK}),
            "extra",
        ),
        (
            "SampleKit_CreateTicket",
            json!({"ticket": {"title": "t", "labels": []}, "assignee": {"user_id": "u"}, "tickets": [MARK]}),
            "tickets",
        ),
    ];
    for (tool, args, field) in cases {
        let (answer, _) = raw.call(tool, args.clone()).await;
        let result = &answer["result"];
        assert_eq!(result["isError"], true, "{tool} {args}: {answer}");
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        assert!(text.contains(field), "{tool} {args}: names {field}: {text}");
        let whole = answer.to_string();
        assert!(
            !whole.contains(MARK),
            "{tool} {args}: value echoed: {whole}"
        );
        assert_eq!(
            result["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_BAD_INPUT_VALUE",
            "{tool} {args}: {answer}"
        );
    }
    raw.still_serving("after wrong types").await;
}

/// Closing the input ends the server cleanly, even mid-line.
#[tokio::test]
async fn truncated_final_line_then_eof_ends_cleanly() {
    let mut raw = Raw::start().await;
    raw.write
        .write_all(br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"na"#)
        .await
        .unwrap();
    raw.write.shutdown().await.unwrap();
    drop(raw.write);
    let result = tokio::time::timeout(Duration::from_secs(5), raw.server)
        .await
        .expect("the server ends on EOF")
        .expect("no panic");
    assert!(result.is_ok(), "{result:?}");
}

// ---------------------------------------------------------------------------------------
// Panics are contained: in a tool, in the serialization of its output, in a token source.

/// A value whose serialization panics.
#[derive(schemars::JsonSchema)]
struct Explosive {
    #[allow(dead_code)]
    n: i64,
}

impl serde::Serialize for Explosive {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        panic!("serializer exploded with pd_PANIC_secret_0001")
    }
}

/// Return a value that cannot be serialized.
#[tool]
fn explode_on_output() -> Explosive {
    Explosive { n: 1 }
}

/// Panic in the tool itself.
#[tool]
async fn explode_in_tool() -> Result<String, ToolError> {
    panic!("tool exploded")
}

/// Needs a token (from the panicking source).
#[tool(requires_auth = PagerDuty(scopes = ["read"]))]
fn needs_token(context: arcade_tdk::ToolContext) -> String {
    context.get_auth_token_or_empty().len().to_string()
}

struct PanickingSource {
    in_future: bool,
}

impl TokenSource for PanickingSource {
    fn name(&self) -> &'static str {
        "panicky"
    }

    fn token<'a>(
        &'a self,
        _requirement: &'a ToolAuthorization,
        _user_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Authorization>, ToolError>> {
        assert!(self.in_future, "token source exploded (sync)");
        Box::pin(async { panic!("token source exploded with pd_PANIC_secret_0002") })
    }
}

#[tokio::test]
async fn panics_are_fatal_tool_errors_and_the_server_keeps_serving() {
    for in_future in [true, false] {
        let catalog = Catalog::filtered(
            [
                sample_kit::toolkit(),
                Toolkit::new("Boom")
                    .tool(explode_on_output::tool())
                    .tool(explode_in_tool::tool())
                    .tool(needs_token::tool()),
            ],
            &ToolFilter::default(),
        )
        .unwrap();
        let env = LocalEnvironment::from_vars([("MY_API_KEY", "hostile-key-9876")]).with_tokens(
            TokenChain::new(vec![Box::new(PanickingSource { in_future })]),
        );
        let mut raw = Raw::start_with(catalog, env).await;
        for tool in [
            "Boom_ExplodeOnOutput",
            "Boom_ExplodeInTool",
            "Boom_NeedsToken",
        ] {
            for round in 0..2 {
                let (answer, _) = raw.call(tool, json!({})).await;
                let result = &answer["result"];
                assert_eq!(result["isError"], true, "{tool}: {answer}");
                assert_eq!(
                    result["_meta"]["arcade"]["errorKind"], "TOOL_RUNTIME_FATAL",
                    "{tool}: {answer}"
                );
                assert!(!answer.to_string().contains("pd_PANIC"), "{answer}");
                raw.still_serving(&format!("{tool} #{round}")).await;
            }
        }
    }
}
