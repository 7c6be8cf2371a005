//! `tools`: the definitions, as a pretty JSON array, in the format asked for; or with
//! `--sizes` what their MCP `tools/list` costs a model.

use serde_json::Value;

use super::args::ToolsArgs;
use super::builder::{Cli, Extras};
use super::output::{CliError, CliResult, Output};
use crate::catalog::Catalog;
use crate::definition::{self, Format};

pub(super) fn run(cli: &Cli, args: ToolsArgs, extras: &Extras, io: &mut Output<'_>) -> CliResult {
    let catalog = cli.catalog(&args.filter, extras, false)?;
    if args.sizes {
        let default = cli.catalog(&args.filter, extras, true)?;
        return write_sizes(&catalog, &default, io);
    }
    let entries = catalog.entries();
    let items: Vec<Value> = match args.format {
        Format::Arcade => entries
            .iter()
            .map(|e| serde_json::to_value(e.definition()).unwrap_or(Value::Null))
            .collect(),
        Format::Mcp => entries.iter().map(definition::mcp::tool).collect(),
        Format::Openai => entries.iter().map(definition::llm::openai).collect(),
        Format::Anthropic => entries.iter().map(definition::llm::anthropic).collect(),
    };
    io.json(&Value::Array(items), true)
}

/// The characters of a tool's MCP entry as compact JSON: with its output schema, and
/// without it.
fn entry_sizes(tool: &Value) -> (usize, usize) {
    let with = tool.to_string().len();
    let mut bare = tool.clone();
    if let Some(obj) = bare.as_object_mut() {
        obj.remove("outputSchema");
    }
    (with, bare.to_string().len())
}

/// The characters of `{"tools": [...]}` for `catalog`: with and without output schemas.
fn list_sizes(catalog: &Catalog) -> (usize, usize) {
    let tools: Vec<Value> = catalog
        .entries()
        .iter()
        .map(definition::mcp::tool)
        .collect();
    let bare: Vec<Value> = tools
        .iter()
        .cloned()
        .map(|mut t| {
            if let Some(obj) = t.as_object_mut() {
                obj.remove("outputSchema");
            }
            t
        })
        .collect();
    (
        serde_json::json!({ "tools": tools }).to_string().len(),
        serde_json::json!({ "tools": bare }).to_string().len(),
    )
}

/// One line per tool (MCP name, characters with and without the output schema, whether
/// `serve` offers it by default), then the totals.
fn write_sizes(all: &Catalog, default: &Catalog, io: &mut Output<'_>) -> CliResult {
    let mut text = String::new();
    let width = all
        .entries()
        .iter()
        .map(|e| e.mcp_name().len())
        .max()
        .unwrap_or(4)
        .max(4);
    text.push_str(&format!(
        "{:<width$}  {:>7}  {:>17}  default\n",
        "tool", "chars", "no outputSchema"
    ));
    let mut largest = ("", 0);
    for entry in all.entries() {
        let (with, bare) = entry_sizes(&definition::mcp::tool(entry));
        if with > largest.1 {
            largest = (entry.mcp_name(), with);
        }
        let offered = default
            .entries()
            .iter()
            .any(|d| d.fully_qualified_name() == entry.fully_qualified_name());
        text.push_str(&format!(
            "{:<width$}  {with:>7}  {bare:>17}  {}\n",
            entry.mcp_name(),
            if offered { "yes" } else { "no" }
        ));
    }
    for (label, catalog) in [("default", default), ("all", all)] {
        let (with, bare) = list_sizes(catalog);
        let n = catalog.len().max(1);
        text.push_str(&format!(
            "tools/list ({label}, {} tools): {with} chars ({} per tool); without output schemas: {bare} chars ({} per tool)\n",
            catalog.len(),
            with / n,
            bare / n,
        ));
    }
    text.push_str(&format!("largest: {} ({} chars)\n", largest.0, largest.1));
    match io.out.write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(_) => Err(CliError::silent_failure()),
    }
}
