//! Argument decoding and validation: the executor with the sample kit. The first byte
//! picks the tool, the rest is the JSON of the arguments. Whatever the bytes, the call
//! ends with a value or an error, and no tool but Fail ends with a fatal error (which a
//! contained panic would be).

#![no_main]

use std::sync::LazyLock;

use arcade_tdk::{Catalog, ToolContext, executor};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap());

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let Ok(Value::Object(args)) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    let entries = CATALOG.entries();
    let entry = &entries[usize::from(pick) % entries.len()];
    if entry.mcp_name() == "SampleKit_Fail" {
        // Panics on purpose for one argument; contained, but noisy.
        if args.get("kind").and_then(Value::as_str) == Some("valueerror") {
            return;
        }
    }
    let context = ToolContext::builder()
        .token("fuzz-token", arcade_tdk::TokenKind::OAuth2)
        .secret("MY_API_KEY", "fuzz-secret-1")
        .metadata("client_id", "c")
        .build();
    let output = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(executor::execute(entry, args, context))
        .into_output();
    // A contained panic is a fatal error; only Fail may fail fatally (on request).
    // (Checking the message for "panic" is wrong: an extra key's name is quoted in the
    // bad-input message, and the fuzzer found one containing "panic".)
    if let Some(error) = &output.error
        && entry.mcp_name() != "SampleKit_Fail"
    {
        assert_ne!(
            serde_json::to_value(error.kind).unwrap(),
            "TOOL_RUNTIME_FATAL",
            "{}: {:?}",
            entry.mcp_name(),
            error.developer_message
        );
    }
    serde_json::to_string(&output).expect("the output serializes");
});
