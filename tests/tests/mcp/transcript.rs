//! Replays the JSON-RPC transcript of Arcade's Python MCP server (2025-11-25, stdio) and
//! compares our answers with its answers, field by field.
//!
//! Deliberate differences (`tests/fixtures/DIFFERENCES.md`), each applied below by number:
//! * DIFFERENCES.md #2: error texts name the tool (`'Fail'`), not the Python function
//!   (`'fail'`); #3: our bad-input text words the problem differently (both name the
//!   field); #4: an unexpected failure is a panic, not a `ValueError`;
//! * DIFFERENCES.md #6: JSON text blocks are compact (`{"a":1}`), Python's use
//!   `", "`/`": "` separators;
//! * DIFFERENCES.md #7: `SampleKit_PagerdutyWhoami` gets its token from the token sources
//!   (here none), so its requirement message differs from Python's "Missing Arcade API key";
//! * DIFFERENCES.md #8: `initialize` advertises `tools`, `logging`, and empty `prompts` and
//!   `resources` without `listChanged` (they never change); no `tasks`;
//! * DIFFERENCES.md #14: `tools/list` is compared by names here (the entries are compared
//!   in `definitions/wire.rs`).

use std::sync::Arc;
use std::time::Duration;

use arcade_examples::sample_kit;
use arcade_tdk::Catalog;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::McpOptions;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn transcript() -> Vec<Value> {
    let fixture = arcade_tests::fixtures::json("arcade-wire/mcp_stdio_transcript_2025-11-25.json");
    serde_json::from_value(fixture).expect("a list of exchanges")
}

/// A text block's value: parsed when it is JSON (spacing differs: DIFFERENCES.md #6),
/// else the string.
fn text_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

#[tokio::test]
async fn python_transcript_replays() {
    let catalog = Arc::new(Catalog::new(sample_kit::toolkit()).unwrap());
    let env = LocalEnvironment::from_vars([("MY_API_KEY", "sk-test-abcd")]);
    let options = McpOptions::new("sample_kit", "1.0.0")
        .with_title("sample_kit")
        .with_environment(Arc::new(env));
    let arcade_tests::mcp::Duplex {
        read, mut write, ..
    } = arcade_tests::mcp::duplex(catalog, options);
    let mut lines = BufReader::new(read).lines();

    for exchange in transcript() {
        let request = &exchange["request"];
        let expected = &exchange["response"];
        write
            .write_all(format!("{request}\n").as_bytes())
            .await
            .unwrap();
        let line = tokio::time::timeout(Duration::from_secs(5), lines.next_line())
            .await
            .expect("an answer")
            .unwrap()
            .unwrap();
        let ours: Value = serde_json::from_str(&line).unwrap();
        let method = request["method"].as_str().unwrap();
        let name = request["params"]["name"].as_str().unwrap_or(method);
        assert_eq!(ours["id"], expected["id"], "{name}");

        if method == "initialize" {
            // DIFFERENCES.md #8: the capabilities are ours.
            let (ours, theirs) = (&ours["result"], &expected["result"]);
            assert_eq!(ours["protocolVersion"], theirs["protocolVersion"]);
            assert_eq!(ours["serverInfo"], theirs["serverInfo"]);
            assert_eq!(ours["capabilities"]["logging"], json!({}));
            assert!(ours["capabilities"]["tools"].is_object());
            assert_eq!(ours["capabilities"]["prompts"], json!({}));
            assert_eq!(ours["capabilities"]["resources"], json!({}));
            assert!(theirs["capabilities"]["prompts"].is_object());
            assert!(theirs["capabilities"]["resources"].is_object());
            write
                .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
                .await
                .unwrap();
            continue;
        }
        if method == "tools/list" {
            // DIFFERENCES.md #14: names only here.
            let names = |v: &Value| -> Vec<String> {
                v["result"]["tools"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["name"].as_str().unwrap().to_owned())
                    .collect()
            };
            assert_eq!(names(&ours), names(expected));
            continue;
        }
        if expected.get("error").is_some() {
            assert_eq!(ours["error"], expected["error"], "{name}");
            continue;
        }
        let (ours, theirs) = (&ours["result"], &expected["result"]);
        assert_eq!(ours["isError"], theirs["isError"], "{name}: {ours}");
        if name == "SampleKit_PagerdutyWhoami" {
            // DIFFERENCES.md #7: our own text for the missing token.
            assert_eq!(ours["content"].as_array().unwrap().len(), 2, "{ours}");
            continue;
        }
        assert_eq!(
            ours["structuredContent"], theirs["structuredContent"],
            "{name}"
        );
        assert_eq!(ours["_meta"], theirs["_meta"], "{name}");
        let ours_text = ours["content"][0]["text"].as_str().unwrap();
        let theirs_text = theirs["content"][0]["text"].as_str().unwrap();
        if theirs["isError"] == true {
            // Same kind prefix and, after the tool name, the same message: the name
            // itself differs (DIFFERENCES.md #2), and so do the wording of bad input
            // (DIFFERENCES.md #3) and of an unexpected failure (DIFFERENCES.md #4).
            let prefix = |t: &str| t.split(" during execution").next().unwrap().to_owned();
            assert_eq!(prefix(ours_text), prefix(theirs_text), "{name}");
            let body = |t: &str| t.split_once("': ").unwrap().1.to_owned();
            if name == "SampleKit_AddNumbers" {
                assert!(
                    body(ours_text).starts_with("Invalid input: a: "),
                    "{ours_text}"
                );
            } else if !body(theirs_text).contains("ValueError") {
                assert_eq!(body(ours_text), body(theirs_text), "{name}");
            }
        } else {
            assert_eq!(text_value(ours_text), text_value(theirs_text), "{name}");
        }
    }
}
