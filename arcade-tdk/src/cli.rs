//! The standard command line of a toolkit binary.

use std::process::ExitCode;

use crate::toolkit::Toolkit;

/// Runs the standard command line for `toolkit`.
pub fn run(toolkit: Toolkit) -> ExitCode {
    let _ = toolkit;
    ExitCode::SUCCESS
}
