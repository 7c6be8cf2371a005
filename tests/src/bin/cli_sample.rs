//! Test-only toolkit binary: the standard command line over the sample kit, as a
//! toolkit's own `main` runs it (`arcade_tdk::cli::run_with`, which installs the panic
//! hook), named `sample_kit` in usage and help. For `tests/tests/cli/process.rs`, which
//! spawns it (`CARGO_BIN_EXE_cli_sample`) for what depends on the process: environment
//! variables, stdout purity under `serve stdio`, and the HTTP servers.

use std::process::ExitCode;

fn main() -> ExitCode {
    arcade_tdk::cli::run_with(
        arcade_examples::sample_kit::toolkit(),
        std::iter::once("sample_kit".into()).chain(std::env::args_os().skip(1)),
    )
}
