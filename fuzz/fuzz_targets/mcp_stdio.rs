//! JSON-RPC framing of the MCP stdio server: after `initialize`, the input is written as
//! is (any bytes, any number of lines), then a newline and a `tools/call` of Echo. The
//! server must answer the echo correctly within 5 s, whatever came before.

#![no_main]

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use arcade_tdk::Catalog;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{McpOptions, serve_io};
use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

static CATALOG: LazyLock<Arc<Catalog>> =
    LazyLock::new(|| Arc::new(Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap()));

const INIT: &[u8] = b"{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"fuzz\",\"version\":\"0\"}}}\n{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
const PROBE: &[u8] = b"\n{\"jsonrpc\":\"2.0\",\"id\":\"probe-4242\",\"method\":\"tools/call\",\"params\":{\"name\":\"SampleKit_Echo\",\"arguments\":{\"text\":\"still here\"}}}\n";

fuzz_target!(|data: &[u8]| {
    // SampleKit.Fail panics on purpose for this kind; libFuzzer would count even a
    // contained panic as a crash.
    if data
        .windows(10)
        .any(|w| w.eq_ignore_ascii_case(b"valueerror"))
    {
        return;
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let options = McpOptions::new("fuzz", "0")
                .with_environment(Arc::new(LocalEnvironment::from_vars([("A", "b")])));
            let (client, server) = tokio::io::duplex(1 << 20);
            let (sr, sw) = tokio::io::split(server);
            let task = tokio::spawn(serve_io(CATALOG.clone(), options, sr, sw));
            let (read, mut write) = tokio::io::split(client);
            let mut lines = BufReader::new(read).lines();
            let input = data.to_vec();
            let writer = tokio::spawn(async move {
                write.write_all(INIT).await.ok();
                write.write_all(&input).await.ok();
                write.write_all(PROBE).await.ok();
                write
            });
            let found = tokio::time::timeout(Duration::from_secs(5), async {
                while let Ok(Some(line)) = lines.next_line().await {
                    let message: serde_json::Value =
                        serde_json::from_str(&line).expect("the server writes JSON lines");
                    if message["id"] == "probe-4242" {
                        return Some(message);
                    }
                }
                None
            })
            .await
            .expect("the probe is answered within 5 s");
            // The input may legitimately end the session (e.g. a second `initialize`
            // is refused by closing); it must never panic or hang.
            if let Some(message) = found {
                assert_eq!(
                    message["result"]["structuredContent"]["result"], "still here",
                    "{message}"
                );
            }
            drop(writer.await);
            drop(lines);
            let _ = tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .expect("the server ends when the client leaves")
                .expect("the server task did not panic");
        });
});
