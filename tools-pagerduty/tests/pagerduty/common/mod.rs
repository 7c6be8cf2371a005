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
