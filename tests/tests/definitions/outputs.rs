//! Executing the sample kit gives the `ToolCallOutput` JSON Arcade's Python executor
//! gives (`fixtures/arcade-wire/outputs.json`), except for the deliberate differences
//! listed in `fixtures/DIFFERENCES.md` (#2, #3 and #4), each applied here by number.

use arcade_examples::sample_kit;
use arcade_tdk::testing::Harness;
use arcade_tdk::{Catalog, ToolContext, ToolFilter, executor};
use serde_json::{Value, json};

fn fixture() -> Value {
    arcade_tests::fixtures::json("arcade-wire/outputs.json")
}

#[tokio::test]
async fn outputs_match_arcades_executor() {
    let fixture = fixture();
    let context: ToolContext = serde_json::from_value(fixture["context_used"].clone()).unwrap();
    let catalog = Catalog::filtered([sample_kit::toolkit()], &ToolFilter::default()).unwrap();
    let cases = fixture["results"].as_array().unwrap();
    assert_eq!(cases.len(), 22);
    for case in cases {
        let tool = case["tool"].as_str().unwrap();
        let entry = catalog.get(&format!("SampleKit.{tool}")).unwrap();
        let args = case["inputs"].as_object().unwrap().clone();
        let ours = serde_json::to_value(
            executor::execute(entry, args, context.clone())
                .await
                .into_output(),
        )
        .unwrap();
        let python = &case["output"];
        let label = format!("{tool} {}", case["inputs"]);
        if python["error"].is_null() {
            assert_eq!(&ours, python, "{label}");
            continue;
        }
        let (o, p) = (&ours["error"], &python["error"]);
        for key in [
            "kind",
            "can_retry",
            "retry_after_ms",
            "status_code",
            "additional_prompt_content",
            "extra",
        ] {
            assert_eq!(o[key], p[key], "{label}: {key}");
        }
        // DIFFERENCES.md #2: the message names the tool (`'AddNumbers'`), not the Python
        // function (`'add_numbers'`).
        let fn_name = entry.tool().spec().fn_name();
        let expected = p["message"]
            .as_str()
            .unwrap()
            .replace(&format!("'{fn_name}'"), &format!("'{tool}'"));
        let message = o["message"].as_str().unwrap();
        // DIFFERENCES.md #4: Rust tools panic rather than raise; the text says so.
        let expected = expected.replace(
            "An unhandled ValueError was raised by the tool.",
            "An unhandled panic occurred in the tool.",
        );
        match p["kind"].as_str().unwrap() {
            // DIFFERENCES.md #3: pydantic appends its own detail after a comma; ours stops
            // at the plain statement. Ours is a prefix of theirs.
            "TOOL_RUNTIME_BAD_INPUT_VALUE" => {
                let head = expected.split(", unable").next().unwrap();
                assert_eq!(message, head, "{label}");
            }
            _ => assert_eq!(message, expected, "{label}"),
        }
        assert!(
            ours["value"].is_null() && ours["requires_authorization"].is_null(),
            "{label}"
        );
    }
}

#[tokio::test]
async fn a_panicking_tool_is_contained_and_the_next_call_works() {
    let harness = Harness::new(sample_kit::toolkit());
    let error = harness
        .call("Fail", json!({"kind": "valueerror"}))
        .await
        .error();
    assert_eq!(error.kind, arcade_tdk::ErrorKind::ToolRuntimeFatal);
    assert!(
        !error.message.contains("hunter2"),
        "the panic text stays out of the message"
    );
    let out = harness.call("Echo", json!({"text": "still here"})).await;
    assert_eq!(out.value(), Value::String("still here".into()));
}

#[tokio::test]
async fn secrets_from_the_context_are_scrubbed_from_errors() {
    let catalog = Catalog::filtered([sample_kit::toolkit()], &ToolFilter::default()).unwrap();
    let fail = catalog.get("SampleKit.Fail").unwrap();
    // The panic message is `secret=hunter2`: with `hunter2` as a secret it is redacted.
    let context = ToolContext::builder().secret("PASSWORD", "hunter2").build();
    let args = serde_json::json!({"kind": "valueerror"})
        .as_object()
        .unwrap()
        .clone();
    let out = executor::execute(fail, args, context).await.into_output();
    let text = serde_json::to_string(&out).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("[redacted]"), "{text}");
}
