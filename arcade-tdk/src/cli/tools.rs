//! `tools`: the definitions, as a pretty JSON array, in the format asked for.

use serde_json::Value;

use super::args::ToolsArgs;
use super::builder::{Cli, Extras};
use super::output::{CliResult, Output};
use crate::definition::{self, Format};

pub(super) fn run(cli: &Cli, args: ToolsArgs, extras: &Extras, io: &mut Output<'_>) -> CliResult {
    let catalog = cli.catalog(&args.filter, extras, false)?;
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
