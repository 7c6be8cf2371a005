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
//! * `arcade-bench tool-call --tool NAME --args JSON [--starts N] [--calls N] [--warmup N]
//!   [--expect TEXT] [--direct URL --authorization VALUE] -- CMD...` times start to the
//!   first `tools/list` of the stdio server `CMD` (`--starts` times), then `--calls`
//!   `tools/call`s of `NAME` with `JSON`, each after the same upstream request sent
//!   straight to `URL` over one keep-alive HTTP/1.1 connection (when `--direct` is given),
//!   and reports medians and p95s of both, their difference, and the server's memory.
//!
//! Each prints one JSON object on stdout. The client is deliberately plain: blocking
//! std I/O, a hand-written HTTP/1.1 exchange, no async runtime, so its own cost per
//! call stays far below the servers'.

mod http;
mod pagerduty;
mod stdio;
mod tool_call;
mod wrapper;

use std::process::ExitCode;

use serde_json::json;

type Error = Box<dyn std::error::Error + Send + Sync>;

const INIT: &str = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"arcade-bench","version":"0"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("stdio") => stdio::stdio(&args[1..]),
        Some("http") => http::http(&args[1..]),
        Some("wrapper") => wrapper::wrapper(&args[1..]),
        Some("pagerduty") => pagerduty::pagerduty(&args[1..]),
        Some("tool-call") => tool_call::tool_call(&args[1..]),
        _ => Err(
            "usage: arcade-bench stdio|http|wrapper|pagerduty|tool-call ... (see the crate docs)"
                .into(),
        ),
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
