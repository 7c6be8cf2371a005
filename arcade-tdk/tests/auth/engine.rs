//! The Arcade API client and `ArcadeTokenSource` against a fake engine.
#![cfg(feature = "client")]

use std::time::{Duration, Instant};

use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::client::{Arcade, ArcadeError, AuthorizationStatus};
use arcade_tdk::testing::FakeEngine;
use arcade_tdk::token::{ArcadeTokenSource, TokenChain, TokenSource};
use arcade_tdk::{ErrorKind, TokenKind};
use serde_json::json;

const KEY: &str = "arc_test_key_5ecret";
const TOKEN: &str = "pd_live_token_5ecret";

async fn setup() -> (FakeEngine, Arcade) {
    let engine = FakeEngine::start_with(KEY, TOKEN).await;
    let arcade = Arcade::new(KEY, engine.url()).unwrap().with_max_retries(0);
    (engine, arcade)
}

#[tokio::test]
async fn start_sends_the_same_request_as_arcadepy() {
    let (engine, arcade) = setup().await;
    let response = arcade
        .auth()
        .start("user@example.com", "pagerduty", &["read"])
        .await
        .unwrap();
    assert_eq!(response.status, AuthorizationStatus::Pending);
    assert_eq!(response.id.as_deref(), Some("ac_123"));
    assert!(response.url.as_deref().unwrap().starts_with("https://"));
    assert!(response.token().is_none());

    let sent = &engine.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/auth/authorize");
    // Verbatim, without "Bearer ", as arcadepy sends it.
    assert_eq!(sent.authorization.as_deref(), Some(KEY));
    assert_eq!(sent.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        sent.body,
        json!({
            "auth_requirement": {
                "provider_id": "pagerduty",
                "provider_type": "oauth2",
                "oauth2": {"scopes": ["read"]}
            },
            "user_id": "user@example.com"
        })
    );
}

#[tokio::test]
async fn status_long_polls_with_id_and_wait() {
    let (engine, arcade) = setup().await;
    engine.set_status(AuthorizationStatus::Completed); // answers at once
    let response = arcade
        .auth()
        .status("ac_123", Some(Duration::from_secs(45)))
        .await
        .unwrap();
    assert_eq!(response.token(), Some(TOKEN));
    let sent = engine.requests();
    let status = sent.iter().find(|r| r.path == "/v1/auth/status").unwrap();
    assert_eq!(status.query["id"], "ac_123");
    assert_eq!(status.query["wait"], "45");
    assert_eq!(status.authorization.as_deref(), Some(KEY));
}

#[tokio::test]
async fn wait_for_completion_returns_the_token() {
    let (engine, arcade) = setup().await;
    let pending = arcade
        .auth()
        .start("user@example.com", "pagerduty", &["read"])
        .await
        .unwrap();
    let flip = engine.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        flip.set_status(AuthorizationStatus::Completed);
    });
    let started = Instant::now();
    let done = arcade
        .auth()
        .wait_for_completion(&pending, Duration::from_secs(20))
        .await
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(done.status, AuthorizationStatus::Completed);
    assert_eq!(done.token(), Some(TOKEN));
    assert_eq!(
        done.context.as_ref().unwrap().user_info.as_ref().unwrap()["id"],
        "PUSER1"
    );
    // The engine held the request open: one status call (long poll), not a busy loop.
    assert_eq!(engine.count("/v1/auth/status"), 1);
    let poll = engine
        .requests()
        .into_iter()
        .find(|r| r.path == "/v1/auth/status")
        .unwrap();
    assert_eq!(poll.query["id"], "ac_123");
    // min(45, the time left of the caller's 20 s).
    assert!(matches!(poll.query["wait"].as_str(), "19" | "20"));
}

#[tokio::test]
async fn wait_for_completion_stops_on_failed() {
    let (engine, arcade) = setup().await;
    let pending = arcade
        .auth()
        .start("user@example.com", "pagerduty", &["read"])
        .await
        .unwrap();
    let flip = engine.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        flip.set_status(AuthorizationStatus::Failed);
    });
    let err = arcade
        .auth()
        .wait_for_completion(&pending, Duration::from_secs(20))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ArcadeError::AuthorizationFailed { ref id } if id == "ac_123"),
        "{err:?}"
    );
}

#[tokio::test]
async fn wait_for_completion_stops_at_the_timeout() {
    let (_engine, arcade) = setup().await;
    let pending = arcade
        .auth()
        .start("user@example.com", "pagerduty", &["read"])
        .await
        .unwrap();
    let started = Instant::now();
    let err = arcade
        .auth()
        .wait_for_completion(&pending, Duration::from_millis(1500))
        .await
        .unwrap_err();
    assert!(matches!(err, ArcadeError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn tools_authorize_and_execute_match_arcadepy() {
    let (engine, arcade) = setup().await;
    engine.set_status(AuthorizationStatus::Completed);
    let auth = arcade
        .tools()
        .authorize("PagerDuty.ListIncidents", "user@example.com")
        .await
        .unwrap();
    assert_eq!(auth.token(), Some(TOKEN));
    let executed = arcade
        .tools()
        .execute(
            "PagerDuty.ListIncidents",
            json!({"limit": 5}),
            "user@example.com",
        )
        .await
        .unwrap();
    assert_eq!(executed.success, Some(true));
    assert_eq!(executed.value().unwrap()["incidents"], json!([]));

    let sent = engine.requests();
    assert_eq!(sent[0].path, "/v1/tools/authorize");
    assert_eq!(
        sent[0].body,
        json!({"tool_name": "PagerDuty.ListIncidents", "user_id": "user@example.com"})
    );
    assert_eq!(sent[1].path, "/v1/tools/execute");
    assert_eq!(
        sent[1].body,
        json!({"tool_name": "PagerDuty.ListIncidents", "input": {"limit": 5}, "user_id": "user@example.com"})
    );
}

#[tokio::test]
async fn a_rejected_key_is_a_typed_error_without_the_key() {
    let (engine, _) = setup().await;
    let wrong = "arc_wrong_key_5ecret";
    let arcade = Arcade::new(wrong, engine.url())
        .unwrap()
        .with_max_retries(0);
    let err = arcade
        .auth()
        .start("user@example.com", "pagerduty", &[])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(!format!("{err} {err:?}").contains(wrong));
    let tool_err = arcade_tdk::ToolError::from(err);
    assert_eq!(tool_err.kind(), ErrorKind::ToolRequirementsNotMet);
    assert!(!format!("{tool_err} {tool_err:?}").contains(wrong));
    assert!(!format!("{arcade:?}").contains(wrong));
}

#[tokio::test]
async fn an_unreachable_engine_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let arcade = Arcade::new(KEY, format!("http://{addr}"))
        .unwrap()
        .with_max_retries(0);
    let err = arcade
        .auth()
        .start("u", "pagerduty", &["read"])
        .await
        .unwrap_err();
    assert!(matches!(err, ArcadeError::Network { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[test]
fn missing_key_and_bad_url_are_errors() {
    assert_eq!(
        Arcade::new("", "https://api.arcade.dev").unwrap_err(),
        ArcadeError::MissingApiKey
    );
    assert!(matches!(
        Arcade::new(KEY, "not a url").unwrap_err(),
        ArcadeError::InvalidBaseUrl(_)
    ));
}

#[tokio::test]
async fn token_source_pending_asks_the_user_to_open_the_url() {
    let (engine, arcade) = setup().await;
    let source = ArcadeTokenSource::new(arcade);
    let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read", "write"]));
    let err = source
        .token(&requirement, "dev@example.com")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ToolRequirementsNotMet);
    let url = "https://cloud.arcade.dev/oauth/start?flow=ac_123";
    assert!(err.message().contains(url), "{}", err.message());
    let instructions = err.additional_prompt_content().unwrap();
    assert!(instructions.contains(url));
    assert!(instructions.contains("call the tool again"));
    assert_eq!(err.extra().unwrap()["authorization_url"], url);
    // The body Python's local MCP server sends.
    assert_eq!(
        engine.requests()[0].body,
        json!({
            "auth_requirement": {
                "provider_type": "oauth2",
                "oauth2": {"scopes": ["read", "write"]},
                "provider_id": "pagerduty"
            },
            "user_id": "dev@example.com"
        })
    );
    // A pending authorization is not cached: the next call asks again.
    let _ = source.token(&requirement, "dev@example.com").await;
    assert_eq!(engine.count("/v1/auth/authorize"), 2);
}

#[tokio::test]
async fn token_source_sends_id_only_and_empty_scopes() {
    let (engine, arcade) = setup().await;
    engine.set_status(AuthorizationStatus::Completed);
    let source = ArcadeTokenSource::new(arcade);
    let by_id = ToolAuthorization::oauth2(None, Some("arcade-pagerduty"), Some(&["read"]));
    source.token(&by_id, "dev@example.com").await.unwrap();
    let no_scopes = ToolAuthorization::oauth2(Some("pagerduty"), None, None);
    source.token(&no_scopes, "dev@example.com").await.unwrap();
    let sent = engine.requests();
    assert_eq!(
        sent[0].body["auth_requirement"],
        json!({"provider_type": "oauth2", "oauth2": {"scopes": ["read"]}, "id": "arcade-pagerduty"})
    );
    assert_eq!(
        sent[1].body["auth_requirement"],
        json!({"provider_type": "oauth2", "oauth2": {"scopes": []}, "provider_id": "pagerduty"})
    );
}

#[tokio::test]
async fn token_source_caches_a_completed_token_until_invalidated() {
    let (engine, arcade) = setup().await;
    engine.set_status(AuthorizationStatus::Completed);
    let source = ArcadeTokenSource::new(arcade);
    let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]));

    let auth = source
        .token(&requirement, "dev@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(auth.token().unwrap(), TOKEN);
    assert_eq!(auth.token_kind(), TokenKind::OAuth2);
    assert_eq!(auth.user_info()["id"], "PUSER1");
    for _ in 0..3 {
        let again = source
            .token(&requirement, "dev@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.token().unwrap(), TOKEN);
    }
    assert_eq!(engine.count("/v1/auth/authorize"), 1, "cached");

    // Another user and another requirement are cached separately.
    source
        .token(&requirement, "other@example.com")
        .await
        .unwrap();
    let other = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["write"]));
    source.token(&other, "dev@example.com").await.unwrap();
    assert_eq!(engine.count("/v1/auth/authorize"), 3);

    // The upstream rejected the token: the chain tells the source, which asks again.
    let chain = TokenChain::new(vec![Box::new(source)]);
    chain.invalidate(&requirement, "dev@example.com");
    chain
        .resolve(&requirement, "dev@example.com")
        .await
        .unwrap();
    assert_eq!(engine.count("/v1/auth/authorize"), 4);
    chain
        .resolve(&requirement, "dev@example.com")
        .await
        .unwrap();
    assert_eq!(engine.count("/v1/auth/authorize"), 4);
}

#[tokio::test]
async fn token_source_drops_a_token_near_its_reported_expiry() {
    let (engine, arcade) = setup().await;
    engine.set_status(AuthorizationStatus::Completed);
    let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]));

    // Expires in 30 s, inside the 60 s margin: never reused.
    engine.set_expires_in(Some(30));
    let source = ArcadeTokenSource::new(arcade.clone());
    source.token(&requirement, "u").await.unwrap();
    source.token(&requirement, "u").await.unwrap();
    assert_eq!(engine.count("/v1/auth/authorize"), 2);

    // Expires in an hour: reused.
    engine.set_expires_in(Some(3600));
    let source = ArcadeTokenSource::new(arcade.clone());
    source.token(&requirement, "u").await.unwrap();
    source.token(&requirement, "u").await.unwrap();
    assert_eq!(engine.count("/v1/auth/authorize"), 3);

    // No reported expiry and a zero max age: never reused.
    engine.set_expires_in(None);
    let source = ArcadeTokenSource::new(arcade).with_max_age(Some(Duration::ZERO));
    source.token(&requirement, "u").await.unwrap();
    source.token(&requirement, "u").await.unwrap();
    assert_eq!(engine.count("/v1/auth/authorize"), 5);
}

#[tokio::test]
async fn token_source_reports_a_failed_authorization() {
    let (engine, arcade) = setup().await;
    engine.set_status(AuthorizationStatus::Failed);
    let source = ArcadeTokenSource::new(arcade);
    let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, None);
    let err = source.token(&requirement, "u").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ToolRequirementsNotMet);
    assert!(err.message().contains("failed"));
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let engine = FakeEngine::start_with(KEY, TOKEN).await;
    engine.fail_next(2);
    let arcade = Arcade::new(KEY, engine.url()).unwrap(); // 2 retries, as arcadepy
    let response = arcade
        .auth()
        .start("u", "pagerduty", &["read"])
        .await
        .unwrap();
    assert_eq!(response.status, AuthorizationStatus::Pending);
    assert_eq!(engine.count("/v1/auth/authorize"), 3);

    engine.fail_next(1);
    let no_retry = arcade.with_max_retries(0);
    let err = no_retry
        .auth()
        .start("u", "pagerduty", &["read"])
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ArcadeError::Api {
            status: 503,
            message: "try again".into()
        }
    );
    let tool_err = arcade_tdk::ToolError::from(err);
    assert_eq!(tool_err.kind(), ErrorKind::UpstreamRuntimeServerError);
    assert!(tool_err.can_retry());
}

#[test]
fn an_engine_expiry_is_read_as_seconds_or_rfc3339() {
    use arcade_tdk::client::AuthorizationContext;
    let context: AuthorizationContext =
        serde_json::from_value(json!({"token": "t", "expires_at": "2030-01-01T00:00:00Z"}))
            .unwrap();
    assert_eq!(context.expires_at_unix(0), Some(1_893_456_000));
    let context: AuthorizationContext =
        serde_json::from_value(json!({"token": "t", "expires_at": 1_893_456_000u64})).unwrap();
    assert_eq!(context.expires_at_unix(0), Some(1_893_456_000));
    let context: AuthorizationContext =
        serde_json::from_value(json!({"token": "t", "expires_in": 60})).unwrap();
    assert_eq!(context.expires_at_unix(100), Some(160));
    assert_eq!(
        AuthorizationContext::with_token("t").expires_at_unix(100),
        None
    );
}
