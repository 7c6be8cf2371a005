//! The command line's arguments, as clap derives them, and the command named after the
//! toolkit. The toolkit's extra options are added by [`Cli`](super::Cli).

use std::net::IpAddr;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::definition::Format;
use crate::toolkit::Toolkit;

/// The standard command line of a toolkit binary.
#[derive(Debug, Parser)]
#[command(
    name = "toolkit",
    after_help = "Logs go to stderr. Exit codes: 0 success; 1 the tool returned an error (call) or \
                  a server failed; 2 usage error (bad arguments, unknown tool, invalid --input, \
                  ARCADE_WORKER_SECRET unset for `worker`)."
)]
pub(super) struct CliArgs {
    /// Log level or filter for stderr logs (error, warn, info, debug, trace, or a
    /// tracing filter such as `arcade_tdk=debug`). Overrides RUST_LOG.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub(super) log_level: Option<String>,

    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
    /// Connect an MCP client to this binary, or describe it for the MCP registry.
    ///
    /// Prints the client's configuration entry (the binary's absolute path, `serve`,
    /// and the names of the variables the tools need), or merges it into the client's
    /// configuration file with --write (keeping a timestamped backup and the other
    /// servers). `configure registry` prints the MCP registry's server.json.
    Configure(super::configure::ConfigureArgs),
}

#[derive(Debug, Args)]
pub(super) struct AuthArgs {
    #[command(subcommand)]
    pub(super) command: AuthCommand,
}

#[derive(Debug, Subcommand)]
pub(super) enum AuthCommand {
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
pub(super) struct FilterArgs {
    /// Offer only these tools (comma-separated; `Tool`, `Toolkit.Tool` or
    /// `Toolkit_Tool`, case-insensitive).
    #[arg(long, value_name = "TOOLS", value_delimiter = ',')]
    pub(super) tools: Vec<String>,
    /// Leave out these tools (comma-separated; same names as --tools).
    #[arg(long, value_name = "TOOLS", value_delimiter = ',')]
    pub(super) exclude_tools: Vec<String>,
    /// Offer only tools whose metadata marks them read-only.
    #[arg(long)]
    pub(super) read_only: bool,
}

#[derive(Debug, Args)]
pub(super) struct ToolsArgs {
    /// The definition format.
    #[arg(long, short, value_enum, default_value = "arcade")]
    pub(super) format: Format,
    /// Print instead what `tools/list` costs a model: the characters of each tool's MCP
    /// entry (with and without its output schema) and the totals for the tools `serve`
    /// offers by default and for all the tools selected.
    #[arg(long)]
    pub(super) sizes: bool,
    #[command(flatten)]
    pub(super) filter: FilterArgs,
}

/// MCP transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum Transport {
    /// JSON-RPC over stdin/stdout, as MCP clients spawn local servers.
    Stdio,
    /// Streamable HTTP at /mcp (also `streamable-http`, as Arcade's Python server
    /// accepts).
    #[value(alias = "streamable-http", alias = "streamable")]
    Http,
}

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// The transport.
    #[arg(value_enum, default_value = "stdio", env = "ARCADE_SERVER_TRANSPORT")]
    pub(super) transport: Transport,
    /// The address to listen on (http).
    #[arg(long, default_value = "127.0.0.1", env = "ARCADE_SERVER_HOST")]
    pub(super) host: IpAddr,
    /// The port to listen on (http).
    #[arg(long, default_value_t = 8000, env = "ARCADE_SERVER_PORT")]
    pub(super) port: u16,
    /// Serve every MCP revision without server-side sessions (http), so that any
    /// replica behind a load balancer can answer any request (ARCADE_SERVER_STATELESS:
    /// 1, true, yes or on).
    #[arg(long, env = "ARCADE_SERVER_STATELESS", value_parser = clap::builder::FalseyValueParser::new())]
    pub(super) stateless: bool,
    /// Leave the tools' output schemas out of `tools/list`, for clients that do not use
    /// them (ARCADE_MCP_NO_OUTPUT_SCHEMAS: 1, true, yes or on).
    #[arg(long, env = "ARCADE_MCP_NO_OUTPUT_SCHEMAS", value_parser = clap::builder::FalseyValueParser::new())]
    pub(super) no_output_schemas: bool,
    #[command(flatten)]
    pub(super) replica: super::replicas::ReplicaArgs,
    #[command(flatten)]
    pub(super) filter: FilterArgs,
}

#[derive(Debug, Args)]
pub(super) struct WorkerArgs {
    /// The address to listen on (0.0.0.0 to accept the Arcade Engine from elsewhere).
    #[arg(long, default_value = "127.0.0.1")]
    pub(super) host: IpAddr,
    /// The port to listen on.
    #[arg(long, default_value_t = 8002)]
    pub(super) port: u16,
    #[command(flatten)]
    pub(super) replica: super::replicas::ReplicaArgs,
    #[command(flatten)]
    pub(super) filter: FilterArgs,
}

#[derive(Debug, Args)]
pub(super) struct CallArgs {
    /// The tool: `Tool`, `Toolkit.Tool` or `Toolkit_Tool` (case-insensitive).
    pub(super) tool: String,
    /// The arguments as a JSON object; `-` reads them from stdin.
    #[arg(long, short, value_name = "JSON", default_value = "{}")]
    pub(super) input: String,
    /// The user the tool runs for (overrides ARCADE_USER_ID).
    #[arg(long, value_name = "ID")]
    pub(super) user_id: Option<String>,
}

/// The command description, named after the toolkit.
pub(super) fn command(toolkit: &Toolkit) -> clap::Command {
    // clap takes `&'static str` without its `string` feature; this runs once per process.
    let leak = |s: &str| -> &'static str { String::leak(s.to_owned()) };
    let mut cmd = CliArgs::command().name(leak(toolkit.get_name()));
    cmd = match toolkit.get_description() {
        Some(d) => cmd.about(leak(&format!("{d} ({} toolkit)", toolkit.get_name()))),
        None => cmd.about(leak(&format!("The {} toolkit.", toolkit.get_name()))),
    };
    if let Some(v) = toolkit.get_version() {
        // Without a version clap would refuse to propagate one (a debug assertion).
        cmd = cmd.version(leak(v)).propagate_version(true);
    }
    cmd
}
