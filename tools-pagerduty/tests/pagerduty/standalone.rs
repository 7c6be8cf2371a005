//! The sandbox as a standalone server: its admin endpoints and state files over plain
//! HTTP (as curl would use them), and `tools-pagerduty sandbox` as a child process
//! whose printed URL and tokens work for plain requests and for the tools.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use arcade_tdk::testing::Harness;
use serde_json::{Value, json};
use tools_pagerduty::sandbox::{STATE_FORMAT, Sandbox};

const ACCEPT: &str = "application/vnd.pagerduty+json;version=2";

fn temp_file(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    std::env::temp_dir().join(format!("pd-sandbox-{}-{nanos}-{name}", std::process::id()))
}

async fn get(base: &str, path: &str, auth: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .header("authorization", auth)
        .header("accept", ACCEPT)
        .send()
        .await
        .unwrap()
}

async fn admin(method: reqwest::Method, base: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The id of a triggered incident.
async fn triggered(harness: &Harness) -> String {
    let out = harness
        .call("ListIncidents", json!({"status": "triggered", "limit": 1}))
        .await;
    out.field("/incidents/0/id").as_str().unwrap().to_owned()
}

fn harness(base: &str, token: &str) -> Harness {
    Harness::new(tools_pagerduty::toolkit())
        .token(token)
        .metadata("PAGERDUTY_BASE_URL", base)
        .metadata("PAGERDUTY_EVENTS_URL", base)
}

#[tokio::test]
async fn faults_and_latency_switch_through_the_admin_endpoints() {
    let sandbox = Sandbox::start().await;
    let base = sandbox.base_url();
    let (status, body) = admin(
        reqwest::Method::POST,
        &base,
        "/_sandbox/faults",
        json!({"fault": "rate-limit:1@/incidents"}),
    )
    .await;
    assert_eq!((status, &body), (200, &json!({"faults": 1})));
    // Other paths are untouched; the first /incidents request gets the 429, the next is fine.
    assert_eq!(get(&base, "/users", "Bearer t").await.status(), 200);
    let limited = get(&base, "/incidents", "Bearer t").await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["ratelimit-reset"], "1");
    assert_eq!(get(&base, "/incidents", "Bearer t").await.status(), 200);

    admin(
        reqwest::Method::POST,
        &base,
        "/_sandbox/faults",
        json!({"fault": "forbidden"}),
    )
    .await;
    assert_eq!(get(&base, "/users", "Bearer t").await.status(), 403);
    let (status, _) = admin(
        reqwest::Method::DELETE,
        &base,
        "/_sandbox/faults",
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&base, "/users", "Bearer t").await.status(), 200);

    let (status, body) = admin(
        reqwest::Method::PUT,
        &base,
        "/_sandbox/latency",
        json!({"ms": 5}),
    )
    .await;
    assert_eq!((status, body), (200, json!({"latency_ms": 5})));

    // Bad input is a clear 400, never a crash.
    let (status, body) = admin(
        reqwest::Method::POST,
        &base,
        "/_sandbox/faults",
        json!({"fault": "explode"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("unknown fault `explode`")
    );
    let (status, _) = admin(reqwest::Method::PUT, &base, "/_sandbox/latency", json!({})).await;
    assert_eq!(status, 400);
    // Admin requests are not recorded.
    assert!(
        sandbox
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/_sandbox"))
    );
}

#[tokio::test]
async fn state_saved_over_http_starts_the_next_sandbox() {
    let file = temp_file("state.json");
    let sandbox = Sandbox::builder().save_to(&file).start().await;
    let base = sandbox.base_url();
    let tools = harness(&base, "tok");
    let id = triggered(&tools).await;
    tools
        .call("AcknowledgeIncidents", json!({"incident_ids": [id]}))
        .await
        .assert_success();
    let (status, body) = admin(reqwest::Method::POST, &base, "/_sandbox/save", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["saved"], file.display().to_string());
    assert_eq!(body["state"]["format"], STATE_FORMAT);
    drop(sandbox);

    let next = Sandbox::builder().state_file(&file).unwrap().start().await;
    assert_eq!(next.incident(&id).unwrap()["status"], "acknowledged");
    let (_, state) = admin(
        reqwest::Method::GET,
        &next.base_url(),
        "/_sandbox/state",
        json!({}),
    )
    .await;
    assert_eq!(state, body["state"]);
    std::fs::remove_file(&file).unwrap();

    // A file that is not a state is refused with a message naming it.
    std::fs::write(&file, "{\"format\": \"something-else/2\"}").unwrap();
    let err = Sandbox::builder().state_file(&file).unwrap_err();
    assert!(
        err.contains("something-else/2") && err.contains(STATE_FORMAT),
        "{err}"
    );
    std::fs::remove_file(&file).unwrap();
}

/// Kills the child on drop, so that a failing test leaves no server behind.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_standalone_binary_prints_its_url_and_tokens_and_saves_on_sigterm() {
    let save = temp_file("saved.json");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"))
            .args(["sandbox", "--port", "0", "--save"])
            .arg(&save)
            .args(["--fault", "server-error:1@/services"])
            .current_dir(std::env::temp_dir())
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let printed: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let base = printed["base_url"].as_str().unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(printed["events_url"], base.as_str());
    let user = printed["user_token"].as_str().unwrap().to_owned();
    let account = printed["account_token"].as_str().unwrap().to_owned();
    assert_eq!(printed["routing_key"].as_str().unwrap().len(), 32);

    // curl-like: the account-level key lists incidents; it has no user.
    let incidents: Value = get(
        &base,
        "/incidents?limit=5",
        &format!("Token token={account}"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(incidents["incidents"].as_array().unwrap().len(), 5);
    assert_eq!(
        get(&base, "/users/me", &format!("Token token={account}"))
            .await
            .status(),
        400
    );
    // The user-level token is Alice's.
    let me: Value = get(&base, "/users/me", &format!("Bearer {user}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], printed["from_email"]);
    // The --fault flag applies once, to its path.
    assert_eq!(
        get(&base, "/services", &format!("Bearer {user}"))
            .await
            .status(),
        500
    );

    // The tools, pointed at it, list incidents and change them.
    let out = harness(&base, &user)
        .call("ListIncidents", json!({"limit": 3}))
        .await;
    assert_eq!(out.field("/incidents").as_array().unwrap().len(), 3);
    let tools = harness(&base, &user);
    let id = triggered(&tools).await;
    tools
        .call("AcknowledgeIncidents", json!({"incident_ids": [id]}))
        .await
        .assert_success();

    // SIGTERM: it stops and writes the state.
    let pid = child.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&save).unwrap()).unwrap();
    assert_eq!(saved["format"], STATE_FORMAT);
    let changed = saved["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap();
    assert_eq!(changed["status"], "acknowledged");
    std::fs::remove_file(&save).unwrap();
}

#[test]
fn bad_flags_are_usage_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"))
        .args(["sandbox", "--fault", "explode"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown fault `explode`"), "{stderr}");

    let missing = temp_file("missing.json");
    let out = Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"))
        .args(["sandbox", "--state"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: cannot read"), "{stderr}");
}

#[test]
fn env_lines_point_the_toolkit_binary_at_the_sandbox() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"))
            .args(["sandbox", "--format", "env"])
            .current_dir(std::env::temp_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut vars = Vec::new();
    for _ in 0..6 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let (key, value) = line.trim_end().split_once('=').unwrap();
        vars.push((key.to_owned(), value.to_owned()));
    }
    let keys: Vec<&str> = vars.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "PAGERDUTY_BASE_URL",
            "PAGERDUTY_EVENTS_URL",
            "PAGERDUTY_ACCESS_TOKEN",
            "PAGERDUTY_API_KEY",
            "PAGERDUTY_ROUTING_KEY",
            "PAGERDUTY_FROM_EMAIL"
        ]
    );
    // Exported, they point `call` (no --sandbox) at it.
    let mut call = Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"));
    call.args(["call", "ListIncidents", "--input", r#"{"limit": 2}"#])
        .current_dir(std::env::temp_dir());
    for (key, _) in std::env::vars() {
        if key.starts_with("PAGERDUTY") || key.starts_with("ARCADE_") {
            call.env_remove(key);
        }
    }
    for (key, value) in vars.iter().filter(|(k, _)| k != "PAGERDUTY_API_KEY") {
        call.env(key, value);
    }
    let out = call.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let output: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(output["value"]["incidents"].as_array().unwrap().len(), 2);
}
