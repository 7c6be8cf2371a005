//! The worker's request handling: the input is split at the first newline into the
//! `Authorization` header and the body of `POST /worker/tools/invoke`. A valid token is
//! substituted for the header when it starts with `!`, so that body parsing is reached.
//! Every answer is 200, 400, 401, 404 or 413, never a 5xx or a panic.

#![no_main]

use std::sync::{Arc, LazyLock};

use arcade_tdk::Catalog;
use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const SECRET: &str = "fuzz-worker-secret";

static ROUTER: LazyLock<axum::Router> = LazyLock::new(|| {
    let catalog = Arc::new(Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap());
    worker_router(catalog, WorkerSecret::new(SECRET).unwrap())
});

static TOKEN: LazyLock<String> = LazyLock::new(|| {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({"aud": "worker", "ver": "1", "exp": 4_000_000_000u64}),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap()
});

fuzz_target!(|data: &[u8]| {
    // SampleKit.Fail panics on purpose for this kind; libFuzzer would count even a
    // contained panic as a crash.
    if data
        .windows(10)
        .any(|w| w.eq_ignore_ascii_case(b"valueerror"))
    {
        return;
    }
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut request =
        Request::post("/worker/tools/invoke").header("content-type", "application/json");
    if header.first() == Some(&b'!') {
        request = request.header("authorization", format!("Bearer {}", *TOKEN));
    } else if let Ok(value) = axum::http::HeaderValue::from_bytes(header) {
        request = request.header("authorization", value);
    }
    let request = request.body(Body::from(body.to_vec())).unwrap();
    let status = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(ROUTER.clone().oneshot(request))
        .unwrap()
        .status()
        .as_u16();
    assert!(
        matches!(status, 200 | 400 | 401 | 404 | 413 | 415),
        "unexpected status {status}"
    );
});
