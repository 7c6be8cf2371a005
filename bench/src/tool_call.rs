//! `arcade-bench tool-call`: one tool with real arguments over a stdio server, beside the
//! same upstream request sent straight to the API over a keep-alive HTTP connection.
//!
//! Each round sends the direct `GET` first, then the `tools/call`, so both sides share
//! the same moment's noise; the report gives both distributions and the difference of
//! their medians and p95s (what the server adds on top of the upstream request).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Error, Opts, memory, quantile, sorted};

/// One keep-alive HTTP/1.1 connection sending the same `GET` again and again.
struct DirectGet {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
    body: Vec<u8>,
}

impl DirectGet {
    fn connect(url: &str, authorization: &str) -> Result<Self, Error> {
        let rest = url
            .strip_prefix("http://")
            .ok_or("--direct: only http:// URLs (loopback)")?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let stream = TcpStream::connect(host)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let request = format!(
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/vnd.pagerduty+json;version=2\r\n\
             Authorization: {authorization}\r\nContent-Type: application/json\r\n\r\n"
        );
        Ok(Self {
            stream: BufReader::with_capacity(1 << 16, stream),
            request: request.into_bytes(),
            body: Vec::with_capacity(1 << 16),
        })
    }

    /// Sends the request and reads the whole response body (`Content-Length` or chunked).
    fn get(&mut self) -> Result<&[u8], Error> {
        self.stream.get_mut().write_all(&self.request)?;
        let mut line = String::new();
        self.stream.read_line(&mut line)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        if status != "200" {
            return Err(format!("direct GET answered {}", line.trim_end()).into());
        }
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            if self.stream.read_line(&mut line)? == 0 {
                return Err("the upstream closed the connection".into());
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("content-length") {
                    length = Some(value.parse::<usize>()?);
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.eq_ignore_ascii_case("chunked");
                }
            }
        }
        self.body.clear();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim_end(), 16)?;
                let start = self.body.len();
                self.body.resize(start + size + 2, 0);
                self.stream.read_exact(&mut self.body[start..])?;
                self.body.truncate(start + size);
                if size == 0 {
                    break;
                }
            }
        } else {
            let length = length.ok_or("a response without Content-Length or chunking")?;
            self.body.resize(length, 0);
            self.stream.read_exact(&mut self.body)?;
        }
        Ok(&self.body)
    }
}

fn call(id: u64, tool: &str, args: &Value) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": args}})
    .to_string()
}

fn summary(xs: Vec<f64>) -> Value {
    let xs = sorted(xs);
    json!({
        "median": quantile(&xs, 0.5),
        "p95": quantile(&xs, 0.95),
        "min": xs.first().copied().unwrap_or(f64::NAN),
    })
}

/// `arcade-bench tool-call --tool NAME --args JSON [--starts N] [--calls N] [--warmup N]
/// [--expect TEXT] [--direct URL --authorization VALUE] -- CMD...`
pub(crate) fn tool_call(args: &[String]) -> Result<Value, Error> {
    let opts = Opts::parse(args)?;
    let starts = opts.num("starts", 5)?.max(1);
    let calls = opts.num("calls", 500)?;
    let warmup = opts.num("warmup", 20)?;
    let tool = opts.req("tool")?;
    let arguments: Value =
        serde_json::from_str(opts.req("args")?).map_err(|e| format!("--args: {e}"))?;
    let expect = opts.get("expect");
    let mut direct = match opts.get("direct") {
        Some(url) => Some(DirectGet::connect(url, opts.req("authorization")?)?),
        None => None,
    };

    let (mut server, start_ms, _) = crate::stdio::start_servers(&opts.rest, starts, tool)?;
    let (rss_start, _) = memory(server.child.id());

    // Check once that the call succeeds and says what it should.
    server.send(&call(2, tool, &arguments))?;
    let first: Value = serde_json::from_str(server.response(2)?)?;
    let text = first["result"].to_string();
    if first["result"]["isError"] == json!(true) || expect.is_some_and(|e| !text.contains(e)) {
        return Err(format!(
            "unexpected tools/call result: {}",
            &text[..text.len().min(500)]
        )
        .into());
    }
    let mut direct_bytes = 0;
    if let Some(d) = direct.as_mut() {
        let body: Value = serde_json::from_slice(d.get()?)?;
        direct_bytes = d.body.len();
        if body.get("error").is_some() {
            return Err(format!("the direct GET failed: {body}").into());
        }
    }

    let (mut via, mut straight) = (Vec::new(), Vec::new());
    for i in 0..warmup + calls {
        let direct_us = match direct.as_mut() {
            Some(d) => {
                let t = Instant::now();
                d.get()?;
                Some(t.elapsed().as_secs_f64() * 1e6)
            }
            None => None,
        };
        let message = call(i + 3, tool, &arguments);
        let t = Instant::now();
        server.send(&message)?;
        server.response(i + 3)?;
        let us = t.elapsed().as_secs_f64() * 1e6;
        if i >= warmup {
            via.push(us);
            straight.extend(direct_us);
        }
    }
    let (rss, hwm) = memory(server.child.id());
    server.close();
    let start = sorted(start_ms);
    let mut out = json!({
        "starts": start.len(),
        "start_ms_median": quantile(&start, 0.5),
        "start_ms_p95": quantile(&start, 0.95),
        "calls": via.len(),
        "call_us": summary(via),
        "rss_kb_after_start": rss_start,
        "rss_kb": rss,
        "hwm_kb": hwm,
    });
    if direct.is_some() {
        let direct = summary(straight);
        for q in ["median", "p95"] {
            out["added_us"][q] = json!(
                out["call_us"][q].as_f64().unwrap_or(f64::NAN)
                    - direct[q].as_f64().unwrap_or(f64::NAN)
            );
        }
        out["direct_us"] = direct;
        out["direct_bytes"] = json!(direct_bytes);
    }
    Ok(out)
}
