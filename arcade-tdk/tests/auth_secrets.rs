//! No secret (API key, access token, refresh token, client secret) appears in any error
//! `Display`/`Debug` text or in the logs of the client, the engine token source and the
//! OAuth flows.
#![cfg(all(feature = "client", feature = "oauth"))]

mod auth_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::client::Arcade;
use arcade_tdk::token::oauth::{self, OAuthProvider};
use arcade_tdk::token::{ArcadeTokenSource, OAuthTokenSource, TokenChain, TokenSource};
use auth_support::engine::FakeEngine;
use auth_support::provider::{CLIENT_ID, FakeProvider, browse, temp_dir};

const API_KEY: &str = "arc_SECRET_api_key_0001";
const ENGINE_TOKEN: &str = "pd_SECRET_engine_token_0002";
const CLIENT_SECRET: &str = "cs_SECRET_client_secret_0003";
const PREFIX: &str = "pd_SECRET_oauth";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_in_errors_debug_or_logs() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut texts: Vec<String> = Vec::new();
    let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]));

    // --- Arcade client and engine token source.
    let engine = FakeEngine::start(API_KEY, ENGINE_TOKEN).await;
    let arcade = Arcade::new(API_KEY, engine.url())
        .unwrap()
        .with_max_retries(0);
    texts.push(format!("{arcade:?}"));
    let pending = arcade
        .auth()
        .start("u", "pagerduty", &["read"])
        .await
        .unwrap();
    texts.push(format!("{pending:?}"));
    let timeout = arcade
        .auth()
        .wait_for_completion(&pending, Duration::from_millis(1100))
        .await
        .unwrap_err();
    texts.push(format!("{timeout} {timeout:?}"));
    let source = ArcadeTokenSource::new(arcade.clone());
    texts.push(format!("{source:?}"));
    let err = source.token(&requirement, "u").await.unwrap_err();
    texts.push(format!("{err} {err:?}"));
    engine.set_status("completed");
    let done = arcade
        .auth()
        .wait_for_completion(&pending, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(done.token(), Some(ENGINE_TOKEN));
    texts.push(format!("{done:?}"));
    let auth = source.token(&requirement, "u").await.unwrap().unwrap();
    texts.push(format!("{auth:?} {source:?}"));
    // A wrong key, seen by the engine as another secret.
    let wrong = Arcade::new(format!("{API_KEY}_wrong"), engine.url())
        .unwrap()
        .with_max_retries(0);
    let err = wrong
        .tools()
        .execute("X.Y", serde_json::json!({}), "u")
        .await
        .unwrap_err();
    texts.push(format!("{err} {err:?} {wrong:?}"));
    let tool_err = arcade_tdk::ToolError::from(err);
    texts.push(format!("{tool_err} {tool_err:?}"));

    // --- The own OAuth app: login, refresh, expired refresh, wrong secret.
    let fake = FakeProvider::start(Some(CLIENT_SECRET), PREFIX).await;
    let dir = temp_dir("secrets");
    let provider = OAuthProvider::pagerduty(CLIENT_ID)
        .with_client_secret(CLIENT_SECRET)
        .with_endpoints(fake.authorize_url(), fake.token_url())
        .with_redirect_port(0)
        .with_cache_dir(&*dir)
        .with_login_timeout(Duration::from_secs(10));
    texts.push(format!("{provider:?}"));
    fake.set_expires_in(10);
    let pending = oauth::start_login(&provider).await.unwrap();
    texts.push(format!("{pending:?}"));
    let url = pending.authorize_url().to_owned();
    tokio::spawn(async move { browse(&url).await });
    let outcome = pending.finish().await.unwrap();
    texts.push(format!("{outcome} {outcome:?}"));
    let oauth_source = OAuthTokenSource::new(provider.clone());
    let refreshed = oauth_source
        .token(&requirement, "u")
        .await
        .unwrap()
        .unwrap();
    texts.push(format!("{refreshed:?} {oauth_source:?}"));
    let status = oauth::status(&provider).unwrap();
    texts.push(format!("{status} {status:?}"));
    fake.revoke_refresh_tokens();
    let err = oauth_source.token(&requirement, "u").await.unwrap_err();
    texts.push(format!("{err} {err:?}"));
    let bad = provider
        .clone()
        .with_client_secret(format!("{CLIENT_SECRET}_bad"));
    let pending = oauth::start_login(&bad).await.unwrap();
    let url = pending.authorize_url().to_owned();
    tokio::spawn(async move { browse(&url).await });
    let err = pending.finish().await.unwrap_err();
    texts.push(format!("{err} {err:?}"));
    let err = arcade_tdk::ToolError::from(err);
    texts.push(format!("{err} {err:?}"));

    // --- The chain's own error.
    let chain = TokenChain::new(vec![Box::new(OAuthTokenSource::new(provider.clone()))]);
    texts.push(format!("{chain:?}"));
    let err = chain.resolve(&requirement, "u").await.unwrap_err();
    texts.push(format!("{err} {err:?}"));

    let mut secrets = vec![
        API_KEY.to_owned(),
        ENGINE_TOKEN.to_owned(),
        CLIENT_SECRET.to_owned(),
    ];
    secrets.extend(fake.issued());
    assert!(secrets.len() > 6, "the flows issued tokens: {secrets:?}");
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.is_empty(), "logs were captured");
    for text in texts.iter().chain([&logs]) {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked into: {text}"
            );
        }
        assert!(!text.contains("SECRET"), "a secret leaked into: {text}");
    }
}
