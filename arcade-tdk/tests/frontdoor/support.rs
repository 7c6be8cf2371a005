//! Fakes for the front-door tests: authorization servers (test-only RSA keys in `keys/`,
//! a JWKS served by a tiny axum server on loopback), access tokens, the MCP server
//! behind the front door, and a capture of every log line.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::serve::auth::{AuthorizationServer, FrontDoor, ResourceServerConfig};
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{HttpOptions, McpOptions, http_router, serve_http_listener};
use arcade_tdk::{
    Catalog, ResourceContents, ResourceTemplate, ToolContext, ToolError, Toolkit, tool,
};
use axum::routing::get;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub const ISSUER_A_DER: &[u8] = include_bytes!("keys/issuer_a.der");
pub const ISSUER_B_DER: &[u8] = include_bytes!("keys/issuer_b.der");
pub const STRANGER_DER: &[u8] = include_bytes!("keys/stranger.der");
pub const ISSUER_A_PUBLIC_DER: &[u8] = include_bytes!("keys/issuer_a.pub.der");

/// Who the caller is, as the tool sees it.
#[tool]
fn whoami(context: &ToolContext) -> Result<Value, ToolError> {
    let owner = context.resource_owner();
    Ok(json!({
        "user_id": context.user_id,
        "owner": owner.map(|o| json!({
            "user_id": o.user_id, "client_id": o.client_id, "scopes": o.scopes,
            "email": o.email, "issuer": o.issuer,
        })),
    }))
}

/// The upstream token this call got, reversed (so that no redaction hides it).
#[tool(requires_auth = OAuth2(provider_id = "pagerduty", scopes = ["read"]))]
fn upstream_token(context: &ToolContext) -> Result<String, ToolError> {
    Ok(context.authorization.token()?.chars().rev().collect())
}

/// Fails like a 401 from the upstream API when the token is the one given to `alice`.
#[tool(requires_auth = OAuth2(provider_id = "pagerduty", scopes = ["read"]))]
fn upstream_rejects_alice(context: &ToolContext) -> Result<String, ToolError> {
    if context.authorization.token()?.ends_with("-alice") {
        return Err(ToolError::upstream(401, "Unauthorized"));
    }
    Ok("accepted".to_owned())
}

/// Whether the server's secret reached the tool.
#[tool(requires_secrets = ["SERVICE_KEY"])]
fn uses_secret(context: &ToolContext) -> Result<bool, ToolError> {
    Ok(context.get_secret("SERVICE_KEY")? == "service-key-4321")
}

/// A resource whose upstream refuses `alice`'s token (a 401), as the tool above.
fn rejecting_resource() -> ResourceTemplate {
    ResourceTemplate::new(
        "door://rejects-alice/{id}",
        "rejects alice",
        |request| async move {
            if request.context().authorization.token()?.ends_with("-alice") {
                return Err(ToolError::upstream(401, "Unauthorized").into());
            }
            Ok(vec![ResourceContents::text(
                request.uri(),
                "text/plain",
                "accepted",
            )])
        },
    )
    .requires_auth(ToolAuthorization::oauth2(
        Some("pagerduty"),
        None,
        Some(&["read"]),
    ))
}

/// A resource read with the caller's upstream token: the token reversed.
fn token_resource() -> ResourceTemplate {
    ResourceTemplate::new("door://tokens/{id}", "token", |request| async move {
        let token = request.context().authorization.token()?;
        let reversed: String = token.chars().rev().collect();
        Ok(vec![ResourceContents::text(
            request.uri(),
            "text/plain",
            reversed,
        )])
    })
    .requires_auth(ToolAuthorization::oauth2(
        Some("pagerduty"),
        None,
        Some(&["read"]),
    ))
}

pub fn catalog() -> Arc<Catalog> {
    Arc::new(
        Catalog::new(
            Toolkit::new("Door")
                .tool(whoami::tool())
                .tool(upstream_token::tool())
                .tool(upstream_rejects_alice::tool())
                .tool(uses_secret::tool())
                .resource_template(token_resource())
                .resource_template(rejecting_resource()),
        )
        .unwrap(),
    )
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// An authorization server: its key, key id and JWKS endpoint.
pub struct Issuer {
    pub issuer: String,
    pub kid: String,
    pub key: EncodingKey,
    pub jwks: JwksServer,
}

impl Issuer {
    /// An issuer `name` signing with the key in `der`, its JWKS served on loopback.
    pub async fn start(name: &str, der: &[u8]) -> Self {
        let key = EncodingKey::from_rsa_der(der);
        let kid = format!("{name}-key-1");
        let jwks = JwksServer::start(vec![jwk(&key, &kid)]).await;
        Self {
            issuer: format!("https://{name}.auth.test"),
            kid,
            key,
            jwks,
        }
    }

    /// The front-door entry for this issuer.
    pub fn entry(&self) -> AuthorizationServer {
        AuthorizationServer::new(
            format!("{}/as", self.issuer),
            self.issuer.clone(),
            self.jwks.url(),
        )
    }

    /// Standard claims: this issuer, the test resource, `sub`, valid for 5 minutes.
    pub fn claims(&self, sub: &str) -> Value {
        json!({
            "iss": self.issuer, "aud": RESOURCE, "sub": sub,
            "exp": now() + 300, "iat": now(), "nbf": now() - 5,
            "client_id": "client-1", "scope": "mcp:tools read", "email": format!("{sub}@example.com"),
        })
    }

    /// A token for `sub` with the standard claims.
    pub fn token(&self, sub: &str) -> String {
        self.sign(&self.claims(sub))
    }

    /// `claims` signed with this issuer's key and key id.
    pub fn sign(&self, claims: &Value) -> String {
        sign(&self.key, &self.kid, claims)
    }
}

pub fn sign(key: &EncodingKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

pub fn jwk(key: &EncodingKey, kid: &str) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(key, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(kid.to_owned());
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    jwk
}

/// A JWKS endpoint that counts its fetches and can be stopped (connection refused).
pub struct JwksServer {
    pub addr: SocketAddr,
    pub fetches: Arc<AtomicUsize>,
    keys: Arc<Mutex<Vec<Jwk>>>,
    task: tokio::task::JoinHandle<()>,
}

impl JwksServer {
    pub async fn start(keys: Vec<Jwk>) -> Self {
        let keys = Arc::new(Mutex::new(keys));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (k, f) = (keys.clone(), fetches.clone());
        let app = axum::Router::new().route(
            "/jwks",
            get(move || {
                let (k, f) = (k.clone(), f.clone());
                async move {
                    f.fetch_add(1, Ordering::SeqCst);
                    let set = JwkSet {
                        keys: k.lock().unwrap().clone(),
                    };
                    axum::Json(serde_json::to_value(set).unwrap())
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            fetches,
            keys,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/jwks", self.addr)
    }

    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// Publishes another key too (a key rotation).
    pub fn add(&self, jwk: Jwk) {
        self.keys.lock().unwrap().push(jwk);
    }

    /// Stops the endpoint: fetches now fail with "connection refused".
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for JwksServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The canonical URL of the server under test.
pub const RESOURCE: &str = "http://127.0.0.1:8000/mcp";

/// The front-door configuration over `issuers`, with refetches allowed at once.
pub fn config(issuers: &[&Issuer]) -> ResourceServerConfig {
    let mut config = ResourceServerConfig::new(RESOURCE).with_jwks_timing(
        Duration::from_secs(3600),
        Duration::ZERO,
        Duration::from_secs(2),
    );
    for issuer in issuers {
        config = config.authorization_server(issuer.entry());
    }
    config
}

/// The MCP server behind the front door, on loopback.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Server {
    pub async fn start(config: ResourceServerConfig, env: LocalEnvironment) -> Self {
        let door = FrontDoor::new(config).unwrap();
        let options = McpOptions::new("door", "1.0.0").with_environment(Arc::new(env));
        let http = HttpOptions::default().with_front_door(door);
        let router = http_router(catalog(), options, http);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve_http_listener(router, listener, async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A stateless (2026-07-28) `tools/call` with `authorization` as the header.
    pub async fn call(&self, authorization: Option<&str>, tool: &str, args: Value) -> Answer {
        let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                          "io.modelcontextprotocol/clientCapabilities": {}});
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"_meta": meta, "name": tool, "arguments": args}});
        let mut request = reqwest::Client::new()
            .post(self.url("/mcp"))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "tools/call")
            .header("mcp-name", tool)
            .body(body.to_string());
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        Answer::read(request.send().await.expect("HTTP round trip")).await
    }

    /// A stateless (2026-07-28) `resources/read` of `uri` with `Bearer <token>`.
    pub async fn read_resource(&self, token: &str, uri: &str) -> Answer {
        let meta = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                          "io.modelcontextprotocol/clientCapabilities": {}});
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "resources/read",
            "params": {"_meta": meta, "uri": uri}});
        let request = reqwest::Client::new()
            .post(self.url("/mcp"))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "resources/read")
            .header("mcp-name", uri)
            .header("authorization", format!("Bearer {token}"))
            .body(body.to_string());
        Answer::read(request.send().await.expect("HTTP round trip")).await
    }

    /// A `tools/call` with `Bearer <token>`; the JSON-RPC result.
    pub async fn call_ok(&self, token: &str, tool: &str, args: Value) -> Value {
        let answer = self
            .call(Some(&format!("Bearer {token}")), tool, args)
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.body["result"].clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An HTTP answer: status, `WWW-Authenticate`, and the body (JSON, or the JSON-RPC
/// message of an SSE stream).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub challenge: Option<String>,
    pub body: Value,
}

impl Answer {
    async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or_else(|_| {
            text.lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
                .find(|m| m.get("id").is_some())
                .unwrap_or(Value::String(text))
        });
        Self {
            status,
            challenge,
            body,
        }
    }
}

/// Every log line of this test binary, at every level (a global subscriber).
pub fn logs() -> String {
    String::from_utf8_lossy(&capture().lock().unwrap()).into_owned()
}

fn capture() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| Mutex::new(Vec::new()))
}

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        capture().lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber (once), at trace level for every crate.
pub fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(|| Capture)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}
