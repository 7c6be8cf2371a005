//! The command line's auth wiring: `auth login|status|logout` against a fake OAuth
//! provider, `call` with a token from a fake Arcade Engine, and the MCP server
//! forgetting a cached engine token when a tool reports that the upstream rejected it.
#![cfg(all(
    feature = "client",
    feature = "oauth",
    feature = "mcp",
    feature = "cli"
))]
#![allow(clippy::result_large_err)] // tools return `Result<_, ToolError>` by design.

use crate::auth_support;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arcade_tdk::cli::Cli;
use arcade_tdk::client::{Arcade, AuthorizationStatus};
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::{McpOptions, serve_io};
use arcade_tdk::testing::FakeEngine;
use arcade_tdk::token::oauth::OAuthProvider;
use arcade_tdk::token::{ArcadeTokenSource, TokenChain};
use arcade_tdk::{Catalog, ToolContext, ToolError, Toolkit, tool};
use auth_support::provider::{CLIENT_ID, FakeProvider, browse, temp_dir};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const API_KEY: &str = "arc_cli_test_key_0001";
const ENGINE_TOKEN: &str = "acme_engine_token_0002";

/// When set, [`whoami`] answers as if the upstream rejected the token (401), for
/// [`REJECTED_USER`] only (the tests run in parallel).
static REJECT: AtomicBool = AtomicBool::new(false);
const REJECTED_USER: &str = "mcp@example.com";

/// Says how long the token is, or fails like a 401 from the upstream API.
#[tool(requires_auth = OAuth2(provider_id = "acme", scopes = ["read"]))]
fn whoami(context: ToolContext) -> Result<String, ToolError> {
    if REJECT.load(Ordering::SeqCst) && context.user_id.as_deref() == Some(REJECTED_USER) {
        return Err(ToolError::upstream(401, "Unauthorized"));
    }
    let token = context.authorization.token()?;
    Ok(format!("token of {} characters", token.len()))
}

/// Needs nothing.
#[tool]
fn ping() -> String {
    "pong".into()
}

fn toolkit() -> Toolkit {
    Toolkit::new("Acme").tool(whoami::tool()).tool(ping::tool())
}

/// A buffer the test can read while the command line writes to it.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

/// Runs `cli` with `args` on a blocking thread (it starts its own runtime).
async fn run(cli: Cli, args: &[&str]) -> Run {
    let args: Vec<String> = std::iter::once("acme")
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect();
    tokio::task::spawn_blocking(move || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = cli.run_with_output(args, &mut out, &mut err);
        Run {
            code,
            stdout: String::from_utf8(out).unwrap(),
            stderr: String::from_utf8(err).unwrap(),
        }
    })
    .await
    .unwrap()
}

fn engine_environment(engine: &FakeEngine, user_id: &str) -> LocalEnvironment {
    let arcade = Arcade::new(API_KEY, engine.url())
        .unwrap()
        .with_max_retries(0);
    LocalEnvironment::from_vars([("ARCADE_USER_ID", user_id)]).with_tokens(TokenChain::new(vec![
        Box::new(ArcadeTokenSource::new(arcade)),
    ]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_gets_its_token_from_the_arcade_engine() {
    let engine = FakeEngine::start_with(API_KEY, ENGINE_TOKEN).await;
    engine.set_status(AuthorizationStatus::Completed);
    let cli = Cli::new(toolkit()).environment(engine_environment(&engine, "dev@example.com"));
    let run = run(cli, &["call", "Whoami"]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        output["value"],
        format!("token of {} characters", ENGINE_TOKEN.len())
    );
    assert!(!run.stdout.contains(ENGINE_TOKEN) && !run.stderr.contains(ENGINE_TOKEN));
    let sent = engine.requests();
    assert_eq!(engine.count("/v1/auth/authorize"), 1);
    assert_eq!(sent[0].body["user_id"], "dev@example.com");
    assert_eq!(sent[0].body["auth_requirement"]["provider_id"], "acme");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reports_a_pending_authorization_with_its_url() {
    let engine = FakeEngine::start_with(API_KEY, ENGINE_TOKEN).await;
    let cli = Cli::new(toolkit()).environment(engine_environment(&engine, "dev@example.com"));
    let run = run(cli, &["call", "Acme.Whoami"]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["error"]["kind"], "TOOL_REQUIREMENTS_NOT_MET");
    assert!(
        output["error"]["message"]
            .as_str()
            .unwrap()
            .contains("https://"),
        "{output}"
    );
}

/// Newline-delimited JSON-RPC to an in-process MCP server.
struct McpClient {
    writer: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    reader: BufReader<tokio::io::ReadHalf<tokio::io::DuplexStream>>,
    next_id: u64,
}

impl McpClient {
    async fn start(catalog: Catalog, options: McpOptions) -> Self {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        tokio::spawn(serve_io(
            Arc::new(catalog),
            options,
            server_read,
            server_write,
        ));
        let (read, writer) = tokio::io::split(client);
        let mut client = Self {
            writer,
            reader: BufReader::new(read),
            next_id: 0,
        };
        let init = client
            .request(
                "initialize",
                json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
            )
            .await;
        assert_eq!(init["result"]["serverInfo"]["name"], "Acme");
        client
            .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        client
    }

    async fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.writer.write_all(line.as_bytes()).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let mut line = String::new();
            let read =
                tokio::time::timeout(Duration::from_secs(30), self.reader.read_line(&mut line))
                    .await
                    .expect("an answer")
                    .unwrap();
            assert!(read > 0, "the server closed the stream");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == id {
                return message;
            }
        }
    }

    async fn call(&mut self, tool: &str) -> Value {
        self.request("tools/call", json!({"name": tool, "arguments": {}}))
            .await["result"]
            .clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_fetched_again_from_the_engine() {
    let engine = FakeEngine::start_with(API_KEY, ENGINE_TOKEN).await;
    engine.set_status(AuthorizationStatus::Completed);
    let options = McpOptions::new("Acme", "1.0.0")
        .with_environment(Arc::new(engine_environment(&engine, REJECTED_USER)));
    let mut client = McpClient::start(Catalog::new(toolkit()).unwrap(), options).await;

    let first = client.call("Acme_Whoami").await;
    assert_eq!(first["isError"], false, "{first}");
    assert_eq!(engine.count("/v1/auth/authorize"), 1);
    // Cached: no second request to the engine.
    let second = client.call("Acme_Whoami").await;
    assert_eq!(second["isError"], false, "{second}");
    assert_eq!(engine.count("/v1/auth/authorize"), 1);

    // The upstream rejects the token: the call fails and the cached token is dropped...
    REJECT.store(true, Ordering::SeqCst);
    let rejected = client.call("Acme_Whoami").await;
    REJECT.store(false, Ordering::SeqCst);
    assert_eq!(rejected["isError"], true, "{rejected}");
    assert_eq!(
        rejected["_meta"]["arcade"]["errorKind"],
        "UPSTREAM_RUNTIME_AUTH_ERROR"
    );
    assert_eq!(engine.count("/v1/auth/authorize"), 1);
    // ...so the next call asks the engine again, and is cached again after that.
    let retried = client.call("Acme_Whoami").await;
    assert_eq!(retried["isError"], false, "{retried}");
    assert_eq!(engine.count("/v1/auth/authorize"), 2);
    let cached = client.call("Acme_Whoami").await;
    assert_eq!(cached["isError"], false, "{cached}");
    assert_eq!(engine.count("/v1/auth/authorize"), 2);
    // A tool without a requirement never asks the engine.
    assert_eq!(client.call("Acme_Ping").await["isError"], false);
    assert_eq!(engine.count("/v1/auth/authorize"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_login_status_logout_with_the_toolkit_provider() {
    const CLIENT_SECRET: &str = "cs_cli_client_5ecret";
    let fake = FakeProvider::start(Some(CLIENT_SECRET), "acme_t0k").await;
    let dir = temp_dir("cli-auth");
    let provider = OAuthProvider::new("acme", CLIENT_ID, fake.authorize_url(), fake.token_url())
        .with_client_secret(CLIENT_SECRET)
        .with_scopes(["read"])
        .with_redirect_port(0)
        .with_cache_dir(&*dir)
        .with_login_timeout(Duration::from_secs(20));
    let cli = || Cli::new(toolkit()).oauth_provider(provider.clone());

    let before = run(cli(), &["auth", "status"]).await;
    assert!(
        before.stdout.contains("own OAuth app: acme: not logged in"),
        "{}",
        before.stdout
    );

    // `auth login` (no provider: the toolkit's only one) prints the URL on stderr and
    // waits for the redirect; a "browser" follows the URL.
    let stderr = Shared::default();
    let login = {
        let cli = cli();
        let mut stderr = stderr.clone();
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            let code = cli.run_with_output(
                ["acme", "auth", "login", "--no-browser"],
                &mut out,
                &mut stderr,
            );
            (code, String::from_utf8(out).unwrap())
        })
    };
    let url = loop {
        let text = stderr.text();
        if let Some(line) = text.lines().find(|l| l.trim_start().starts_with("http://")) {
            break line.trim().to_owned();
        }
        assert!(!login.is_finished(), "login ended early: {text}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert_eq!(browse(&url).await, 200);
    let (code, stdout) = login.await.unwrap();
    assert_eq!(code, 0, "{}", stderr.text());
    assert!(
        stdout.starts_with("acme: logged in, scopes read"),
        "{stdout}"
    );
    assert!(dir.join("acme.json").is_file());
    for text in [&stdout, &stderr.text()] {
        assert!(!text.contains("acme_t0k") && !text.contains(CLIENT_SECRET));
    }

    let status = run(cli(), &["auth", "status", "acme"]).await;
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(
        status.stdout.contains("own OAuth app: acme: logged in"),
        "{}",
        status.stdout
    );
    assert!(!status.stdout.contains("acme_t0k"));

    let logout = run(cli(), &["auth", "logout"]).await;
    assert_eq!(logout.code, 0, "{}", logout.stderr);
    assert!(
        logout.stdout.starts_with("acme: logged out"),
        "{}",
        logout.stdout
    );
    assert!(!dir.join("acme.json").exists());
    let again = run(cli(), &["auth", "logout"]).await;
    assert_eq!(again.stdout, "acme: not logged in\n");

    let after = run(cli(), &["auth", "status"]).await;
    assert!(
        after.stdout.contains("acme: not logged in"),
        "{}",
        after.stdout
    );
    if std::env::var_os("ARCADE_API_KEY").is_none()
        && std::env::var_os("ACME_ACCESS_TOKEN").is_none()
        && std::env::var_os("ACME_API_KEY").is_none()
    {
        assert_eq!(after.code, 1, "no source has a token");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toolkit_app_without_a_client_id_takes_it_from_the_dotenv_file() {
    let dir = temp_dir("cli-auth-app");
    let app = OAuthProvider::new(
        "acme",
        "",
        "http://127.0.0.1:9/authorize",
        "http://127.0.0.1:9/token",
    )
    .with_scopes(["read"]);
    let dotenv = dir.join(".env");
    let status_line = |stdout: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with("own OAuth app:"))
            .unwrap()
            .to_owned()
    };
    // Nothing configures a client id: the error names the variable.
    std::fs::write(&dotenv, "ACME_UNRELATED=1\n").unwrap();
    let cli = Cli::new(toolkit())
        .oauth_provider(app.clone())
        .environment(LocalEnvironment::from_env_in(&dir));
    let status = run(cli, &["auth", "status"]).await;
    if std::env::var_os("ACME_OAUTH_CLIENT_ID").is_none() {
        assert_eq!(
            status_line(&status.stdout),
            "own OAuth app: OAuth configuration: no OAuth app is configured for acme: set \
             ACME_OAUTH_CLIENT_ID (and its _OAUTH_CLIENT_SECRET if the app has one)"
        );
    }
    // The .env file gives the client id (and the cache folder); the app the rest.
    std::fs::write(
        &dotenv,
        format!(
            "ACME_OAUTH_CLIENT_ID=app-from-dotenv\nARCADE_TDK_TOKEN_DIR={}\n",
            dir.display()
        ),
    )
    .unwrap();
    let cli = Cli::new(toolkit())
        .oauth_provider(app)
        .environment(LocalEnvironment::from_env_in(&dir));
    let status = run(cli, &["auth", "status"]).await;
    assert_eq!(
        status_line(&status.stdout),
        "own OAuth app: acme: not logged in",
        "{}{}",
        status.stdout,
        status.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_without_an_app_says_what_to_set() {
    let run = run(Cli::new(toolkit()), &["auth", "login", "acme-unconfigured"]).await;
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ACME_UNCONFIGURED_OAUTH_CLIENT_ID"),
        "{}",
        run.stderr
    );
    // A toolkit whose tools need no OAuth has no default provider.
    let bare = self::run(
        Cli::new(Toolkit::new("Bare").tool(ping::tool())),
        &["auth", "status"],
    )
    .await;
    assert_eq!(bare.code, 2);
    assert!(bare.stderr.contains("name the provider"), "{}", bare.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_status_reads_the_dotenv_file_as_serve_does() {
    let dir = temp_dir("cli-auth-dotenv");
    let dotenv = dir.join(".env");
    std::fs::write(
        &dotenv,
        "ACME_API_KEY=k3y_from_dotenv\nACME_OAUTH_CLIENT_ID=app-from-dotenv\n\
         ACME_OAUTH_AUTHORIZE_URL=http://127.0.0.1:9/authorize\n\
         ACME_OAUTH_TOKEN_URL=http://127.0.0.1:9/token\n",
    )
    .unwrap();
    let environment = LocalEnvironment::from_env_in(&dir);
    let cli = Cli::new(toolkit()).environment(environment);
    let status = run(cli, &["auth", "status"]).await;
    assert_eq!(status.code, 0, "{}{}", status.stdout, status.stderr);
    assert!(
        status.stdout.contains(&format!(
            "environment and {}: ACME_API_KEY is set (an API key; used first)",
            dotenv.display()
        )),
        "{}",
        status.stdout
    );
    // The OAuth app the .env file configures is the one `auth` uses.
    let oauth_line = status
        .stdout
        .lines()
        .find(|l| l.starts_with("own OAuth app:"))
        .unwrap();
    assert!(
        oauth_line.starts_with("own OAuth app: acme: ") && oauth_line.contains("logged in"),
        "{oauth_line}"
    );
    assert!(!status.stdout.contains("k3y_from_dotenv"));

    // Without the file, neither is found.
    let bare = LocalEnvironment::from_vars([("UNRELATED", "1")]);
    let status = run(Cli::new(toolkit()).environment(bare), &["auth", "status"]).await;
    assert!(
        status
            .stdout
            .contains("environment: neither ACME_ACCESS_TOKEN nor ACME_API_KEY is set"),
        "{}",
        status.stdout
    );
    assert!(
        status
            .stdout
            .contains("no OAuth app is configured for acme"),
        "{}",
        status.stdout
    );
}
