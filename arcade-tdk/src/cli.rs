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
//! | 1 | the tool returned an error (`call`), or a server or the toolkit failed at run time (a port already in use, duplicate tool names) |
//! | 2 | a usage error: bad arguments, an unknown tool, invalid `--input`, a missing `ARCADE_WORKER_SECRET`, or a command this build does not include |

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
#[cfg(any(feature = "mcp", feature = "worker"))]
use std::net::SocketAddr;
use std::process::ExitCode;
#[cfg(any(feature = "mcp", feature = "worker"))]
use std::sync::Arc;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde_json::Value;

use crate::catalog::{Catalog, ToolFilter};
use crate::definition::{self, Format};
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
    after_help = "Logs go to stderr. Exit codes: 0 success; 1 the tool returned an error (call) or \
                  a server failed; 2 usage error (bad arguments, unknown tool, invalid --input, \
                  ARCADE_WORKER_SECRET unset for `worker`)."
)]
struct Cli {
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
}

/// Runs the standard command line for `toolkit` with the process arguments. See the
/// [module docs](self) for the commands and exit codes.
pub fn run(toolkit: Toolkit) -> ExitCode {
    run_with(toolkit, std::env::args_os())
}

/// Runs the command line with `args` (the first being the program name), writing to the
/// process's stdout and stderr.
pub fn run_with<I, T>(toolkit: Toolkit, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // Not locked: the servers write to stdout (MCP over stdio) and stderr (logs) from
    // other threads while this one waits.
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let out_is_terminal = out.is_terminal();
    let err_is_terminal = err.is_terminal();
    let code = dispatch(
        toolkit,
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
    dispatch(
        toolkit,
        args,
        Output {
            out: stdout,
            err: stderr,
            out_is_terminal: false,
            err_is_terminal: false,
        },
    )
}

/// The command description, named after the toolkit.
fn command(toolkit: &Toolkit) -> clap::Command {
    // clap takes `&'static str` without its `string` feature; this runs once per process.
    let leak = |s: &str| -> &'static str { String::leak(s.to_owned()) };
    let mut cmd = Cli::command().name(leak(toolkit.name()));
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

fn dispatch<I, T>(toolkit: Toolkit, args: I, mut io: Output<'_>) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match command(&toolkit)
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
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
    let default_level = match cli.command {
        Command::Serve(_) | Command::Worker(_) => "info",
        Command::Tools(_) | Command::Call(_) => "warn",
    };
    init_logging(cli.log_level.as_deref(), default_level, io.err_is_terminal);

    let code = match cli.command {
        Command::Tools(args) => tools(toolkit, args, &mut io),
        Command::Serve(args) => serve(toolkit, args, &mut io),
        Command::Worker(args) => worker(toolkit, args, &mut io),
        Command::Call(args) => call(toolkit, args, &mut io),
    };
    let _ = io.out.flush();
    let _ = io.err.flush();
    code
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

fn tools(toolkit: Toolkit, args: ToolsArgs, io: &mut Output<'_>) -> u8 {
    let catalog = match catalog(toolkit, &args.filter, io) {
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

/// Completes on ctrl-c, or on SIGTERM on Unix.
#[cfg(any(feature = "mcp", feature = "worker"))]
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}

#[cfg(any(feature = "mcp", feature = "worker"))]
async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("could not listen on {addr}: {e}"))
}

#[cfg(feature = "mcp")]
fn serve(toolkit: Toolkit, args: ServeArgs, io: &mut Output<'_>) -> u8 {
    use crate::serve::mcp::{self, HttpOptions, McpOptions};

    let mut options = McpOptions::new(toolkit.name(), toolkit.get_version().unwrap_or("0.1.0"));
    if let Some(description) = toolkit.get_description() {
        options = options.with_instructions(description);
    }
    let catalog = match catalog(toolkit, &args.filter, io) {
        Ok(c) => Arc::new(c),
        Err(code) => return code,
    };
    if catalog.is_empty() {
        tracing::warn!("no tools to serve (all filtered out)");
    }
    match args.transport {
        Transport::Stdio => {
            let Some(rt) = runtime(false, io) else {
                return EXIT_FAILURE;
            };
            tracing::info!(tools = catalog.len(), "serving MCP over stdio");
            match rt.block_on(mcp::serve_stdio(catalog, options)) {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    io.error(format_args!("MCP stdio server failed: {e}"));
                    EXIT_FAILURE
                }
            }
        }
        Transport::Http => {
            let addr = SocketAddr::new(args.host, args.port);
            let http = HttpOptions::from_env();
            if !args.host.is_loopback() && http.allowed_hosts.is_empty() {
                tracing::warn!(
                    "listening on {}: MCP requests must still carry a loopback Host header \
                     unless MCP_TRANSPORT_ALLOWED_HOSTS lists the names clients use",
                    args.host
                );
            }
            let router = mcp::http_router(catalog.clone(), options, http);
            #[cfg(feature = "worker")]
            let router = with_worker_routes(router, &catalog);
            let Some(rt) = runtime(true, io) else {
                return EXIT_FAILURE;
            };
            let result = rt.block_on(async move {
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
            match result {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    io.error(e);
                    EXIT_FAILURE
                }
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
fn serve(_toolkit: Toolkit, _args: ServeArgs, io: &mut Output<'_>) -> u8 {
    io.error("`serve` is not available: this build of arcade-tdk lacks the `mcp` feature");
    EXIT_USAGE
}

#[cfg(feature = "worker")]
fn worker(toolkit: Toolkit, args: WorkerArgs, io: &mut Output<'_>) -> u8 {
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
    let catalog = match catalog(toolkit, &args.filter, io) {
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
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            io.error(e);
            EXIT_FAILURE
        }
    }
}

#[cfg(not(feature = "worker"))]
fn worker(_toolkit: Toolkit, _args: WorkerArgs, io: &mut Output<'_>) -> u8 {
    io.error("`worker` is not available: this build of arcade-tdk lacks the `worker` feature");
    EXIT_USAGE
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
fn call(toolkit: Toolkit, args: CallArgs, io: &mut Output<'_>) -> u8 {
    use crate::executor::{self, ToolCallError, ToolCallOutput};
    use crate::serve::local::LocalEnvironment;

    let catalog = match Catalog::new(toolkit) {
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
    let output: ToolCallOutput = rt.block_on(async {
        let mut environment = LocalEnvironment::from_env();
        if let Some(user_id) = args.user_id {
            environment = environment.with_user_id(user_id);
        }
        match environment.context_for(entry).await {
            Ok(context) => executor::execute(entry, input, context).await.into_output(),
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
        }
    });
    let failed = output.error.is_some();
    let code = write_json(io.out, &output, io.out_is_terminal);
    if failed { EXIT_FAILURE } else { code }
}

#[cfg(not(any(feature = "mcp", feature = "worker")))]
fn call(_toolkit: Toolkit, _args: CallArgs, io: &mut Output<'_>) -> u8 {
    io.error(
        "`call` is not available: this build of arcade-tdk has neither the `mcp` nor the `worker` feature",
    );
    EXIT_USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
        command(&Toolkit::new("Bare")).debug_assert();
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
