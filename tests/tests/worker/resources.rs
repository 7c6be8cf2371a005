//! The worker's resource routes over a toolkit that declares resources: the listing, a
//! read, and the errors (unknown URI 404 -32002, bad template parameters 400 -32602),
//! all behind the worker JWT.

use std::sync::Arc;

use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
use arcade_tdk::{Catalog, Resource, ResourceContents, ResourceError, ResourceTemplate, Toolkit};
use arcade_tests::worker::{now, sign};
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

const SECRET: &str = "test-worker-secret";

async fn spawn() -> String {
    let toolkit = Toolkit::new("Docs")
        .resource(Resource::text(
            "docs://readme",
            "readme",
            "text/markdown",
            "# Hi",
        ))
        .resource_template(ResourceTemplate::new(
            "docs://pages/{n}",
            "page",
            |request| async move {
                let n = request.param("n").unwrap_or_default();
                if n.parse::<u8>().is_err() {
                    return Err(ResourceError::invalid_params("n must be a small number"));
                }
                Ok(vec![ResourceContents::text(
                    request.uri(),
                    "text/plain",
                    format!("Page {n}"),
                )])
            },
        ))
        .resource_template(
            ResourceTemplate::new("docs://private/{n}", "private", |request| async move {
                let token = request.context().authorization.token()?;
                let user = request.context().user_id.clone().unwrap_or_default();
                let text = format!("{user} {}", token.chars().rev().collect::<String>());
                Ok(vec![ResourceContents::text(
                    request.uri(),
                    "text/plain",
                    text,
                )])
            })
            .requires_auth(ToolAuthorization::oauth2(Some("docs"), None, None)),
        );
    let catalog = Arc::new(Catalog::new(toolkit).unwrap());
    let app = worker_router(catalog, WorkerSecret::new(SECRET).unwrap());
    format!("http://{}", arcade_tests::net::serve(app).await)
}

async fn post(base: &str, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn lists_and_reads_resources() {
    let base = spawn().await;
    let token = sign(
        Algorithm::HS256,
        SECRET,
        &json!({"aud": "worker", "ver": "1", "exp": now() + 300}),
    );
    let token = Some(token.as_str());
    let (status, list) = post(&base, "/worker/resources/list", json!({}), token).await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!({"resources": [{"uri": "docs://readme", "name": "readme", "mimeType": "text/markdown"}]})
    );
    let (status, read) = post(
        &base,
        "/worker/resources/read",
        json!({"uri": "docs://pages/3"}),
        token,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        read,
        json!({"contents": [{"uri": "docs://pages/3", "mimeType": "text/plain", "text": "Page 3"}]})
    );
    let (status, missing) = post(
        &base,
        "/worker/resources/read",
        json!({"uri": "docs://x"}),
        token,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        missing,
        json!({"code": -32002, "message": "Resource not found: docs://x"})
    );
    let (status, bad) = post(
        &base,
        "/worker/resources/read",
        json!({"uri": "docs://pages/999"}),
        token,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        bad,
        json!({"code": -32602, "message": "Invalid params: n must be a small number"})
    );
    // Without the worker's JWT, nothing.
    let (status, _) = post(
        &base,
        "/worker/resources/read",
        json!({"uri": "docs://readme"}),
        None,
    )
    .await;
    assert_eq!(status, 401);
}

/// A resource that requires a token is read with the context the Engine sent, as a
/// tool call is; a context without the token is a 403 naming the requirement.
#[tokio::test]
async fn reads_with_the_engines_context() {
    let base = spawn().await;
    let token = sign(
        Algorithm::HS256,
        SECRET,
        &json!({"aud": "worker", "ver": "1", "exp": now() + 300}),
    );
    let token = Some(token.as_str());
    for user in ["alice", "bob"] {
        let context = json!({"user_id": user, "authorization": {"token": format!("tok-{user}")}});
        let body = json!({"uri": "docs://private/1", "context": context});
        let (status, read) = post(&base, "/worker/resources/read", body, token).await;
        assert_eq!(status, 200, "{read}");
        let expected: String = format!("tok-{user}").chars().rev().collect();
        assert_eq!(read["contents"][0]["text"], format!("{user} {expected}"));
    }
    let body = json!({"uri": "docs://private/1", "context": {"user_id": "alice"}});
    let (status, error) = post(&base, "/worker/resources/read", body, token).await;
    assert_eq!(status, 403, "{error}");
    assert_eq!(error["code"], -32603);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("requires authorization (docs)"),
        "{message}"
    );
}
