//! The standard command line of a toolkit binary.
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     arcade_tdk::cli::run(arcade_tdk::toolkit!()) // plus `.tool(...)` for each tool
//! }
//! ```
//!
//! Commands:
//!
//! * `tools [--format arcade|mcp|openai|anthropic]`: print the tool definitions as a
//!   pretty JSON array (Arcade's `ToolDefinition`s by default).
//! * `serve [stdio|http] [--host 127.0.0.1] [--port 8000]`: serve the toolkit over MCP.
//!   Over HTTP the endpoint is `/mcp`; when `ARCADE_WORKER_SECRET` is set, Arcade's
//!   worker routes (`/worker/...`) are served on the same port, as Arcade's Python
//!   server does.
//! * `worker [--host 127.0.0.1] [--port 8002]`: serve Arcade's worker protocol (needs
//!   `ARCADE_WORKER_SECRET`).
//! * `call TOOL [--input JSON]`: run one tool locally, with the secrets and tokens of
//!   the environment (and `.env`), and print Arcade's `ToolCallOutput`: pretty on a
//!   terminal, compact JSON otherwise.
//!
//! * `configure claude-desktop|claude-code|cursor|vscode|codex [--transport stdio|http]
//!   [--url URL] [--name NAME] [--write [--config-file PATH]] [--include-secret-values]
//!   [-- SERVE_ARGS...]`: print the client's configuration entry for this binary (its
//!   absolute path, `serve stdio` or the `--url` of a running `serve http`, and the
//!   names of the variables the tools need: secrets and `{PROVIDER}_ACCESS_TOKEN` /
//!   `{PROVIDER}_API_KEY`), or merge it into the client's configuration file with
//!   `--write`. See [`configure`](self#configure).
//! * `configure registry --name NAME`: print the MCP registry's `server.json` for this
//!   toolkit. See [`configure`](self#configure).
//!
//! * `auth login|status|logout [PROVIDER]` (feature `oauth`, on by default): log in
//!   with your own OAuth app (`{PROVIDER}_OAUTH_CLIENT_ID`, ...; see
//!   [`token::oauth`](crate::token::oauth)), show where the provider's token would come
//!   from (environment and `.env`, cached login, Arcade Engine), or remove the cached
//!   login. The provider defaults to the one the toolkit's tools require, when there is
//!   one. Variables are looked up where `serve` looks: the environment, then `.env`.
//!
//! `serve` and `call` take their tokens from
//! [`LocalEnvironment::from_env`](crate::serve::local::LocalEnvironment::from_env): the
//! environment, then the cached OAuth login, then the Arcade Engine when
//! `ARCADE_API_KEY` is set. A tool that fails with `UPSTREAM_RUNTIME_AUTH_ERROR` makes
//! the sources forget the token, so the next call gets a fresh one.
//!
//! A toolkit adds its own options with [`Cli`]: an opt-in flag for write tools, named
//! areas (`--areas`), extra flags and a hook run before tools are served.
//!
//! `tools`, `serve` and `worker` take `--tools A,B`, `--exclude-tools C` and
//! `--read-only` to narrow the catalog; `ARCADE_DISABLED_TOOLS` and
//! `ARCADE_DISABLED_TOOLKITS` always apply.
//!
//! Logs go to stderr only (stdout carries nothing but the command's output, and the MCP
//! protocol under `serve stdio`). Their level is `--log-level`, else `RUST_LOG`, else
//! `info` for the servers and `warn` for `tools` and `call`.
//!
//! # Configure
//!
//! `configure CLIENT` connects an MCP client to the binary it runs in. The entry names
//! the binary by its absolute path (`std::env::current_exe`) with `serve stdio` (plus
//! what follows `--`), or, with `--transport http`, the `--url` of a running
//! `serve http` (default `http://127.0.0.1:8000/mcp`). Its environment lists the
//! variables the tools need, by name: `{PROVIDER}_ACCESS_TOKEN` and `{PROVIDER}_API_KEY`
//! for each OAuth provider (one is enough; an empty one is ignored) and each declared
//! secret. Their values are copied from the environment (and `.env`) only with
//! `--include-secret-values`; otherwise the entry refers to the client's own
//! environment where the client can.
//!
//! | client | file (`--write`) | format |
//! |---|---|---|
//! | `claude-desktop` | `claude_desktop_config.json` in `Claude/` of the user's config directory (`~/Library/Application Support`, `%APPDATA%`, `~/.config`) | `mcpServers.NAME`: `command`, `args`, `env` (values left empty: Claude Desktop expands no variables); stdio only (remote servers are Connectors, added in its settings) |
//! | `claude-code` | `.mcp.json` in the current directory (the project's) | `mcpServers.NAME`: `type` `stdio` with `env` values `${VAR:-}`, or `type` `http` with `url` |
//! | `cursor` | `~/.cursor/mcp.json` | `mcpServers.NAME`: `command`, `args`, `env` values `${env:VAR}`, or `url` |
//! | `vscode` | `.vscode/mcp.json` in the current directory (the workspace's) | `servers.NAME`: `type` `stdio` with `env` values `${env:VAR}`, or `type` `http` with `url` |
//! | `codex` | `$CODEX_HOME/config.toml`, else `~/.codex/config.toml` | `[mcp_servers.NAME]`: `command`, `args`, `env_vars` (names Codex forwards from its environment) or `env` (values), or `url` |
//!
//! Without `--write` the entry is printed on stdout (as the file would hold it with
//! only this server) and where it goes on stderr. `--write` merges it into the file
//! (`--config-file PATH` names another): the file and its folders are created if absent;
//! otherwise the previous file is copied to `FILE.bak-YYYYMMDDTHHMMSSZ` first, the other
//! servers and settings are kept (and Codex's comments and layout), an entry of the same
//! `--name` (default: the toolkit's name, lower-cased) is replaced, and the new file
//! replaces the old one in one rename. A file that is not valid JSON (TOML for Codex),
//! or whose servers are not an object, is refused with exit code 1 and left as it is. A
//! new file that holds secret values is readable by its owner only (Unix).
//!
//! `configure registry --name io.github.OWNER/NAME` prints the MCP registry's
//! `server.json` for the toolkit (schema
//! `https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json`): the
//! toolkit's version and description (at most 100 characters, else `--description`), a
//! crates.io package (`registryType` `cargo`, `--package` default: the binary's name)
//! started with `serve stdio`, the variables above as secret inputs, and optionally
//! `--title`, `--repository`, `--website` and `--remote URL` (a hosted Streamable HTTP
//! endpoint). The official registry's `mcp-publisher` verifies npm, PyPI, NuGet, OCI
//! and MCPB packages only: publishing there also needs one of those or a remote.
//!
//! # Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (including `--help` and `--version`) |
//! | 1 | the tool returned an error (`call`), a server or the toolkit failed at run time (a port already in use, duplicate tool names), a login failed, or `auth status` found no token source |
//! | 2 | a usage error: bad arguments, an unknown tool, invalid `--input`, a missing `ARCADE_WORKER_SECRET`, or a command this build does not include |

mod args;
#[cfg(feature = "oauth")]
mod auth;
mod builder;
#[cfg(any(feature = "mcp", feature = "worker"))]
mod call;
mod configure;
mod extra;
mod logging;
mod output;
mod replicas;
#[cfg(any(feature = "mcp", feature = "worker", feature = "oauth"))]
mod runtime;
mod select;
#[cfg(feature = "mcp")]
mod serve;
mod tools;
#[cfg(feature = "worker")]
mod worker;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::toolkit::Toolkit;

pub use builder::{Cli, Setup};
/// The `clap` this crate uses, for [`Cli::subcommand`].
pub use clap;
pub use logging::install_panic_hook;

use args::{CliArgs, Command};
use output::{CliResult, EXIT_OK, EXIT_USAGE, Output};

/// Runs the standard command line for `toolkit` with the process arguments. See the
/// [module docs](self) for the commands and exit codes. [`Cli`] adds toolkit-specific
/// options.
pub fn run(toolkit: Toolkit) -> ExitCode {
    Cli::new(toolkit).run()
}

/// Runs the command line with `args` (the first being the program name), writing to the
/// process's stdout and stderr.
pub fn run_with<I, T>(toolkit: Toolkit, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::new(toolkit).run_with(args)
}

/// Runs the command line with `args` (the first being the program name), writing the
/// command's output to `stdout` and its error messages to `stderr` (neither treated as a
/// terminal), and returns the exit code as a number. For tests and embedding: logs
/// still go to the process's stderr.
pub fn run_with_output<I, T>(
    toolkit: Toolkit,
    args: I,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::new(toolkit).run_with_output(args, stdout, stderr)
}

impl Cli {
    /// Parses `args`, runs the command and prints its error, if any, in one place.
    #[cfg_attr(not(any(feature = "mcp", feature = "worker")), allow(unused_mut))]
    fn dispatch<I, T>(mut self, args: I, mut io: Output<'_>) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let parsed = self.command().try_get_matches_from(args).and_then(|m| {
            // An extra command is not one of `CliArgs`' own.
            if extra::chosen(&self.extra_commands, &m).is_some() {
                return Ok((None, m));
            }
            let cli = CliArgs::from_arg_matches(&m)?;
            Ok((Some(cli), m))
        });
        let (cli, matches) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                let text = if (e.use_stderr() && io.err_is_terminal)
                    || (!e.use_stderr() && io.out_is_terminal)
                {
                    e.render().ansi().to_string()
                } else {
                    e.render().to_string()
                };
                let sink = if e.use_stderr() {
                    &mut *io.err
                } else {
                    &mut *io.out
                };
                let _ = sink.write_all(text.as_bytes());
                let _ = sink.flush();
                return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            }
        };
        if let Some((extra, sub)) = extra::chosen(&self.extra_commands, &matches) {
            let level = matches
                .try_get_one::<String>("log_level")
                .ok()
                .flatten()
                .map(String::as_str);
            logging::init(level, "info", io.err_is_terminal);
            let result = extra.run(sub, &mut *io.out);
            return io.finish(result);
        }
        let Some(cli) = cli else {
            return io.finish(Err(output::CliError::usage("no command given")));
        };
        let extras = match matches.subcommand() {
            Some((_, sub)) => self.extras(sub),
            None => builder::Extras::default(),
        };
        let default_level = match cli.command {
            Command::Serve(_) | Command::Worker(_) => "info",
            Command::Tools(_) | Command::Call(_) | Command::Auth(_) | Command::Configure(_) => {
                "warn"
            }
        };
        logging::init(cli.log_level.as_deref(), default_level, io.err_is_terminal);

        let result: CliResult = match cli.command {
            Command::Tools(args) => tools::run(&self, args, &extras, &mut io),
            #[cfg(feature = "mcp")]
            Command::Serve(args) => serve::run(&mut self, args, extras, &mut io),
            #[cfg(not(feature = "mcp"))]
            Command::Serve(_) => Err(output::CliError::usage(
                "`serve` is not available: this build of arcade-tdk lacks the `mcp` feature",
            )),
            #[cfg(feature = "worker")]
            Command::Worker(args) => worker::run(&self, args, &extras),
            #[cfg(not(feature = "worker"))]
            Command::Worker(_) => Err(output::CliError::usage(
                "`worker` is not available: this build of arcade-tdk lacks the `worker` feature",
            )),
            #[cfg(any(feature = "mcp", feature = "worker"))]
            Command::Call(args) => call::run(&mut self, args, extras, &mut io),
            #[cfg(not(any(feature = "mcp", feature = "worker")))]
            Command::Call(_) => Err(output::CliError::usage(
                "`call` is not available: this build of arcade-tdk has neither the `mcp` nor the `worker` feature",
            )),
            Command::Configure(args) => configure::run(&mut self, args, &mut io),
            #[cfg(feature = "oauth")]
            Command::Auth(args) => auth::run(&mut self, args, &mut io),
            #[cfg(not(feature = "oauth"))]
            Command::Auth(_) => Err(output::CliError::usage(
                "`auth` is not available: this build of arcade-tdk lacks the `oauth` feature",
            )),
        };
        io.finish(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolkit::Toolkit;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        CliArgs::command().debug_assert();
        args::command(&Toolkit::new("Bare")).debug_assert();
        Cli::new(Toolkit::new("Extra"))
            .write_tools_opt_in("--enable-write-tools")
            .areas([("a", ["X"])])
            .flag("--sandbox", "Sandbox.")
            .subcommand(clap::Command::new("own").about("Own."), |_, _| Ok(()))
            .command()
            .debug_assert();
        args::command(
            &Toolkit::new("Full")
                .version("1.2.3")
                .description("Full kit"),
        )
        .debug_assert();
    }
}
