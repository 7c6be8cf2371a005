//! `arcade-bench stdio`: start-up, call latency and memory of a stdio server.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{Error, INIT, INITIALIZED, LIST, Opts, call_message, memory, quantile, sorted};

/// A spawned stdio server.
pub(crate) struct Server {
    pub(crate) child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: String,
}

impl Server {
    pub(crate) fn spawn(cmd: &[String]) -> Result<Self, Error> {
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

    pub(crate) fn send(&mut self, message: &str) -> Result<(), Error> {
        let mut buf = Vec::with_capacity(message.len() + 1);
        buf.extend_from_slice(message.as_bytes());
        buf.push(b'\n');
        self.stdin.write_all(&buf)?;
        Ok(())
    }

    /// Reads lines until the response to `id` (skipping notifications) and returns it.
    pub(crate) fn response(&mut self, id: u64) -> Result<&str, Error> {
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
    pub(crate) fn handshake(&mut self) -> Result<(Value, Instant), Error> {
        self.send(INIT)?;
        self.response(0)?;
        let initialized = Instant::now();
        self.send(INITIALIZED)?;
        self.send(LIST)?;
        Ok((serde_json::from_str(self.response(1)?)?, initialized))
    }

    pub(crate) fn close(mut self) {
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

/// Starts the server `starts` times, each up to its `tools/list` answer (which must name
/// `tool`), and keeps the last one running: that server, then the times (ms) from spawn
/// to the `tools/list` answer and to the `initialize` answer.
pub(crate) fn start_servers(
    cmd: &[String],
    starts: u64,
    tool: &str,
) -> Result<(Server, Vec<f64>, Vec<f64>), Error> {
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
    Ok((server.ok_or("no server")?, start_ms, init_ms))
}

pub(crate) fn stdio(args: &[String]) -> Result<Value, Error> {
    let opts = Opts::parse(args)?;
    let starts = opts.num("starts", 5)?.max(1);
    let calls = opts.num("calls", 1000)?;
    let warmup = opts.num("warmup", 50)?;
    let tool = opts.req("tool")?;
    let cmd = &opts.rest;

    let (mut server, start_ms, init_ms) = start_servers(cmd, starts, tool)?;
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
