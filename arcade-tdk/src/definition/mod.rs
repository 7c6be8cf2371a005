//! A tool's definition in every format a client reads: Arcade's
//! [`ToolDefinition`], MCP's `tools/list` entry ([`mcp`]),
//! OpenAI's strict function tools and Anthropic's tools ([`llm`]). All derive from one [`ToolSpec`](crate::ToolSpec).

mod arcade;
pub mod llm;
pub mod mcp;

pub use arcade::{
    InputParameter, ToolDefinition, ToolInput, ToolOutput, ToolkitDefinition, ValueSchema,
};

/// The formats `tools --format` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Arcade's `ToolDefinition` (what `GET /worker/tools` returns).
    Arcade,
    /// MCP `tools/list` entries.
    Mcp,
    /// OpenAI function tools in strict mode.
    Openai,
    /// Anthropic tools.
    Anthropic,
}

/// Removes `null` members from objects, recursively (pydantic's `exclude_none`).
pub(crate) fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
