//! Shared test helpers: call a tool through the executor, the way a server does, or
//! through the TDK's test harness (the whole pipeline, as the MCP servers run it).
#![allow(dead_code)]

use arcade_tdk::testing::Harness;
use arcade_tdk::{Catalog, ToolContext, executor};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

/// The catalog of every tool.
pub fn catalog() -> Catalog {
    Catalog::new(tools_pagerduty::toolkit()).expect("a valid toolkit")
}

/// Calls `PagerDuty.<tool>` with JSON `args` and returns the ToolCallOutput as JSON.
pub async fn call_with(tool: &str, args: Value, context: ToolContext) -> Value {
    let catalog = catalog();
    let entry = catalog
        .get(&format!("PagerDuty.{tool}"))
        .unwrap_or_else(|| panic!("no tool {tool}"));
    let args = args.as_object().cloned().unwrap_or_default();
    let output = executor::execute(entry, args, context).await.into_output();
    serde_json::to_value(output).expect("serializable output")
}

/// A harness over every tool, with an OAuth token, pointed at `sandbox`.
pub fn harness(sandbox: &Sandbox) -> Harness {
    Harness::new(tools_pagerduty::toolkit())
        .token("tok")
        .metadata("PAGERDUTY_BASE_URL", sandbox.base_url())
        .metadata("PAGERDUTY_EVENTS_URL", sandbox.events_url())
}

/// Calls a tool with an OAuth token against the sandbox; panics on a tool error.
pub async fn call(sandbox: &Sandbox, tool: &str, args: Value) -> Value {
    harness(sandbox).call(tool, args).await.value()
}

/// Calls a tool and returns its error (panics on success).
pub async fn call_err(tool: &str, args: Value, context: ToolContext) -> Value {
    let out = call_with(tool, args, context).await;
    assert!(
        !out["error"].is_null(),
        "{tool} unexpectedly succeeded: {out}"
    );
    out["error"].clone()
}

/// The IDs of a list of objects.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// An empty argument object.
pub fn none() -> Value {
    json!({})
}

/// A time in UTC, to the second (`2026-01-02T03:04:05Z`), as PagerDuty writes it.
pub fn utc(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The UTC time `hours` from now.
pub fn utc_in(hours: i64) -> String {
    utc(time::OffsetDateTime::now_utc() + time::Duration::hours(hours))
}

/// Midnight UTC `days` days from today, plus `hours`.
pub fn midnight_in(days: i64, hours: i64) -> String {
    let today = time::OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT);
    utc(today + time::Duration::days(days) + time::Duration::hours(hours))
}
