//! The own-OAuth-app flow (PKCE login, token cache, refresh rotation) against a fake
//! provider.
#![cfg(feature = "oauth")]

use crate::auth_support;

use std::path::Path;
use std::time::Duration;

use arcade_tdk::ErrorKind;
use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::token::oauth::{self, OAuthError, OAuthProvider};
use arcade_tdk::token::{OAuthTokenSource, TokenChain, TokenSource};
use auth_support::provider::{CLIENT_ID, FakeProvider, Mode, browse, pagerduty_like_app, temp_dir};

const CLIENT_SECRET: &str = "cs_client_5ecret_value";

fn provider_for(fake: &FakeProvider, dir: &Path) -> OAuthProvider {
    pagerduty_like_app(CLIENT_ID)
        .with_client_secret(CLIENT_SECRET)
        .with_endpoints(fake.authorize_url(), fake.token_url())
        .with_redirect_port(0)
        .with_cache_dir(dir)
        .with_login_timeout(Duration::from_secs(10))
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn login(fake: &FakeProvider, provider: &OAuthProvider) -> oauth::LoginOutcome {
    let pending = oauth::start_login(provider).await.unwrap();
    let url = pending.authorize_url().to_owned();
    let browser = tokio::spawn(async move { browse(&url).await });
    let outcome = pending.finish().await.unwrap();
    assert_eq!(browser.await.unwrap(), 200);
    let _ = fake;
    outcome
}

fn pd() -> ToolAuthorization {
    ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]))
}

#[tokio::test]
async fn login_uses_pkce_and_state_and_writes_a_private_cache() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_t0k").await;
    let dir = temp_dir("login");
    let provider = provider_for(&fake, &dir);

    let pending = oauth::start_login(&provider).await.unwrap();
    let url = url::Url::parse(pending.authorize_url()).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["scope"], "read");
    assert!(q["state"].len() >= 16);
    assert_eq!(q["redirect_uri"], pending.redirect_uri());
    assert!(pending.redirect_uri().starts_with("http://127.0.0.1:"));
    assert!(pending.redirect_uri().ends_with("/callback"));

    // A stray request (a browser's favicon) does not count as the callback.
    let favicon = pending.redirect_uri().replace("/callback", "/favicon.ico");
    let authorize_url = pending.authorize_url().to_owned();
    let browser = tokio::spawn(async move {
        let stray = reqwest::get(&favicon).await.unwrap().status().as_u16();
        (stray, browse(&authorize_url).await)
    });
    let outcome = pending.finish().await.unwrap();
    assert_eq!(browser.await.unwrap(), (404, 200));

    assert!(outcome.logged_in);
    assert_eq!(outcome.region.as_deref(), Some("eu"));
    assert!(outcome.has_refresh_token);
    assert_eq!(
        fake.pkce_verified(),
        1,
        "the fake checked S256(verifier) == challenge"
    );

    // One file, mode 0600, no temporary files left.
    assert_eq!(files_in(&dir), ["pagerduty.json"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("pagerduty.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let status = oauth::status(&provider).unwrap();
    assert!(status.logged_in && !status.expired);
    assert!(status.to_string().contains("logged in"));

    // The token source serves it, with the region hint in the user info.
    let source = OAuthTokenSource::new(provider.clone());
    let auth = source.token(&pd(), "anyone").await.unwrap().unwrap();
    assert_eq!(auth.token().unwrap(), "pd_t0k_access_1");
    assert_eq!(auth.user_info()["region"], "eu");
    assert_eq!(
        auth.user_info()["api_base_url"],
        "https://api.eu.pagerduty.com"
    );
    // Aliases match, other providers do not.
    let arcade_pd = ToolAuthorization::oauth2(Some("arcade-pagerduty"), None, None);
    assert!(source.token(&arcade_pd, "u").await.unwrap().is_some());
    let github = ToolAuthorization::oauth2(Some("github"), None, None);
    assert!(source.token(&github, "u").await.unwrap().is_none());

    assert!(oauth::logout(&provider).unwrap());
    assert!(!oauth::logout(&provider).unwrap());
    assert!(!oauth::status(&provider).unwrap().logged_in);
    assert!(source.token(&pd(), "u").await.unwrap().is_none());
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_rot").await;
    let dir = temp_dir("refresh");
    let provider = provider_for(&fake, &dir);
    fake.set_expires_in(30); // inside the 60 s refresh margin
    login(&fake, &provider).await;

    let source = OAuthTokenSource::new(provider.clone());
    let first = source.token(&pd(), "u").await.unwrap().unwrap();
    assert_eq!(first.token().unwrap(), "pd_rot_access_2");
    assert_eq!(fake.grants("refresh_token"), 1);
    // The first refresh token was used up; the second works because the cache holds it.
    let second = source.token(&pd(), "u").await.unwrap().unwrap();
    assert_eq!(second.token().unwrap(), "pd_rot_access_3");
    assert_eq!(fake.grants("refresh_token"), 2);
    let cached = std::fs::read_to_string(dir.join("pagerduty.json")).unwrap();
    assert!(cached.contains("pd_rot_refresh_3"));
    assert!(!cached.contains("pd_rot_refresh_2"));
    // The region from the first login survives refreshes.
    assert_eq!(second.user_info()["region"], "eu");

    // A fresh token is not refreshed; invalidate() forces one.
    fake.set_expires_in(3600);
    let third = source.token(&pd(), "u").await.unwrap().unwrap();
    assert_eq!(third.token().unwrap(), "pd_rot_access_4");
    let again = source.token(&pd(), "u").await.unwrap().unwrap();
    assert_eq!(again.token().unwrap(), "pd_rot_access_4");
    assert_eq!(fake.grants("refresh_token"), 3);
    let chain = TokenChain::new(vec![Box::new(source)]);
    chain.invalidate(&pd(), "u");
    let forced = chain.resolve(&pd(), "u").await.unwrap();
    assert_eq!(forced.token().unwrap(), "pd_rot_access_5");
    assert_eq!(files_in(&dir), ["pagerduty.json"]);
}

#[tokio::test]
async fn an_expired_refresh_token_asks_for_a_new_login() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_exp").await;
    let dir = temp_dir("expired");
    let provider = provider_for(&fake, &dir);
    fake.set_expires_in(0);
    login(&fake, &provider).await;
    fake.revoke_refresh_tokens();

    let source = OAuthTokenSource::new(provider.clone());
    let err = source.token(&pd(), "u").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ToolRequirementsNotMet);
    assert!(
        err.message().contains("refresh token was rejected"),
        "{err}"
    );
    assert!(
        err.additional_prompt_content()
            .unwrap()
            .contains("auth login pagerduty")
    );
    // The dead login is removed whole; nothing half-written remains.
    assert!(files_in(&dir).is_empty());
    assert!(!oauth::status(&provider).unwrap().logged_in);
}

#[tokio::test]
async fn denied_consent_saves_nothing() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_deny").await;
    let dir = temp_dir("denied");
    let provider = provider_for(&fake, &dir);
    fake.set_mode(Mode::Deny);
    let pending = oauth::start_login(&provider).await.unwrap();
    let url = pending.authorize_url().to_owned();
    let browser = tokio::spawn(async move { browse(&url).await });
    let err = pending.finish().await.unwrap_err();
    assert_eq!(browser.await.unwrap(), 200);
    assert!(matches!(err, OAuthError::AccessDenied { .. }), "{err:?}");
    assert!(err.to_string().contains("denied"));
    assert!(files_in(&dir).is_empty());
    assert_eq!(fake.grants("authorization_code"), 0);
}

#[tokio::test]
async fn a_forged_state_aborts_the_login() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_csrf").await;
    let dir = temp_dir("state");
    let provider = provider_for(&fake, &dir);
    fake.set_mode(Mode::ForgeState);
    let pending = oauth::start_login(&provider).await.unwrap();
    let url = pending.authorize_url().to_owned();
    tokio::spawn(async move { browse(&url).await });
    let err = pending.finish().await.unwrap_err();
    assert_eq!(err, OAuthError::StateMismatch);
    assert!(files_in(&dir).is_empty());
    // The code was never exchanged.
    assert_eq!(fake.grants("authorization_code"), 0);
}

#[tokio::test]
async fn a_failed_pkce_check_is_invalid_grant() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_pkce").await;
    let dir = temp_dir("pkce");
    let provider = provider_for(&fake, &dir);
    fake.set_mode(Mode::BreakPkce);
    let pending = oauth::start_login(&provider).await.unwrap();
    let url = pending.authorize_url().to_owned();
    tokio::spawn(async move { browse(&url).await });
    let err = pending.finish().await.unwrap_err();
    assert!(matches!(err, OAuthError::InvalidGrant { .. }), "{err:?}");
    assert!(err.to_string().contains("PKCE verification failed"));
    assert!(files_in(&dir).is_empty());
}

#[tokio::test]
async fn a_wrong_client_secret_is_reported() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_cs").await;
    let dir = temp_dir("secret");
    let provider = provider_for(&fake, &dir).with_client_secret("cs_wrong_5ecret");
    let pending = oauth::start_login(&provider).await.unwrap();
    let url = pending.authorize_url().to_owned();
    tokio::spawn(async move { browse(&url).await });
    let err = pending.finish().await.unwrap_err();
    assert!(
        matches!(err, OAuthError::TokenEndpoint { ref error, .. } if error == "invalid_client"),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("cs_wrong_5ecret"));
    assert!(files_in(&dir).is_empty());
}

#[tokio::test]
async fn basic_client_auth_works() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_basic").await;
    let dir = temp_dir("basic");
    let provider = provider_for(&fake, &dir).with_client_auth(oauth::ClientAuth::BasicAuth);
    assert!(login(&fake, &provider).await.logged_in);
}

#[tokio::test]
async fn a_public_client_logs_in_with_pkce_only() {
    let fake = FakeProvider::start(None, "pd_pub").await;
    let dir = temp_dir("public");
    let provider = pagerduty_like_app(CLIENT_ID)
        .with_endpoints(fake.authorize_url(), fake.token_url())
        .with_redirect_port(0)
        .with_cache_dir(&*dir);
    assert!(login(&fake, &provider).await.logged_in);
    assert_eq!(fake.pkce_verified(), 1);
}

#[tokio::test]
async fn the_login_times_out() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_to").await;
    let dir = temp_dir("timeout");
    let provider = provider_for(&fake, &dir).with_login_timeout(Duration::from_millis(300));
    let pending = oauth::start_login(&provider).await.unwrap();
    let redirect = pending.redirect_uri().to_owned();
    let err = pending.finish().await.unwrap_err();
    assert_eq!(err, OAuthError::Timeout(Duration::from_millis(300)));
    assert!(files_in(&dir).is_empty());
    // The listener is gone.
    assert!(reqwest::get(&redirect).await.is_err());
}

#[tokio::test]
async fn without_a_login_the_chain_moves_on_or_asks_to_log_in() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_none").await;
    let dir = temp_dir("none");
    let provider = provider_for(&fake, &dir);
    let source = OAuthTokenSource::new(provider.clone());
    assert!(source.token(&pd(), "u").await.unwrap().is_none());
    let required = OAuthTokenSource::new(provider).required(true);
    let err = required.token(&pd(), "u").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ToolRequirementsNotMet);
    assert!(err.message().contains("auth login pagerduty"));
}

#[tokio::test]
async fn a_login_for_another_client_is_ignored() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_other").await;
    let dir = temp_dir("other");
    let provider = provider_for(&fake, &dir);
    login(&fake, &provider).await;
    let mut other = provider.clone();
    other.client_id = "another-client".into();
    assert!(!oauth::status(&other).unwrap().logged_in);
    let source = OAuthTokenSource::new(other);
    assert!(source.token(&pd(), "u").await.unwrap().is_none());
}

// PagerDuty's defaults are tested in tools-pagerduty (`client::oauth`).
#[test]
fn env_configuration() {
    let vars = [
        ("PAGERDUTY_OAUTH_CLIENT_ID", "cid"),
        ("PAGERDUTY_OAUTH_CLIENT_SECRET", CLIENT_SECRET),
        (
            "PAGERDUTY_OAUTH_AUTHORIZE_URL",
            "https://app.pagerduty.com/oauth/authorize",
        ),
        (
            "PAGERDUTY_OAUTH_TOKEN_URL",
            "https://app.pagerduty.com/oauth/token",
        ),
        ("PAGERDUTY_OAUTH_SCOPES", "read,write"),
        ("PAGERDUTY_OAUTH_REDIRECT_PORT", "9000"),
        ("ARCADE_TDK_TOKEN_DIR", "/tmp/x"),
    ];
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    };
    let p = OAuthProvider::from_lookup("pagerduty", lookup)
        .unwrap()
        .unwrap();
    assert_eq!(p.token_url, "https://app.pagerduty.com/oauth/token");
    assert_eq!(p.scopes, ["read", "write"]);
    assert_eq!(p.redirect_port, 9000);
    assert_eq!(p.cache_path().unwrap(), Path::new("/tmp/x/pagerduty.json"));
    assert!(!format!("{p:?}").contains(CLIENT_SECRET));

    assert!(
        OAuthProvider::from_lookup("pagerduty", |_| None)
            .unwrap()
            .is_none()
    );
    let err = OAuthProvider::from_lookup("github", |n| {
        (n == "GITHUB_OAUTH_CLIENT_ID").then(|| "x".to_owned())
    })
    .unwrap_err();
    assert!(err.to_string().contains("GITHUB_OAUTH_AUTHORIZE_URL"));
}

// `Region::from_claims` is tested in tools-pagerduty (`client::region`).
#[test]
fn id_token_claims_feed_the_user_info_hook() {
    let token = auth_support::provider::id_token("https://api.eu.pagerduty.com");
    let claims = oauth::id_token_claims(&token).unwrap();
    let info = pagerduty_like_app(CLIENT_ID).id_token_user_info(&claims);
    assert_eq!(info["sub"], "PUSER1");
    assert_eq!(info["region"], "eu");
    let us = auth_support::provider::id_token("https://api.pagerduty.com");
    let claims = oauth::id_token_claims(&us).unwrap();
    assert!(
        !pagerduty_like_app(CLIENT_ID)
            .id_token_user_info(&claims)
            .contains_key("region")
    );
    assert!(oauth::id_token_claims("not-a-jwt").is_none());
}

#[tokio::test]
async fn concurrent_calls_refresh_once() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_conc").await;
    let dir = temp_dir("concurrent");
    let provider = provider_for(&fake, &dir);
    fake.set_expires_in(0);
    login(&fake, &provider).await;
    fake.set_expires_in(3600);
    let source = OAuthTokenSource::new(provider);
    let requirement = pd();
    let calls = (0..4).map(|_| source.token(&requirement, "u"));
    let results = futures_util::future::join_all(calls).await;
    for r in results {
        assert_eq!(r.unwrap().unwrap().token().unwrap(), "pd_conc_access_2");
    }
    // A second refresh would have presented a used-up refresh token and failed.
    assert_eq!(fake.grants("refresh_token"), 1);
}

#[tokio::test]
async fn a_cache_file_of_an_earlier_version_still_reads() {
    // Written by the version whose region was a PagerDuty `Region` of the TDK.
    let dir = temp_dir("earlier-cache");
    std::fs::create_dir_all(&*dir).unwrap();
    let provider = pagerduty_like_app(CLIENT_ID)
        .with_endpoints(
            "http://127.0.0.1:9/oauth/authorize",
            "http://127.0.0.1:9/oauth/token",
        )
        .with_cache_dir(&*dir);
    let file = serde_json::json!({
        "provider": "pagerduty",
        "client_id": CLIENT_ID,
        "token_url": "http://127.0.0.1:9/oauth/token",
        "access_token": "pd_old_access",
        "token_type": "bearer",
        "refresh_token": "pd_old_refresh",
        "expires_at": null,
        "scopes": ["read"],
        "obtained_at": 1_700_000_000u64,
        "region": "eu",
        "user_info": {"region": "eu", "api_base_url": "https://api.eu.pagerduty.com"}
    });
    std::fs::write(dir.join("pagerduty.json"), file.to_string()).unwrap();
    let status = oauth::status(&provider).unwrap();
    assert_eq!(status.region.as_deref(), Some("eu"));
    assert_eq!(
        status.to_string(),
        format!(
            "pagerduty: logged in, scopes read, region eu, refreshable ({})",
            dir.join("pagerduty.json").display()
        )
    );
    let auth = OAuthTokenSource::new(provider)
        .token(&pd(), "u")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(auth.token().unwrap(), "pd_old_access");
    assert_eq!(auth.user_info()["region"], "eu");
}

#[tokio::test]
async fn a_toolkit_app_needs_only_the_client_id() {
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "pd_app").await;
    let dir = temp_dir("toolkit-app");
    login(&fake, &provider_for(&fake, &dir)).await;
    // The toolkit's app knows the endpoints; the user gives the client id.
    let app = pagerduty_like_app("").with_endpoints(fake.authorize_url(), fake.token_url());
    let dir_text = dir.display().to_string();
    let vars = [
        ("PAGERDUTY_OAUTH_CLIENT_ID", CLIENT_ID),
        ("PAGERDUTY_OAUTH_CLIENT_SECRET", CLIENT_SECRET),
        ("ARCADE_TDK_TOKEN_DIR", dir_text.as_str()),
    ];
    let chain = TokenChain::from_vars_with_apps(vars, std::slice::from_ref(&app));
    assert_eq!(chain.source_names(), ["env", "oauth"]);
    let auth = chain.resolve(&pd(), "u").await.unwrap();
    assert_eq!(auth.token().unwrap(), "pd_app_access_1");
    assert_eq!(auth.user_info()["region"], "eu");
    // Without the app, the variables name no endpoints: no OAuth source.
    assert_eq!(TokenChain::from_vars(vars).source_names(), ["env"]);
    // Without a client id, the app is not configured.
    assert!(app.configured_by(|_| None).unwrap().is_none());
}
