//! MCP's `tools/list` entry for a tool, as Arcade's MCP server emits it: name
//! `Toolkit_Tool`, `title`, annotations from the behaviour metadata, and
//! `_meta.arcade` with the requirements and metadata, and `execution.taskSupport` for
//! tools that may run as tasks.

use serde_json::{Map, Value, json};

use crate::catalog::CatalogEntry;

/// The MCP tool object for a catalog entry.
pub fn tool(entry: &CatalogEntry) -> Value {
    let spec = entry.tool().spec();
    let mut out = Map::new();
    out.insert("name".into(), json!(entry.mcp_name()));
    let description = match spec.deprecation_message() {
        Some(msg) => format!("[DEPRECATED: {msg}] {}", spec.description()),
        None => spec.description().to_owned(),
    };
    out.insert("description".into(), json!(description));
    out.insert("inputSchema".into(), entry.mcp_input_schema().clone());
    if let Some(schema) = spec.output_schema() {
        out.insert("outputSchema".into(), schema.clone());
    }
    let mut annotations = Map::new();
    annotations.insert("title".into(), json!(spec.name()));
    if let Some(b) = spec.metadata().and_then(|m| m.behavior.as_ref()) {
        for (key, value) in [
            ("readOnlyHint", b.read_only),
            ("destructiveHint", b.destructive),
            ("idempotentHint", b.idempotent),
            ("openWorldHint", b.open_world),
        ] {
            if let Some(v) = value {
                annotations.insert(key.into(), json!(v));
            }
        }
    }
    out.insert("annotations".into(), Value::Object(annotations));
    out.insert("title".into(), json!(spec.name()));
    if spec.task_support().allows_task() {
        out.insert(
            "execution".into(),
            json!({ "taskSupport": spec.task_support().as_str() }),
        );
    }
    let mut meta = entry
        .ui_resource()
        .map(crate::app::mcp_meta)
        .unwrap_or_default();
    if let Some(arcade) = arcade_meta(entry) {
        meta.insert("arcade".into(), arcade);
    }
    if !meta.is_empty() {
        out.insert("_meta".into(), Value::Object(meta));
    }
    Value::Object(out)
}

/// `_meta.arcade`: requirements and metadata with nulls left out; `None` when empty.
pub fn arcade_meta(entry: &CatalogEntry) -> Option<Value> {
    let spec = entry.tool().spec();
    let mut meta = Map::new();
    if !spec.requirements().is_empty() {
        let mut req = serde_json::to_value(spec.requirements()).unwrap_or_default();
        super::drop_nulls(&mut req);
        meta.insert("requirements".into(), req);
    }
    if let Some(m) = spec.metadata().filter(|m| !m.is_empty()) {
        let mut m = serde_json::to_value(m).unwrap_or_default();
        super::drop_nulls(&mut m);
        meta.insert("metadata".into(), m);
    }
    (!meta.is_empty()).then_some(Value::Object(meta))
}
