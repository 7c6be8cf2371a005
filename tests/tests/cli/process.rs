//! The command line in a real child process, for what depends on the process:
//! environment variables, stdout purity under `serve stdio`, and the HTTP servers
//! (`worker`, `serve http` with the worker routes).
//!
//! The child is the crate's test-only binary `cli_sample` (`src/bin/cli_sample.rs`, the
//! sample kit behind `arcade_tdk::cli::run_with`), which Cargo builds for these tests
//! (`CARGO_BIN_EXE_cli_sample`). Its stdout and stderr are the command line's alone: no
//! test harness output to tell apart, and no test of "child mode" that would pass
//! without doing anything in a normal run.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const SECRET: &str = "test-worker-secret";
/// Python's reference token for [`SECRET`] (claims `{"aud":"worker","ver":"1"}`).
const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJ3b3JrZXIiLCJ2ZXIiOiIxIn0.PM7SosyfqKZeI90ePGECph2nQE5r3OqRajvanwltJPg";

/// A child process running `args`, with none of the variables that would change its
/// behaviour but those in `env`. It runs in `fixtures/`, which has no `.env`, and the
/// search for one stops at this crate's `Cargo.toml` (so a developer's `.env` at the
/// workspace root is never read).
fn child(args: &[&str], env: &[(&str, &str)]) -> Command {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    assert!(!dir.join(".env").exists() && !dir.parent().unwrap().join(".env").exists());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cli_sample"));
    cmd.args(args).current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("ARCADE_")
            || key.starts_with("PAGERDUTY")
            || key.starts_with("MY_API_KEY")
            || key == "OTHER_SECRET"
            || key == "RUST_LOG"
            || key.starts_with("MCP_RESOURCE_SERVER_")
        {
            cmd.env_remove(key);
        }
    }
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd
}

struct Finished {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Finished {
    let output = child(args, env).output().unwrap();
    Finished {
        code: output.status.code().unwrap(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Kills the child when dropped (a failed assertion must not leave servers running).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a server child and waits for its log line `... http://ADDR/<suffix> ...`;
/// returns the child and `http://ADDR`.
fn start_server(args: &[&str], env: &[(&str, &str)], suffix: &str) -> (Server, String) {
    let mut cmd = child(args, env);
    cmd.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    let mut server = Server(cmd.spawn().unwrap());
    let stderr = server.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let suffix = suffix.to_owned();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if !sent && let Some(start) = line.find("http://") {
                let url = &line[start..];
                if let Some(end) = url.find(&suffix) {
                    let _ = tx.send(url[..end].to_owned());
                    sent = true;
                }
            }
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server logged its address");
    (server, base)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn call_reads_secrets_and_tokens_from_the_environment() {
    let run = run(
        &["call", "SecretOnly"],
        &[("MY_API_KEY", "sk-123456"), ("RUST_LOG", "debug")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["value"], "3456");

    let run = self::run(
        &["call", "SampleKit.PagerdutyWhoami"],
        &[("PAGERDUTY_ACCESS_TOKEN", "pd-token-1")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["value"]["token"], "pd-token-1");
}

#[test]
fn call_without_its_secret_is_a_tool_error() {
    let run = run(&["call", "SecretOnly"], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    let message = output["error"]["message"].as_str().unwrap();
    assert!(message.contains("MY_API_KEY"), "{message}");
}

#[test]
fn a_tool_panic_message_stays_out_of_the_log() {
    // The sample kit's Fail panics with `secret=hunter2`.
    let done = run(
        &["call", "Fail", "--input", r#"{"kind": "valueerror"}"#],
        &[],
    );
    assert_eq!(done.code, 1, "{}", done.stderr);
    assert!(!done.stderr.contains("hunter2"), "stderr: {}", done.stderr);
    assert!(
        done.stderr.contains("panic at"),
        "the location is logged: {}",
        done.stderr
    );
    assert!(
        done.stdout.contains("TOOL_RUNTIME_FATAL"),
        "{}",
        done.stdout
    );
}

#[test]
fn logs_go_to_stderr_only() {
    let run = run(
        &["--log-level", "trace", "tools", "--format", "anthropic"],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tools: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(tools.as_array().unwrap().len(), 12);
}

#[test]
fn disabled_tools_from_the_environment_apply() {
    let run = run(
        &["tools"],
        &[("ARCADE_DISABLED_TOOLS", "SampleKit.Echo,SampleKit.Fail")],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let tools: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(tools.as_array().unwrap().len(), 10);
}

#[test]
fn worker_needs_its_secret() {
    let run = run(&["worker", "--port", "0"], &[]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("ARCADE_WORKER_SECRET"),
        "{}",
        run.stderr
    );
}

#[test]
fn worker_serves_the_protocol() {
    let (_server, base) = start_server(
        &["worker", "--port", "0"],
        &[("ARCADE_WORKER_SECRET", SECRET)],
        "/worker",
    );
    rt().block_on(async {
        let client = reqwest::Client::new();
        let health: Value = client
            .get(format!("{base}/worker/health"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health, json!({"status": "ok", "tool_count": "12"}));
        let response = client
            .post(format!("{base}/worker/tools/invoke"))
            .bearer_auth(TOKEN)
            .json(
                &json!({"tool": {"name": "Echo", "toolkit": "SampleKit"}, "inputs": {"text": "w"}}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["output"]["value"], "w");
    });
}

#[test]
fn serve_http_mounts_the_worker_when_its_secret_is_set() {
    let (_server, base) = start_server(
        &["serve", "http", "--port", "0"],
        &[("ARCADE_WORKER_SECRET", SECRET)],
        "/mcp",
    );
    rt().block_on(async {
        let client = reqwest::Client::new();
        let health = client
            .get(format!("{base}/worker/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        let tools = client
            .get(format!("{base}/worker/tools"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(tools.status(), 200);
        let initialize = client
            .post(format!("{base}/mcp"))
            .header("accept", "application/json, text/event-stream")
            .json(&json!({
                "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                           "clientInfo": {"name": "test", "version": "0"}}
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(initialize.status(), 200);
        let text = initialize.text().await.unwrap();
        assert!(text.contains("SampleKit"), "{text}");
    });
}

#[test]
fn serve_http_without_the_secret_has_no_worker_routes() {
    let (_server, base) = start_server(&["serve", "http", "--port", "0"], &[], "/mcp");
    rt().block_on(async {
        let health = reqwest::Client::new()
            .get(format!("{base}/worker/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 404);
    });
}

#[test]
fn serve_stdio_keeps_stdout_for_the_protocol() {
    let mut cmd = child(&["--log-level", "debug", "serve"], &[]);
    // Debug logs are on (and discarded): none may reach stdout.
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut server = Server(cmd.spawn().unwrap());
    let mut stdin = server.0.stdin.take().unwrap();
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
               "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                          "clientInfo": {"name": "test", "version": "0"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    ];
    // Lines of stdout arrive through a channel, so that a hung child fails the test
    // (and is killed) instead of hanging it.
    let stdout = server.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = || rx.recv_timeout(Duration::from_secs(60));
    for request in &requests {
        writeln!(stdin, "{request}").unwrap();
    }
    stdin.flush().unwrap();
    let mut lines = Vec::new();
    while lines.len() < 2 {
        let line = next().expect("a response on stdout");
        let message: Value = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("non-protocol output on stdout ({e}): {line}"));
        lines.push(message);
    }
    // End of input ends the server, with nothing more on stdout.
    drop(stdin);
    let mut rest = Vec::new();
    loop {
        match next() {
            Ok(line) => rest.push(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            Err(e) => panic!("the server did not stop at end of input: {e}"),
        }
    }
    assert!(
        rest.iter().all(|l| l.trim().is_empty()),
        "unexpected stdout: {rest:?}"
    );
    let status = server.0.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(lines[0]["id"], 1);
    assert_eq!(lines[1]["id"], 2);
    assert_eq!(lines[1]["result"]["tools"].as_array().unwrap().len(), 12);
}

#[test]
fn a_port_in_use_exits_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = run(
        &["worker", "--port", &port],
        &[("ARCADE_WORKER_SECRET", SECRET)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("could not listen"), "{}", run.stderr);
    let run = self::run(&["serve", "http", "--port", &port], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

const FRONT_DOOR_SERVERS: &str = r#"[{"authorization_server_url": "http://127.0.0.1:9/as", "issuer": "http://127.0.0.1:9/as", "jwks_uri": "http://127.0.0.1:9/jwks"}]"#;

#[test]
fn serve_http_refuses_a_bad_front_door_configuration() {
    let run = run(
        &["serve", "http", "--port", "0"],
        &[(
            "MCP_RESOURCE_SERVER_CANONICAL_URL",
            "http://127.0.0.1:8000/mcp",
        )],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("front-door auth: MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS: not set"),
        "{}",
        run.stderr
    );
    let run = self::run(
        &["serve", "http", "--port", "0"],
        &[
            (
                "MCP_RESOURCE_SERVER_CANONICAL_URL",
                "http://127.0.0.1:8000/mcp",
            ),
            (
                "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
                "[{\"issuer\": 1}]",
            ),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS[0]"),
        "{}",
        run.stderr
    );
}

#[test]
fn serve_http_with_front_door_auth_protects_mcp() {
    let (_server, base) = start_server(
        &["serve", "http", "--port", "0"],
        &[
            (
                "MCP_RESOURCE_SERVER_CANONICAL_URL",
                "http://127.0.0.1:8000/mcp",
            ),
            (
                "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS",
                FRONT_DOOR_SERVERS,
            ),
        ],
        "/mcp",
    );
    rt().block_on(async {
        let client = reqwest::Client::new();
        let metadata: Value = client
            .get(format!("{base}/.well-known/oauth-protected-resource/mcp"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(metadata["resource"], "http://127.0.0.1:8000/mcp");
        assert_eq!(metadata["authorization_servers"], json!(["http://127.0.0.1:9/as"]));
        let refused = client
            .post(format!("{base}/mcp"))
            .header("accept", "application/json, text/event-stream")
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                           "clientInfo": {"name": "test", "version": "0"}}}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        assert_eq!(
            refused.headers()["www-authenticate"],
            "Bearer resource_metadata=\"http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp\""
        );
    });
}

#[test]
fn an_on_serve_hook_can_replace_what_serve_serves() {
    let (_server, base) = start_server(
        &["serve", "http", "--port", "0"],
        &[("CLI_SAMPLE_SERVED", "1")],
        "/mcp",
    );
    rt().block_on(async {
        let url = format!("{base}/mcp");
        let session = arcade_tests::mcp::HttpSession::open(&url, "2025-11-25").await;
        assert!(
            session.initialize.contains("\"listChanged\":true"),
            "listChanged advertised: {}",
            session.initialize
        );
        let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string();
        let mut replaced = false;
        for _ in 0..50 {
            let text = session.post(list.clone()).await.text().await.unwrap();
            if text.contains("SampleKit_SleepMs") {
                replaced = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(replaced, "the hook's replacement is served");
    });
}
