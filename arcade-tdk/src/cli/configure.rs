//! `configure CLIENT`: the entry that connects an MCP client to this binary, printed or
//! merged into the client's configuration file; `configure registry`: the MCP
//! registry's `server.json`.

mod clients;
mod registry;
mod write;

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::args::Transport;
use super::builder::Cli;
use super::output::{CliError, CliResult, Output};
use crate::serve::local::RESERVED_SECRETS;
use crate::toolkit::Toolkit;

pub(super) use clients::Client;

/// `configure`'s target.
#[derive(Debug, Args)]
pub(crate) struct ConfigureArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, Subcommand)]
enum Target {
    /// Claude Desktop: claude_desktop_config.json ("mcpServers"), in Claude's folder of
    /// the user's config directory.
    ClaudeDesktop(ClientArgs),
    /// Claude Code: the project's .mcp.json ("mcpServers"), in the current directory.
    ClaudeCode(ClientArgs),
    /// Cursor: ~/.cursor/mcp.json ("mcpServers").
    Cursor(ClientArgs),
    /// VS Code: the workspace's .vscode/mcp.json ("servers"), in the current directory.
    #[command(alias = "vs-code")]
    Vscode(ClientArgs),
    /// OpenAI Codex: ~/.codex/config.toml ([mcp_servers.NAME]; $CODEX_HOME overrides
    /// the folder).
    Codex(ClientArgs),
    /// Print the MCP registry's server.json for this toolkit (redirect it to a file).
    Registry(registry::RegistryArgs),
}

/// The options every client shares.
#[derive(Debug, Args)]
struct ClientArgs {
    /// How the client reaches the server: it starts `serve stdio` itself, or connects to
    /// a running `serve http`.
    #[arg(long, value_enum, default_value = "stdio")]
    transport: Transport,
    /// The URL of the running server (with --transport http).
    #[arg(long, value_name = "URL", default_value = DEFAULT_URL)]
    url: String,
    /// The server's name in the client's configuration [default: the toolkit's name,
    /// lower-cased].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Merge the entry into the client's configuration file: the file is created if
    /// absent, a timestamped backup of it is kept, the other servers stay as they are.
    #[arg(long)]
    write: bool,
    /// The configuration file --write changes, instead of the client's own.
    #[arg(long, value_name = "PATH", requires = "write")]
    config_file: Option<PathBuf>,
    /// Copy the values of the secrets and tokens from this environment (and .env) into
    /// the entry. Without it only their names appear.
    #[arg(long)]
    include_secret_values: bool,
    /// Arguments for `serve`, after `--` (e.g. `-- --enable-write-tools`).
    #[arg(last = true, value_name = "SERVE_ARGS")]
    serve_args: Vec<String>,
}

/// Where `serve http` listens by default.
const DEFAULT_URL: &str = "http://127.0.0.1:8000/mcp";

/// A variable the tools need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct EnvVar {
    /// Its name.
    pub(super) name: String,
    /// What it is for, for people (no value).
    pub(super) description: String,
    /// Its value, when the user asked for values and the environment has one.
    pub(super) value: Option<String>,
}

/// The variables the tools of `toolkit` need: for each OAuth provider
/// `{PROVIDER}_ACCESS_TOKEN` and `{PROVIDER}_API_KEY` (either one), then each declared
/// secret (the reserved `ARCADE_*` ones excepted), with the tools that need them.
pub(super) fn needed_env(toolkit: &Toolkit) -> Vec<EnvVar> {
    let mut providers: Vec<(String, Vec<String>)> = Vec::new();
    let mut secrets: Vec<(String, Vec<String>)> = Vec::new();
    for tool in toolkit.get_tools() {
        let spec = tool.spec();
        let requirements = spec.requirements();
        if let Some(auth) = &requirements.authorization {
            let provider = auth.provider_name().to_owned();
            match providers
                .iter_mut()
                .find(|(p, _)| p.eq_ignore_ascii_case(&provider))
            {
                Some((_, tools)) => tools.push(spec.name().to_owned()),
                None => providers.push((provider, vec![spec.name().to_owned()])),
            }
        }
        for key in requirements.secret_keys() {
            if RESERVED_SECRETS.iter().any(|r| r.eq_ignore_ascii_case(key)) {
                continue;
            }
            match secrets
                .iter_mut()
                .find(|(s, _)| s.eq_ignore_ascii_case(key))
            {
                Some((_, tools)) => tools.push(spec.name().to_owned()),
                None => secrets.push((key.to_owned(), vec![spec.name().to_owned()])),
            }
        }
    }
    let mut vars = Vec::new();
    for (provider, tools) in providers {
        let prefix = crate::token::var_prefix(&provider);
        let tools = tools.join(", ");
        vars.push(EnvVar {
            name: format!("{prefix}_ACCESS_TOKEN"),
            description: format!(
                "An OAuth access token for {provider} (or set {prefix}_API_KEY); needed by {tools}"
            ),
            value: None,
        });
        vars.push(EnvVar {
            name: format!("{prefix}_API_KEY"),
            description: format!(
                "An API key for {provider} (or set {prefix}_ACCESS_TOKEN); needed by {tools}"
            ),
            value: None,
        });
    }
    for (secret, tools) in secrets {
        vars.push(EnvVar {
            description: format!("The secret {secret}; needed by {}", tools.join(", ")),
            name: secret,
            value: None,
        });
    }
    vars
}

/// The default server name: the toolkit's, lower-cased, other characters as `-`.
pub(super) fn default_name(toolkit: &Toolkit) -> String {
    toolkit
        .get_name()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

pub(super) fn run(cli: &mut Cli, args: ConfigureArgs, io: &mut Output<'_>) -> CliResult {
    let (client, args) = match args.target {
        Target::ClaudeDesktop(a) => (Client::ClaudeDesktop, a),
        Target::ClaudeCode(a) => (Client::ClaudeCode, a),
        Target::Cursor(a) => (Client::Cursor, a),
        Target::Vscode(a) => (Client::Vscode, a),
        Target::Codex(a) => (Client::Codex, a),
        Target::Registry(a) => return registry::run(cli, a, io),
    };
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| default_name(&cli.toolkit));
    if name.trim().is_empty() {
        return Err(CliError::usage("--name must not be empty"));
    }
    let mut env = needed_env(&cli.toolkit);
    if args.include_secret_values {
        let environment = cli.take_environment();
        for var in &mut env {
            var.value = environment.var(&var.name).map(str::to_owned);
        }
    }
    let server = match args.transport {
        Transport::Stdio => {
            let exe = std::env::current_exe()
                .and_then(|p| p.canonicalize())
                .map_err(|e| {
                    CliError::failure(format_args!("cannot tell this binary's path: {e}"))
                })?;
            let mut serve = vec!["serve".to_owned(), "stdio".to_owned()];
            serve.extend(args.serve_args.iter().cloned());
            clients::Server::Stdio {
                command: exe.to_string_lossy().into_owned(),
                args: serve,
                env: env.clone(),
            }
        }
        Transport::Http => {
            if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
                return Err(CliError::usage(format_args!(
                    "--url {:?} is not an http:// or https:// URL",
                    args.url
                )));
            }
            if !args.serve_args.is_empty() {
                return Err(CliError::usage(
                    "arguments after `--` are for `serve stdio`; give them to your `serve http` instead",
                ));
            }
            clients::Server::Http {
                url: args.url.clone(),
            }
        }
    };
    let config = client.config(&name, &server).map_err(CliError::usage)?;
    let notes = notes(client, &name, &server, &env, args.include_secret_values);
    if args.write {
        let path = match &args.config_file {
            Some(path) => path.clone(),
            None => client.default_path().map_err(CliError::failure)?,
        };
        let secret_values = env.iter().any(|v| v.value.is_some());
        let done =
            write::merge(client, &path, &config, secret_values).map_err(CliError::failure)?;
        let _ = writeln!(io.out, "{done}");
    } else {
        let _ = writeln!(io.out, "{}", config.render());
        let where_ = match client.default_path() {
            Ok(path) => format!("{}", path.display()),
            Err(_) => client.file_description().to_owned(),
        };
        let _ = writeln!(
            io.err,
            "Add this to {where_} (or run this command again with --write to merge it there)."
        );
    }
    for note in notes {
        let _ = writeln!(io.err, "{note}");
    }
    Ok(())
}

/// What the user should know about the entry (never a value).
fn notes(
    client: Client,
    name: &str,
    server: &clients::Server,
    env: &[EnvVar],
    include_values: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    match server {
        clients::Server::Stdio { command, args, .. } => {
            if !env.is_empty() {
                let names: Vec<&str> = env.iter().map(|v| v.name.as_str()).collect();
                let how = if include_values {
                    "values copied from this environment where set"
                } else {
                    client.reference_description()
                };
                notes.push(format!(
                    "The tools need {} ({how}); one token variable per provider is enough, an empty one is ignored.",
                    names.join(", ")
                ));
                let missing: Vec<&str> = env
                    .iter()
                    .filter(|v| include_values && v.value.is_none())
                    .map(|v| v.name.as_str())
                    .collect();
                if !missing.is_empty() {
                    notes.push(format!(
                        "Not set here, left as a reference: {}.",
                        missing.join(", ")
                    ));
                }
            }
            if client == Client::ClaudeCode {
                notes.push(format!(
                    "Or with Claude Code's own command: claude mcp add --scope project {name} -- {command} {}",
                    args.join(" ")
                ));
            }
        }
        clients::Server::Http { url } => {
            if !env.is_empty() {
                let names: Vec<&str> = env.iter().map(|v| v.name.as_str()).collect();
                notes.push(format!(
                    "Start the server where {} are set, e.g. `serve http`; the client connects to {url}.",
                    names.join(", ")
                ));
                notes.push(
                    "Tools that need credentials are refused over unauthenticated HTTP unless the server allows them (MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS)."
                        .to_owned(),
                );
            }
        }
    }
    notes
}
