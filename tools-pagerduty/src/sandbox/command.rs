//! `tools-pagerduty sandbox`: the sandbox as a standalone server, for code in any
//! language (curl, PagerDuty's own client libraries, a custom tool) to point at.
//!
//! ```text
//! tools-pagerduty sandbox [--host 127.0.0.1] [--port 0] [--state FILE] [--save FILE]
//!                         [--latency MS] [--fault KIND[:TIMES][@PATH]]... [--format json|env]
//! ```
//!
//! Once it listens it prints, on one line of stdout (`--format json`, the default):
//!
//! ```json
//! {"base_url":"http://127.0.0.1:40123","events_url":"http://127.0.0.1:40123",
//!  "user_token":"sandbox-user-PUSR001","account_token":"acct-sandbox-key",
//!  "routing_key":"Rpsvc001000000000000000000000000","from_email":"alice@example.com"}
//! ```
//!
//! or, with `--format env`, `KEY=value` lines for a shell to export (`set -a; . ./pd.env;
//! set +a`; not a `.env` file, where the toolkit reads tokens but not the base URL):
//! `PAGERDUTY_BASE_URL`, `PAGERDUTY_EVENTS_URL`, `PAGERDUTY_ACCESS_TOKEN` (the user-level token: an OAuth token, `Authorization: Bearer ...`, whose `/users/me` is
//! Alice), `PAGERDUTY_API_KEY` (the account-level key: `Authorization: Token token=...`,
//! no user), `PAGERDUTY_ROUTING_KEY` (Events API v2, service PSVC001) and
//! `PAGERDUTY_FROM_EMAIL` (the `From` header writes with the account-level key need).
//!
//! It serves until SIGINT or SIGTERM. `--state FILE` starts from a state file instead
//! of the seeded account; `--save FILE` writes the state there on exit and on
//! `POST /_sandbox/save` (give both the same file to keep changes across runs).
//! `--latency` and `--fault` switch on latency and faults from the start; the admin
//! endpoints (`/_sandbox/latency`, `/_sandbox/faults`, see the sandbox module) switch
//! them while it runs. Status lines go to stderr.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use arcade_tdk::cli::clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use serde_json::json;

use super::{FaultSpec, Sandbox, routing_key};

/// The user-level token printed (an OAuth token; `/users/me` is PUSR001, Alice).
pub const USER_TOKEN: &str = "sandbox-user-PUSR001";
/// The account-level API key printed (no user: writes need a `From` header).
pub const ACCOUNT_TOKEN: &str = "acct-sandbox-key";
/// The `From` email printed, Alice's.
pub const FROM_EMAIL: &str = "alice@example.com";

/// The `sandbox` command's description.
pub fn command() -> Command {
    Command::new("sandbox")
        .about("Run the FAKE PagerDuty (REST API v2 + Events API v2) as a standalone server and print its URL and credentials.")
        .long_about(
            "Run the FAKE PagerDuty (REST API v2 + Events API v2) as a standalone server. Once it \
             listens it prints its base URL, a user-level token, an account-level token, an Events API \
             routing key and a From email on stdout (one JSON line, or KEY=value lines with --format env), \
             then serves until SIGINT/SIGTERM. Admin endpoints: GET /_sandbox/state, POST /_sandbox/save, \
             PUT /_sandbox/latency {\"ms\": N}, POST /_sandbox/faults {\"fault\": \"KIND[:TIMES][@PATH]\"}, \
             DELETE /_sandbox/faults.",
        )
        .arg(
            Arg::new("host")
                .long("host")
                .value_name("HOST")
                .default_value("127.0.0.1")
                .value_parser(value_parser!(IpAddr))
                .help("The address to listen on."),
        )
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("PORT")
                .default_value("0")
                .value_parser(value_parser!(u16))
                .help("The port to listen on (0: any free port; the printed URL says which)."),
        )
        .arg(
            Arg::new("state")
                .long("state")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Start from this state file instead of the seeded account."),
        )
        .arg(
            Arg::new("save")
                .long("save")
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Write the state to this file on exit and on POST /_sandbox/save."),
        )
        .arg(
            Arg::new("latency")
                .long("latency")
                .value_name("MS")
                .value_parser(value_parser!(u64))
                .help("Delay every response by MS milliseconds."),
        )
        .arg(
            Arg::new("fault")
                .long("fault")
                .value_name("KIND[:TIMES][@PATH]")
                .action(ArgAction::Append)
                .value_parser(|s: &str| s.parse::<FaultSpec>())
                .help("Inject a fault: rate-limit, server-error, unavailable, unauthorized, forbidden, not-found, payment-required, malformed or slow=MS; TIMES requests (default all) on paths starting with PATH (default all). Repeatable."),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .value_parser(["json", "env"])
                .default_value("json")
                .help("How to print the URL and credentials: one JSON line, or KEY=value lines."),
        )
}

/// Runs the `sandbox` command: starts the server, prints its URL and credentials to
/// `out`, serves until SIGINT/SIGTERM, then saves the state if `--save` was given.
pub fn run(matches: &ArgMatches, out: &mut dyn Write) -> Result<(), String> {
    let host = *matches.get_one::<IpAddr>("host").expect("a default");
    let port = *matches.get_one::<u16>("port").expect("a default");
    let save = matches.get_one::<PathBuf>("save").cloned();
    let mut builder = Sandbox::builder().addr(SocketAddr::new(host, port));
    if let Some(path) = matches.get_one::<PathBuf>("state") {
        builder = builder.state_file(path)?;
    }
    if let Some(path) = &save {
        builder = builder.save_to(path.clone());
    }
    if let Some(ms) = matches.get_one::<u64>("latency") {
        builder = builder.latency(Duration::from_millis(*ms));
    }
    for spec in matches.get_many::<FaultSpec>("fault").into_iter().flatten() {
        builder = builder.fault(spec.clone());
    }
    let env = matches
        .get_one::<String>("format")
        .is_some_and(|f| f == "env");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let sandbox = builder
            .try_start()
            .await
            .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
        print_credentials(&sandbox, env, out)
            .map_err(|e| format!("cannot print the sandbox's URL: {e}"))?;
        tracing::info!(url = %sandbox.base_url(), "the PagerDuty sandbox is serving; stop it with ctrl-c");
        arcade_tdk::serve::shutdown_signal().await;
        if let Some(path) = &save {
            sandbox.save_state(path)?;
            tracing::info!(path = %path.display(), "saved the sandbox's state");
        }
        Ok(())
    })
}

fn print_credentials(sandbox: &Sandbox, env: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let base = sandbox.base_url();
    let events = sandbox.events_url();
    let key = routing_key("PSVC001");
    if env {
        writeln!(out, "PAGERDUTY_BASE_URL={base}")?;
        writeln!(out, "PAGERDUTY_EVENTS_URL={events}")?;
        writeln!(out, "PAGERDUTY_ACCESS_TOKEN={USER_TOKEN}")?;
        writeln!(out, "PAGERDUTY_API_KEY={ACCOUNT_TOKEN}")?;
        writeln!(out, "PAGERDUTY_ROUTING_KEY={key}")?;
        writeln!(out, "PAGERDUTY_FROM_EMAIL={FROM_EMAIL}")?;
    } else {
        let line = json!({
            "base_url": base,
            "events_url": events,
            "user_token": USER_TOKEN,
            "account_token": ACCOUNT_TOKEN,
            "routing_key": key,
            "from_email": FROM_EMAIL,
        });
        writeln!(out, "{line}")?;
    }
    out.flush()
}
