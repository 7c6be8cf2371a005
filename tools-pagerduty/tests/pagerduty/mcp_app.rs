//! The incident timeline MCP App in a real headless Chromium: a small host page
//! speaks the MCP Apps `postMessage` protocol to the app (answers `ui/initialize`,
//! then delivers `ui/notifications/tool-input` and `ui/notifications/tool-result` with
//! a real `tools/call` result of `IncidentBriefing` from the sandbox) and copies the
//! text a person sees in the app into its own DOM, which `--dump-dom` prints.
//! The screenshot is kept at `<target>/mcp-app/timeline.png`.
//!
//! Needs Chromium (`CHROMIUM`, else `chromium` on the PATH): run it with
//! `scripts/mcp-app-check.sh`, which installs it when missing.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

use crate::common::harness;

/// The host page: the app in a sandboxed iframe, and the host side of the protocol.
fn host_page(app_html: &str, arguments: &Value, result: &Value) -> String {
    // JSON in a <script>: `</` must not end the element.
    let js = |v: &Value| v.to_string().replace("</", "<\\/");
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>MCP Apps test host</title>
<style>body{{margin:0;font:12px monospace}} iframe{{border:0;width:1180px;height:860px;display:block}} #seen{{display:none}}</style>
</head><body>
<iframe id="app" sandbox="allow-scripts allow-same-origin"></iframe>
<pre id="seen"></pre>
<pre id="log"></pre>
<script>
var APP = {app};
var ARGS = {args};
var RESULT = {result};
var frame = document.getElementById("app");
var log = document.getElementById("log");
function toApp(m) {{ frame.contentWindow.postMessage(m, "*"); }}
window.addEventListener("message", function (e) {{
  if (e.source !== frame.contentWindow) return;
  var m = e.data;
  log.textContent += "app: " + m.method + "\n";
  if (m.method === "ui/initialize") {{
    toApp({{ jsonrpc: "2.0", id: m.id, result: {{
      protocolVersion: m.params.protocolVersion,
      hostInfo: {{ name: "arcade-tdk-test-host", version: "1.0.0" }},
      hostCapabilities: {{}},
      hostContext: {{ theme: "light", displayMode: "inline" }}
    }} }});
  }} else if (m.method === "ui/notifications/initialized") {{
    toApp({{ jsonrpc: "2.0", method: "ui/notifications/tool-input", params: {{ arguments: ARGS }} }});
    toApp({{ jsonrpc: "2.0", method: "ui/notifications/tool-result", params: RESULT }});
    var tries = 0;
    (function copy() {{
      var doc = frame.contentDocument;
      if (doc && doc.body && doc.body.getAttribute("data-rendered") === "true") {{
        document.getElementById("seen").textContent = doc.body.innerText;
        document.body.setAttribute("data-done", "true");
      }} else if (tries++ < 100) {{ setTimeout(copy, 20); }}
    }})();
  }}
}});
frame.srcdoc = APP;
</script></body></html>"#,
        app = js(&Value::String(app_html.to_owned())),
        args = js(arguments),
        result = js(result),
    )
}

fn out_dir() -> PathBuf {
    // `<target>/tmp` is CARGO_TARGET_TMPDIR: the artifacts go beside it.
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("mcp-app")
}

fn chromium(args: &[String]) -> std::process::Output {
    let bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let mut cmd = Command::new(&bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--allow-file-access-from-files",
        "--window-size=1200,900",
        "--virtual-time-budget=10000",
    ]);
    cmd.args(args);
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {bin} ({e}); run scripts/mcp-app-check.sh"))
}

/// The text of `<pre id="seen">` in the dumped DOM, HTML entities decoded.
fn seen_text(dom: &str) -> String {
    let start = dom
        .find("<pre id=\"seen\">")
        .map(|i| i + "<pre id=\"seen\">".len());
    let text = start
        .and_then(|s| dom[s..].find("</pre>").map(|e| &dom[s..s + e]))
        .unwrap_or_default();
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
#[ignore = "needs Chromium: run scripts/mcp-app-check.sh"]
async fn the_timeline_app_renders_a_real_briefing_in_chromium() {
    let sb = Sandbox::start().await;
    let client = harness(&sb).mcp().await;
    let tools = client.list_tools().await.unwrap();
    let briefing = tools
        .iter()
        .find(|t| t["name"] == "PagerDuty_IncidentBriefing")
        .unwrap();
    let uri = briefing["_meta"]["ui"]["resourceUri"].as_str().unwrap();
    let page = client.read_resource(uri).await.unwrap();
    let app_html = page["contents"][0]["text"].as_str().unwrap().to_owned();
    let arguments = json!({"incident_id": "PINC020"});
    let result = client
        .call_tool("PagerDuty_IncidentBriefing", arguments.clone())
        .await
        .unwrap();
    assert!(!result.is_error(), "{:?}", result.0);
    let b = result.structured().clone();

    let dir = out_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let host = dir.join("host.html");
    std::fs::write(&host, host_page(&app_html, &arguments, &result.0)).unwrap();
    let url = format!("file://{}", host.display());

    let dump = chromium(&["--dump-dom".into(), url.clone()]);
    let dom = String::from_utf8_lossy(&dump.stdout).into_owned();
    std::fs::write(dir.join("host-dom.html"), &dom).unwrap();
    assert!(
        dom.contains("data-done=\"true\""),
        "the app did not render (stderr: {})\n{dom}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let seen = seen_text(&dom);
    std::fs::write(dir.join("seen.txt"), &seen).unwrap();

    // What a person sees: the title, the timeline, who is on call.
    let title = b["incident"]["title"].as_str().unwrap();
    assert!(seen.contains(title), "title {title:?} not in:\n{seen}");
    assert!(!seen.contains("Waiting for the incident briefing"));
    let timeline = b["timeline"].as_array().unwrap();
    assert!(timeline.len() >= 2);
    let summaries: Vec<&str> = timeline
        .iter()
        .filter_map(|e| e["summary"].as_str())
        .collect();
    assert!(!summaries.is_empty());
    for summary in summaries {
        assert!(
            seen.contains(summary),
            "timeline entry {summary:?} not in:\n{seen}"
        );
    }
    let mut on_call = Vec::new();
    for policy in b["on_call"].as_array().unwrap() {
        for level in policy["levels"].as_array().unwrap() {
            for r in level["responders"].as_array().unwrap() {
                on_call.push(r["user"]["name"].as_str().unwrap().to_owned());
            }
        }
    }
    assert!(!on_call.is_empty(), "{b}");
    for name in &on_call {
        assert!(
            seen.contains(name.as_str()),
            "on-call {name:?} not in:\n{seen}"
        );
    }
    for note in b["notes"].as_array().unwrap() {
        assert!(seen.contains(note["content"].as_str().unwrap()));
    }

    let png = dir.join("timeline.png");
    let _ = std::fs::remove_file(&png);
    let shot = chromium(&[format!("--screenshot={}", png.display()), url]);
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "no screenshot ({size} bytes; stderr: {})",
        String::from_utf8_lossy(&shot.stderr)
    );
    println!("MCP App screenshot: {}", png.display());
    println!("MCP App text: {}", dir.join("seen.txt").display());
}
