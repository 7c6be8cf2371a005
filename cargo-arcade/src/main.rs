//! `cargo arcade`: start a toolkit crate on [arcade-tdk](https://crates.io/crates/arcade-tdk).
//!
//! ```text
//! cargo install cargo-arcade
//! cargo arcade new tools-acme                      # a toolkit with generic tools
//! cargo arcade new tools-my-pd --provider pagerduty # custom PagerDuty tools, tested on the sandbox
//! cargo arcade new tools-acme --tdk-path ../arcade-tdk --dir /tmp/acme
//! ```
//!
//! `new NAME` writes a crate ready to build, test and publish: `Cargo.toml` (description,
//! license, repository placeholder, readme, keywords, rust-version), `src/lib.rs` with a
//! tool that needs an OAuth token (`requires_auth`) and one that needs a secret,
//! `src/main.rs` on the TDK's command line, `tests/tools.rs` on the TDK's test harness
//! (and, with `--provider pagerduty`, on the fake PagerDuty of `tools_pagerduty::sandbox`),
//! a README with the client set-up, `.env.example`, `.gitignore` and a GitHub Actions
//! workflow (fmt, clippy, test, package).
//!
//! - `--provider pagerduty`: tools on `tools-pagerduty`'s client, tests on its sandbox.
//! - `--tdk-path DIR`: depend on a local checkout of the arcade-tdk workspace by path
//!   (`DIR/arcade-tdk`, `DIR/tools-pagerduty`), e.g. to test an unreleased TDK offline.
//! - `--dir PATH`: the directory to create (default `./NAME`). It must not exist: nothing
//!   is ever overwritten.
//!
//! Exit codes: 0 success, 1 the crate could not be written, 2 a usage error (a bad crate
//! name, an existing directory, a `--tdk-path` without the TDK).

mod generate;
mod name;
mod render;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Start a toolkit crate on arcade-tdk.
#[derive(Debug, Parser)]
#[command(name = "cargo arcade", bin_name = "cargo arcade", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a new toolkit crate: tools, tests on the harness, README, CI.
    New(NewArgs),
}

/// The arguments of `new`.
#[derive(Debug, clap::Args)]
struct NewArgs {
    /// The crate's name (e.g. `tools-acme`): ASCII letters, digits, `-` and `_`,
    /// starting with a letter.
    name: String,
    /// Tools for this provider, on its toolkit's client, tested against its sandbox.
    #[arg(long, value_enum)]
    provider: Option<Provider>,
    /// Depend on the arcade-tdk workspace checked out at DIR (by path) instead of
    /// crates.io.
    #[arg(long, value_name = "DIR")]
    tdk_path: Option<PathBuf>,
    /// The directory to create (default: ./NAME). It must not exist.
    #[arg(long, value_name = "PATH")]
    dir: Option<PathBuf>,
}

/// The providers a scaffold can start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Provider {
    /// PagerDuty: `tools-pagerduty`'s client and sandbox.
    Pagerduty,
}

fn main() -> ExitCode {
    // As a cargo subcommand the binary is run as `cargo-arcade arcade new ...`.
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "arcade") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::New(args) => match new(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {}", e.message);
                ExitCode::from(e.code)
            }
        },
    }
}

/// Why `new` failed: the exit code and the message.
#[derive(Debug)]
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    fn io(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

fn new(args: NewArgs) -> Result<(), Failure> {
    let names = name::Names::new(&args.name).map_err(Failure::usage)?;
    let tdk = match &args.tdk_path {
        Some(dir) => {
            Some(generate::local_tdk(dir, args.provider.is_some()).map_err(Failure::usage)?)
        }
        None => None,
    };
    let dir = args.dir.unwrap_or_else(|| PathBuf::from(&names.crate_name));
    let plan = generate::Plan {
        names,
        pagerduty: args.provider == Some(Provider::Pagerduty),
        tdk,
    };
    let files = generate::write(&plan, &dir)?;
    println!("Created `{}` in {}:", plan.names.crate_name, dir.display());
    for file in &files {
        println!("  {file}");
    }
    println!(
        "\nNext:\n  cd {}\n  cargo test\n  cargo run -- tools --format mcp\n  cp .env.example .env   # then fill it in\n  cargo run -- configure claude-desktop   # see README.md for the other clients",
        dir.display()
    );
    Ok(())
}
