//! A fake OAuth 2.0 provider on 127.0.0.1, shaped like PagerDuty's identity service:
//! `GET /oauth/authorize` redirects back with a code (or an error), `POST /oauth/token`
//! exchanges it (verifying PKCE S256 and the client secret) and rotates refresh tokens.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "fake-client-id";

/// An app shaped like a toolkit's own PagerDuty app (tools-pagerduty has the real one):
/// id `pagerduty`, alias `arcade-pagerduty`, scope `read`, and the region hint read from
/// the ID token's audience. Point it at a fake with `with_endpoints`.
pub fn pagerduty_like_app(client_id: &str) -> arcade_tdk::token::OAuthProvider {
    arcade_tdk::token::OAuthProvider::new(
        "pagerduty",
        client_id,
        "http://127.0.0.1:9/oauth/authorize",
        "http://127.0.0.1:9/oauth/token",
    )
    .with_alias("arcade-pagerduty")
    .with_scopes(["read"])
    .with_id_token_user_info(|claims| {
        let mut info = serde_json::Map::new();
        let eu = claims["aud"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|aud| aud.contains(".eu."));
        if eu {
            info.insert("region".into(), "eu".into());
            info.insert("api_base_url".into(), "https://api.eu.pagerduty.com".into());
        }
        info
    })
}

/// How the fake answers the authorization request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Grant,
    Deny,
    ForgeState,
    /// Issue a code whose stored challenge does not match (the exchange fails).
    BreakPkce,
}

struct Grant {
    challenge: String,
    redirect_uri: String,
    scope: String,
}

pub struct Inner {
    pub client_secret: Option<String>,
    pub mode: Mutex<Mode>,
    pub expires_in: Mutex<u64>,
    /// Prefix of every issued token, so that tests know the secret values.
    pub secret_prefix: String,
    codes: Mutex<HashMap<String, Grant>>,
    refresh_tokens: Mutex<Vec<String>>,
    counter: Mutex<u32>,
    pub token_requests: Mutex<Vec<HashMap<String, String>>>,
    pub pkce_verified: Mutex<u32>,
}

#[derive(Clone)]
pub struct FakeProvider {
    pub addr: SocketAddr,
    pub inner: Arc<Inner>,
}

impl FakeProvider {
    pub async fn start(client_secret: Option<&str>, secret_prefix: &str) -> Self {
        let inner = Arc::new(Inner {
            client_secret: client_secret.map(str::to_owned),
            mode: Mutex::new(Mode::Grant),
            expires_in: Mutex::new(3600),
            secret_prefix: secret_prefix.to_owned(),
            codes: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(Vec::new()),
            counter: Mutex::new(0),
            token_requests: Mutex::new(Vec::new()),
            pkce_verified: Mutex::new(0),
        });
        let app = Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { addr, inner }
    }

    pub fn authorize_url(&self) -> String {
        format!("http://{}/oauth/authorize", self.addr)
    }

    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.inner.mode.lock().unwrap() = mode;
    }

    pub fn set_expires_in(&self, secs: u64) {
        *self.inner.expires_in.lock().unwrap() = secs;
    }

    /// Every refresh token stops working (expired or revoked).
    pub fn revoke_refresh_tokens(&self) {
        self.inner.refresh_tokens.lock().unwrap().clear();
    }

    pub fn grants(&self, grant_type: &str) -> usize {
        self.inner
            .token_requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.get("grant_type").map(String::as_str) == Some(grant_type))
            .count()
    }

    pub fn pkce_verified(&self) -> u32 {
        *self.inner.pkce_verified.lock().unwrap()
    }

    /// The access and refresh tokens issued so far (for secret-leak checks).
    pub fn issued(&self) -> Vec<String> {
        let n = *self.inner.counter.lock().unwrap();
        (1..=n)
            .flat_map(|i| {
                [
                    format!("{}_access_{i}", self.inner.secret_prefix),
                    format!("{}_refresh_{i}", self.inner.secret_prefix),
                ]
            })
            .collect()
    }
}

/// An unsigned JWT (`alg: none`): the client decodes it only for the region hint.
pub fn id_token(aud: &str) -> String {
    let enc = |v: Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap())
    };
    format!(
        "{}.{}.",
        enc(json!({"alg": "none", "typ": "JWT"})),
        enc(json!({
            "iss": "https://identity.pagerduty.com",
            "aud": [aud],
            "sub": "PUSER1",
            "email": "dev@example.com"
        }))
    )
}

async fn authorize(
    State(inner): State<Arc<Inner>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code"
        || get("client_id") != CLIENT_ID
        || get("code_challenge_method") != "S256"
        || get("code_challenge").is_empty()
        || get("state").is_empty()
    {
        return (StatusCode::BAD_REQUEST, "bad authorization request").into_response();
    }
    let redirect_uri = get("redirect_uri");
    let mode = *inner.mode.lock().unwrap();
    let mut url = url::Url::parse(&redirect_uri).unwrap();
    match mode {
        Mode::Deny => {
            url.query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_description", "The user denied access")
                .append_pair("state", &get("state"));
        }
        _ => {
            let code = format!("code-{}", inner.codes.lock().unwrap().len() + 1);
            let challenge = if mode == Mode::BreakPkce {
                "not-the-challenge".to_owned()
            } else {
                get("code_challenge")
            };
            inner.codes.lock().unwrap().insert(
                code.clone(),
                Grant {
                    challenge,
                    redirect_uri: redirect_uri.clone(),
                    scope: get("scope"),
                },
            );
            let state = if mode == Mode::ForgeState {
                "forged-state".to_owned()
            } else {
                get("state")
            };
            url.query_pairs_mut()
                .append_pair("code", &code)
                .append_pair("state", &state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn token(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    inner.token_requests.lock().unwrap().push(form.clone());
    // Client authentication: form body or HTTP Basic.
    let (mut client_id, mut secret) = (
        form.get("client_id").cloned(),
        form.get("client_secret").cloned(),
    );
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .unwrap_or_default();
        let decoded = String::from_utf8_lossy(&decoded).into_owned();
        if let Some((id, s)) = decoded.split_once(':') {
            client_id = Some(id.to_owned());
            secret = Some(s.to_owned());
        }
    }
    if client_id.as_deref() != Some(CLIENT_ID) || secret != inner.client_secret {
        return oauth_error("invalid_client", "Client authentication failed");
    }
    let scope = match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = form.get("code").cloned().unwrap_or_default();
            let Some(grant) = inner.codes.lock().unwrap().remove(&code) else {
                return oauth_error("invalid_grant", "Unknown or used authorization code");
            };
            if form.get("redirect_uri") != Some(&grant.redirect_uri) {
                return oauth_error("invalid_grant", "redirect_uri mismatch");
            }
            let verifier = form.get("code_verifier").cloned().unwrap_or_default();
            let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43 || computed != grant.challenge {
                return oauth_error("invalid_grant", "PKCE verification failed");
            }
            *inner.pkce_verified.lock().unwrap() += 1;
            grant.scope
        }
        Some("refresh_token") => {
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            let mut valid = inner.refresh_tokens.lock().unwrap();
            let Some(pos) = valid.iter().position(|t| *t == presented) else {
                return oauth_error("invalid_grant", "Refresh token is expired or revoked");
            };
            // Rotation: the presented token is used up.
            valid.remove(pos);
            "read".to_owned()
        }
        _ => return oauth_error("unsupported_grant_type", "unsupported grant_type"),
    };
    let n = {
        let mut c = inner.counter.lock().unwrap();
        *c += 1;
        *c
    };
    let refresh = format!("{}_refresh_{n}", inner.secret_prefix);
    inner.refresh_tokens.lock().unwrap().push(refresh.clone());
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "access_token": format!("{}_access_{n}", inner.secret_prefix),
            "token_type": "bearer",
            "expires_in": *inner.expires_in.lock().unwrap(),
            "refresh_token": refresh,
            "scope": scope,
            "id_token": id_token("https://api.eu.pagerduty.com"),
        })),
    )
        .into_response()
}

/// What a browser does with the authorization URL: follow the provider's redirect to
/// the local listener. Returns the listener's status.
pub async fn browse(authorize_url: &str) -> u16 {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(authorize_url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302, "the provider redirects");
    let location = response.headers()[reqwest::header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    http.get(location).send().await.unwrap().status().as_u16()
}

/// A fresh temporary folder for the token cache, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir(name: &str) -> TempDir {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir =
        std::env::temp_dir().join(format!("arcade-tdk-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}
