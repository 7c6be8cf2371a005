//! Replays every request of Python's recorded worker session
//! (`fixtures/arcade-wire/worker_examples.json`) against our worker and compares the
//! answers, except for the deliberate differences (`tests/fixtures/DIFFERENCES.md`), each
//! applied here by number:
//!
//! * DIFFERENCES.md #9: `finished_at` carries a time zone; #13: `duration` is ours (timing).
//! * DIFFERENCES.md #10: an unknown tool or version is a 404 with a JSON body, not a 500.
//! * DIFFERENCES.md #11: a request without `tool` says what is missing, not only
//!   "1 error(s)".
//! * DIFFERENCES.md #2: tool error messages name the tool (`'Fail'`), not the Rust/Python
//!   function (`'fail'`); the message after the prefix is compared. #3: bad-input
//!   messages are not compared (kind and status are).
//! * DIFFERENCES.md #12: `GET /worker/tools` lists the tools sorted by name (Python:
//!   registration order); #15: the fixture's one recorded tool is compared with ours of
//!   the same name.

use std::sync::Arc;

use arcade_tdk::Catalog;
use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
use arcade_tests::worker::now;
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

fn fixture() -> Value {
    arcade_tests::fixtures::json("arcade-wire/worker_examples.json")
}

fn sign(secret: &str, claims: Value) -> String {
    arcade_tests::worker::sign(Algorithm::HS256, secret, &claims)
}

/// The token the recorded request carried (the fixture keeps only its first bytes), by
/// the example's label.
fn token_for(label: &str, secret: &str, good: &str) -> Option<String> {
    match label {
        "catalog without token" => None,
        "catalog wrong secret" => {
            Some(sign("not-the-secret", json!({"aud": "worker", "ver": "1"})))
        }
        "catalog missing aud" => Some(sign(secret, json!({"ver": "1"}))),
        "catalog wrong ver" => Some(sign(secret, json!({"aud": "worker", "ver": "2"}))),
        "catalog expired" => Some(sign(
            secret,
            json!({"aud": "worker", "ver": "1", "exp": now() - 60}),
        )),
        "health (no auth needed)" => None,
        _ => Some(good.to_owned()),
    }
}

/// The message after `... during execution of tool 'X': ` (the name differs:
/// DIFFERENCES.md #2).
fn message_tail(message: &Value) -> Option<&str> {
    message
        .as_str()
        .map(|m| m.split_once("': ").map_or(m, |(_, tail)| tail))
}

fn compare_output(label: &str, ours: &Value, python: &Value) {
    assert_eq!(ours["value"], python["value"], "{label}: value");
    assert_eq!(ours["logs"], python["logs"], "{label}: logs");
    assert_eq!(
        ours["requires_authorization"], python["requires_authorization"],
        "{label}"
    );
    let (ours, python) = (&ours["error"], &python["error"]);
    if python.is_null() {
        assert!(ours.is_null(), "{label}: unexpected error {ours}");
        return;
    }
    for key in [
        "kind",
        "can_retry",
        "additional_prompt_content",
        "retry_after_ms",
        "stacktrace",
        "status_code",
        "extra",
    ] {
        assert_eq!(ours[key], python[key], "{label}: error.{key}");
    }
    if label == "invoke bad input" {
        // DIFFERENCES.md #3: validation messages are our own wording (pydantic's
        // differ); the kind and status above are what clients act on.
        return;
    }
    for key in ["message", "developer_message"] {
        assert_eq!(
            message_tail(&ours[key]),
            message_tail(&python[key]),
            "{label}: error.{key}"
        );
    }
}

#[tokio::test]
async fn python_worker_session_replays() {
    let fixture = fixture();
    let secret = fixture["secret"].as_str().unwrap();
    let good = fixture["good_token"].as_str().unwrap();
    let catalog = Arc::new(Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap());
    let router = worker_router(catalog.clone(), WorkerSecret::new(secret).unwrap());
    let base = format!("http://{}", arcade_tests::net::serve(router).await);
    let client = reqwest::Client::new();

    let examples = fixture["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 17);
    for example in examples {
        let label = example["label"].as_str().unwrap();
        let request = &example["request"];
        let expected = &example["response"];
        let url = format!("{base}{}", request["path"].as_str().unwrap());
        let mut builder = match request["method"].as_str().unwrap() {
            "GET" => client.get(&url),
            "POST" => client.post(&url),
            other => panic!("{label}: method {other}"),
        };
        if let Some(token) = token_for(label, secret, good) {
            builder = builder.bearer_auth(token);
        }
        builder = match &request["body"] {
            Value::Null => builder,
            Value::String(raw) => builder
                .header("content-type", "application/json")
                .body(raw.clone()),
            body => builder.json(body),
        };
        let response = builder.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let python_status = expected["status"].as_u64().unwrap() as u16;
        let python_body = &expected["body"];

        match label {
            // DIFFERENCES.md #10: 404, not Python's 500.
            "invoke unknown tool" | "invoke wrong version" => {
                assert_eq!(python_status, 500, "{label}");
                assert_eq!(status, 404, "{label}: {body}");
                assert!(body["detail"].as_str().unwrap().contains("not found"));
                continue;
            }
            _ => assert_eq!(status, python_status, "{label}: {body}"),
        }
        if let Some(auth) = expected["headers"]["www-authenticate"].as_str() {
            assert_eq!(headers["www-authenticate"], auth, "{label}");
        }
        assert_eq!(
            headers["content-type"],
            expected["headers"]["content-type"].as_str().unwrap(),
            "{label}"
        );
        match label {
            // DIFFERENCES.md #12 and #15: ours is sorted; the fixture keeps the count
            // and one definition.
            "catalog ok (full list)" => {
                let list = body.as_array().unwrap();
                assert_eq!(list.len() as u64, python_body["count"].as_u64().unwrap());
                let first = &python_body["first"];
                let ours = list
                    .iter()
                    .find(|d| d["fully_qualified_name"] == first["fully_qualified_name"])
                    .unwrap();
                assert_eq!(ours, first, "{label}");
            }
            // DIFFERENCES.md #11: our message says what is missing.
            "invoke missing tool field" => {
                assert_eq!(body["code"], python_body["code"], "{label}");
                let message = body["message"].as_str().unwrap();
                assert!(message.starts_with("Invalid params: "), "{message}");
            }
            "invoke malformed json" => assert_eq!(&body, python_body, "{label}"),
            _ if label.starts_with("invoke") => {
                assert_eq!(body["execution_id"], python_body["execution_id"], "{label}");
                assert_eq!(body["success"], python_body["success"], "{label}");
                // DIFFERENCES.md #13: timing; #9: with a time zone.
                assert!(body["duration"].is_f64(), "{label}");
                assert!(
                    body["finished_at"].as_str().unwrap().ends_with('Z'),
                    "{label}"
                );
                compare_output(label, &body["output"], &python_body["output"]);
                let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
                let python_keys: Vec<&String> = python_body.as_object().unwrap().keys().collect();
                assert_eq!(keys, python_keys, "{label}: key order");
            }
            _ => assert_eq!(&body, python_body, "{label}"),
        }
    }
}
