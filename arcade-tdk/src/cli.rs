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
//! # Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (including `--help` and `--version`) |
//! | 1 | the tool returned an error (`call`), a server or the toolkit failed at run time (a port already in use, duplicate tool names), a login failed, or `auth status` found no token source |
//! | 2 | a usage error: bad arguments, an unknown tool, invalid `--input`, a missing `ARCADE_WORKER_SECRET`, or a command this build does not include |

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
#[cfg(any(feature = "mcp", feature = "worker"))]
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::catalog::{Catalog, ToolFilter};
use crate::definition::{self, Format};
use crate::serve::local::LocalEnvironment;
use crate::toolkit::Toolkit;

/// Success.
const EXIT_OK: u8 = 0;
/// The tool failed, or the server or toolkit failed at run time.
const EXIT_FAILURE: u8 = 1;
/// A usage error.
const EXIT_USAGE: u8 = 2;

/// The standard command line of a toolkit binary.
#[derive(Debug, Parser)]
#[command(
    name = "toolkit",
    after_help = "Logs go to stderr. Exit codes: 0 success; 1 the tool returned an error (call) or \
                  a server failed; 2 usage error (bad arguments, unknown tool, invalid --input, \
                  ARCADE_WORKER_SECRET unset for `worker`)."
)]
struct CliArgs {
    /// Log level or filter for stderr logs (error, warn, info, debug, trace, or a
    /// tracing filter such as `arcade_tdk=debug`). Overrides RUST_LOG.
    #[arg(long, global = true, value_name = "LEVEL")]
    log_level: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the tool definitions as a JSON array.
    Tools(ToolsArgs),
    /// Serve the toolkit over MCP (stdio or Streamable HTTP at /mcp).
    ///
    /// Over HTTP, Arcade's worker routes (/worker/...) are served on the same port when
    /// ARCADE_WORKER_SECRET is set.
    Serve(ServeArgs),
    /// Serve Arcade's worker protocol (needs ARCADE_WORKER_SECRET).
    ///
    /// Routes: GET /worker/health (no auth), GET /worker/tools and POST
    /// /worker/tools/invoke (JWT signed with ARCADE_WORKER_SECRET, as the Arcade Engine
    /// sends it).
    Worker(WorkerArgs),
    /// Run one tool locally and print Arcade's ToolCallOutput as JSON.
    ///
    /// Secrets come from the environment and the nearest .env file, tokens from
    /// {PROVIDER}_ACCESS_TOKEN or {PROVIDER}_API_KEY, the user id from ARCADE_USER_ID.
    /// Exit code 0 when the tool succeeded, 1 when it returned an error.
    Call(CallArgs),
    /// Log in to a provider with your own OAuth app, or show or remove that login.
    ///
    /// The app is configured with {PROVIDER}_OAUTH_CLIENT_ID (and _OAUTH_CLIENT_SECRET,
    /// _OAUTH_AUTHORIZE_URL, _OAUTH_TOKEN_URL, _OAUTH_SCOPES, _OAUTH_REDIRECT_PORT); the
    /// token is cached in the user's config folder (ARCADE_TDK_TOKEN_DIR overrides it)
    /// and used by `serve` and `call`.
    Auth(AuthArgs),
}

#[derive(Debug, Args)]
struct AuthArgs {
    #[command(subcommand)]
    command: AuthCommand,
}

#[derive(Debug, Subcommand)]
enum AuthCommand {
    /// Log in through the browser (authorization code with PKCE) and cache the token.
    Login {
        /// The provider id (default: the provider of the toolkit's tools, when there is
        /// only one).
        provider: Option<String>,
        /// Print the URL to open instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Show where the provider's token would come from: the environment (and .env), the
    /// cached login, the Arcade Engine. Exit code 1 when none has one.
    Status {
        /// The provider id (default: the provider of the toolkit's tools).
        provider: Option<String>,
    },
    /// Remove the cached login (the token is not revoked at the provider).
    Logout {
        /// The provider id (default: the provider of the toolkit's tools).
        provider: Option<String>,
    },
}

/// Which tools to offer.
#[derive(Debug, Args)]
struct FilterArgs {
    /// Offer only these tools (comma-separated; `Tool`, `Toolkit.Tool` or
    /// `Toolkit_Tool`, case-insensitive).
    #[arg(long, value_name = "TOOLS", value_delimiter = ',')]
    tools: Vec<String>,
    /// Leave out these tools (comma-separated; same names as --tools).
    #[arg(long, value_name = "TOOLS", value_delimiter = ',')]
    exclude_tools: Vec<String>,
    /// Offer only tools whose metadata marks them read-only.
    #[arg(long)]
    read_only: bool,
}

#[derive(Debug, Args)]
struct ToolsArgs {
    /// The definition format.
    #[arg(long, short, value_enum, default_value = "arcade")]
    format: Format,
    #[command(flatten)]
    filter: FilterArgs,
}

/// MCP transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Transport {
    /// JSON-RPC over stdin/stdout, as MCP clients spawn local servers.
    Stdio,
    /// Streamable HTTP at /mcp (also `streamable-http`, as Arcade's Python server
    /// accepts).
    #[value(alias = "streamable-http", alias = "streamable")]
    Http,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The transport.
    #[arg(value_enum, default_value = "stdio", env = "ARCADE_SERVER_TRANSPORT")]
    transport: Transport,
    /// The address to listen on (http).
    #[arg(long, default_value = "127.0.0.1", env = "ARCADE_SERVER_HOST")]
    host: IpAddr,
    /// The port to listen on (http).
    #[arg(long, default_value_t = 8000, env = "ARCADE_SERVER_PORT")]
    port: u16,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Debug, Args)]
struct WorkerArgs {
    /// The address to listen on (0.0.0.0 to accept the Arcade Engine from elsewhere).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// The port to listen on.
    #[arg(long, default_value_t = 8002)]
    port: u16,
    #[command(flatten)]
    filter: FilterArgs,
}

#[derive(Debug, Args)]
struct CallArgs {
    /// The tool: `Tool`, `Toolkit.Tool` or `Toolkit_Tool` (case-insensitive).
    tool: String,
    /// The arguments as a JSON object; `-` reads them from stdin.
    #[arg(long, short, value_name = "JSON", default_value = "{}")]
    input: String,
    /// The user the tool runs for (overrides ARCADE_USER_ID).
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
}

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

/// A hook run before `serve` and `call` run tools (see [`Cli::on_serve`]).
type Hook = Arc<dyn Fn(Setup) -> BoxFuture<'static, Result<Setup, String>> + Send + Sync>;

/// The standard command line of a toolkit binary, with toolkit-specific options: an
/// opt-in flag for write tools, named areas of tools (`--areas`), extra flags, and
/// a hook that can change the environment tools run in (for example to point them at
/// a sandbox).
///
/// | option | `tools` | `serve` | `worker` | `call` |
/// |---|---|---|---|---|
/// | [`write_tools_opt_in`](Self::write_tools_opt_in) | all tools listed | read-only tools unless the flag is given | same as `serve` | any tool runs (the operator named it) |
/// | [`areas`](Self::areas) (`--areas`) | narrows | narrows | narrows | – |
/// | [`flag`](Self::flag) | – | yes | – | yes |
/// | [`on_serve`](Self::on_serve) | – | runs before serving | – | runs before the call |
///
/// ```no_run
/// use arcade_tdk::cli::Cli;
/// use arcade_tdk::Toolkit;
///
/// fn main() -> std::process::ExitCode {
///     let toolkit = Toolkit::new("Acme"); // plus `.tool(...)` for each tool
///     Cli::new(toolkit)
///         .write_tools_opt_in("--enable-write-tools")
///         .areas([("tickets", ["ListTickets", "CloseTicket"])])
///         .flag("--demo", "Run against the built-in demo server.")
///         .on_serve(|mut setup| async move {
///             if setup.flag("demo") {
///                 setup.notice("DEMO MODE: nothing you do here is real");
///                 setup.update_environment(|env| env.with_metadata("ACME_URL", "http://127.0.0.1:9"));
///             }
///             Ok(setup)
///         })
///         .run()
/// }
/// ```
pub struct Cli {
    toolkit: Toolkit,
    write_opt_in: Option<&'static str>,
    areas: Vec<(String, Vec<String>)>,
    flags: Vec<(&'static str, &'static str)>,
    hooks: Vec<Hook>,
    environment: Option<LocalEnvironment>,
    #[cfg(feature = "oauth")]
    oauth_providers: Vec<crate::token::oauth::OAuthProvider>,
}

impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cli")
            .field("toolkit", &self.toolkit.name())
            .field("write_opt_in", &self.write_opt_in)
            .field("areas", &self.areas)
            .field("flags", &self.flags)
            .field("hooks", &self.hooks.len())
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

/// What an [`on_serve`](Cli::on_serve) hook sees and may change before `serve` or
/// `call` runs tools.
pub struct Setup {
    command: &'static str,
    flags: Vec<(&'static str, bool)>,
    environment: LocalEnvironment,
    notices: Vec<String>,
    keep_alive: Vec<Box<dyn std::any::Any + Send>>,
    credentialed_tools_over_http: bool,
}

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Setup")
            .field("command", &self.command)
            .field("flags", &self.flags)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

impl Setup {
    /// `"serve"` or `"call"`.
    pub fn command(&self) -> &str {
        self.command
    }

    /// Whether the extra flag `name` (without its dashes) was given.
    pub fn flag(&self, name: &str) -> bool {
        let name = name.trim_start_matches('-');
        self.flags.iter().any(|(n, on)| *n == name && *on)
    }

    /// The environment tools will run in (secrets, tokens, metadata, user id).
    pub fn environment(&self) -> &LocalEnvironment {
        &self.environment
    }

    /// Changes the environment, e.g. `setup.update_environment(|env| env.with_metadata(k, v))`.
    pub fn update_environment(&mut self, f: impl FnOnce(LocalEnvironment) -> LocalEnvironment) {
        let env = std::mem::take(&mut self.environment);
        self.environment = f(env);
    }

    /// A message printed on stderr (prefixed and framed so that it stands out) before
    /// tools run.
    pub fn notice(&mut self, message: impl Into<String>) {
        self.notices.push(message.into());
    }

    /// Keeps `value` alive until the server stops or the call ends (e.g. an in-process
    /// fake API the tools talk to).
    pub fn keep_alive(&mut self, value: impl std::any::Any + Send) {
        self.keep_alive.push(Box::new(value));
    }

    /// Lets tools that need secrets or a token run over `serve http` (refused by
    /// default, see `MCP_TRANSPORT_ALLOW_CREDENTIALED_TOOLS`); for fake credentials.
    pub fn allow_credentialed_tools_over_http(&mut self) {
        self.credentialed_tools_over_http = true;
    }
}

impl Cli {
    /// The standard command line for `toolkit`, with no extra options.
    pub fn new(toolkit: Toolkit) -> Self {
        Self {
            toolkit,
            write_opt_in: None,
            areas: Vec::new(),
            flags: Vec::new(),
            hooks: Vec::new(),
            environment: None,
            #[cfg(feature = "oauth")]
            oauth_providers: Vec::new(),
        }
    }

    /// Serves (`serve`, `worker`) only the tools marked read-only unless `flag` (e.g.
    /// `"--enable-write-tools"`) is given. `tools` still lists every tool (add
    /// `--read-only` to see the default set) and `call` runs any tool, since the
    /// operator names it.
    pub fn write_tools_opt_in(mut self, flag: &'static str) -> Self {
        self.write_opt_in = Some(flag.trim_start_matches('-'));
        self
    }

    /// Named groups of tools (`Tool`, `Toolkit.Tool` or `Toolkit_Tool`); adds
    /// `--areas A,B` to `tools`, `serve` and `worker`, which narrows the tools to those
    /// of the areas named. A tool may be in several areas.
    pub fn areas<A, T, S>(mut self, areas: impl IntoIterator<Item = (A, T)>) -> Self
    where
        A: Into<String>,
        T: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.areas.extend(
            areas
                .into_iter()
                .map(|(a, t)| (a.into(), t.into_iter().map(Into::into).collect())),
        );
        self
    }

    /// Adds a boolean flag (e.g. `"--sandbox"`) to `serve` and `call`; hooks read it
    /// with [`Setup::flag`].
    pub fn flag(mut self, name: &'static str, help: &'static str) -> Self {
        self.flags.push((name.trim_start_matches('-'), help));
        self
    }

    /// Runs `hook` inside the server's async runtime before `serve` serves and before
    /// `call` runs its tool. The hook gets the [`Setup`] and returns it, changed;
    /// an `Err` stops the command with its message (exit code 1).
    pub fn on_serve<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(Setup) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Setup, String>> + Send + 'static,
    {
        self.hooks
            .push(Arc::new(move |setup| Box::pin(hook(setup))));
        self
    }

    /// The environment `serve` and `call` use, instead of
    /// [`LocalEnvironment::from_env`] (for tests and embedding).
    pub fn environment(mut self, environment: LocalEnvironment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// An OAuth app for `auth login|status|logout`, used instead of the one configured
    /// by `{PROVIDER}_OAUTH_CLIENT_ID` when its id or an alias matches.
    ///
    /// An app without a client id is the toolkit's own app for its provider (its
    /// endpoints, scopes and ID-token hints): the user's `{ID}_OAUTH_CLIENT_ID` (and
    /// the other `{ID}_OAUTH_*` variables, see `OAuthProvider::configured_by`)
    /// complete it, for `auth` and for the tokens of `serve` and `call`.
    #[cfg(feature = "oauth")]
    pub fn oauth_provider(mut self, provider: crate::token::oauth::OAuthProvider) -> Self {
        self.oauth_providers.push(provider);
        self
    }

    /// The environment `serve`, `call` and `auth` use when none was given:
    /// [`LocalEnvironment::from_env`], knowing the OAuth apps given to
    /// [`oauth_provider`](Self::oauth_provider).
    #[cfg_attr(
        not(any(feature = "mcp", feature = "worker", feature = "oauth")),
        allow(dead_code)
    )]
    fn default_environment(&self) -> LocalEnvironment {
        #[cfg(feature = "oauth")]
        return LocalEnvironment::from_env_with_apps(&self.oauth_providers);
        #[cfg(not(feature = "oauth"))]
        LocalEnvironment::from_env()
    }

    /// Runs with the process arguments.
    pub fn run(self) -> ExitCode {
        self.run_with(std::env::args_os())
    }

    /// Runs with `args` (the first being the program name), writing to the process's
    /// stdout and stderr.
    pub fn run_with<I, T>(self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        // A program's own entry point: its panic hook is ours to set (not so for
        // `run_with_output`, which tests and embedders call).
        install_panic_hook();
        // Not locked: the servers write to stdout (MCP over stdio) and stderr (logs) from
        // other threads while this one waits.
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let out_is_terminal = out.is_terminal();
        let err_is_terminal = err.is_terminal();
        let code = self.dispatch(
            args,
            Output {
                out: &mut out,
                err: &mut err,
                out_is_terminal,
                err_is_terminal,
            },
        );
        ExitCode::from(code)
    }

    /// Runs with `args`, writing the command's output to `stdout` and its messages to
    /// `stderr` (neither treated as a terminal); returns the exit code.
    pub fn run_with_output<I, T>(
        self,
        args: I,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        self.dispatch(
            args,
            Output {
                out: stdout,
                err: stderr,
                out_is_terminal: false,
                err_is_terminal: false,
            },
        )
    }

    /// The command description, named after the toolkit, with the extra options.
    fn command(&self) -> clap::Command {
        let mut cmd = command(&self.toolkit);
        let leak = |s: String| -> &'static str { String::leak(s) };
        if let Some(flag) = self.write_opt_in {
            for sub in ["serve", "worker"] {
                cmd = cmd.mut_subcommand(sub, |c| {
                    c.arg(
                        Arg::new(flag)
                            .long(flag)
                            .action(ArgAction::SetTrue)
                            .conflicts_with("read_only")
                            .help("Also offer the tools that change data (only read-only tools are offered without it)."),
                    )
                });
            }
        }
        if !self.areas.is_empty() {
            let names: Vec<&str> = self.areas.iter().map(|(a, _)| a.as_str()).collect();
            let help = leak(format!(
                "Offer only the tools of these areas (comma-separated): {}.",
                names.join(", ")
            ));
            for sub in ["tools", "serve", "worker"] {
                cmd = cmd.mut_subcommand(sub, |c| {
                    c.arg(
                        Arg::new(AREAS_ID)
                            .long("areas")
                            .value_name("AREAS")
                            .value_delimiter(',')
                            .action(ArgAction::Append)
                            .help(help),
                    )
                });
            }
        }
        for (name, help) in &self.flags {
            for sub in ["serve", "call"] {
                cmd = cmd.mut_subcommand(sub, |c| {
                    c.arg(
                        Arg::new(*name)
                            .long(*name)
                            .action(ArgAction::SetTrue)
                            .help(*help),
                    )
                });
            }
        }
        cmd
    }

    fn dispatch<I, T>(mut self, args: I, mut io: Output<'_>) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let parsed = self.command().try_get_matches_from(args).and_then(|m| {
            let cli = CliArgs::from_arg_matches(&m)?;
            Ok((cli, m))
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
        let extras = match matches.subcommand() {
            Some((_, sub)) => self.extras(sub),
            None => Extras::default(),
        };
        let default_level = match cli.command {
            Command::Serve(_) | Command::Worker(_) => "info",
            Command::Tools(_) | Command::Call(_) | Command::Auth(_) => "warn",
        };
        init_logging(cli.log_level.as_deref(), default_level, io.err_is_terminal);

        let code = match cli.command {
            Command::Tools(args) => self.tools(args, &extras, &mut io),
            Command::Serve(args) => self.serve(args, extras, &mut io),
            Command::Worker(args) => self.worker(args, &extras, &mut io),
            Command::Call(args) => {
                let environment = self.environment.take();
                self.call(args, extras, environment, &mut io)
            }
            Command::Auth(args) => self.auth(args, &mut io),
        };
        let _ = io.out.flush();
        let _ = io.err.flush();
        code
    }

    /// The values of the extra options in a subcommand's matches.
    fn extras(&self, sub: &clap::ArgMatches) -> Extras {
        let flag = |name: &str| {
            sub.try_get_one::<bool>(name)
                .ok()
                .flatten()
                .copied()
                .unwrap_or(false)
        };
        Extras {
            write_tools: self.write_opt_in.is_none_or(flag),
            areas: sub
                .try_get_many::<String>(AREAS_ID)
                .ok()
                .flatten()
                .map(|v| {
                    v.map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            flags: self.flags.iter().map(|(n, _)| (*n, flag(n))).collect(),
        }
    }

    /// The catalog for `tools`, `serve` and `worker`: [`catalog`], then the write
    /// opt-in (`serving`) and the areas.
    fn catalog(
        &self,
        filter: &FilterArgs,
        extras: &Extras,
        serving: bool,
        io: &mut Output<'_>,
    ) -> Result<Catalog, u8> {
        let mut catalog = catalog(self.toolkit.clone(), filter, io)?;
        if serving && !extras.write_tools {
            catalog.retain(&ToolFilter {
                read_only: true,
                ..ToolFilter::default()
            });
        }
        if !extras.areas.is_empty() {
            let mut tools = Vec::new();
            let mut unknown = Vec::new();
            for area in &extras.areas {
                match self
                    .areas
                    .iter()
                    .find(|(a, _)| a.eq_ignore_ascii_case(area))
                {
                    Some((_, t)) => tools.extend(t.iter().cloned()),
                    None => unknown.push(area.as_str()),
                }
            }
            if !unknown.is_empty() {
                let known: Vec<&str> = self.areas.iter().map(|(a, _)| a.as_str()).collect();
                io.error(format_args!(
                    "unknown area(s) in --areas: {}. Available: {}",
                    unknown.join(", "),
                    known.join(", ")
                ));
                return Err(EXIT_USAGE);
            }
            catalog.retain(&ToolFilter {
                only: Some(tools),
                ..ToolFilter::default()
            });
        }
        Ok(catalog)
    }

    /// Runs the hooks on `environment`; prints their notices to stderr.
    #[cfg(any(feature = "mcp", feature = "worker"))]
    async fn setup(
        &self,
        command: &'static str,
        extras: &Extras,
        environment: LocalEnvironment,
        io: &mut Output<'_>,
    ) -> Result<Setup, u8> {
        let mut setup = Setup {
            command,
            flags: extras.flags.clone(),
            environment,
            notices: Vec::new(),
            keep_alive: Vec::new(),
            credentialed_tools_over_http: false,
        };
        for hook in &self.hooks {
            setup = match hook(setup).await {
                Ok(setup) => setup,
                Err(e) => {
                    io.error(e);
                    return Err(EXIT_FAILURE);
                }
            };
        }
        for notice in std::mem::take(&mut setup.notices) {
            let bar = "=".repeat(72);
            let _ = writeln!(io.err, "{bar}");
            for line in notice.lines() {
                let _ = writeln!(io.err, "!!! {line}");
            }
            let _ = writeln!(io.err, "{bar}");
        }
        let _ = io.err.flush();
        Ok(setup)
    }
}

/// The clap id of `--areas`.
const AREAS_ID: &str = "areas";

/// The values of a [`Cli`]'s extra options.
#[derive(Debug, Default)]
struct Extras {
    /// Whether write tools are offered (always, without an opt-in flag).
    write_tools: bool,
    areas: Vec<String>,
    #[cfg_attr(not(any(feature = "mcp", feature = "worker")), allow(dead_code))]
    flags: Vec<(&'static str, bool)>,
}

/// Where the command line writes: stdout, stderr, and whether stdout is a terminal.
struct Output<'a> {
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
    out_is_terminal: bool,
    err_is_terminal: bool,
}

impl Output<'_> {
    fn error(&mut self, message: impl std::fmt::Display) {
        let _ = writeln!(self.err, "error: {message}");
    }

    /// The exit code of a server run: 0, or 1 after printing its error.
    #[cfg(any(feature = "mcp", feature = "worker"))]
    fn exit_code(&mut self, result: Result<(), impl std::fmt::Display>) -> u8 {
        match result {
            Ok(()) => EXIT_OK,
            Err(e) => {
                self.error(e);
                EXIT_FAILURE
            }
        }
    }
}

/// The command description, named after the toolkit.
fn command(toolkit: &Toolkit) -> clap::Command {
    // clap takes `&'static str` without its `string` feature; this runs once per process.
    let leak = |s: &str| -> &'static str { String::leak(s.to_owned()) };
    let mut cmd = CliArgs::command().name(leak(toolkit.name()));
    cmd = match toolkit.get_description() {
        Some(d) => cmd.about(leak(&format!("{d} ({} toolkit)", toolkit.name()))),
        None => cmd.about(leak(&format!("The {} toolkit.", toolkit.name()))),
    };
    if let Some(v) = toolkit.get_version() {
        // Without a version clap would refuse to propagate one (a debug assertion).
        cmd = cmd.version(leak(v)).propagate_version(true);
    }
    cmd
}

/// Replaces the process's panic hook (by default Rust's, which prints a panic's message
/// to stderr) with one that logs only where the panic happened: a tool's panic message
/// may quote its token or secrets. The executor already reports the message, with the
/// context's secrets redacted, in the tool error's `developer_message`.
///
/// [`Cli::run`] and [`Cli::run_with`] call it; a program that embeds the runtime (or
/// calls [`Cli::run_with_output`]) calls it itself if it wants it. Only the first call
/// has an effect.
///
/// ```
/// arcade_tdk::cli::install_panic_hook();
/// ```
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_else(|| "an unknown location".to_owned());
            tracing::error!(
                "panic at {location}; its message is left out of the log (a tool's panic is reported, redacted, in its error)"
            );
        }));
    });
}

/// Installs the stderr logger (once per process; later calls keep the first).
fn init_logging(level: Option<&str>, default_level: &str, ansi: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = match level {
        Some(level) => EnvFilter::try_new(level).unwrap_or_else(|e| {
            eprintln!("warning: invalid --log-level {level:?} ({e}); using {default_level}");
            EnvFilter::new(default_level)
        }),
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}

/// The catalog of `toolkit` narrowed by the environment and `filter`; the error is the
/// exit code, its message already written.
fn catalog(toolkit: Toolkit, filter: &FilterArgs, io: &mut Output<'_>) -> Result<Catalog, u8> {
    let mut tool_filter = ToolFilter::from_env();
    tool_filter.exclude = filter.exclude_tools.clone();
    tool_filter.read_only = filter.read_only;
    let catalog = Catalog::filtered([toolkit.clone()], &tool_filter).map_err(|e| {
        io.error(e);
        EXIT_FAILURE
    })?;
    if filter.tools.is_empty() {
        return Ok(catalog);
    }
    // Every name given to --tools must name a tool of the toolkit.
    let all = Catalog::filtered([toolkit], &ToolFilter::default()).map_err(|e| {
        io.error(e);
        EXIT_FAILURE
    })?;
    let unknown: Vec<&str> = filter
        .tools
        .iter()
        .map(String::as_str)
        .filter(|name| {
            let only = ToolFilter {
                only: Some(vec![(*name).to_owned()]),
                ..ToolFilter::default()
            };
            !all.entries().iter().any(|e| only.allows(e))
        })
        .collect();
    if !unknown.is_empty() {
        io.error(format_args!(
            "unknown tool(s) in --tools: {}. Available: {}",
            unknown.join(", "),
            tool_names(&all)
        ));
        return Err(EXIT_USAGE);
    }
    let mut catalog = catalog;
    catalog.retain(&ToolFilter {
        only: Some(filter.tools.clone()),
        ..ToolFilter::default()
    });
    Ok(catalog)
}

fn tool_names(catalog: &Catalog) -> String {
    let names: Vec<&str> = catalog
        .entries()
        .iter()
        .map(|e| e.fully_qualified_name())
        .collect();
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

impl Cli {
    fn tools(&self, args: ToolsArgs, extras: &Extras, io: &mut Output<'_>) -> u8 {
        let catalog = match self.catalog(&args.filter, extras, false, io) {
            Ok(c) => c,
            Err(code) => return code,
        };
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
        write_json(io.out, &Value::Array(items), true)
    }
}

fn write_json(out: &mut dyn Write, value: &impl serde::Serialize, pretty: bool) -> u8 {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    match text {
        Ok(text) => match writeln!(out, "{text}") {
            Ok(()) => EXIT_OK,
            // A closed pipe (`| head`) is not worth a message.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
            Err(_) => EXIT_FAILURE,
        },
        Err(_) => EXIT_FAILURE,
    }
}

#[cfg(any(feature = "mcp", feature = "worker"))]
fn runtime(multi_thread: bool, io: &mut Output<'_>) -> Option<tokio::runtime::Runtime> {
    let built = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    built
        .map_err(|e| io.error(format_args!("could not start the async runtime: {e}")))
        .ok()
}

/// Completes on ctrl-c or SIGTERM, and says so.
#[cfg(any(feature = "mcp", feature = "worker"))]
async fn shutdown_signal() {
    crate::serve::shutdown_signal().await;
    tracing::info!("shutting down");
}

#[cfg(any(feature = "mcp", feature = "worker"))]
async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("could not listen on {addr}: {e}"))
}

#[cfg(feature = "mcp")]
impl Cli {
    fn serve(&mut self, args: ServeArgs, extras: Extras, io: &mut Output<'_>) -> u8 {
        use crate::serve::mcp::{self, HttpOptions, McpOptions};

        let toolkit = &self.toolkit;
        let mut options = McpOptions::new(toolkit.name(), toolkit.get_version().unwrap_or("0.1.0"));
        if let Some(description) = toolkit.get_description() {
            options = options.with_instructions(description);
        }
        let catalog = match self.catalog(&args.filter, &extras, true, io) {
            Ok(c) => Arc::new(c),
            Err(code) => return code,
        };
        if catalog.is_empty() {
            tracing::warn!("no tools to serve (all filtered out)");
        }
        let environment = match self.environment.take() {
            Some(environment) => environment,
            None => self.default_environment(),
        };
        let Some(rt) = runtime(args.transport == Transport::Http, io) else {
            return EXIT_FAILURE;
        };
        let setup = match rt.block_on(self.setup("serve", &extras, environment, io)) {
            Ok(setup) => setup,
            Err(code) => return code,
        };
        let options = options.with_environment(Arc::new(setup.environment));
        let _keep_alive = setup.keep_alive;
        match args.transport {
            Transport::Stdio => {
                tracing::info!(tools = catalog.len(), "serving MCP over stdio");
                let result = rt.block_on(mcp::serve_stdio(catalog, options));
                io.exit_code(result.map_err(|e| format!("MCP stdio server failed: {e}")))
            }
            Transport::Http => {
                let addr = SocketAddr::new(args.host, args.port);
                let mut http = HttpOptions::from_env();
                if setup.credentialed_tools_over_http {
                    http = http.with_credentialed_tools(true);
                }
                if !args.host.is_loopback() && http.allowed_hosts.is_empty() {
                    tracing::warn!(
                        "listening on {}: MCP requests must still carry a loopback Host header \
                     unless MCP_TRANSPORT_ALLOWED_HOSTS lists the names clients use",
                        args.host
                    );
                }
                let result = rt.block_on(async move {
                    let router = mcp::http_router(catalog.clone(), options, http);
                    #[cfg(feature = "worker")]
                    let router = with_worker_routes(router, &catalog);
                    let listener = bind(addr).await?;
                    if let Ok(local) = listener.local_addr() {
                        tracing::info!(
                            tools = catalog.len(),
                            "MCP server listening on http://{local}/mcp"
                        );
                    }
                    mcp::serve_http_listener(router, listener, shutdown_signal())
                        .await
                        .map_err(|e| format!("MCP HTTP server failed: {e}"))
                });
                io.exit_code(result)
            }
        }
    }
}

/// Adds the worker routes to the MCP router when `ARCADE_WORKER_SECRET` is set, as
/// Arcade's Python server does.
#[cfg(all(feature = "mcp", feature = "worker"))]
fn with_worker_routes(router: axum::Router, catalog: &Arc<Catalog>) -> axum::Router {
    use crate::serve::worker::{WORKER_SECRET_ENV, WorkerSecret, WorkerSecretError, worker_router};
    match WorkerSecret::from_env() {
        Ok(secret) => {
            tracing::info!("{WORKER_SECRET_ENV} is set: serving the worker routes at /worker too");
            router.merge(worker_router(catalog.clone(), secret))
        }
        Err(WorkerSecretError::Empty) => {
            tracing::warn!("{WORKER_SECRET_ENV} is empty: the worker routes are not served");
            router
        }
        Err(WorkerSecretError::Missing) => router,
    }
}

#[cfg(not(feature = "mcp"))]
impl Cli {
    fn serve(&mut self, _args: ServeArgs, _extras: Extras, io: &mut Output<'_>) -> u8 {
        io.error("`serve` is not available: this build of arcade-tdk lacks the `mcp` feature");
        EXIT_USAGE
    }
}

#[cfg(feature = "worker")]
impl Cli {
    fn worker(&self, args: WorkerArgs, extras: &Extras, io: &mut Output<'_>) -> u8 {
        use crate::serve::worker::{WorkerSecret, serve_worker};

        let secret = match WorkerSecret::from_env() {
            Ok(secret) => secret,
            Err(e) => {
                io.error(format_args!(
                    "{e}. Set it to the worker secret configured in the Arcade Engine \
                 (`export ARCADE_WORKER_SECRET=<secret>`)."
                ));
                return EXIT_USAGE;
            }
        };
        let catalog = match self.catalog(&args.filter, extras, true, io) {
            Ok(c) => Arc::new(c),
            Err(code) => return code,
        };
        let addr = SocketAddr::new(args.host, args.port);
        let Some(rt) = runtime(true, io) else {
            return EXIT_FAILURE;
        };
        let result = rt.block_on(async move {
            let listener = bind(addr).await?;
            if let Ok(local) = listener.local_addr() {
                tracing::info!(
                    tools = catalog.len(),
                    "worker listening on http://{local}/worker"
                );
            }
            serve_worker(listener, catalog, secret, shutdown_signal())
                .await
                .map_err(|e| format!("worker server failed: {e}"))
        });
        io.exit_code(result)
    }
}

#[cfg(not(feature = "worker"))]
impl Cli {
    fn worker(&self, _args: WorkerArgs, _extras: &Extras, io: &mut Output<'_>) -> u8 {
        io.error("`worker` is not available: this build of arcade-tdk lacks the `worker` feature");
        EXIT_USAGE
    }
}

/// Parses `--input` (or stdin for `-`) as a JSON object.
#[cfg(any(feature = "mcp", feature = "worker"))]
fn parse_input(input: &str) -> Result<serde_json::Map<String, Value>, String> {
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
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(serde_json::Map::new()),
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

#[cfg(any(feature = "mcp", feature = "worker"))]
impl Cli {
    fn call(
        &self,
        args: CallArgs,
        extras: Extras,
        environment: Option<LocalEnvironment>,
        io: &mut Output<'_>,
    ) -> u8 {
        use crate::executor::{self, ToolCallError, ToolCallOutput};

        let catalog = match Catalog::new(self.toolkit.clone()) {
            Ok(c) => c,
            Err(e) => {
                io.error(e);
                return EXIT_FAILURE;
            }
        };
        let entry = catalog.get(&args.tool).or_else(|| {
            // A bare tool name, when it is unambiguous.
            let mut matches = catalog
                .entries()
                .iter()
                .filter(|e| e.definition().name.eq_ignore_ascii_case(&args.tool));
            let first = matches.next();
            first.filter(|_| matches.next().is_none())
        });
        let Some(entry) = entry else {
            io.error(format_args!(
                "unknown tool {:?}. Available: {}",
                args.tool,
                tool_names(&catalog)
            ));
            return EXIT_USAGE;
        };
        let input = match parse_input(&args.input) {
            Ok(input) => input,
            Err(e) => {
                io.error(e);
                return EXIT_USAGE;
            }
        };
        let Some(rt) = runtime(false, io) else {
            return EXIT_FAILURE;
        };
        let output: Result<ToolCallOutput, u8> = rt.block_on(async {
            let mut environment = environment.unwrap_or_else(|| self.default_environment());
            if let Some(user_id) = args.user_id {
                environment = environment.with_user_id(user_id);
            }
            let setup = self.setup("call", &extras, environment, io).await?;
            let environment = &setup.environment;
            Ok(match environment.context_for(entry).await {
                Ok(context) => {
                    let execution = executor::execute(entry, input, context).await;
                    if let Err(error) = &execution.outcome
                        && error.kind == crate::error::ErrorKind::UpstreamRuntimeAuthError
                    {
                        environment.token_rejected(entry);
                    }
                    execution.into_output()
                }
                // A missing secret or token: reported like a tool error.
                Err(e) => ToolCallOutput {
                    value: None,
                    logs: None,
                    error: Some(ToolCallError::from_tool_error(
                        &e,
                        entry.definition().name.as_str(),
                    )),
                    requires_authorization: None,
                },
            })
        });
        let output = match output {
            Ok(output) => output,
            Err(code) => return code,
        };
        let failed = output.error.is_some();
        let code = write_json(io.out, &output, io.out_is_terminal);
        if failed { EXIT_FAILURE } else { code }
    }
}

#[cfg(not(any(feature = "mcp", feature = "worker")))]
impl Cli {
    fn call(
        &self,
        _args: CallArgs,
        _extras: Extras,
        _environment: Option<LocalEnvironment>,
        io: &mut Output<'_>,
    ) -> u8 {
        io.error(
        "`call` is not available: this build of arcade-tdk has neither the `mcp` nor the `worker` feature",
    );
        EXIT_USAGE
    }
}

#[cfg(not(feature = "oauth"))]
impl Cli {
    fn auth(&self, _args: AuthArgs, io: &mut Output<'_>) -> u8 {
        io.error("`auth` is not available: this build of arcade-tdk lacks the `oauth` feature");
        EXIT_USAGE
    }
}

#[cfg(feature = "oauth")]
impl Cli {
    /// The provider `auth` works on: the one given, else the toolkit's only one.
    fn auth_provider_id(&self, given: Option<String>, io: &mut Output<'_>) -> Result<String, u8> {
        if let Some(id) = given {
            return Ok(id.to_ascii_lowercase());
        }
        let mut ids: Vec<String> = self
            .toolkit
            .tools()
            .iter()
            .filter_map(|t| t.spec().requirements().authorization.as_ref())
            .map(|r| r.provider_name().to_ascii_lowercase())
            .collect();
        ids.sort();
        ids.dedup();
        match ids.len() {
            1 => Ok(ids.remove(0)),
            0 => {
                io.error(
                    "no tool of this toolkit needs OAuth; name the provider: `auth login PROVIDER`",
                );
                Err(EXIT_USAGE)
            }
            _ => {
                io.error(format_args!(
                "this toolkit's tools use several providers ({}); name one: `auth login PROVIDER`",
                ids.join(", ")
            ));
                Err(EXIT_USAGE)
            }
        }
    }

    /// The OAuth app for `id`: one given to [`Cli::oauth_provider`], else the one the
    /// environment (or the `.env` file) configures, as `serve` would find it.
    fn oauth_app(
        &self,
        id: &str,
        environment: &LocalEnvironment,
    ) -> Result<crate::token::oauth::OAuthProvider, crate::token::oauth::OAuthError> {
        crate::token::oauth::OAuthProvider::require_lookup_with(
            id,
            |name| environment.var(name).map(str::to_owned),
            &self.oauth_providers,
        )
    }

    /// The provider id and its OAuth app for `auth login|logout`, or the exit code after
    /// saying why there is none.
    fn configured_app(
        &self,
        provider: Option<String>,
        environment: &LocalEnvironment,
        io: &mut Output<'_>,
    ) -> Result<(String, crate::token::oauth::OAuthProvider), u8> {
        let id = self.auth_provider_id(provider, io)?;
        match self.oauth_app(&id, environment) {
            Ok(app) => Ok((id, app)),
            Err(e) => {
                io.error(e);
                Err(EXIT_USAGE)
            }
        }
    }

    fn auth(&self, args: AuthArgs, io: &mut Output<'_>) -> u8 {
        use crate::token::oauth;
        let from_env;
        let environment = match &self.environment {
            Some(environment) => environment,
            None => {
                from_env = self.default_environment();
                &from_env
            }
        };
        match args.command {
            AuthCommand::Login {
                provider,
                no_browser,
            } => {
                let (id, app) = match self.configured_app(provider, environment, io) {
                    Ok(found) => found,
                    Err(code) => return code,
                };
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        io.error(format_args!("could not start the async runtime: {e}"));
                        return EXIT_FAILURE;
                    }
                };
                let result = rt.block_on(async {
                    let pending = oauth::start_login(&app).await?;
                    let _ = writeln!(
                        io.err,
                        "To authorize {id}, open this URL in your browser:

  {}

Waiting for the redirect to {} ...",
                        pending.authorize_url(),
                        pending.redirect_uri()
                    );
                    let _ = io.err.flush();
                    if !no_browser {
                        oauth::open_in_browser(pending.authorize_url());
                    }
                    pending.finish().await
                });
                match result {
                    Ok(outcome) => {
                        let _ = writeln!(io.out, "{outcome}");
                        EXIT_OK
                    }
                    Err(e) => {
                        io.error(format_args!("login failed: {e}"));
                        EXIT_FAILURE
                    }
                }
            }
            AuthCommand::Status { provider } => {
                let id = match self.auth_provider_id(provider, io) {
                    Ok(id) => id,
                    Err(code) => return code,
                };
                let mut any = false;
                let var = crate::token::var_prefix(&id);
                let set = |name: &str| environment.var(name).is_some();
                let access = format!("{var}_ACCESS_TOKEN");
                let key = format!("{var}_API_KEY");
                let env_line = if set(&access) {
                    any = true;
                    format!("{access} is set (an OAuth access token; used first)")
                } else if set(&key) {
                    any = true;
                    format!("{key} is set (an API key; used first)")
                } else {
                    format!("neither {access} nor {key} is set")
                };
                let source = match environment.dotenv_path() {
                    Some(path) => format!("environment and {}", path.display()),
                    None => "environment".to_owned(),
                };
                let _ = writeln!(io.out, "{source}: {env_line}");
                let oauth_line = match self.oauth_app(&id, environment) {
                    Ok(app) => match oauth::status(&app) {
                        Ok(status) => {
                            any |= status.logged_in;
                            status.to_string()
                        }
                        Err(e) => format!("{id}: {e}"),
                    },
                    Err(e) => format!("{e}"),
                };
                let _ = writeln!(io.out, "own OAuth app: {oauth_line}");
                let arcade_line = if set("ARCADE_API_KEY") {
                    any = true;
                    "ARCADE_API_KEY is set: tokens come from the Arcade Engine (the user authorizes at the URL a tool call returns)".to_owned()
                } else {
                    "ARCADE_API_KEY is not set".to_owned()
                };
                let _ = writeln!(io.out, "Arcade Engine: {arcade_line}");
                if any { EXIT_OK } else { EXIT_FAILURE }
            }
            AuthCommand::Logout { provider } => {
                let (id, app) = match self.configured_app(provider, environment, io) {
                    Ok(found) => found,
                    Err(code) => return code,
                };
                match oauth::logout(&app) {
                    Ok(true) => {
                        let _ = writeln!(
                            io.out,
                            "{id}: logged out (the cached token was removed; it is not revoked at the provider)"
                        );
                        EXIT_OK
                    }
                    Ok(false) => {
                        let _ = writeln!(io.out, "{id}: not logged in");
                        EXIT_OK
                    }
                    Err(e) => {
                        io.error(e);
                        EXIT_FAILURE
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        CliArgs::command().debug_assert();
        command(&Toolkit::new("Bare")).debug_assert();
        Cli::new(Toolkit::new("Extra"))
            .write_tools_opt_in("--enable-write-tools")
            .areas([("a", ["X"])])
            .flag("--sandbox", "Sandbox.")
            .command()
            .debug_assert();
        command(
            &Toolkit::new("Full")
                .version("1.2.3")
                .description("Full kit"),
        )
        .debug_assert();
    }

    #[test]
    #[cfg(any(feature = "mcp", feature = "worker"))]
    fn input_must_be_an_object() {
        assert!(parse_input("{\"a\": 1}").is_ok());
        assert!(parse_input("").unwrap().is_empty());
        assert!(parse_input("[1]").is_err());
        assert!(parse_input("{nope").is_err());
    }
}
