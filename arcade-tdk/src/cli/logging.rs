//! What the command line sends to stderr: the logger, and the panic hook that keeps a
//! tool's panic message (which may quote a secret) out of the log.

/// Replaces the process's panic hook (by default Rust's, which prints a panic's message
/// to stderr) with one that logs only where the panic happened: a tool's panic message
/// may quote its token or secrets. The executor already reports the message, with the
/// context's secrets redacted, in the tool error's `developer_message`.
///
/// [`Cli::run`](super::Cli::run) and [`Cli::run_with`](super::Cli::run_with) call it; a program that embeds the runtime (or
/// calls [`Cli::run_with_output`](super::Cli::run_with_output)) calls it itself if it wants it. Only the first call
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
pub(super) fn init(level: Option<&str>, default_level: &str, ansi: bool) {
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
