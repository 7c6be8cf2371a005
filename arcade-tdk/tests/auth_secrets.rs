//! No secret (API key, access token, refresh token, client secret, tool secret, worker
//! secret) appears in any error `Display`/`Debug` text, any output, or the logs (every
//! level, captured through `tracing`) of every flow: the Arcade client and the engine
//! token source, the OAuth login and refresh against a fake provider, an MCP call with
//! a token and a secret from the environment, a worker invocation, and the `call`
//! command. The tools put the secrets into their errors, their developer messages,
//! their panics and their log notifications on purpose.
#![cfg(all(
    feature = "client",
    feature = "oauth",
    feature = "mcp",
    feature = "worker",
    feature = "cli"
))]

#[path = "auth/support/mod.rs"]
mod auth_support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::client::{Arcade, AuthorizationStatus};
use arcade_tdk::testing::FakeEngine;
use arcade_tdk::token::oauth;
use arcade_tdk::token::{ArcadeTokenSource, OAuthTokenSource, TokenChain, TokenSource};
use auth_support::provider::{CLIENT_ID, FakeProvider, browse, pagerduty_like_app, temp_dir};

const API_KEY: &str = "arc_SECRET_api_key_0001";
const ENGINE_TOKEN: &str = "pd_SECRET_engine_token_0002";
const CLIENT_SECRET: &str = "cs_SECRET_client_secret_0003";
const PREFIX: &str = "pd_SECRET_oauth";
const TOOL_SECRET: &str = "ts_SECRET_tool_secret_0004";
const ENV_TOKEN: &str = "pd_SECRET_env_token_0005";
const WORKER_SECRET: &str = "ws_SECRET_worker_secret_0006";

/// Fail with the secret and the token in every text.
#[arcade_tdk::tool(requires_secrets = ["LEAK_KEY"], requires_auth = PagerDuty(scopes = ["read"]))]
fn leak_in_error(context: arcade_tdk::ToolContext) -> Result<String, arcade_tdk::ToolError> {
    let secret = context.get_secret("LEAK_KEY")?.to_owned();
    let token = context.get_auth_token_or_empty().to_owned();
    Err(
        arcade_tdk::ToolError::fatal(format!("failed with {secret}"))
            .with_developer_message(format!("token was {token}"))
            .with_additional_prompt_content(format!("retry with {secret}")),
    )
}

/// Panic with the secret.
#[arcade_tdk::tool(requires_secrets = ["LEAK_KEY"], requires_auth = PagerDuty(scopes = ["read"]))]
fn leak_in_panic(context: arcade_tdk::ToolContext) -> String {
    let secret = context
        .get_secret("LEAK_KEY")
        .unwrap_or_default()
        .to_owned();
    std::panic::panic_any(format!(
        "boom {secret} {}",
        context.get_auth_token_or_empty()
    ))
}

/// Log the secret and the token, then succeed.
#[arcade_tdk::tool(requires_secrets = ["LEAK_KEY"], requires_auth = PagerDuty(scopes = ["read"]))]
fn leak_in_log(context: arcade_tdk::ToolContext) -> String {
    let secret = context
        .get_secret("LEAK_KEY")
        .unwrap_or_default()
        .to_owned();
    context.log().warning(&format!(
        "key {secret} token {}",
        context.get_auth_token_or_empty()
    ));
    "logged".to_owned()
}

fn leak_kit() -> arcade_tdk::Toolkit {
    arcade_tdk::Toolkit::new("LeakKit")
        .tool(leak_in_error::tool())
        .tool(leak_in_panic::tool())
        .tool(leak_in_log::tool())
}

/// Runs the three leaky tools over MCP (stdio framing, in-process), the worker protocol
/// (loopback HTTP) and the `call` command; returns every answer.
async fn serving_flows() -> Vec<String> {
    use arcade_tdk::serve::local::LocalEnvironment;
    use arcade_tdk::serve::mcp::{McpOptions, serve_io};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let mut texts = Vec::new();
    let tools = [
        "LeakKit_LeakInError",
        "LeakKit_LeakInPanic",
        "LeakKit_LeakInLog",
    ];
    let catalog = Arc::new(arcade_tdk::Catalog::new(leak_kit()).unwrap());

    // --- MCP, with the secret and the token from the environment.
    let env = LocalEnvironment::from_vars([
        ("LEAK_KEY", TOOL_SECRET),
        ("PAGERDUTY_ACCESS_TOKEN", ENV_TOKEN),
    ]);
    let options = McpOptions::new("leak", "1")
        .with_expose_developer_messages(true)
        .with_expose_stacktraces(true)
        .with_environment(Arc::new(env));
    let (client, server) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server);
    tokio::spawn(serve_io(catalog.clone(), options, sr, sw));
    let (read, mut write) = tokio::io::split(client);
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}\n").await.unwrap();
    texts.push(lines.next_line().await.unwrap().unwrap());
    write.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}\n").await.unwrap();
    for (i, tool) in tools.iter().enumerate() {
        let id = i + 10;
        let line = serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": tool, "arguments": {}}});
        write
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        loop {
            let answer = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
                .await
                .expect("an answer")
                .unwrap()
                .unwrap();
            let done = answer.contains(&format!("\"id\":{id}"));
            texts.push(answer);
            if done {
                break;
            }
        }
    }
    assert!(
        texts.iter().any(|t| t.contains("notifications/message")),
        "{texts:?}"
    );

    // --- The worker, with the secret and the token in the request's context.
    let router = arcade_tdk::serve::worker::worker_router(
        catalog.clone(),
        arcade_tdk::serve::worker::WorkerSecret::new(WORKER_SECRET).unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let jwt = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({"aud": "worker", "ver": "1"}),
        &jsonwebtoken::EncodingKey::from_secret(WORKER_SECRET.as_bytes()).unwrap(),
    )
    .unwrap();
    let http = reqwest::Client::new();
    for tool in tools {
        let name = tool.trim_start_matches("LeakKit_");
        let body = serde_json::json!({
            "execution_id": "e", "tool": {"name": name, "toolkit": "LeakKit"}, "inputs": {},
            "context": {"user_id": "u", "secrets": [{"key": "LEAK_KEY", "value": TOOL_SECRET}],
                        "authorization": {"token": ENV_TOKEN, "user_info": {}}}
        });
        let response = http
            .post(format!("http://{addr}/worker/tools/invoke"))
            .bearer_auth(&jwt)
            .json(&body)
            .send()
            .await
            .unwrap();
        texts.push(format!("{response:?}"));
        texts.push(response.text().await.unwrap());
    }
    // A wrong worker secret in the token: the error names neither.
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({"aud": "worker", "ver": "1"}),
        &jsonwebtoken::EncodingKey::from_secret(format!("{WORKER_SECRET}x").as_bytes()).unwrap(),
    )
    .unwrap();
    let response = http
        .get(format!("http://{addr}/worker/tools"))
        .bearer_auth(&forged)
        .send()
        .await
        .unwrap();
    texts.push(response.text().await.unwrap());

    // --- The `call` command, with the secret and the token in a .env file.
    let dir = temp_dir("call-secrets");
    std::fs::write(
        dir.join(".env"),
        format!("LEAK_KEY={TOOL_SECRET}\nPAGERDUTY_ACCESS_TOKEN={ENV_TOKEN}\n"),
    )
    .unwrap();
    let previous = std::env::current_dir().unwrap();
    std::env::set_current_dir(&*dir).unwrap();
    for tool in tools {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = tokio::task::block_in_place(|| {
            arcade_tdk::cli::run_with_output(leak_kit(), ["leak", "call", tool], &mut out, &mut err)
        });
        texts.push(format!(
            "{code} {} {}",
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&err)
        ));
    }
    std::env::set_current_dir(previous).unwrap();
    texts
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn no_secret_in_errors_debug_or_logs() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    // Global: the servers' tasks run on other threads.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    // Panic messages (a tool's panic is contained; the hook still sees it).
    let panics = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = panics.clone();
    std::panic::set_hook(Box::new(move |info| {
        seen.lock().unwrap().push(info.to_string());
    }));

    let mut texts: Vec<String> = Vec::new();
    let requirement = ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"]));

    // --- Arcade client and engine token source.
    let engine = FakeEngine::start_with(API_KEY, ENGINE_TOKEN).await;
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
    engine.set_status(AuthorizationStatus::Completed);
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
    let provider = pagerduty_like_app(CLIENT_ID)
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

    // --- MCP, worker and `call`.
    texts.extend(serving_flows().await);
    let _ = std::panic::take_hook();
    let panics = panics.lock().unwrap().clone();
    assert_eq!(
        panics.len(),
        3,
        "the leaky tool panicked in each flow: {panics:?}"
    );

    let mut secrets = vec![
        API_KEY.to_owned(),
        ENGINE_TOKEN.to_owned(),
        CLIENT_SECRET.to_owned(),
        TOOL_SECRET.to_owned(),
        ENV_TOKEN.to_owned(),
        WORKER_SECRET.to_owned(),
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
