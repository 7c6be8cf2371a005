//! The `tools-pagerduty` command line: every definition from `tools`, the write-tools
//! opt-in, `--areas`, `call --sandbox` in-process, and `serve --sandbox` over stdio in a
//! real child process (initialize, tools/list, tools/call ListIncidents).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = tools_pagerduty::cli().run_with_output(
        std::iter::once("tools-pagerduty").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    Run {
        code,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

fn names(run: &Run) -> Vec<String> {
    let defs: Vec<Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", run.stdout, run.stderr));
    defs.iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Every tool, in the order `tools` prints them (by name), written down here rather than
/// taken from the library.
const ALL_TOOLS: [&str; 90] = [
    "AcknowledgeIncidents",
    "AddIncidentNote",
    "AddResponders",
    "AddTeamMember",
    "AppendEventOrchestrationRouterRule",
    "CreateAlertGroupingSetting",
    "CreateCustomShifts",
    "CreateEscalationPolicy",
    "CreateIncident",
    "CreateMaintenanceWindow",
    "CreateSchedule",
    "CreateScheduleOverride",
    "CreateService",
    "CreateShiftOverrides",
    "CreateShiftRotationEvent",
    "CreateShiftSchedule",
    "CreateStatusPagePost",
    "CreateStatusPagePostUpdate",
    "CreateStatusUpdate",
    "CreateTeam",
    "CreateWebhookSubscription",
    "DeleteAlertGroupingSetting",
    "DeleteShiftSchedulePart",
    "DeleteTeam",
    "DeleteWebhookSubscription",
    "EscalateIncident",
    "GetEscalationPolicy",
    "GetEventOrchestration",
    "GetIncident",
    "GetIncidentMetrics",
    "GetIncidentTimeline",
    "GetOutlierIncident",
    "GetPastIncidents",
    "GetRelatedIncidents",
    "GetResponderMetrics",
    "GetSchedule",
    "GetService",
    "GetServiceDependencies",
    "GetShiftSchedule",
    "GetStatusPage",
    "GetStatusPagePost",
    "GetTeam",
    "IncidentBriefing",
    "ListAlertGroupingSettings",
    "ListBusinessServices",
    "ListChangeEvents",
    "ListCustomShifts",
    "ListEscalationPolicies",
    "ListEventOrchestrations",
    "ListIncidentAlerts",
    "ListIncidentChangeEvents",
    "ListIncidentNotes",
    "ListIncidentWorkflows",
    "ListIncidents",
    "ListLogEntries",
    "ListMaintenanceWindows",
    "ListOncalls",
    "ListPriorities",
    "ListSchedules",
    "ListServices",
    "ListShiftOverrides",
    "ListShiftSchedules",
    "ListStatusPagePosts",
    "ListStatusPages",
    "ListTeams",
    "ListUsers",
    "ListWebhookSubscriptions",
    "MergeIncidents",
    "ReassignIncidents",
    "RemoveTeamMember",
    "ResolveIncidents",
    "SearchUsers",
    "SendChangeEvent",
    "SendEvent",
    "ShiftHandoff",
    "SnoozeIncident",
    "StartIncidentWorkflow",
    "UpdateAlertGroupingSetting",
    "UpdateCustomShift",
    "UpdateEscalationPolicy",
    "UpdateIncident",
    "UpdateSchedule",
    "UpdateService",
    "UpdateShiftOverride",
    "UpdateShiftRotationEvent",
    "UpdateShiftSchedule",
    "UpdateTeam",
    "UpdateWebhookSubscription",
    "WhoIsOnCall",
    "Whoami",
];

/// The tools that change PagerDuty (left out by `--read-only` and by `serve` without
/// `--enable-write-tools`).
const WRITE_TOOLS: [&str; 45] = [
    "AcknowledgeIncidents",
    "AddIncidentNote",
    "AddResponders",
    "AddTeamMember",
    "AppendEventOrchestrationRouterRule",
    "CreateAlertGroupingSetting",
    "CreateCustomShifts",
    "CreateEscalationPolicy",
    "CreateIncident",
    "CreateMaintenanceWindow",
    "CreateSchedule",
    "CreateScheduleOverride",
    "CreateService",
    "CreateShiftOverrides",
    "CreateShiftRotationEvent",
    "CreateShiftSchedule",
    "CreateStatusPagePost",
    "CreateStatusPagePostUpdate",
    "CreateStatusUpdate",
    "CreateTeam",
    "CreateWebhookSubscription",
    "DeleteAlertGroupingSetting",
    "DeleteShiftSchedulePart",
    "DeleteTeam",
    "DeleteWebhookSubscription",
    "EscalateIncident",
    "MergeIncidents",
    "ReassignIncidents",
    "RemoveTeamMember",
    "ResolveIncidents",
    "SendChangeEvent",
    "SendEvent",
    "SnoozeIncident",
    "StartIncidentWorkflow",
    "UpdateAlertGroupingSetting",
    "UpdateCustomShift",
    "UpdateEscalationPolicy",
    "UpdateIncident",
    "UpdateSchedule",
    "UpdateService",
    "UpdateShiftOverride",
    "UpdateShiftRotationEvent",
    "UpdateShiftSchedule",
    "UpdateTeam",
    "UpdateWebhookSubscription",
];

#[test]
fn tools_prints_every_definition() {
    let run = run(&["tools", "--format", "arcade"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("[\n  {\n"), "pretty-printed");
    let got: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(names(&run), ALL_TOOLS);
    for definition in &got {
        let name = definition["name"].as_str().unwrap();
        assert_eq!(
            definition["fully_qualified_name"],
            format!("PagerDuty.{name}")
        );
        assert_eq!(definition["toolkit"]["name"], "PagerDuty", "{name}");
        assert!(
            !definition["description"].as_str().unwrap().is_empty(),
            "{name}"
        );
    }
    // The tools arcade-pagerduty (Python) also has take the same parameters, in the same
    // order, equally required (`fixtures/arcade-parity-params.json`).
    let python: Value =
        serde_json::from_str(include_str!("../fixtures/arcade-parity-params.json")).unwrap();
    for (name, params) in python.as_object().unwrap() {
        let ours = got.iter().find(|d| d["name"] == name.as_str()).unwrap();
        let ours: Vec<Value> = ours["input"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| json!([p["name"], p["required"]]))
            .collect();
        assert_eq!(&Value::Array(ours), params, "{name} parameters");
    }
}

#[test]
fn tools_read_only_is_what_serve_offers_by_default() {
    let read_only = names(&run(&["tools", "--read-only"]));
    let expected: Vec<&str> = ALL_TOOLS
        .into_iter()
        .filter(|t| !WRITE_TOOLS.contains(t))
        .collect();
    assert_eq!(read_only, expected);
    assert_eq!(read_only.len(), 45);
    assert!(read_only.contains(&"ListIncidents".to_owned()));
    assert!(!read_only.contains(&"AcknowledgeIncidents".to_owned()));
}

#[test]
fn every_tool_is_in_an_area_and_every_area_names_real_tools() {
    let all: Vec<&str> = tools_pagerduty::all_tools()
        .iter()
        .map(|t| t.spec().name())
        .collect();
    let areas = tools_pagerduty::areas();
    for (area, tools) in &areas {
        for tool in tools {
            assert!(all.contains(tool), "area {area} names unknown tool {tool}");
        }
    }
    for tool in &all {
        assert!(
            areas.iter().any(|(_, tools)| tools.contains(tool)),
            "{tool} is in no area"
        );
    }
}

#[test]
fn areas_narrow_the_tools() {
    let run = run(&["tools", "--areas", "teams,users", "--read-only"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut got = names(&run);
    got.sort();
    assert_eq!(
        got,
        ["GetTeam", "ListTeams", "ListUsers", "SearchUsers", "Whoami"]
    );
    let all = names(&self::run(&["tools", "--areas", "teams"]));
    assert_eq!(all.len(), 7, "the team writes too: {all:?}");
    // Combined with --read-only.
    let oncall = names(&self::run(&["tools", "--areas", "oncall", "--read-only"]));
    assert_eq!(oncall.len(), 4, "{oncall:?}");
    assert!(oncall.contains(&"ShiftHandoff".to_owned()));
    assert!(!oncall.contains(&"CreateScheduleOverride".to_owned()));

    let unknown = self::run(&["tools", "--areas", "incidents,nope"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("unknown area(s) in --areas: nope"),
        "{}",
        unknown.stderr
    );
    assert!(unknown.stderr.contains("escalation_policies"));
}

#[test]
fn write_tools_flag_usage() {
    // Not on `tools` (which lists everything) ...
    let run = run(&["tools", "--enable-write-tools"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // ... and not together with --read-only.
    let both = self::run(&["serve", "--enable-write-tools", "--read-only"]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
    let help = self::run(&["serve", "--help"]);
    assert_eq!(help.code, 0);
    for flag in ["--enable-write-tools", "--areas", "--sandbox"] {
        assert!(
            help.stdout.contains(flag),
            "{flag} missing from:\n{}",
            help.stdout
        );
    }
    let top = self::run(&["--help"]);
    assert!(top.stdout.contains("auth"), "{}", top.stdout);
}

#[test]
fn call_sandbox_runs_reads_and_writes_against_the_fake() {
    let list = run(&[
        "call",
        "--sandbox",
        "ListIncidents",
        "--input",
        r#"{"limit": 2, "status": "triggered"}"#,
    ]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stderr.contains("SANDBOX MODE"), "{}", list.stderr);
    assert!(list.stderr.contains("FAKE PagerDuty at http://127.0.0.1:"));
    let output: Value = serde_json::from_str(&list.stdout).unwrap();
    let incidents = output["value"]["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 2, "{output}");
    assert!(incidents.iter().all(|i| i["status"] == "triggered"));
    assert_eq!(output["value"]["more"], true);

    // `call` runs write tools without the opt-in: the operator named the tool.
    let id = incidents[0]["id"].as_str().unwrap();
    let ack = run(&[
        "call",
        "--sandbox",
        "PagerDuty.AcknowledgeIncidents",
        "--input",
        &json!({"incident_ids": [id]}).to_string(),
    ]);
    assert_eq!(ack.code, 0, "{}{}", ack.stdout, ack.stderr);
    assert!(ack.stdout.contains("acknowledged"), "{}", ack.stdout);

    // The Events API gets the sandbox's routing key.
    let event = run(&[
        "call",
        "--sandbox",
        "SendChangeEvent",
        "--input",
        r#"{"summary": "Deployed v2"}"#,
    ]);
    assert_eq!(event.code, 0, "{}{}", event.stdout, event.stderr);
}

/// `serve --sandbox` (stdio) in a child process, with no PagerDuty credentials at all.
fn serve_sandbox(extra: &[&str], calls: &[Value]) -> (Vec<Value>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"));
    cmd.args(["serve", "--sandbox"])
        .args(extra)
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars() {
        if key.starts_with("PAGERDUTY") || key.starts_with("ARCADE_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |message: Value| {
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    };
    let mut answers = Vec::new();
    let mut read_answer = |id: u64| loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "stdout closed");
        let message: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("stdout carries only JSON-RPC ({e}): {line}"));
        if message["id"] == id {
            return message;
        }
    };
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "cli-test", "version": "1"}}}),
    );
    answers.push(read_answer(1));
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}));
    answers.push(read_answer(2));
    for (i, params) in calls.iter().enumerate() {
        let id = 3 + i as u64;
        send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}));
        answers.push(read_answer(id));
    }
    drop(stdin);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    (answers, stderr)
}

fn listed(answer: &Value) -> Vec<String> {
    answer["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn serve_sandbox_over_stdio_lists_read_tools_and_calls_list_incidents() {
    let (answers, stderr) = serve_sandbox(
        &[],
        &[
            json!({"name": "PagerDuty_ListIncidents", "arguments": {"limit": 3}}),
            json!({"name": "PagerDuty_AcknowledgeIncidents", "arguments": {"incident_ids": ["PINC001"]}}),
        ],
    );
    assert!(stderr.contains("SANDBOX MODE"), "{stderr}");
    assert_eq!(answers[0]["result"]["serverInfo"]["name"], "PagerDuty");
    let tools = listed(&answers[1]);
    let read_only: Vec<String> = ALL_TOOLS
        .into_iter()
        .filter(|t| !WRITE_TOOLS.contains(t))
        .map(|t| format!("PagerDuty_{t}"))
        .collect();
    assert_eq!(tools, read_only);
    assert!(tools.contains(&"PagerDuty_ListIncidents".to_owned()));
    assert!(!tools.contains(&"PagerDuty_AcknowledgeIncidents".to_owned()));

    let result = &answers[2]["result"];
    assert_eq!(result["isError"], false, "{result}");
    let incidents = result["structuredContent"]["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 3);
    assert!(incidents[0]["id"].as_str().unwrap().starts_with("PINC"));
    // A write tool is not served without --enable-write-tools.
    assert_eq!(answers[3]["error"]["code"], -32602, "{}", answers[3]);
}

#[test]
fn serve_sandbox_with_write_tools_and_areas() {
    let (answers, _) = serve_sandbox(
        &["--enable-write-tools", "--areas", "incidents"],
        &[
            json!({"name": "PagerDuty.AcknowledgeIncidents", "arguments": {"incident_ids": ["PINC030"]}}),
        ],
    );
    let tools = listed(&answers[1]);
    let incidents = &tools_pagerduty::areas()[0];
    assert_eq!(incidents.0, "incidents");
    assert_eq!(tools.len(), incidents.1.len(), "{tools:?}");
    assert!(tools.contains(&"PagerDuty_AcknowledgeIncidents".to_owned()));
    assert!(!tools.contains(&"PagerDuty_ListTeams".to_owned()));
    let result = &answers[2]["result"];
    assert_eq!(result["isError"], false, "{result}");
}

/// The JSON-RPC message with `id` in a Streamable HTTP answer (JSON or SSE).
fn answer_with_id(body: &str, id: u64) -> Value {
    let messages: Vec<Value> = match serde_json::from_str::<Value>(body) {
        Ok(json) => vec![json],
        Err(_) => body
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str(d.trim()).ok())
            .collect(),
    };
    messages
        .into_iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no answer {id} in {body}"))
}

/// `serve http --sandbox` in a child process: over Streamable HTTP, where tools that
/// need a token are refused by default, the sandbox's tools run (its token is fake).
#[tokio::test]
async fn serve_http_sandbox_runs_tools_that_need_a_token() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tools-pagerduty"));
    cmd.args(["serve", "http", "--sandbox", "--port", "0"])
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars() {
        if key.starts_with("PAGERDUTY") || key.starts_with("ARCADE_") || key.starts_with("MCP_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RUST_LOG", "info");
    let mut child = cmd.spawn().unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = child.stderr.take().unwrap();
    let child = Kill(child);
    let url = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stderr).lines();
        loop {
            let line = lines
                .next()
                .expect("the server exited before listening")
                .unwrap();
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on ".len()..];
                let end = rest.find("/mcp").expect("a /mcp URL") + "/mcp".len();
                // Keep draining stderr so the child never blocks on a full pipe.
                std::thread::spawn(move || lines.for_each(drop));
                return rest[..end].to_owned();
            }
        }
    })
    .await
    .unwrap();

    let http = reqwest::Client::new();
    let post = |body: Value, session: Option<String>| {
        let mut request = http
            .post(&url)
            .header("accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(session) = session {
            request = request.header("mcp-session-id", session);
        }
        request.send()
    };
    let init = post(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "cli-test", "version": "1"}}}),
        None,
    )
    .await
    .unwrap();
    let session = init.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let init = answer_with_id(&init.text().await.unwrap(), 1);
    assert_eq!(init["result"]["serverInfo"]["name"], "PagerDuty", "{init}");
    let initialized = post(
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        Some(session.clone()),
    )
    .await
    .unwrap();
    assert!(
        initialized.status().is_success(),
        "{}",
        initialized.status()
    );
    let call = post(
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params":
            {"name": "PagerDuty_ListIncidents", "arguments": {"limit": 2}}}),
        Some(session),
    )
    .await
    .unwrap();
    let call = answer_with_id(&call.text().await.unwrap(), 2);
    let result = &call["result"];
    assert_eq!(result["isError"], false, "{call}");
    let incidents = result["structuredContent"]["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 2, "{result}");
    drop(child);
}

/// The `chars` column of a `tools --sizes` line, and its `no outputSchema` column.
fn size_columns(line: &str) -> (usize, usize) {
    let cols: Vec<&str> = line.split_whitespace().collect();
    (cols[1].parse().unwrap(), cols[2].parse().unwrap())
}

#[test]
fn tools_sizes_prints_what_tools_list_costs_per_tool_and_in_total() {
    let run = run(&["tools", "--sizes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("tool") && lines[0].contains("default"));
    let rows: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("PagerDuty_"))
        .collect();
    assert_eq!(rows.len(), ALL_TOOLS.len());
    // Each row is the size of the tool's `tools --format mcp` entry.
    let mcp: Vec<Value> =
        serde_json::from_str(&self::run(&["tools", "--format", "mcp"]).stdout).unwrap();
    let mut sum = 0;
    for (row, tool) in rows.iter().zip(&mcp) {
        let (with, bare) = size_columns(row);
        assert!(row.starts_with(tool["name"].as_str().unwrap()), "{row}");
        assert_eq!(with, tool.to_string().len(), "{row}");
        assert!(bare < with, "{row}");
        assert_eq!(
            row.ends_with("yes"),
            tool["annotations"]["readOnlyHint"] == true
        );
        sum += with;
    }
    let default = lines
        .iter()
        .find(|l| l.starts_with("tools/list (default, 45 tools): "))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    let all = lines
        .iter()
        .find(|l| l.starts_with("tools/list (all, 90 tools): "))
        .unwrap();
    let total: usize = all["tools/list (all, 90 tools): ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // `{"tools":[` + the entries + the commas + `]}`.
    assert_eq!(total, sum + 89 + 12);
    // At or below PagerDuty's own server (about 3,800 characters a tool).
    assert!(total / 90 <= 3_800, "{all}");
    assert!(default.contains("without output schemas"));
    assert!(lines.last().unwrap().starts_with("largest: PagerDuty_"));

    let narrowed = self::run(&["tools", "--sizes", "--areas", "status_pages"]);
    assert!(
        narrowed.stdout.contains("tools/list (all, 6 tools)"),
        "{}",
        narrowed.stdout
    );
}

#[test]
fn serve_without_output_schemas_lists_none_and_still_answers_structured() {
    let (answers, _) = serve_sandbox(
        &["--no-output-schemas"],
        &[json!({"name": "PagerDuty_ListStatusPages", "arguments": {}})],
    );
    let tools = answers[1]["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 45);
    assert!(tools.iter().all(|t| t.get("outputSchema").is_none()));
    let result = &answers[2]["result"];
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(
        result["structuredContent"]["status_pages"][0]["id"],
        "PSTP001"
    );

    let (answers, _) = serve_sandbox(&[], &[]);
    let tools = answers[1]["result"]["tools"].as_array().unwrap();
    assert!(tools.iter().all(|t| t.get("outputSchema").is_some()));
}
