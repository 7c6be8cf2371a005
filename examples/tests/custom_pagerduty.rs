//! The custom PagerDuty tools of `arcade_examples::custom_pagerduty`, unchanged, against
//! the sandbox: the harness gives them a token and the sandbox's base URL, as the
//! metadata a production deployment would leave out.

use arcade_examples::custom_pagerduty::toolkit;
use arcade_tdk::testing::Harness;
use arcade_tdk::{ErrorKind, TokenKind};
use serde_json::json;
use tools_pagerduty::sandbox::{Fault, Sandbox};

fn harness(sandbox: &Sandbox, token: &str) -> Harness {
    Harness::new(toolkit())
        .token(token)
        .metadata("PAGERDUTY_BASE_URL", sandbox.base_url())
}

#[tokio::test]
async fn get_current_user_runs_against_the_sandbox() {
    let sandbox = Sandbox::start().await;
    let out = harness(&sandbox, "tok-PUSR003")
        .call("GetCurrentUser", json!({}))
        .await;
    assert_eq!(out.field("/user/id"), "PUSR003");
    let sent = sandbox.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/users/me");
    assert_eq!(sent[0].header("authorization"), Some("Bearer tok-PUSR003"));
    assert_eq!(
        sent[0].header("accept"),
        Some(tools_pagerduty::client::ACCEPT_V2)
    );
}

#[tokio::test]
async fn an_api_key_is_sent_as_pagerduty_wants_it() {
    let sandbox = Sandbox::start().await;
    harness(&sandbox, "u+key")
        .token_kind(TokenKind::ApiKey)
        .call("GetCurrentUser", json!({}))
        .await
        .assert_success();
    assert_eq!(
        sandbox.requests()[0].header("authorization"),
        Some("Token token=u+key")
    );
}

#[tokio::test]
async fn the_client_retries_and_maps_errors() {
    let sandbox = Sandbox::start().await;
    // One 429 is waited out and retried: the tool still succeeds.
    sandbox.inject(Fault::RateLimit {
        times: 1,
        reset_secs: 0,
    });
    harness(&sandbox, "tok")
        .call("GetCurrentUser", json!({}))
        .await
        .assert_success();
    assert_eq!(sandbox.requests().len(), 2);

    // A rejected token is PagerDuty's error body, as an auth error the model understands.
    sandbox.inject(Fault::unauthorized());
    let err = harness(&sandbox, "tok")
        .call("GetCurrentUser", json!({}))
        .await
        .assert_error_kind(ErrorKind::UpstreamRuntimeAuthError)
        .error();
    assert!(
        err.message.contains("Authentication failed"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn pages_are_followed() {
    let sandbox = Sandbox::start().await;
    let out = harness(&sandbox, "tok")
        .call("TeamServiceNames", json!({"team_id": "PTEAM01"}))
        .await;
    assert!(
        !out.value().as_array().unwrap().is_empty(),
        "{}",
        out.value()
    );
}

#[tokio::test]
async fn without_a_token_the_user_is_told_what_to_set() {
    let out = Harness::new(toolkit())
        .call("GetCurrentUser", json!({}))
        .await;
    out.assert_error_kind(ErrorKind::ToolRequirementsNotMet);
    assert!(out.requirement_unmet());
}

#[test]
fn production_goes_to_pagerduty() {
    // No base URL in the context: the client for a call is PagerDuty's own host
    // (unless the environment configures one).
    if std::env::var_os("PAGERDUTY_BASE_URL").is_some()
        || std::env::var_os("PAGERDUTY_REGION").is_some()
    {
        return;
    }
    let context = arcade_tdk::ToolContext::builder()
        .token("t", TokenKind::OAuth2)
        .build();
    let session = tools_pagerduty::client::Session::from_context(&context).unwrap();
    assert_eq!(
        session.client().api_base().as_str(),
        "https://api.pagerduty.com/"
    );
}
