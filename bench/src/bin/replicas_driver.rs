//! `replicas-driver`: the client side of `scripts/replicas.sh`, replicas of the
//! PagerDuty toolkit behind a load balancer.
//!
//! * `replicas-driver sandbox [--rate-limit N --rate-window-ms MS]` runs the fake
//!   PagerDuty (`tools_pagerduty::sandbox`) that every replica talks to (so their data
//!   is one), prints `PAGERDUTY_BASE_URL=...` and `PAGERDUTY_EVENTS_URL=...` on stdout,
//!   serves until SIGTERM or ctrl-c, and then prints `sandbox_429s N`: the requests its
//!   rate limit refused (a token's budget spent more than once).
//! * `replicas-driver drive --url URL [--worker-url BASE] [--clients N] [--secs S]`
//!   runs `N` concurrent clients for `S` seconds through the balancer: a third with
//!   the 2025-11-25 handshake (`initialize` once, then stateless requests that any
//!   replica may answer), a third with 2026-07-28's per-request metadata, and a third
//!   (with `--worker-url`) on Arcade's worker protocol, with a JWT signed with
//!   `ARCADE_WORKER_SECRET` (else with 2025-06-18). Every call gets a PagerDuty service
//!   and must answer that service's id and name. `DRIVER_BEARER`, when set, is sent as
//!   `Authorization: Bearer ...` on MCP requests (front-door auth); `DRIVER_BEARERS`
//!   (space-separated) gives each client one of several users' tokens in turn. Prints a JSON
//!   summary (calls per second, latency percentiles) on stderr and ends with `N passed,
//!   N failed` on stdout; exits 1 when a call failed.
//! * `replicas-driver issuer --audience URL [--users alice,bob,carol]` is a test
//!   authorization server for the replicas' front door (`issuer.rs`): it serves a JWKS
//!   on loopback, prints `MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS=...` (one line of
//!   JSON) and `DRIVER_BEARERS=...` (an RS256 token per user, for `URL`) on stdout, and
//!   serves until SIGTERM or ctrl-c.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "../issuer.rs"]
mod issuer;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The seeded services a call asks for, with the name it must answer.
const SERVICES: [(&str, &str); 3] = [
    ("PSVC001", "api-gateway"),
    ("PSVC002", "auth-service"),
    ("PSVC003", "payments-api"),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let result = match args.first().map(String::as_str) {
        Some("sandbox") => rt.block_on(sandbox(&args[1..])),
        Some("drive") => rt.block_on(drive(&args[1..])),
        Some("issuer") => rt.block_on(run_issuer(&args[1..])),
        _ => Err("usage: replicas-driver sandbox|drive|issuer ... (see the file's docs)".into()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("replicas-driver: {e}");
            ExitCode::from(2)
        }
    }
}

/// The value after `--name`, parsed, or `default`.
fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, Error> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a value").into()),
        None => Ok(default),
    }
}

async fn sandbox(args: &[String]) -> Result<ExitCode, Error> {
    use tools_pagerduty::sandbox::Sandbox;
    let limit: u32 = flag(args, "--rate-limit", 0)?;
    let window: u64 = flag(args, "--rate-window-ms", 1000)?;
    let mut builder = Sandbox::builder();
    if limit > 0 {
        builder = builder.rate_limit(limit, Duration::from_millis(window));
    }
    let sandbox = builder.start().await;
    println!("PAGERDUTY_BASE_URL={}", sandbox.base_url());
    println!("PAGERDUTY_EVENTS_URL={}", sandbox.events_url());
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    println!("sandbox_429s {}", sandbox.rate_limit_violations());
    Ok(ExitCode::SUCCESS)
}

async fn run_issuer(args: &[String]) -> Result<ExitCode, Error> {
    let audience: String = flag(args, "--audience", String::new())?;
    if audience.is_empty() {
        return Err("--audience http://HOST:PORT/mcp is required".into());
    }
    let users: String = flag(args, "--users", "alice,bob,carol".to_owned())?;
    let issuer = issuer::TestIssuer::start().await?;
    let tokens = users
        .split(',')
        .filter(|u| !u.is_empty())
        .map(|user| issuer.token(user, &audience))
        .collect::<Result<Vec<_>, _>>()?;
    println!(
        "MCP_RESOURCE_SERVER_AUTHORIZATION_SERVERS={}",
        issuer.authorization_servers()
    );
    println!("DRIVER_BEARERS={}", tokens.join(" "));
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// How a client speaks.
#[derive(Clone, Copy, Debug)]
enum Mode {
    /// `initialize` once with this revision, then stateless requests.
    Handshake(&'static str),
    /// 2026-07-28: every request carries its revision and capabilities.
    Modern,
    /// Arcade's worker protocol.
    Worker,
}

struct Driver {
    mcp_url: String,
    worker_url: Option<String>,
    /// Front-door tokens: client `i` sends `bearers[i % len]`.
    bearers: Vec<String>,
    worker_secret: Option<String>,
    stop: AtomicBool,
}

/// One client's results: latencies of passed calls, and failures (with the first few
/// messages).
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failed: u64,
    messages: Vec<String>,
}

impl Tally {
    fn fail(&mut self, message: String) {
        self.failed += 1;
        if self.messages.len() < 3 {
            self.messages.push(message);
        }
    }
}

async fn drive(args: &[String]) -> Result<ExitCode, Error> {
    let mcp_url: String = flag(args, "--url", String::new())?;
    if mcp_url.is_empty() {
        return Err("--url http://HOST:PORT/mcp is required".into());
    }
    let worker_url: String = flag(args, "--worker-url", String::new())?;
    let clients: usize = flag(args, "--clients", 8)?;
    let secs: f64 = flag(args, "--secs", 10.0)?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let driver = Arc::new(Driver {
        mcp_url,
        worker_url: (!worker_url.is_empty()).then_some(worker_url),
        bearers: env("DRIVER_BEARERS")
            .or_else(|| env("DRIVER_BEARER"))
            .map(|v| v.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        worker_secret: env("ARCADE_WORKER_SECRET"),
        stop: AtomicBool::new(false),
    });
    let with_worker = driver.worker_url.is_some() && driver.worker_secret.is_some();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let mode = match i % 3 {
            0 => Mode::Handshake("2025-11-25"),
            1 => Mode::Modern,
            _ if with_worker => Mode::Worker,
            _ => Mode::Handshake("2025-06-18"),
        };
        let driver = driver.clone();
        tasks.push(tokio::spawn(
            async move { run_client(&driver, i, mode).await },
        ));
    }
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    driver.stop.store(true, Ordering::SeqCst);
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await?;
        all.latencies.extend(tally.latencies);
        all.failed += tally.failed;
        for m in tally.messages {
            if all.messages.len() < 10 {
                all.messages.push(m);
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies.sort();
    let pct = |p: f64| -> f64 {
        if all.latencies.is_empty() {
            return 0.0;
        }
        let i = ((all.latencies.len() as f64 - 1.0) * p).round() as usize;
        all.latencies[i].as_secs_f64() * 1000.0
    };
    let passed = all.latencies.len() as u64;
    for m in &all.messages {
        eprintln!("FAILED: {m}");
    }
    eprintln!(
        "{}",
        json!({
            "clients": clients,
            "secs": elapsed,
            "passed": passed,
            "failed": all.failed,
            "calls_per_sec": passed as f64 / elapsed,
            "p50_ms": pct(0.5),
            "p99_ms": pct(0.99),
            "worker": with_worker,
        })
    );
    println!("{passed} passed, {} failed", all.failed);
    Ok(if all.failed == 0 && passed > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn run_client(driver: &Driver, index: usize, mode: Mode) -> Tally {
    let mut tally = Tally::default();
    let bearer =
        (!driver.bearers.is_empty()).then(|| driver.bearers[index % driver.bearers.len()].as_str());
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            tally.fail(format!("client {index}: {e}"));
            return tally;
        }
    };
    if let Mode::Handshake(version) = mode {
        match handshake(driver, &http, bearer, version).await {
            Ok(()) => {}
            Err(e) => {
                tally.fail(format!("client {index} ({mode:?}) initialize: {e}"));
                return tally;
            }
        }
    }
    let mut n: u64 = 0;
    while !driver.stop.load(Ordering::SeqCst) {
        n += 1;
        let (service, name) = SERVICES[(index + n as usize) % SERVICES.len()];
        let start = Instant::now();
        let outcome = match mode {
            Mode::Handshake(version) => {
                mcp_call(driver, &http, bearer, Some(version), n, service).await
            }
            Mode::Modern => mcp_call(driver, &http, bearer, None, n, service).await,
            Mode::Worker => worker_call(driver, &http, n, service).await,
        };
        match outcome.and_then(|answer| check(&answer, service, name)) {
            Ok(()) => tally.latencies.push(start.elapsed()),
            Err(e) => tally.fail(format!("client {index} ({mode:?}) call {n}: {e}")),
        }
    }
    tally
}

fn mcp_request(
    driver: &Driver,
    http: &reqwest::Client,
    bearer: Option<&str>,
    version: &str,
) -> reqwest::RequestBuilder {
    let mut request = http
        .post(&driver.mcp_url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", version);
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    request
}

/// The JSON-RPC message answering `id` in a JSON or SSE body.
fn answer_of(text: &str, id: u64) -> Result<Value, Error> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Ok(v);
    }
    text.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .find(|m| m.get("id") == Some(&json!(id)))
        .ok_or_else(|| format!("no answer to {id} in {text:.200}").into())
}

async fn handshake(
    driver: &Driver,
    http: &reqwest::Client,
    bearer: Option<&str>,
    version: &str,
) -> Result<(), Error> {
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": version, "capabilities": {},
        "clientInfo": {"name": "replicas-driver", "version": "0"}}});
    let response = mcp_request(driver, http, bearer, version)
        .body(init.to_string())
        .send()
        .await?;
    let status = response.status();
    let answer = answer_of(&response.text().await?, 0)?;
    if status != 200 || answer["result"]["protocolVersion"] != version {
        return Err(format!("HTTP {status}: {answer}").into());
    }
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let response = mcp_request(driver, http, bearer, version)
        .body(initialized.to_string())
        .send()
        .await?;
    if response.status() != 202 {
        return Err(format!("notifications/initialized: HTTP {}", response.status()).into());
    }
    Ok(())
}

/// `PagerDuty_GetService` over MCP; the tool's structured result.
async fn mcp_call(
    driver: &Driver,
    http: &reqwest::Client,
    bearer: Option<&str>,
    handshake: Option<&str>,
    id: u64,
    service: &str,
) -> Result<Value, Error> {
    let tool = "PagerDuty_GetService";
    let mut params = json!({"name": tool, "arguments": {"service_id": service}});
    let version = handshake.unwrap_or("2026-07-28");
    let mut request = mcp_request(driver, http, bearer, version);
    if handshake.is_none() {
        params["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                 "io.modelcontextprotocol/clientCapabilities": {}});
        request = request
            .header("mcp-method", "tools/call")
            .header("mcp-name", tool);
    }
    let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params});
    let response = request.body(body.to_string()).send().await?;
    let status = response.status();
    let answer = answer_of(&response.text().await?, id)?;
    if status != 200 || answer.get("id") != Some(&json!(id)) {
        return Err(format!("HTTP {status}: {answer:.300}").into());
    }
    let result = &answer["result"];
    if result["isError"] == true || result.get("structuredContent").is_none() {
        return Err(format!("not a result: {answer:.300}").into());
    }
    let content = &result["structuredContent"];
    Ok(content.get("result").unwrap_or(content).clone())
}

/// `PagerDuty.GetService` over the worker protocol; the tool's value.
async fn worker_call(
    driver: &Driver,
    http: &reqwest::Client,
    id: u64,
    service: &str,
) -> Result<Value, Error> {
    let (Some(base), Some(secret)) = (&driver.worker_url, &driver.worker_secret) else {
        return Err("no worker".into());
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"aud": "worker", "ver": "1", "exp": now + 300}),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes())?,
    )?;
    let execution = format!("exec-{id}");
    let body = json!({
        "execution_id": execution,
        "tool": {"name": "GetService", "toolkit": "PagerDuty"},
        "inputs": {"service_id": service},
        // The token the Arcade Engine would send for the user: the sandbox's fake one.
        "context": {"user_id": "replicas-driver",
                    "authorization": {"token": "sandbox-fake-token"}},
    });
    let response = http
        .post(format!("{base}/worker/tools/invoke"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let answer: Value = response.json().await?;
    if status != 200 || answer["success"] != true || answer["execution_id"] != execution.as_str() {
        return Err(format!("HTTP {status}: {answer:.300}").into());
    }
    Ok(answer["output"]["value"].clone())
}

/// The answer must be the asked-for service.
fn check(service: &Value, id: &str, name: &str) -> Result<(), Error> {
    if service["id"] == id && service["name"] == name {
        Ok(())
    } else {
        Err(format!("expected {id} ({name}), got {service:.300}").into())
    }
}
