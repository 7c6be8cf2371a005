//! Replicas behind a load balancer, through the real command line (`cli_sample`):
//!
//! * `serve http --stateless`: a 2025-11-25 (and a 2025-06-18) client whose requests
//!   alternate between two server processes is served, as it is not by two stateful
//!   ones (a session one process made is unknown to the other).
//! * `/healthz` and `/readyz` on the MCP and the worker ports.
//! * SIGTERM drains: a slow call in flight is answered, `/readyz` is 503 meanwhile, new
//!   connections are refused, and the process exits 0; past `--drain-timeout` it exits
//!   0 without waiting for the call.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

/// A `cli_sample` child process, killed when dropped.
struct Server {
    child: tokio::process::Child,
    base: String,
    /// The rest of its stderr, line by line.
    stderr: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl Server {
    /// Starts `cli_sample ARGS` (with the slow tool) and waits for the log line naming
    /// its address (`... http://ADDR<suffix> ...`).
    async fn start(args: &[&str], env: &[(&str, &str)], suffix: &str) -> Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_cli_sample"));
        command
            .args(args)
            .current_dir(dir)
            .env("CLI_SAMPLE_SLEEP_TOOL", "1")
            .env("RUST_LOG", "info")
            .env_remove("ARCADE_WORKER_SECRET")
            .env_remove("ARCADE_STORE_URL")
            .env_remove("ARCADE_SERVER_STATELESS")
            .env_remove("ARCADE_DRAIN_TIMEOUT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn cli_sample");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let suffix = suffix.to_owned();
        let base = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(start) = line.find("http://") {
                    let url = &line[start..];
                    if let Some(end) = url.find(&suffix) {
                        return url[..end].to_owned();
                    }
                }
            }
            panic!("the server exited before logging its address");
        })
        .await
        .expect("the server logs its address");
        // Keep reading stderr so the child never blocks on a full pipe.
        let (tx, stderr) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let _ = tx.send(line);
            }
        });
        Self {
            child,
            base,
            stderr,
        }
    }

    /// Waits (a minute at most) for a stderr line containing `needle`.
    async fn wait_for_line(&mut self, needle: &str) {
        tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = self.stderr.recv().await {
                if line.contains(needle) {
                    return;
                }
            }
            panic!("stderr ended without {needle:?}");
        })
        .await
        .unwrap_or_else(|_| panic!("no {needle:?} on stderr"));
    }

    fn mcp(&self) -> String {
        format!("{}/mcp", self.base)
    }

    fn terminate(&self) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The exit status, within a minute (a hang fails).
    async fn exit(&mut self) -> std::process::ExitStatus {
        tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the server exits after SIGTERM")
            .unwrap()
    }
}

/// A JSON-RPC answer from a plain JSON or an SSE body.
fn answer(text: &str, id: u64) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| {
        text.lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|m| m.get("id") == Some(&json!(id)))
            .unwrap_or_else(|| panic!("no answer {id} in {text}"))
    })
}

/// POSTs one 2025-era JSON-RPC message as an MCP client does after `initialize`
/// (`MCP-Protocol-Version: version`, and the session id when there is one).
async fn post(
    client: &reqwest::Client,
    url: &str,
    version: &str,
    session: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", version);
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    request.body(body.to_string()).send().await.unwrap()
}

fn initialize(version: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {},
        "clientInfo": {"name": "replicas-test", "version": "0"}}})
}

fn echo(id: u64, text: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": "SampleKit_Echo", "arguments": {"text": text}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stateless_client_may_alternate_between_replicas() {
    let args = ["serve", "http", "--port", "0", "--stateless"];
    let a = Server::start(&args, &[], "/mcp").await;
    let b = Server::start(&args, &[], "/mcp").await;
    let replicas = [a.mcp(), b.mcp()];
    let client = reqwest::Client::new();
    for version in ["2025-11-25", "2025-06-18"] {
        let init = post(&client, &replicas[0], version, None, &initialize(version)).await;
        assert_eq!(init.status(), 200);
        assert!(init.headers().get("mcp-session-id").is_none());
        let init = answer(&init.text().await.unwrap(), 1);
        assert_eq!(init["result"]["protocolVersion"], version, "{init}");
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let sent = post(&client, &replicas[1], version, None, &initialized).await;
        assert_eq!(sent.status(), 202);
        let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
        let listed = post(&client, &replicas[0], version, None, &list).await;
        let listed = answer(&listed.text().await.unwrap(), 2);
        let tools = listed["result"]["tools"].as_array().expect("tools");
        assert!(
            tools.iter().any(|t| t["name"] == "SampleKit_Echo"),
            "{listed}"
        );
        for n in 3..13u64 {
            let text = format!("{version}-{n}");
            let replica = &replicas[n as usize % 2];
            let called = post(&client, replica, version, None, &echo(n, &text)).await;
            assert_eq!(called.status(), 200, "{replica}");
            let called = answer(&called.text().await.unwrap(), n);
            assert_eq!(
                called["result"]["structuredContent"],
                json!({"result": text}),
                "{called}"
            );
        }
    }
}

/// What `--stateless` is for: without it, the session one replica made is unknown to
/// the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateful_replicas_do_not_share_sessions() {
    let args = ["serve", "http", "--port", "0"];
    let a = Server::start(&args, &[], "/mcp").await;
    let b = Server::start(&args, &[], "/mcp").await;
    let client = reqwest::Client::new();
    let version = "2025-11-25";
    let init = post(&client, &a.mcp(), version, None, &initialize(version)).await;
    let session = init.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let other = post(&client, &b.mcp(), version, Some(&session), &echo(2, "x")).await;
    assert_eq!(other.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_on_the_mcp_and_worker_ports() {
    let client = reqwest::Client::new();
    let secret = [("ARCADE_WORKER_SECRET", "replicas-secret")];
    let serve = Server::start(&["serve", "http", "--port", "0"], &secret, "/mcp").await;
    let worker = Server::start(&["worker", "--port", "0"], &secret, "/worker").await;
    for base in [&serve.base, &worker.base] {
        for probe in ["healthz", "readyz"] {
            let response = client.get(format!("{base}/{probe}")).send().await.unwrap();
            assert_eq!(response.status(), 200, "{base}/{probe}");
        }
    }
    // The worker routes are served beside them, as before.
    let health = client
        .get(format!("{}/worker/health", serve.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

fn sleep_call(id: u64, ms: u64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": "SampleKit_SleepMs", "arguments": {"ms": ms}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_the_call_in_flight_then_exits_0() {
    let mut server = Server::start(
        &[
            "serve",
            "http",
            "--port",
            "0",
            "--stateless",
            "--drain-timeout",
            "20s",
        ],
        &[],
        "/mcp",
    )
    .await;
    let url = server.mcp();
    // A probe client whose keep-alive connection stays open through the drain.
    let probe = reqwest::Client::new();
    let readyz = format!("{}/readyz", server.base);
    assert_eq!(probe.get(&readyz).send().await.unwrap().status(), 200);

    let slow = tokio::spawn({
        let url = url.clone();
        async move {
            let client = reqwest::Client::new();
            let response = post(&client, &url, "2025-11-25", None, &sleep_call(7, 3000)).await;
            let status = response.status();
            (status, answer(&response.text().await.unwrap(), 7))
        }
    });
    // The call is under way once the tool says so.
    server.wait_for_line("sleep_ms: started").await;
    assert!(!slow.is_finished());
    server.terminate();

    // Draining: not ready (on the connection that was open)...
    let mut not_ready = false;
    for _ in 0..100 {
        match probe.get(&readyz).send().await {
            Ok(response) if response.status() == 503 => {
                assert_eq!(response.text().await.unwrap(), "draining");
                not_ready = true;
                break;
            }
            Ok(response) => assert_eq!(response.status(), 200),
            Err(e) => panic!("the open connection was dropped during the drain: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(not_ready, "/readyz never answered 503 while draining");
    // ...and new connections are refused.
    let fresh = reqwest::Client::new().get(&readyz).send().await;
    assert!(fresh.as_ref().is_err_and(|e| e.is_connect()), "{fresh:?}");

    let (status, answer) = slow.await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        answer["result"]["structuredContent"],
        json!({"result": 3000}),
        "{answer}"
    );
    let exit = server.exit().await;
    assert!(exit.success(), "{exit:?}");
    server
        .wait_for_line("drained: every request in flight was answered")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_drain_timeout_it_exits_0_anyway() {
    let mut server = Server::start(
        &[
            "serve",
            "http",
            "--port",
            "0",
            "--stateless",
            "--drain-timeout",
            "500ms",
        ],
        &[],
        "/mcp",
    )
    .await;
    let url = server.mcp();
    let slow = tokio::spawn(async move {
        let client = reqwest::Client::new();
        let body = sleep_call(8, 600_000).to_string();
        client
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .body(body)
            .send()
            .await
            .map(|r| r.status())
    });
    server.wait_for_line("sleep_ms: started").await;
    server.terminate();
    let exit = server.exit().await;
    assert!(exit.success(), "{exit:?}");
    // The ten-minute call was dropped with the process, not answered.
    let outcome = tokio::time::timeout(Duration::from_secs(30), slow)
        .await
        .expect("the client sees the connection close")
        .unwrap();
    assert!(outcome.is_err(), "{outcome:?}");
}
