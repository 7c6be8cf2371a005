//! Hostile input to Arcade's worker protocol over loopback: malformed and truncated
//! bodies, invalid UTF-8, wrong shapes, a 10 MB body, 100k-deep nesting, wrong types and
//! extra keys in the inputs; and the JWT cases the protocol test does not cover
//! (not yet valid, tampered payload, a real RS256 signature, odd Authorization headers).
//! Every answer is a clear error, no value is echoed, and the worker keeps serving.

use arcade_tests::worker::{b64url, now};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const SECRET: &str = "hostile-worker-secret";
const MARK: &str = "zz-hostile-value-zz";

async fn spawn() -> String {
    arcade_tests::worker::spawn_sample(SECRET).await
}

fn token(claims: &Value) -> String {
    arcade_tests::worker::sign(Algorithm::HS256, SECRET, claims)
}

fn good_token() -> String {
    token(&json!({"aud": "worker", "ver": "1", "exp": now() + 300}))
}

async fn post_raw(base: &str, body: Vec<u8>) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{base}/worker/tools/invoke"))
        .bearer_auth(good_token())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn still_serving(base: &str, label: &str) {
    let body = json!({"tool": {"name": "Echo", "toolkit": "SampleKit"}, "inputs": {"text": label}});
    let (status, text) = post_raw(base, body.to_string().into_bytes()).await;
    assert_eq!(status, 200, "after {label}: {text}");
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["output"]["value"], label, "after {label}");
}

fn nested(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

#[tokio::test]
async fn hostile_bodies_are_clear_400s_without_echo() {
    let base = spawn().await;
    let echo = |inputs: &str| {
        format!(r#"{{"tool":{{"name":"Echo","toolkit":"SampleKit"}},"inputs":{inputs}}}"#)
            .into_bytes()
    };
    let mut huge = br#"{"tool":{"name":"Echo","toolkit":"SampleKit"},"inputs":{"text":""#.to_vec();
    huge.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
    huge.extend_from_slice(br#""}}"#);
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("empty", Vec::new(), 400),
        ("not json", b"hello".to_vec(), 400),
        ("truncated", br#"{"tool":{"name":"Echo","tool"#.to_vec(), 400),
        ("invalid utf-8", b"{\"tool\":{\"name\":\"\xff\xfe\",\"toolkit\":\"x\"}}".to_vec(), 400),
        ("nul", b"\0".to_vec(), 400),
        ("array", b"[]".to_vec(), 400),
        ("null", b"null".to_vec(), 400),
        ("string", format!("\"{MARK}\"").into_bytes(), 400),
        ("tool is a string", format!(r#"{{"tool":"{MARK}"}}"#).into_bytes(), 400),
        ("tool name is a number", br#"{"tool":{"name":5,"toolkit":"SampleKit"}}"#.to_vec(), 400),
        ("inputs is a string", echo(&format!("\"{MARK}\"")), 400),
        ("inputs is an array", echo(&format!("[\"{MARK}\"]")), 400),
        (
            "context secrets of the wrong shape",
            format!(r#"{{"tool":{{"name":"Echo","toolkit":"SampleKit"}},"inputs":{{"text":"x"}},"context":{{"secrets":[{{"key":"K","value":["{MARK}"]}}]}}}}"#).into_bytes(),
            400,
        ),
        (
            "context token of the wrong type",
            format!(r#"{{"tool":{{"name":"Echo","toolkit":"SampleKit"}},"inputs":{{"text":"x"}},"context":{{"authorization":{{"token":{{"t":"{MARK}"}}}}}}}}"#).into_bytes(),
            400,
        ),
        ("100k-deep nesting", nested(100_000).into_bytes(), 400),
        ("100k-deep inputs", echo(&format!("{{\"text\":{}}}", nested(100_000))), 400),
        ("10 MB body", huge, 413),
    ];
    for (label, body, expected) in cases {
        let (status, text) = post_raw(&base, body).await;
        assert_eq!(status, expected, "{label}: {text}");
        if expected == 400 {
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|_| panic!("{label}: {text}"));
            assert_eq!(value["code"], -32602, "{label}: {text}");
            assert!(
                value["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Invalid params: "),
                "{label}: {text}"
            );
        }
        assert!(!text.contains(MARK), "{label}: value echoed: {text}");
        still_serving(&base, label).await;
    }
}

/// Wrong types and extra keys for every parameter type: a 200 with a bad-input tool
/// error that names the field and never the value.
#[tokio::test]
async fn wrong_inputs_are_bad_input_tool_errors() {
    let base = spawn().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("Echo", json!({"text": [MARK]}), "text"),
        ("Echo", json!({"text": "x", "bogus_key": MARK}), "bogus_key"),
        ("AddNumbers", json!({"a": MARK}), "a"),
        ("AddNumbers", json!({"a": 1, "b": {"v": MARK}}), "b"),
        ("GetFlags", json!({"verbose": MARK}), "verbose"),
        ("GetFlags", json!({"mode": MARK}), "mode"),
        (
            "TagItems",
            json!({"tags": ["a"], "ids": [MARK], "priority": "low"}),
            "ids[0]",
        ),
        (
            "TagItems",
            json!({"tags": ["a"], "ids": [1], "priority": MARK}),
            "priority",
        ),
        (
            "CreateTicket",
            json!({"ticket": {"title": "t", "labels": [MARK, 1]}, "assignee": {"user_id": "u"}}),
            "ticket.labels[1]",
        ),
        (
            "CreateTicket",
            json!({"ticket": {"title": "t", "labels": []}, "assignee": {"user_id": MARK, "weight": [MARK]}}),
            "assignee.weight",
        ),
    ];
    for (tool, inputs, field) in cases {
        let body = json!({"tool": {"name": tool, "toolkit": "SampleKit"}, "inputs": inputs});
        let (status, text) = post_raw(&base, body.to_string().into_bytes()).await;
        assert_eq!(status, 200, "{tool} {inputs}: {text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["success"], false, "{text}");
        let error = &value["output"]["error"];
        assert_eq!(error["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{text}");
        assert!(
            error["message"].as_str().unwrap().contains(field),
            "{field}: {text}"
        );
        assert!(!text.contains(MARK), "{tool}: value echoed: {text}");
    }
    still_serving(&base, "after wrong inputs").await;
}

/// A throwaway 2048-bit RSA test key (PKCS#1 DER), generated for this test only.
const RSA_DER: &[u8] = include_bytes!("../../fixtures/hostile_rsa_test_key.der");

#[tokio::test]
async fn jwt_extension_matrix() {
    let base = spawn().await;
    let exp = now() + 300;
    let good = token(&json!({"aud": "worker", "ver": "1", "exp": exp}));
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    // Tampered payload: the admin claim added, the signature kept.
    parts[1] = b64url(
        json!({"aud": "worker", "ver": "1", "exp": exp, "admin": true})
            .to_string()
            .as_bytes(),
    );
    let tampered = parts.join(".");
    let rs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &json!({"aud": "worker", "ver": "1", "exp": exp}),
        &EncodingKey::from_rsa_der(RSA_DER),
    )
    .unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "not yet valid",
            format!(
                "Bearer {}",
                token(&json!({"aud": "worker", "ver": "1", "exp": exp + 600, "nbf": now() + 600}))
            ),
            "Invalid token. Error: The token is not yet valid (nbf)",
        ),
        (
            "tampered payload",
            format!("Bearer {tampered}"),
            "Invalid token. Error: Signature verification failed",
        ),
        (
            "real RS256 signature",
            format!("Bearer {rs256}"),
            "Invalid token. Error: The specified alg value is not allowed",
        ),
        (
            "audience list without worker",
            format!(
                "Bearer {}",
                token(&json!({"aud": ["engine", "other"], "ver": "1", "exp": exp}))
            ),
            "Invalid token. Error: Audience doesn't match",
        ),
        (
            "ver as a number",
            format!(
                "Bearer {}",
                token(&json!({"aud": "worker", "ver": 1, "exp": exp}))
            ),
            "Invalid token. Error: Unsupported token version: 1",
        ),
        ("Basic scheme", format!("Basic {good}"), "Not authenticated"),
        (
            "no token after Bearer",
            "Bearer ".to_owned(),
            "Not authenticated",
        ),
        (
            "two dots only",
            "Bearer ..".to_owned(),
            "Invalid token. Error: ",
        ),
        (
            "64 KB token",
            format!("Bearer {}", "a".repeat(64 * 1024)),
            "",
        ),
    ];
    for (label, authorization, detail) in cases {
        let response = reqwest::Client::new()
            .get(format!("{base}/worker/tools"))
            .header("authorization", authorization)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        if detail.is_empty() {
            // Too large a header may be refused by the HTTP layer itself.
            assert!(status == 401 || status == 431, "{label}: {status} {text}");
        } else {
            assert_eq!(status, 401, "{label}: {text}");
            let body: Value = serde_json::from_str(&text).unwrap();
            let got = body["detail"].as_str().unwrap();
            assert!(got.starts_with(detail), "{label}: {got}");
            assert!(!got.contains(SECRET), "{label}: {got}");
        }
        still_serving(&base, label).await;
    }
}
