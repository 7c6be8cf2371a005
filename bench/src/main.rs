//! `arcade-bench`: a native benchmark client for MCP servers, used by `bench/run`.
//!
//! * `arcade-bench stdio [--starts N] [--calls N] [--warmup N] --tool NAME -- CMD ARGS...`
//!   spawns the stdio server `N` times and times process start to the first `tools/list`
//!   answer, then (in the last process) times `--calls` sequential `tools/call` of `NAME`
//!   with `{"text": "hello"}` after `--warmup` calls, and reads the server's resident
//!   memory from `/proc/PID/status`.
//! * `arcade-bench http --url URL --tool NAME [--clients N] [--secs S] [--pid PID]
//!   [--settle-ms MS]` runs `N` concurrent Streamable HTTP clients (one keep-alive
//!   connection and one MCP session each) calling the tool for `S` seconds, and reports
//!   calls per second, errors, latency percentiles and the server's memory (when `--pid`
//!   is given): right after the clients closed their sessions and connections, and
//!   again `MS` later (default 3000), once the server has settled. `--protocol REV`
//!   (default `2025-06-18`): `2025-11-25` also opens a session with `initialize`;
//!   `2026-07-28` sends no handshake and no session, every request carrying its
//!   revision in `_meta` and `Mcp-Method`/`Mcp-Name` headers. `BENCH_BEARER`, when set,
//!   is sent as `Authorization: Bearer ...` (front-door auth).
//!
//! * `arcade-bench wrapper [--calls N]` times one call of a trivial `#[tool]` echo,
//!   JSON text in to JSON text out, exactly as `cargo bench -p arcade-tdk --bench
//!   wrapper` does (`wrapper/echo json->json`), in batches of 1000, for machines where
//!   building criterion's dependencies is not wanted.
//!
//! * `arcade-bench pagerduty [--incidents N] [--latency-ms MS] [--rate-limit N]
//!   [--rate-window-ms MS] [--runs N] [--concurrency N] [--client-rate-limit N]
//!   [-- PEER CMD...]` starts the fake
//!   PagerDuty (`tools_pagerduty::sandbox`) with `N` extra incidents, a fixed latency per
//!   request and a rate limit (at most `--rate-limit` requests per rolling
//!   `--rate-window-ms`), then times listing every incident with our client
//!   (`Session::get_all`, pages fetched `--concurrency` at a time once `total` is known,
//!   paced by the client to `--client-rate-limit` requests per window when given)
//!   and, when given, with the peer command run with the sandbox URL as its last argument
//!   (it prints `{"count": N, "secs": S}`), alternately, `--runs` times each. Reports
//!   medians and the 429s each side caused.
//!
//! Each prints one JSON object on stdout. The client is deliberately plain: blocking
//! std I/O, a hand-written HTTP/1.1 exchange, no async runtime, so its own cost per
//! call stays far below the servers'.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

type Error = Box<dyn std::error::Error + Send + Sync>;

const INIT: &str = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"arcade-bench","version":"0"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("stdio") => stdio(&args[1..]),
        Some("http") => http(&args[1..]),
        Some("wrapper") => wrapper(&args[1..]),
        Some("pagerduty") => pagerduty(&args[1..]),
        _ => {
            Err("usage: arcade-bench stdio|http|wrapper|pagerduty ... (see the crate docs)".into())
        }
    };
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("arcade-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` options before an optional `--`, and the words after it.
struct Opts {
    pairs: Vec<(String, String)>,
    rest: Vec<String>,
}

impl Opts {
    fn parse(args: &[String]) -> Result<Self, Error> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a == "--" {
                return Ok(Self {
                    pairs,
                    rest: it.cloned().collect(),
                });
            }
            let name = a
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {a}"))?;
            let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
            pairs.push((name.to_owned(), value.clone()));
        }
        Ok(Self {
            pairs,
            rest: Vec::new(),
        })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn num(&self, name: &str, default: u64) -> Result<u64, Error> {
        self.get(name).map_or(Ok(default), |v| {
            v.parse().map_err(|e| format!("--{name}: {e}").into())
        })
    }

    fn req(&self, name: &str) -> Result<&str, Error> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required").into())
    }
}

/// A spawned stdio server.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: String,
}

impl Server {
    fn spawn(cmd: &[String]) -> Result<Self, Error> {
        let (program, args) = cmd.split_first().ok_or("no server command after --")?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawning {program}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = BufReader::with_capacity(1 << 16, child.stdout.take().ok_or("no stdout")?);
        Ok(Self {
            child,
            stdin,
            stdout,
            line: String::with_capacity(1 << 12),
        })
    }

    fn send(&mut self, message: &str) -> Result<(), Error> {
        let mut buf = Vec::with_capacity(message.len() + 1);
        buf.extend_from_slice(message.as_bytes());
        buf.push(b'\n');
        self.stdin.write_all(&buf)?;
        Ok(())
    }

    /// Reads lines until the response to `id` (skipping notifications) and returns it.
    fn response(&mut self, id: u64) -> Result<&str, Error> {
        loop {
            self.line.clear();
            if self.stdout.read_line(&mut self.line)? == 0 {
                return Err("the server closed stdout".into());
            }
            // Cheap check first; parse only to confirm.
            if self.line.contains("\"id\"") {
                let v: Value = serde_json::from_str(&self.line)?;
                if v.get("id").and_then(Value::as_u64) == Some(id) {
                    if let Some(e) = v.get("error") {
                        return Err(format!("request {id} failed: {e}").into());
                    }
                    return Ok(&self.line);
                }
            }
        }
    }

    /// initialize, initialized, tools/list; returns the list and when the initialize
    /// answer arrived.
    fn handshake(&mut self) -> Result<(Value, Instant), Error> {
        self.send(INIT)?;
        self.response(0)?;
        let initialized = Instant::now();
        self.send(INITIALIZED)?;
        self.send(LIST)?;
        Ok((serde_json::from_str(self.response(1)?)?, initialized))
    }

    fn close(mut self) {
        drop(self.stdin);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` and `VmHWM` of `pid`, in KiB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The `q` quantile (0..=1) of sorted `xs`.
fn quantile(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let i = ((xs.len() - 1) as f64 * q).round() as usize;
    xs[i]
}

fn sorted(mut xs: Vec<f64>) -> Vec<f64> {
    xs.sort_by(f64::total_cmp);
    xs
}

fn call_message(id: u64, tool: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": {"text": "hello"}}})
    .to_string()
}

fn stdio(args: &[String]) -> Result<Value, Error> {
    let opts = Opts::parse(args)?;
    let starts = opts.num("starts", 5)?.max(1);
    let calls = opts.num("calls", 1000)?;
    let warmup = opts.num("warmup", 50)?;
    let tool = opts.req("tool")?;
    let cmd = &opts.rest;

    let mut start_ms = Vec::new();
    let mut init_ms = Vec::new();
    let mut server = None;
    for i in 0..starts {
        let t0 = Instant::now();
        let mut s = Server::spawn(cmd)?;
        let (list, initialized) = s.handshake()?;
        start_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        init_ms.push((initialized - t0).as_secs_f64() * 1e3);
        let names: Vec<&str> = list["result"]["tools"]
            .as_array()
            .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
            .unwrap_or_default();
        if !names.contains(&tool) {
            return Err(format!("tool {tool} not in tools/list: {names:?}").into());
        }
        if i + 1 == starts {
            server = Some(s);
        } else {
            s.close();
        }
    }
    let mut server = server.ok_or("no server")?;
    let (rss_start, _) = memory(server.child.id());

    // Check once that the tool answers what it was asked.
    server.send(&call_message(2, tool))?;
    let first: Value = serde_json::from_str(server.response(2)?)?;
    if first["result"]["isError"] == json!(true) || !first["result"].to_string().contains("hello") {
        return Err(format!("unexpected tools/call result: {first}").into());
    }

    let messages: Vec<String> = (0..warmup + calls)
        .map(|i| call_message(i + 3, tool))
        .collect();
    let mut times = Vec::with_capacity(calls as usize);
    for (i, m) in messages.iter().enumerate() {
        let t = Instant::now();
        server.send(m)?;
        server.response(i as u64 + 3)?;
        if i as u64 >= warmup {
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    let (rss, hwm) = memory(server.child.id());
    server.close();
    let times = sorted(times);
    let start = sorted(start_ms);
    let init = sorted(init_ms);
    Ok(json!({
        "starts": start.len(),
        "start_ms_median": quantile(&start, 0.5),
        "start_ms_min": start[0],
        "start_ms_max": start[start.len() - 1],
        "initialize_ms_median": quantile(&init, 0.5),
        "calls": times.len(),
        "call_us_median": quantile(&times, 0.5),
        "call_us_p99": quantile(&times, 0.99),
        "call_us_mean": times.iter().sum::<f64>() / times.len().max(1) as f64,
        "rss_kb_after_start": rss_start,
        "rss_kb": rss,
        "hwm_kb": hwm,
    }))
}

/// How an HTTP client speaks: the protocol revision (`2025-06-18` or `2025-11-25`:
/// `initialize` and a session; `2026-07-28`: no handshake, every request carries its
/// revision and capabilities in `_meta` and `Mcp-Method`/`Mcp-Name` headers) and the
/// front-door token it sends, if any.
#[derive(Clone)]
struct Wire {
    protocol: String,
    bearer: Option<String>,
}

impl Wire {
    const MODERN: &str = "2026-07-28";

    fn modern(&self) -> bool {
        self.protocol == Self::MODERN
    }
}

/// One keep-alive HTTP/1.1 connection with an MCP session.
struct HttpClient {
    wire: Wire,
    host: String,
    path: String,
    stream: BufReader<TcpStream>,
    session: Option<String>,
    next_id: u64,
}

struct HttpResponse {
    status: u16,
    session: Option<String>,
    body: Vec<u8>,
}

impl HttpClient {
    fn connect(url: &str, wire: &Wire) -> Result<Self, Error> {
        let rest = url
            .strip_prefix("http://")
            .ok_or("only http:// URLs (loopback)")?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let stream = TcpStream::connect(host)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self {
            wire: wire.clone(),
            host: host.to_owned(),
            path: format!("/{path}"),
            stream: BufReader::with_capacity(1 << 16, stream),
            session: None,
            next_id: 1,
        })
    }

    fn post(&mut self, body: &str) -> Result<HttpResponse, Error> {
        self.request("POST", body, None)
    }

    /// Ends the session, as a client that is done does (`DELETE` with the session id).
    fn end_session(&mut self) {
        if self.session.is_some() {
            let _ = self.request("DELETE", "", None);
        }
    }

    /// `rpc`: the JSON-RPC method and tool name, sent as `Mcp-Method`/`Mcp-Name` in
    /// 2026-07-28.
    fn request(
        &mut self,
        method: &str,
        body: &str,
        rpc: Option<(&str, &str)>,
    ) -> Result<HttpResponse, Error> {
        let mut req = format!(
            "{method} {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {}\r\n\
             Content-Length: {}\r\n",
            self.path,
            self.host,
            self.wire.protocol,
            body.len()
        );
        if let (true, Some((rpc_method, name))) = (self.wire.modern(), rpc) {
            req.push_str(&format!("Mcp-Method: {rpc_method}\r\nMcp-Name: {name}\r\n"));
        }
        if let Some(token) = &self.wire.bearer {
            req.push_str("Authorization: Bearer ");
            req.push_str(token);
            req.push_str("\r\n");
        }
        if let Some(s) = &self.session {
            req.push_str("Mcp-Session-Id: ");
            req.push_str(s);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        req.push_str(body);
        self.stream.get_mut().write_all(req.as_bytes())?;
        self.read_response()
    }

    fn read_response(&mut self) -> Result<HttpResponse, Error> {
        let mut line = String::new();
        if self.stream.read_line(&mut line)? == 0 {
            return Err("connection closed".into());
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {line:?}"))?;
        let mut length = None;
        let mut chunked = false;
        let mut session = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim();
                match k.to_ascii_lowercase().as_str() {
                    "content-length" => length = v.parse::<usize>().ok(),
                    "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                    "mcp-session-id" => session = Some(v.to_owned()),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if let Some(n) = length {
            body.resize(n, 0);
            self.stream.read_exact(&mut body)?;
        } else if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| format!("bad chunk size {line:?}"))?;
                let start = body.len();
                body.resize(start + size, 0);
                self.stream.read_exact(&mut body[start..])?;
                line.clear();
                self.stream.read_line(&mut line)?; // CRLF after the chunk
                if size == 0 {
                    break;
                }
            }
        } else if status != 202 && status != 204 {
            self.stream.read_to_end(&mut body)?;
        }
        Ok(HttpResponse {
            status,
            session,
            body,
        })
    }

    /// The JSON-RPC message in a JSON or SSE body.
    fn message(body: &[u8]) -> Result<Value, Error> {
        let text = std::str::from_utf8(body)?;
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            return Ok(serde_json::from_str(trimmed)?);
        }
        for l in text.lines() {
            if let Some(data) = l.strip_prefix("data:") {
                let data = data.trim();
                if data.starts_with('{') {
                    let v: Value = serde_json::from_str(data)?;
                    if v.get("id").is_some() {
                        return Ok(v);
                    }
                }
            }
        }
        Err(format!("no JSON-RPC response in body {text:?}").into())
    }

    fn start_session(&mut self) -> Result<(), Error> {
        if self.wire.modern() {
            return Ok(());
        }
        let init = INIT.replace("2025-06-18", &self.wire.protocol);
        let r = self.post(&init)?;
        if r.status != 200 {
            return Err(format!("initialize: HTTP {}", r.status).into());
        }
        Self::message(&r.body)?;
        self.session = r.session;
        let r = self.post(INITIALIZED)?;
        if !(200..300).contains(&r.status) {
            return Err(format!("notifications/initialized: HTTP {}", r.status).into());
        }
        Ok(())
    }

    fn call(&mut self, tool: &str) -> Result<(), Error> {
        self.next_id += 1;
        let id = self.next_id;
        let r = if self.wire.modern() {
            let message = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": {"name": tool, "arguments": {"text": "hello"}, "_meta": {
                    "io.modelcontextprotocol/protocolVersion": Wire::MODERN,
                    "io.modelcontextprotocol/clientCapabilities": {}}}});
            self.request("POST", &message.to_string(), Some(("tools/call", tool)))?
        } else {
            self.post(&call_message(id, tool))?
        };
        if r.status != 200 {
            return Err(format!("tools/call: HTTP {}", r.status).into());
        }
        let v = Self::message(&r.body)?;
        if v["id"] != json!(id) || v.get("error").is_some() || v["result"]["isError"] == json!(true)
        {
            return Err(format!("tools/call failed: {v}").into());
        }
        Ok(())
    }
}

fn http(args: &[String]) -> Result<Value, Error> {
    let opts = Opts::parse(args)?;
    let url = opts.req("url")?.to_owned();
    let tool = opts.req("tool")?.to_owned();
    let clients = opts.num("clients", 1)?.max(1);
    let secs = opts.num("secs", 10)?;
    let pid: Option<u32> = opts.get("pid").and_then(|p| p.parse().ok());
    let settle = Duration::from_millis(opts.num("settle-ms", 3000)?);
    let wire = Wire {
        protocol: opts.get("protocol").unwrap_or("2025-06-18").to_owned(),
        bearer: std::env::var("BENCH_BEARER").ok().filter(|t| !t.is_empty()),
    };

    let stop = Arc::new(AtomicBool::new(false));
    let barrier = Arc::new(std::sync::Barrier::new(clients as usize + 1));
    let mut handles = Vec::new();
    for _ in 0..clients {
        let (url, tool, stop, barrier) = (url.clone(), tool.clone(), stop.clone(), barrier.clone());
        let wire = wire.clone();
        handles.push(std::thread::spawn(
            move || -> (Vec<f64>, u64, Option<String>) {
                let setup = || -> Result<HttpClient, Error> {
                    // A server may accept a moment after its port opens: retry for 5 s.
                    let deadline = Instant::now() + Duration::from_secs(5);
                    let mut c = loop {
                        match HttpClient::connect(&url, &wire) {
                            Ok(c) => break c,
                            Err(_) if Instant::now() < deadline => {
                                std::thread::sleep(Duration::from_millis(50));
                            }
                            Err(e) => return Err(e),
                        }
                    };
                    c.start_session()?;
                    c.call(&tool)?; // warm-up
                    Ok(c)
                };
                let client = setup();
                barrier.wait();
                let mut client = match client {
                    Ok(c) => c,
                    Err(e) => return (Vec::new(), 1, Some(e.to_string())),
                };
                let mut times = Vec::with_capacity(1 << 16);
                let mut errors = 0;
                let mut first_error = None;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    match client.call(&tool) {
                        Ok(()) => times.push(t.elapsed().as_secs_f64() * 1e6),
                        Err(e) => {
                            errors += 1;
                            first_error.get_or_insert(e.to_string());
                            // Reconnect after a broken exchange.
                            match HttpClient::connect(&url, &wire).and_then(|mut c| {
                                c.start_session()?;
                                Ok(c)
                            }) {
                                Ok(c) => client = c,
                                Err(_) => std::thread::sleep(Duration::from_millis(10)),
                            }
                        }
                    }
                }
                client.end_session();
                (times, errors, first_error)
            },
        ));
    }
    barrier.wait();
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    stop.store(true, Ordering::Relaxed);
    let mut times = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    for h in handles {
        let (t, e, f) = h.join().map_err(|_| "a client thread panicked")?;
        times.extend(t);
        errors += e;
        if first_error.is_none() {
            first_error = f;
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let (rss_end, _) = pid.map_or((0, 0), memory);
    if pid.is_some() {
        std::thread::sleep(settle);
    }
    let (rss, hwm) = pid.map_or((0, 0), memory);
    let times = sorted(times);
    Ok(json!({
        "clients": clients,
        "protocol": wire.protocol,
        "front_door": wire.bearer.is_some(),
        "secs": elapsed,
        "calls": times.len(),
        "calls_per_s": times.len() as f64 / elapsed,
        "errors": errors,
        "first_error": first_error,
        "call_us_median": quantile(&times, 0.5),
        "call_us_p99": quantile(&times, 0.99),
        "rss_kb_at_end": rss_end,
        "rss_kb": rss,
        "settle_ms": settle.as_millis() as u64,
        "hwm_kb": hwm,
    }))
}

/// Echo the input text.
#[arcade_tdk::tool]
fn echo(
    /// Text to echo back
    text: String,
) -> String {
    text
}

/// Polls a future that completes without waiting (trivial tools do).
fn run_ready<F: std::future::Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("a trivial tool completes at once"),
    }
}

/// The wrapper bench's call: parse, look up, validate, run, encode `ToolCallOutput`.
fn wrapper_call(catalog: &arcade_tdk::Catalog, name: &str, input: &str) -> String {
    let entry = catalog.get(name).expect("tool exists");
    let args: serde_json::Map<String, Value> = serde_json::from_str(input).expect("an object");
    let output = run_ready(arcade_tdk::executor::execute(
        entry,
        args,
        arcade_tdk::ToolContext::default(),
    ))
    .into_output();
    serde_json::to_string(&output).expect("serializable")
}

fn wrapper(args: &[String]) -> Result<Value, Error> {
    use std::hint::black_box;
    let opts = Opts::parse(args)?;
    let batches = (opts.num("calls", 200_000)? / 1000).max(10);
    let catalog = arcade_tdk::Catalog::new(arcade_tdk::Toolkit::new("Bench").tool(echo::tool()))?;
    let out = wrapper_call(&catalog, "Bench.Echo", r#"{"text":"hello"}"#);
    if out != r#"{"value":"hello","logs":null,"error":null,"requires_authorization":null}"# {
        return Err(format!("unexpected output {out}").into());
    }
    let mut per_call = Vec::new();
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..1000 {
            black_box(wrapper_call(
                &catalog,
                black_box("Bench.Echo"),
                black_box(r#"{"text":"hello"}"#),
            ));
        }
        per_call.push(t.elapsed().as_secs_f64() * 1e6 / 1000.0);
    }
    let per_call = sorted(per_call);
    Ok(json!({
        "calls": batches * 1000,
        "call_us_median": quantile(&per_call, 0.5),
        "call_us_p99": quantile(&per_call, 0.99),
        "output": serde_json::from_str::<Value>(&out)?,
    }))
}

fn pagerduty(args: &[String]) -> Result<Value, Error> {
    use tools_pagerduty::client::{Credential, PagerDutyClient, Query, RateLimit};
    use tools_pagerduty::sandbox::Sandbox;
    let opts = Opts::parse(args)?;
    let extra = opts.num("incidents", 5000)?;
    let latency = Duration::from_millis(opts.num("latency-ms", 20)?);
    let limit = opts.num("rate-limit", 25)?;
    let window = Duration::from_millis(opts.num("rate-window-ms", 100)?);
    let runs = opts.num("runs", 5)?.max(1);
    let concurrency = opts.num("concurrency", 4)? as usize;
    // Our client's own pacing, per the same window (0: none, only 429s are handled).
    let client_limit = opts.num("client-rate-limit", 0)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let sandbox = rt.block_on(
        Sandbox::builder()
            .extra_incidents(extra as usize)
            .latency(latency)
            .rate_limit(limit as u32, window)
            .start(),
    );
    let url = sandbox.base_url();
    // `extra` incidents on top of the 30 seeded ones.
    let expected = extra + 30;
    let settle = || std::thread::sleep(window + Duration::from_millis(50));
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    let (mut ours_429, mut peer_429) = (0, 0);
    let mut ours_requests = 0;
    for _ in 0..runs {
        settle();
        let before = sandbox.rate_limit_violations();
        let requests_before = sandbox.requests().len();
        let t = Instant::now();
        let all = rt.block_on(async {
            let builder = PagerDutyClient::builder()
                .base_url(url.parse()?)
                .page_concurrency(concurrency);
            let builder = match client_limit {
                0 => builder.no_rate_limit(),
                n => builder.rate_limit(RateLimit::new(n as u32, window)),
            };
            let session = builder
                .build()?
                .session(Credential::oauth("bench-token"), None);
            session
                .get_all("/incidents", "incidents", &Query::new(), 10_000)
                .await
                .map_err(|e| Error::from(e.to_string()))
        })?;
        ours.push(t.elapsed().as_secs_f64());
        ours_429 += sandbox.rate_limit_violations() - before;
        ours_requests = sandbox.requests().len() - requests_before;
        if all.items.len() as u64 != expected {
            return Err(format!("ours listed {} of {expected}", all.items.len()).into());
        }
        if !opts.rest.is_empty() {
            settle();
            let before = sandbox.rate_limit_violations();
            let out = Command::new(&opts.rest[0])
                .args(&opts.rest[1..])
                .arg(&url)
                .stderr(Stdio::inherit())
                .output()?;
            if !out.status.success() {
                return Err(format!("the peer failed: {}", out.status).into());
            }
            let v: Value = serde_json::from_slice(&out.stdout)?;
            if v["count"].as_u64() != Some(expected) {
                return Err(format!("the peer listed {} of {expected}", v["count"]).into());
            }
            peer.push(v["secs"].as_f64().ok_or("the peer printed no secs")?);
            peer_429 += sandbox.rate_limit_violations() - before;
        }
        sandbox.clear_requests();
    }
    let side = |xs: Vec<f64>, violations: u64| {
        let xs = sorted(xs);
        json!({
            "list_ms_median": quantile(&xs, 0.5) * 1e3,
            "list_ms_p99": quantile(&xs, 0.99) * 1e3,
            "runs_ms": xs.iter().map(|x| (x * 1e4).round() / 10.0).collect::<Vec<_>>(),
            "rate_limit_429s": violations,
        })
    };
    let mut ours = side(ours, ours_429);
    ours["requests_per_listing"] = json!(ours_requests);
    ours["page_concurrency"] = json!(concurrency);
    ours["client_rate_limit"] = json!(client_limit);
    Ok(json!({
        "incidents": expected,
        "latency_ms": latency.as_millis() as u64,
        "rate_limit": format!("{limit} requests per rolling {} ms", window.as_millis()),
        "ours": ours,
        "python": if peer.is_empty() { Value::Null } else { side(peer, peer_429) },
    }))
}
