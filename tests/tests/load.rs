//! Load, disconnection, memory and shutdown, bounded by environment variables so that
//! `cargo test` runs a small version (seconds) and `scripts/load.sh` the full one:
//!
//! * `LOAD_CALLS` (default 2,000) tool calls from `LOAD_CLIENTS` (default 10) concurrent
//!   MCP clients over Streamable HTTP to a server child process (`http_sample`), each
//!   with its own session; every answer must carry its own request's text.
//! * `LOAD_STDIO_CALLS` (default 1,000) calls in a tight loop to the stdio child process
//!   (`mcp_stdio_sample`), and the same in-process, where no tokio task may be left.
//! * Clients that disconnect mid-call (their calls run on until the session closes), a
//!   burst of sessions whose memory must be given back, and SIGTERM during load.
//!
//! Memory (RSS) and open file descriptors of the server process are read from /proc and
//! printed (`--nocapture`); the descriptor count must come back to where it was, and RSS
//! may grow after warm-up by at most 1 MiB plus 64 bytes per call ([`rss_bound_kib`]),
//! which a leak of 2 KiB per call breaks (`LOAD_TEST_LEAK_BYTES`, read by both servers,
//! makes them leak that much per request). All traffic is to 127.0.0.1.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// (RSS in KiB, open file descriptors, threads) of process `pid`.
fn proc_stats(pid: u32) -> (u64, usize, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0);
    (field("VmRSS:"), fds, field("Threads:") as usize)
}

struct HttpServer {
    child: tokio::process::Child,
    url: String,
}

impl HttpServer {
    async fn start() -> Self {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_http_sample"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env("RUST_LOG", "warn")
            .kill_on_drop(true)
            .spawn()
            .expect("spawn http_sample");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the server starts")
            .unwrap()
            .expect("a line");
        let addr = line.strip_prefix("listening ").expect("listening <addr>");
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        let url = format!("http://{addr}/mcp");
        // Keep reading stdout (for "stopped").
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { child, url }
    }

    fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }
}

/// The JSON-RPC message in an SSE or JSON response body.
fn message_of(body: &str) -> Value {
    let data = body
        .lines()
        .filter_map(|l| l.strip_prefix("data:").map(str::trim))
        .rfind(|d| !d.is_empty())
        .unwrap_or(body);
    serde_json::from_str(data).unwrap_or_else(|_| panic!("not JSON-RPC: {body}"))
}

/// An MCP session over Streamable HTTP.
struct Session {
    http: reqwest::Client,
    url: String,
    id: String,
}

impl Session {
    async fn open(http: reqwest::Client, url: &str) -> Result<Self, reqwest::Error> {
        let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "load", "version": "0"}}});
        let response = http
            .post(url)
            .header("accept", "application/json, text/event-stream")
            .json(&init)
            .send()
            .await?
            .error_for_status()?;
        let id = response.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_owned();
        response.text().await?;
        let session = Self {
            http,
            url: url.to_owned(),
            id,
        };
        session
            .post(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .send()
            .await?
            .error_for_status()?;
        Ok(session)
    }

    fn post(&self, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-session-id", &self.id)
            .header("mcp-protocol-version", "2025-11-25")
            .json(body)
    }

    async fn call(&self, id: u64, name: &str, arguments: Value) -> Result<Value, reqwest::Error> {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": name, "arguments": arguments}});
        let text = self
            .post(&body)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        Ok(message_of(&text))
    }

    async fn close(self) {
        let _ = self
            .http
            .delete(&self.url)
            .header("mcp-session-id", &self.id)
            .send()
            .await;
    }
}

/// Waits (up to 10 s) for the server's descriptor count to come back to `baseline`.
async fn settle_fds(pid: u32, baseline: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, fds, _) = proc_stats(pid);
        if fds <= baseline || Instant::now() > deadline {
            return fds;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The RSS growth allowed between the warm-up measurement and the end of a run of
/// `calls` measured calls: [`RSS_SLACK_KIB`] plus [`RSS_BYTES_PER_CALL`] per call.
///
/// The slack covers allocator noise that does not scale with the number of calls (a
/// page-sized step when an arena or buffer grows, a stack touched deeper); a leak that
/// scales with calls exceeds it: with the `cargo test` defaults of 1,000 measured HTTP
/// calls and 900 stdio calls a leak of 4 KiB per call adds 3.6-4 MiB and fails (shown
/// with `LOAD_TEST_LEAK_BYTES=4096`, see RELIABILITY.md), and over `scripts/load.sh`'s
/// 50,000 measured HTTP calls a leak of 128 bytes per call fails (+8.6 MiB against a
/// bound of 4.1 MiB). Override the slack with `LOAD_RSS_SLACK_KIB`.
fn rss_bound_kib(calls: usize) -> u64 {
    let slack = env_usize("LOAD_RSS_SLACK_KIB", RSS_SLACK_KIB as usize) as u64;
    slack + (calls as u64 * RSS_BYTES_PER_CALL) / 1024
}

/// See [`rss_bound_kib`].
const RSS_SLACK_KIB: u64 = 1024;
/// See [`rss_bound_kib`]: well under one small allocation per call.
const RSS_BYTES_PER_CALL: u64 = 64;

/// Memory is measured with every session still open after half of the calls (the
/// warm-up: each session's buffers have grown to their working size; in debug builds
/// RSS still creeps up by about 1 MiB between 50 and 500 calls, by 0.3 MiB between 500
/// and 5,000, not measurably between 1,000 and 2,000 or, in release, between 50,000 and
/// 100,000) and again after
/// the last call, before any session closes, so the two figures hold the same sessions
/// and only what the calls in between kept can differ; see [`rss_bound_kib`].
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_load_every_answer_matches_its_request() {
    let calls = env_usize("LOAD_CALLS", 2_000);
    let clients = env_usize("LOAD_CLIENTS", 10).max(1);
    let server = HttpServer::start().await;
    let pid = server.pid();
    let (rss_start, fds_start, threads_start) = proc_stats(pid);

    let next = Arc::new(AtomicUsize::new(0));
    let warm_at = calls / 2;
    let warm = Arc::new(std::sync::Mutex::new(None));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let next = next.clone();
        let warm = warm.clone();
        let url = server.url.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let session = Session::open(http, &url).await.expect("session");
            let mut done = 0usize;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= calls {
                    break;
                }
                if n == warm_at {
                    *warm.lock().unwrap() = Some(proc_stats(pid));
                }
                let text = format!("c{client}-n{n}");
                let answer = session
                    .call(n as u64 + 1, "SampleKit_Echo", json!({"text": text}))
                    .await
                    .unwrap_or_else(|e| panic!("call {n}: {e}"));
                assert_eq!(answer["id"], json!(n as u64 + 1), "{answer}");
                assert_eq!(
                    answer["result"]["structuredContent"]["result"], text,
                    "{answer}"
                );
                done += 1;
            }
            (session, done)
        }));
    }
    let mut total = 0;
    let mut sessions = Vec::new();
    for task in tasks {
        let (session, done) = task.await.expect("client task");
        total += done;
        sessions.push(session);
    }
    let elapsed = started.elapsed();
    assert_eq!(total, calls);
    // Every session is still open, as at the warm-up measurement.
    let (rss_last, fds_last, _) = proc_stats(pid);
    for session in sessions {
        session.close().await;
    }
    let fds_end = settle_fds(pid, fds_start).await;
    let (rss_end, _, threads_end) = proc_stats(pid);
    let (rss_warm, fds_warm, _) = warm.lock().unwrap().unwrap_or((rss_start, fds_start, 0));
    let measured = calls - warm_at;
    let bound = rss_bound_kib(measured);
    eprintln!(
        "http load: {calls} calls from {clients} clients in {elapsed:?} ({:.0}/s); server RSS {rss_start} KiB at start, \
         {rss_warm} KiB after {warm_at} calls, {rss_last} KiB after the last call (growth {} KiB, bound {bound} KiB), \
         {rss_end} KiB after the sessions closed; fds {fds_start} -> {fds_warm} (under load) -> {fds_last} -> {fds_end}; \
         threads {threads_start} -> {threads_end}",
        calls as f64 / elapsed.as_secs_f64(),
        rss_last as i64 - rss_warm as i64,
    );
    assert!(
        fds_end <= fds_start,
        "descriptor leak: {fds_start} -> {fds_end}"
    );
    assert!(
        rss_last <= rss_warm + bound,
        "RSS grew from {rss_warm} KiB to {rss_last} KiB over {measured} calls: more than {bound} KiB"
    );
}

/// After a burst of sessions closes, the HTTP server gives the heap they held back to the
/// system (`serve::memory`'s `malloc_trim` after connections close): its RSS falls by
/// at least half of what the burst added.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_burst_of_sessions_gives_memory_back() {
    let server = HttpServer::start().await;
    let pid = server.pid();
    let (rss_start, _, _) = proc_stats(pid);
    let burst = (0..64).map(|client| {
        let url = server.url.clone();
        async move {
            let session = Session::open(reqwest::Client::new(), &url).await.unwrap();
            for n in 0..10u64 {
                let text = format!("{client}-{n}-{}", "x".repeat(4096));
                let answer = session
                    .call(n + 1, "SampleKit_Echo", json!({"text": text}))
                    .await
                    .unwrap();
                assert_eq!(answer["result"]["structuredContent"]["result"], text);
            }
            session
        }
    });
    let sessions = futures_util::future::join_all(burst).await;
    let (rss_peak, _, _) = proc_stats(pid);
    for session in sessions {
        session.close().await;
    }
    let target = rss_peak - (rss_peak.saturating_sub(rss_start)) / 2;
    let closed = Instant::now();
    let deadline = closed + Duration::from_secs(10);
    let mut rss_after = proc_stats(pid).0;
    while rss_after > target && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        rss_after = proc_stats(pid).0;
    }
    eprintln!(
        "memory return: server RSS {rss_start} KiB at start, {rss_peak} KiB with 64 sessions open, \
         {rss_after} KiB {:?} after they closed (target {target} KiB)",
        closed.elapsed()
    );
    assert!(
        rss_peak > rss_start + 1024,
        "the burst should hold memory: {rss_start} -> {rss_peak} KiB"
    );
    assert!(
        rss_after <= target,
        "RSS did not fall after the sessions closed: {rss_start} -> {rss_peak} -> {rss_after} KiB"
    );
}

/// Starts `n` `LoadKit_SleepMs` calls of 60 s in `session`, each from a fresh client
/// that gives up after 100 ms (its connection closes mid-call).
async fn abandon_sleeps(url: &str, session_id: &str, first_id: u64, n: u64) {
    for i in 0..n {
        let quitter = reqwest::Client::builder()
            .timeout(Duration::from_millis(100))
            .build()
            .unwrap();
        let s = Session {
            http: quitter,
            url: url.to_owned(),
            id: session_id.to_owned(),
        };
        let result = s
            .call(first_id + i, "LoadKit_SleepMs", json!({"ms": 60_000}))
            .await;
        assert!(result.is_err(), "the client gave up");
    }
}

/// `LoadKit_InFlight`: the server's live `LoadKit_SleepMs` futures.
async fn in_flight(session: &Session, id: u64) -> u64 {
    let answer = session
        .call(id, "LoadKit_InFlight", json!({}))
        .await
        .unwrap();
    answer["result"]["structuredContent"]["result"]
        .as_u64()
        .unwrap_or_else(|| panic!("{answer}"))
}

/// MCP says a disconnect is not a cancellation (a client cancels with
/// `notifications/cancelled`), and rmcp's stateful sessions run each request apart from
/// the HTTP response that carries its answer: a client that drops its connection
/// mid-call leaves the tool's future running in its session, to its end. When the
/// session is closed (`DELETE`), rmcp 3.11 waits up to 5 s for in-flight handlers
/// (`serve_inner`'s drain on `QuitReason::Closed`), then cancels the session's
/// requests, and our handler drops the tool's future on that cancellation; on this
/// machine the count reaches 0 about 5.0 s after the `DELETE` returns. This test checks
/// exactly that with the drop guard that `LoadKit_InFlight` counts, plus that the
/// descriptors of the abandoned connections are released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_calls_run_on_until_their_session_closes() {
    let server = HttpServer::start().await;
    let pid = server.pid();
    let http = reqwest::Client::new();
    let observer = Session::open(http.clone(), &server.url).await.unwrap();
    let session = Session::open(http.clone(), &server.url).await.unwrap();
    let (_, fds_start, _) = proc_stats(pid);
    abandon_sleeps(&server.url, &session.id, 100, 20).await;
    // The server still answers, and the abandoned calls released their connections.
    let answer = session
        .call(1, "SampleKit_Echo", json!({"text": "still here"}))
        .await
        .unwrap();
    assert_eq!(
        answer["result"]["structuredContent"]["result"],
        "still here"
    );
    let fds_abandoned = settle_fds(pid, fds_start).await;
    assert!(
        fds_abandoned <= fds_start,
        "descriptor leak: {fds_start} -> {fds_abandoned}"
    );
    // The abandoned futures are still alive (a disconnect is not a cancellation)...
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(in_flight(&observer, 1).await, 20, "abandoned calls running");
    // ...until their session is closed.
    session.close().await;
    let closed = Instant::now();
    let deadline = closed + Duration::from_secs(20);
    let mut live = in_flight(&observer, 2).await;
    let mut id = 3;
    while live > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        live = in_flight(&observer, id).await;
        id += 1;
    }
    eprintln!(
        "abandoned calls: 20 alive 500 ms after their clients left, {live} alive {:?} after the session closed",
        closed.elapsed()
    );
    assert_eq!(live, 0, "abandoned calls dropped when the session closed");
    observer.close().await;
    drop(http);
    let fds_end = settle_fds(pid, fds_start).await;
    assert!(
        fds_end <= fds_start,
        "descriptor leak: {fds_start} -> {fds_end}"
    );
}

/// The answer to a call of the SIGTERM test's mix must be its own: Echo's text or the
/// slept milliseconds.
fn assert_mixed_answer(answer: &Value, id: u64, expected: &Value) {
    assert_eq!(answer["id"], json!(id), "{answer}");
    assert_eq!(
        &answer["result"]["structuredContent"]["result"], expected,
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_load_exits_cleanly() {
    let mut server = HttpServer::start().await;
    let pid = server.pid();
    let ok = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for client in 0..8 {
        let url = server.url.clone();
        let ok = ok.clone();
        tasks.push(tokio::spawn(async move {
            let Ok(session) = Session::open(reqwest::Client::new(), &url).await else {
                return;
            };
            for n in 0..10_000u64 {
                let (tool, args, expected) = if n % 5 == 0 {
                    ("LoadKit_SleepMs", json!({"ms": 20}), json!(20))
                } else {
                    let text = format!("{client}-{n}");
                    ("SampleKit_Echo", json!({"text": text}), json!(text))
                };
                match session.call(n + 1, tool, args).await {
                    Ok(answer) => {
                        // Every answer that arrives is the right one.
                        assert_mixed_answer(&answer, n + 1, &expected);
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => return,
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while ok.load(Ordering::Relaxed) < 200 {
        assert!(
            Instant::now() < deadline,
            "only {} answers in 60 s before the signal",
            ok.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before_signal = ok.load(Ordering::Relaxed);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(15), server.child.wait())
        .await
        .expect("the server exits after SIGTERM")
        .unwrap();
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(15), task)
            .await
            .expect("every client stops once the server is gone")
            .expect("no client assertion failed");
    }
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(server.child.stderr.as_mut().unwrap(), &mut stderr)
        .await
        .unwrap();
    eprintln!(
        "sigterm: {before_signal} answers before the signal, {} in all, every one checked; exit {exit:?}",
        ok.load(Ordering::Relaxed)
    );
    assert!(exit.success(), "{exit:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test]
async fn stdio_process_tight_loop() {
    let calls = env_usize("LOAD_STDIO_CALLS", 1_000);
    let mut child = arcade_tests::net::spawn_piped(tokio::process::Command::new(env!(
        "CARGO_BIN_EXE_mcp_stdio_sample"
    )));
    let pid = child.id().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let warm = calls / 10;
    let mut lines = BufReader::new(stdout);
    // Warm up with a tenth of the calls, then measure the rest.
    let started = Instant::now();
    let (tx, rx) = (&mut stdin, &mut lines);
    stdio_loop_counted(tx, rx, 0, warm).await;
    let (rss_warm, fds_warm, _) = proc_stats(pid);
    stdio_loop_counted(&mut stdin, &mut lines, warm, calls).await;
    let (rss_end, fds_end, _) = proc_stats(pid);
    let elapsed = started.elapsed();
    let measured = calls - warm;
    let bound = rss_bound_kib(measured);
    eprintln!(
        "stdio load: {calls} calls in {elapsed:?} ({:.0}/s); server RSS {rss_warm} KiB after {warm} calls, {rss_end} KiB at the end \
         (growth {} KiB, bound {bound} KiB); fds {fds_warm} -> {fds_end}",
        calls as f64 / elapsed.as_secs_f64(),
        rss_end as i64 - rss_warm as i64,
    );
    assert!(fds_end <= fds_warm, "descriptor leak");
    assert!(
        rss_end <= rss_warm + bound,
        "RSS grew from {rss_warm} KiB to {rss_end} KiB over {measured} calls: more than {bound} KiB"
    );
    drop(stdin);
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits on EOF")
        .unwrap();
    assert!(status.success());
}

/// Calls echo `from+1..=to` (initializing first when `from` is 0) over a line stream,
/// checking that each answer is the one to its own request.
async fn stdio_loop_counted<W, R>(write: &mut W, lines: &mut R, from: usize, to: usize)
where
    W: tokio::io::AsyncWrite + Unpin,
    R: tokio::io::AsyncBufRead + Unpin,
{
    let mut line = String::new();
    if from == 0 {
        let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "load", "version": "0"}}});
        write
            .write_all(format!("{init}\n").as_bytes())
            .await
            .unwrap();
        lines.read_line(&mut line).await.unwrap();
        write
            .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
            .await
            .unwrap();
    }
    for n in from + 1..=to {
        let request = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":{n},\"method\":\"tools/call\",\"params\":{{\"name\":\"SampleKit_Echo\",\"arguments\":{{\"text\":\"s{n}\"}}}}}}\n"
        );
        write.write_all(request.as_bytes()).await.unwrap();
        line.clear();
        lines.read_line(&mut line).await.unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(answer["id"], json!(n), "{answer}");
        assert_eq!(
            answer["result"]["structuredContent"]["result"],
            format!("s{n}")
        );
    }
}

#[test]
fn stdio_in_process_leaves_no_task_behind() {
    let calls = env_usize("LOAD_STDIO_CALLS", 1_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let baseline = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();
        let catalog =
            Arc::new(arcade_tdk::Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap());
        let options = arcade_tdk::serve::mcp::McpOptions::new("s", "1").with_environment(Arc::new(
            arcade_tdk::serve::local::LocalEnvironment::from_vars([("A", "b")]),
        ));
        let (client, server) = tokio::io::duplex(1 << 16);
        let (sr, sw) = tokio::io::split(server);
        let task = tokio::spawn(arcade_tdk::serve::mcp::serve_io(catalog, options, sr, sw));
        let (read, mut write) = tokio::io::split(client);
        let mut lines = BufReader::new(read);
        stdio_loop_counted(&mut write, &mut lines, 0, calls).await;
        // The client halves are dropped: the server ends.
        drop((write, lines));
        tokio::time::timeout(Duration::from_secs(10), task)
            .await
            .expect("the server ends")
            .expect("no panic")
            .expect("clean end");
        // Tasks finish asynchronously; give them a moment.
        let deadline = Instant::now() + Duration::from_secs(5);
        while tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
            > baseline
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(
            tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks(),
            baseline,
            "tasks left behind"
        );
    });
}
