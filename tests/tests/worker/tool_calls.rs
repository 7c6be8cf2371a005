//! Tool-to-tool calls under the worker protocol: the called tool gets the Engine's
//! context (same user; the token only for the same provider; only its own secrets), and
//! what the Engine did not send is a requirements error.

use std::sync::Arc;

use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
use arcade_tdk::{Catalog, ToolContext, ToolError, Toolkit, tool};
use arcade_tests::worker::{now, sign};
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

const SECRET: &str = "test-worker-secret";

/// The token's length and the user, for the same provider as the caller.
#[tool(requires_auth = OAuth2(provider_id = "docs", scopes = ["read"]))]
fn same_provider(context: &ToolContext) -> Result<Value, ToolError> {
    let token = context.authorization.token()?;
    Ok(json!({"user": context.user_id, "token_len": token.len()}))
}

/// Needs another provider's token, which the Engine did not send.
#[tool(requires_auth = OAuth2(provider_id = "other", scopes = ["read"]))]
fn other_provider(context: &ToolContext) -> Result<usize, ToolError> {
    Ok(context.authorization.token()?.len())
}

/// Calls the tool `name`.
#[tool(requires_auth = OAuth2(provider_id = "docs", scopes = ["read"]))]
async fn caller(
    context: ToolContext,
    /// The tool to call
    name: String,
) -> Result<Value, ToolError> {
    context.tools().call(&name, json!({})).await
}

#[tokio::test]
async fn called_tools_get_the_engines_context() {
    let toolkit = Toolkit::new("Docs")
        .tool(same_provider::tool())
        .tool(other_provider::tool())
        .tool(caller::tool());
    let app = worker_router(
        Arc::new(Catalog::new(toolkit).unwrap()),
        WorkerSecret::new(SECRET).unwrap(),
    );
    let base = format!("http://{}", arcade_tests::net::serve(app).await);
    let jwt = sign(
        Algorithm::HS256,
        SECRET,
        &json!({"aud": "worker", "ver": "1", "exp": now() + 300}),
    );
    let invoke = |name: &'static str| {
        let (base, jwt) = (base.clone(), jwt.clone());
        async move {
            let body = json!({
                "tool": {"toolkit": "Docs", "name": "Caller"},
                "inputs": {"name": name},
                "context": {"user_id": "alice", "authorization": {"token": "tok-alice-1234"}},
            });
            let response = reqwest::Client::new()
                .post(format!("{base}/worker/tools/invoke"))
                .bearer_auth(jwt)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let ok = invoke("Docs.SameProvider").await;
    assert_eq!(
        ok["output"]["value"],
        json!({"user": "alice", "token_len": 14}),
        "{ok}"
    );
    let refused = invoke("Docs.OtherProvider").await;
    let error = &refused["output"]["error"];
    assert_eq!(error["kind"], "TOOL_REQUIREMENTS_NOT_MET", "{refused}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("requires authorization (other)"),
        "{refused}"
    );
    assert!(!refused.to_string().contains("tok-alice-1234"), "{refused}");
}
