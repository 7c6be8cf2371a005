//! `arcade-bench http`: concurrent Streamable HTTP clients calling one tool.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Error, INIT, INITIALIZED, Opts, call_message, memory, quantile, sorted};

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

pub(crate) fn http(args: &[String]) -> Result<Value, Error> {
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
