//! Where a command writes, and how it fails: a [`CliError`] carries the exit code and
//! the message, and [`Output::finish`] is the one place that prints it.

use std::io::Write;

/// Success.
pub(super) const EXIT_OK: u8 = 0;
/// The tool failed, or the server or toolkit failed at run time.
pub(super) const EXIT_FAILURE: u8 = 1;
/// A usage error.
pub(super) const EXIT_USAGE: u8 = 2;

/// Why a command failed: its exit code, and the message to print (none when the command
/// has already said it on stdout, as `call` does with the tool's error).
#[derive(Debug)]
pub(super) struct CliError {
    code: u8,
    message: Option<String>,
}

impl CliError {
    /// A usage error (exit code 2): bad arguments, an unknown tool, a missing setting.
    pub(super) fn usage(message: impl std::fmt::Display) -> Self {
        Self {
            code: EXIT_USAGE,
            message: Some(message.to_string()),
        }
    }

    /// A failure at run time (exit code 1).
    pub(super) fn failure(message: impl std::fmt::Display) -> Self {
        Self {
            code: EXIT_FAILURE,
            message: Some(message.to_string()),
        }
    }

    /// Exit code 1 with nothing more to say (the output already tells).
    pub(super) fn silent_failure() -> Self {
        Self {
            code: EXIT_FAILURE,
            message: None,
        }
    }
}

/// What a command returns.
pub(super) type CliResult = Result<(), CliError>;

/// Where the command line writes: stdout, stderr, and whether each is a terminal.
pub(super) struct Output<'a> {
    pub(super) out: &'a mut dyn Write,
    pub(super) err: &'a mut dyn Write,
    pub(super) out_is_terminal: bool,
    pub(super) err_is_terminal: bool,
}

impl Output<'_> {
    /// Prints the error of `result`, if any, flushes both streams and returns the exit
    /// code.
    pub(super) fn finish(&mut self, result: CliResult) -> u8 {
        let code = match result {
            Ok(()) => EXIT_OK,
            Err(error) => {
                if let Some(message) = &error.message {
                    let _ = writeln!(self.err, "error: {message}");
                }
                error.code
            }
        };
        let _ = self.out.flush();
        let _ = self.err.flush();
        code
    }

    /// Writes `value` as JSON on stdout: pretty, or compact on one line.
    pub(super) fn json(&mut self, value: &impl serde::Serialize, pretty: bool) -> CliResult {
        let text = if pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        let text = text.map_err(|_| CliError::silent_failure())?;
        match writeln!(self.out, "{text}") {
            Ok(()) => Ok(()),
            // A closed pipe (`| head`) is not worth a message.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(_) => Err(CliError::silent_failure()),
        }
    }
}
