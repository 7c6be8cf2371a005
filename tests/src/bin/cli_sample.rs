//! Test-only toolkit binary: the standard command line over the sample kit, as a
//! toolkit's own `main` runs it (`arcade_tdk::cli::run_with`, which installs the panic
//! hook), named `sample_kit` in usage and help. For `tests/tests/cli/process.rs`, which
//! spawns it (`CARGO_BIN_EXE_cli_sample`) for what depends on the process: environment
//! variables, stdout purity under `serve stdio`, and the HTTP servers.
//!
//! `CLI_SAMPLE_SLEEP_TOOL=1` adds `SampleKit_SleepMs` (says `sleep_ms: started` on
//! stderr, sleeps, then answers the milliseconds), the slow call in flight of
//! `tests/tests/replicas.rs`'s drain tests. `CLI_SAMPLE_SERVED=1` takes a
//! `ServedCatalog` in an `on_serve` hook (`Setup::served_catalog`) and, half a second
//! after `serve` starts, replaces the catalog with the sample kit plus `SampleKit_SleepMs`.

use std::process::ExitCode;
use std::time::Duration;

/// Sleep for `ms` milliseconds, then answer `ms`.
#[arcade_tdk::tool]
async fn sleep_ms(
    /// How long
    ms: u64,
) -> u64 {
    eprintln!("sleep_ms: started");
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

fn main() -> ExitCode {
    let mut toolkit = arcade_examples::sample_kit::toolkit();
    if std::env::var("CLI_SAMPLE_SLEEP_TOOL").is_ok_and(|v| v == "1") {
        toolkit = toolkit.tool(sleep_ms::tool());
    }
    let args = std::iter::once("sample_kit".into()).chain(std::env::args_os().skip(1));
    if std::env::var("CLI_SAMPLE_SERVED").is_ok_and(|v| v == "1") {
        return arcade_tdk::cli::Cli::new(toolkit)
            .on_serve(|mut setup| async move {
                let served = setup.served_catalog();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let next = arcade_examples::sample_kit::toolkit().tool(sleep_ms::tool());
                    served
                        .replace(arcade_tdk::Catalog::new(next).unwrap())
                        .await;
                });
                Ok(setup)
            })
            .run_with(args);
    }
    arcade_tdk::cli::run_with(toolkit, args)
}
