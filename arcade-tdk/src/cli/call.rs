//! `call`: one tool, run locally through the [pipeline](crate::serve::pipeline) with the
//! secrets and tokens of the environment, its `ToolCallOutput` printed as JSON.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::args::CallArgs;
use super::builder::{Cli, Extras};
use super::output::{CliError, CliResult, Output};
use super::{runtime, select};
use crate::catalog::ToolFilter;
use crate::serve::pipeline::Pipeline;

pub(super) fn run(cli: &mut Cli, args: CallArgs, extras: Extras, io: &mut Output<'_>) -> CliResult {
    let mut catalog = cli.full_catalog()?;
    catalog.retain(&ToolFilter::from_env());
    let catalog = Arc::new(catalog);
    let entry = select::find(&catalog, &args.tool)?;
    let input = parse_input(&args.input).map_err(CliError::usage)?;
    let rt = runtime::build(false)?;
    let mut environment = cli.take_environment();
    if let Some(user_id) = args.user_id {
        environment = environment.with_user_id(user_id);
    }
    let output = rt.block_on(async {
        let setup = cli.setup("call", &extras, environment, io).await?;
        let pipeline = Pipeline::new(Arc::new(setup.environment)).serving(catalog.clone());
        let outcome = pipeline.call(entry, input, |_| None).await;
        Ok::<_, CliError>(outcome.into_output())
    })?;
    io.json(&output, io.out_is_terminal)?;
    match output.error {
        Some(_) => Err(CliError::silent_failure()),
        None => Ok(()),
    }
}

/// Parses `--input` (or stdin for `-`) as a JSON object.
fn parse_input(input: &str) -> Result<Map<String, Value>, String> {
    use std::io::Read;

    let text = if input == "-" {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .map_err(|e| format!("could not read --input from stdin: {e}"))?;
        buf
    } else {
        input.to_owned()
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(Map::new()),
        // The kind of value only: the value itself may be large, or a secret.
        Ok(other) => Err(format!(
            "--input must be a JSON object of arguments, e.g. '{{\"text\": \"hi\"}}'; got {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "a boolean",
            }
        )),
        Err(e) => Err(format!("--input is not valid JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_input;

    #[test]
    fn input_must_be_an_object() {
        assert!(parse_input("{\"a\": 1}").is_ok());
        assert!(parse_input("").unwrap().is_empty());
        assert!(parse_input("[1]").is_err());
        assert!(parse_input("{nope").is_err());
    }
}
