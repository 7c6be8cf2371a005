//! A test OAuth authorization server for front-door auth in the benchmarks and
//! `scripts/replicas.sh`: it serves a JWKS on loopback (the test-only RSA key
//! `arcade-tdk/tests/frontdoor/keys/issuer_a.der`, which protects nothing) and mints
//! RS256 access tokens for the MCP endpoint's canonical URL. One place for both the
//! replicas' front door and the bench's "front-door auth on vs off" row.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The test-only signing key (PKCS#1 DER), shared with arcade-tdk's front-door tests.
const KEY_DER: &[u8] = include_bytes!("../../arcade-tdk/tests/frontdoor/keys/issuer_a.der");
/// The key id in the JWKS and in every token's header.
const KID: &str = "bench-issuer-key-1";

/// How long minted tokens are valid (longer than any bench or replicas run).
const TOKEN_SECS: u64 = 6 * 3600;

/// The issuer: its JWKS endpoint on loopback (served until the value is dropped).
pub struct TestIssuer {
    addr: SocketAddr,
    key: EncodingKey,
    task: tokio::task::JoinHandle<()>,
}

impl TestIssuer {
    /// Binds 127.0.0.1 on an ephemeral port and serves `GET /jwks` there.
    pub async fn start() -> std::io::Result<Self> {
        let key = EncodingKey::from_rsa_der(KEY_DER);
        let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256)
            .map_err(|e| std::io::Error::other(format!("the test key: {e}")))?;
        jwk.common.key_id = Some(KID.to_owned());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        let body =
            serde_json::to_value(JwkSet { keys: vec![jwk] }).map_err(std::io::Error::other)?;
        let app = axum::Router::new().route(
            "/jwks",
            axum::routing::get(move || {
                let body = body.clone();
                async move { axum::Json(body) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, key, task })
    }

    /// The issuer identifier (`iss`).
    pub fn issuer(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS` for a server trusting this issuer
    /// (one line of JSON).
    pub fn authorization_servers(&self) -> String {
        json!([{
            "authorization_server_url": self.issuer(),
            "issuer": self.issuer(),
            "jwks_uri": format!("{}/jwks", self.issuer()),
            "algorithm": "RS256",
        }])
        .to_string()
    }

    /// An access token for user `sub`, for the MCP endpoint at `audience` (the
    /// server's `MCP_RESOURCE_SERVER_CANONICAL_URL`).
    pub fn token(&self, sub: &str, audience: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let claims: Value = json!({
            "iss": self.issuer(), "aud": audience, "sub": sub,
            "iat": now, "nbf": now.saturating_sub(5), "exp": now + TOKEN_SECS,
            "client_id": "arcade-bench", "scope": "mcp:tools",
        });
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KID.to_owned());
        jsonwebtoken::encode(&header, &claims, &self.key)
    }
}

impl Drop for TestIssuer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
