//! Commands a toolkit adds to its command line ([`Cli::subcommand`](super::Cli::subcommand)).

use std::io::Write;
use std::sync::Arc;

use super::output::{CliError, CliResult};

/// What runs an extra command: its matches and the command line's stdout.
pub(super) type Run =
    Arc<dyn Fn(&clap::ArgMatches, &mut dyn Write) -> Result<(), String> + Send + Sync>;

/// A command of the toolkit's own, beside `tools`, `serve`, `worker`, `call` and `auth`.
#[derive(Clone)]
pub(super) struct ExtraCommand {
    pub(super) command: clap::Command,
    pub(super) run: Run,
}

impl ExtraCommand {
    /// Runs the command; its `Err` is printed like any command's error (exit code 1).
    pub(super) fn run(&self, matches: &clap::ArgMatches, out: &mut dyn Write) -> CliResult {
        (self.run)(matches, out).map_err(CliError::failure)
    }
}

/// The extra command `matches` chose, with its own matches.
pub(super) fn chosen<'a>(
    commands: &'a [ExtraCommand],
    matches: &'a clap::ArgMatches,
) -> Option<(&'a ExtraCommand, &'a clap::ArgMatches)> {
    let (name, sub) = matches.subcommand()?;
    commands
        .iter()
        .find(|c| c.command.get_name() == name)
        .map(|c| (c, sub))
}
