//! Arcade's worker protocol over loopback: health, catalog, invocation, the JWT
//! rejection matrix and request errors.

use std::sync::Arc;

use arcade_tdk::Catalog;
use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
use arcade_tests::worker::{b64url, now, sign as token_with};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

const SECRET: &str = "test-worker-secret";
/// The token Python's reference worker accepted (claims `{"aud":"worker","ver":"1"}`).
const PYTHON_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIn0.PM7SosyfqKZeI90ePGECph2nQE5r3OqRajvanwltJPg";

fn catalog() -> Arc<Catalog> {
    Arc::new(Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap())
}

/// Serves the worker router on 127.0.0.1:0 and returns its base URL.
async fn spawn() -> String {
    arcade_tests::worker::spawn_sample(SECRET).await
}

fn good_token() -> String {
    token_with(
        Algorithm::HS256,
        SECRET,
        &json!({"aud": "worker", "ver": "1", "exp": now() + 300}),
    )
}

/// A token whose header claims `alg` but whose signature is an HMAC-SHA256 keyed with
/// the worker secret (the algorithm-confusion attack), or empty for `none`.
fn forged(alg: &str, claims: &Value) -> String {
    let header = b64url(json!({"alg": alg, "typ": "JWT"}).to_string().as_bytes());
    let payload = b64url(claims.to_string().as_bytes());
    let message = format!("{header}.{payload}");
    if alg == "none" {
        return format!("{message}.");
    }
    let key = EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).unwrap();
    format!("{message}.{signature}")
}

async fn get(base: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn invoke(base: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/worker/tools/invoke"))
        .bearer_auth(good_token())
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn health_needs_no_token_and_counts_as_a_string() {
    let base = spawn().await;
    let response = get(&base, "/worker/health", None).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": "ok", "tool_count": "12"}));
}

#[tokio::test]
async fn tools_are_the_catalog_definitions() {
    let base = spawn().await;
    let response = get(&base, "/worker/tools", Some(&good_token())).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let expected: Vec<Value> = catalog()
        .entries()
        .iter()
        .map(|e| serde_json::to_value(e.definition()).unwrap())
        .collect();
    assert_eq!(body, Value::Array(expected));
    assert_eq!(body[0]["fully_qualified_name"], "SampleKit.AddNumbers");
    // Every key is present, nulls included, as Arcade sends them.
    assert!(body[0].as_object().unwrap().contains_key("_meta"));
}

#[tokio::test]
async fn python_reference_token_is_accepted() {
    let base = spawn().await;
    let response = get(&base, "/worker/tools", Some(PYTHON_TOKEN)).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn invoke_success() {
    let base = spawn().await;
    let (status, body) = invoke(
        &base,
        &json!({
            "run_id": "run_1", "execution_id": "exec_1", "created_at": "2025-01-01T00:00:00Z",
            "tool": {"name": "Echo", "toolkit": "SampleKit", "version": "1.0.0"},
            "inputs": {"text": "hello"},
            "context": {"user_id": "user@example.com"}
        }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["execution_id"], "exec_1");
    assert_eq!(body["success"], true);
    assert_eq!(
        body["output"],
        json!({"value": "hello", "logs": null, "error": null, "requires_authorization": null})
    );
    assert!(body["duration"].as_f64().unwrap() >= 0.0);
    let finished = body["finished_at"].as_str().unwrap();
    // DIFFERENCES.md #9: with a time zone (Python's has none).
    assert!(finished.ends_with('Z'), "time zone expected: {finished}");
    // 2026-11-29T17:13:20.531980Z: microseconds, as Python's isoformat().
    assert_eq!(finished.len(), 27, "{finished}");
    assert_eq!(&finished[10..11], "T");
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "execution_id",
            "finished_at",
            "duration",
            "success",
            "output"
        ]
    );
}

#[tokio::test]
async fn invoke_is_case_insensitive_and_any_version() {
    let base = spawn().await;
    let (status, body) = invoke(
        &base,
        &json!({"tool": {"name": "echo", "toolkit": "samplekit"}, "inputs": {"text": "ci"}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["execution_id"], "");
    assert_eq!(body["output"]["value"], "ci");
}

#[tokio::test]
async fn invoke_tool_failure_is_200_with_the_error() {
    let base = spawn().await;
    let (status, body) = invoke(
        &base,
        &json!({
            "execution_id": "exec_3",
            "tool": {"name": "Fail", "toolkit": "SampleKit", "version": "1.0.0"},
            "inputs": {"kind": "retry"}
        }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["success"], false);
    let error = &body["output"]["error"];
    assert_eq!(error["kind"], "TOOL_RUNTIME_RETRY");
    assert_eq!(error["can_retry"], true);
    assert_eq!(error["retry_after_ms"], 1500);
    assert_eq!(error["additional_prompt_content"], "use a smaller limit");
    assert_eq!(error["extra"], json!({"k": "v"}));
    assert!(
        error["developer_message"]
            .as_str()
            .unwrap()
            .ends_with("dev details")
    );
    assert_eq!(body["output"]["value"], Value::Null);
}

#[tokio::test]
async fn invoke_bad_input_is_a_tool_error() {
    let base = spawn().await;
    let (status, body) = invoke(
        &base,
        &json!({"tool": {"name": "AddNumbers", "toolkit": "SampleKit"}, "inputs": {"a": "x"}}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["success"], false);
    assert_eq!(
        body["output"]["error"]["kind"],
        "TOOL_RUNTIME_BAD_INPUT_VALUE"
    );
}

#[tokio::test]
async fn invoke_injects_the_context_as_is() {
    let base = spawn().await;
    let (status, body) = invoke(
        &base,
        &json!({
            "execution_id": "exec_2",
            "tool": {"name": "UseSecrets", "toolkit": "SampleKit", "version": "1.0.0"},
            "inputs": {},
            "context": {
                "authorization": {"token": "pd_oauth_token", "user_info": {"id": "PXYZ"}},
                "secrets": [{"key": "my_api_key", "value": "sk-123456"}],
                "metadata": [{"key": "CLIENT_ID", "value": "client-1"}],
                "user_id": "user@example.com"
            }
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true, "{body}");
    assert_eq!(body["output"]["value"], "3456|client-1|user@example.com");

    // The token and user info arrive too.
    let (_, body) = invoke(
        &base,
        &json!({
            "tool": {"name": "PagerdutyWhoami", "toolkit": "SampleKit"},
            "context": {"authorization": {"token": "pd_oauth_token", "user_info": {"id": "PXYZ"}}}
        }),
    )
    .await;
    assert_eq!(
        body["output"]["value"],
        json!({"token": "pd_oauth_token", "user_info": {"id": "PXYZ"}})
    );
}

/// DIFFERENCES.md #10: a 404 with a JSON body (Python answers 500).
#[tokio::test]
async fn unknown_tool_or_version_is_404() {
    let base = spawn().await;
    for tool in [
        json!({"name": "Nope", "toolkit": "SampleKit", "version": "1.0.0"}),
        json!({"name": "Echo", "toolkit": "SampleKit", "version": "9.9.9"}),
        json!({"name": "Echo", "toolkit": "OtherKit"}),
    ] {
        let (status, body) = invoke(&base, &json!({"tool": tool, "inputs": {}})).await;
        assert_eq!(status, 404, "{tool}");
        assert!(body["detail"].as_str().unwrap().contains("not found"));
    }
}

#[tokio::test]
async fn malformed_or_incomplete_body_is_400() {
    let base = spawn().await;
    let (status, body) = invoke(&base, &json!({"inputs": {}})).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], -32602);
    let message = body["message"].as_str().unwrap();
    assert!(message.starts_with("Invalid params: "), "{message}");
    assert!(message.contains("tool"), "{message}");

    let response = reqwest::Client::new()
        .post(format!("{base}/worker/tools/invoke"))
        .bearer_auth(good_token())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"code": -32602, "message": "Invalid params: malformed request body"})
    );

    let (status, _) = invoke(
        &base,
        &json!({"tool": {"name": "Echo", "toolkit": "SampleKit"}, "inputs": "text"}),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn oversized_body_is_rejected() {
    let base = spawn().await;
    let big = "x".repeat(arcade_tdk::serve::worker::MAX_BODY_BYTES + 1);
    let response = reqwest::Client::new()
        .post(format!("{base}/worker/tools/invoke"))
        .bearer_auth(good_token())
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn jwt_rejection_matrix() {
    let base = spawn().await;
    let exp = now() + 300;
    let cases: Vec<(&str, Option<String>, &str)> = vec![
        ("no header", None, "Not authenticated"),
        (
            "bad signature",
            Some(token_with(
                Algorithm::HS256,
                "another-secret",
                &json!({"aud": "worker", "ver": "1"}),
            )),
            "Invalid token. Error: Signature verification failed",
        ),
        (
            "alg none",
            Some(forged("none", &json!({"aud": "worker", "ver": "1"}))),
            "Invalid token. Error: ",
        ),
        (
            "missing aud",
            Some(token_with(Algorithm::HS256, SECRET, &json!({"ver": "1"}))),
            "Invalid token. Error: Token is missing the \"aud\" claim",
        ),
        (
            "wrong aud",
            Some(token_with(
                Algorithm::HS256,
                SECRET,
                &json!({"aud": "engine", "ver": "1"}),
            )),
            "Invalid token. Error: Audience doesn't match",
        ),
        (
            "wrong ver",
            Some(token_with(
                Algorithm::HS256,
                SECRET,
                &json!({"aud": "worker", "ver": "2"}),
            )),
            "Invalid token. Error: Unsupported token version: 2",
        ),
        (
            "missing ver",
            Some(token_with(
                Algorithm::HS256,
                SECRET,
                &json!({"aud": "worker"}),
            )),
            "Invalid token. Error: Unsupported token version: None",
        ),
        (
            "expired",
            Some(token_with(
                Algorithm::HS256,
                SECRET,
                &json!({"aud": "worker", "ver": "1", "exp": now() - 10}),
            )),
            "Invalid token. Error: Signature has expired",
        ),
        (
            "other HMAC alg",
            Some(token_with(
                Algorithm::HS512,
                SECRET,
                &json!({"aud": "worker", "ver": "1", "exp": exp}),
            )),
            "Invalid token. Error: The specified alg value is not allowed",
        ),
        (
            "RS256 header, HMAC signature",
            Some(forged("RS256", &json!({"aud": "worker", "ver": "1"}))),
            "Invalid token. Error: The specified alg value is not allowed",
        ),
        (
            "garbage",
            Some("not-a-jwt".to_owned()),
            "Invalid token. Error: ",
        ),
    ];
    for (label, token, detail) in cases {
        for path in ["/worker/tools"] {
            let response = get(&base, path, token.as_deref()).await;
            assert_eq!(response.status(), 401, "{label}");
            assert_eq!(response.headers()["www-authenticate"], "Bearer", "{label}");
            let body: Value = response.json().await.unwrap();
            let got = body["detail"].as_str().unwrap();
            assert!(got.starts_with(detail), "{label}: {got}");
        }
        // Invocation is guarded the same way.
        let mut request = reqwest::Client::new()
            .post(format!("{base}/worker/tools/invoke"))
            .json(
                &json!({"tool": {"name": "Echo", "toolkit": "SampleKit"}, "inputs": {"text": "x"}}),
            );
        if let Some(token) = &token {
            request = request.bearer_auth(token);
        }
        assert_eq!(request.send().await.unwrap().status(), 401, "{label}");
    }
    // The forged RS256 token's signature is valid HMAC: only the algorithm check stops it.
    let honest = forged("HS256", &json!({"aud": "worker", "ver": "1"}));
    assert_eq!(
        get(&base, "/worker/tools", Some(&honest)).await.status(),
        200
    );
}

#[tokio::test]
async fn resources_are_empty() {
    let base = spawn().await;
    let response = reqwest::Client::new()
        .post(format!("{base}/worker/resources/list"))
        .bearer_auth(good_token())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"resources": []})
    );
}

#[test]
fn secret_is_not_printed_and_must_not_be_empty() {
    let secret = WorkerSecret::new("hunter2-secret").unwrap();
    assert!(!format!("{secret:?}").contains("hunter2"));
    assert!(WorkerSecret::new("").is_err());
}

#[tokio::test]
async fn merges_with_another_router() {
    let other = axum::Router::new().route("/mcp", axum::routing::get(|| async { "mcp" }));
    let app = other.merge(worker_router(catalog(), WorkerSecret::new(SECRET).unwrap()));
    let base = format!("http://{}", arcade_tests::net::serve(app).await);
    assert_eq!(get(&base, "/mcp", None).await.text().await.unwrap(), "mcp");
    assert_eq!(get(&base, "/worker/health", None).await.status(), 200);
}
