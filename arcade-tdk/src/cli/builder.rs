//! [`Cli`], the toolkit's command line with its own options (a write-tools opt-in,
//! areas, flags), and the hooks ([`Setup`]) run before tools are served.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Arg, ArgAction};
use futures_util::future::BoxFuture;

use super::args;
use super::logging::install_panic_hook;
#[cfg(any(feature = "mcp", feature = "worker"))]
use super::output::CliError;
use super::output::Output;
use crate::serve::local::LocalEnvironment;
use crate::toolkit::Toolkit;

/// A hook run before `serve` and `call` run tools (see [`Cli::on_serve`]).
pub(super) type Hook =
    Arc<dyn Fn(Setup) -> BoxFuture<'static, Result<Setup, String>> + Send + Sync>;

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
    pub(super) toolkit: Toolkit,
    pub(super) write_opt_in: Option<&'static str>,
    pub(super) areas: Vec<(String, Vec<String>)>,
    pub(super) flags: Vec<(&'static str, &'static str)>,
    pub(super) hooks: Vec<Hook>,
    pub(super) environment: Option<LocalEnvironment>,
    #[cfg(feature = "oauth")]
    pub(super) oauth_providers: Vec<crate::token::oauth::OAuthProvider>,
    pub(super) extra_commands: Vec<super::extra::ExtraCommand>,
}

impl std::fmt::Debug for Cli {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cli")
            .field("toolkit", &self.toolkit.get_name())
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
    pub(super) command: &'static str,
    pub(super) flags: Vec<(&'static str, bool)>,
    pub(super) environment: LocalEnvironment,
    pub(super) notices: Vec<String>,
    pub(super) keep_alive: Vec<Box<dyn std::any::Any + Send>>,
    pub(super) credentialed_tools_over_http: bool,
    #[cfg(feature = "mcp")]
    pub(super) served: Option<crate::serve::mcp::ServedCatalog>,
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

    /// A handle that replaces what `serve` serves while it runs
    /// ([`ServedCatalog`](crate::serve::mcp::ServedCatalog)): asking for it makes the
    /// server advertise `listChanged` and tell its clients when a list changes (2025
    /// sessions, and 2026-07-28 `subscriptions/listen` streams). Keep it, e.g. in a
    /// task the hook spawns; `call` ignores it.
    ///
    /// ```
    /// use arcade_tdk::cli::Cli;
    /// use arcade_tdk::{Catalog, Toolkit};
    ///
    /// let cli = Cli::new(Toolkit::new("Acme")).on_serve(|mut setup| async move {
    ///     let served = setup.served_catalog();
    ///     tokio::spawn(async move {
    ///         // later, e.g. when a feature flag flips:
    ///         served.replace(Catalog::new(Toolkit::new("Acme")).unwrap()).await;
    ///     });
    ///     Ok(setup)
    /// });
    /// # let _ = cli;
    /// ```
    #[cfg(feature = "mcp")]
    pub fn served_catalog(&mut self) -> crate::serve::mcp::ServedCatalog {
        self.served.get_or_insert_with(Default::default).clone()
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
            extra_commands: Vec::new(),
        }
    }

    /// Adds a command of the toolkit's own (e.g. `sandbox`), described with clap
    /// ([`arcade_tdk::cli::clap`](super::clap), the version this crate uses). `run`
    /// gets the command's matches and the command line's stdout; its `Err` is printed
    /// as `error: ...` with exit code 1. `--log-level` applies (default `info`); the
    /// command runs no hooks and builds its own runtime if it needs one.
    ///
    /// ```
    /// use arcade_tdk::cli::{clap, Cli};
    /// use arcade_tdk::Toolkit;
    ///
    /// let cli = Cli::new(Toolkit::new("Acme")).subcommand(
    ///     clap::Command::new("hello")
    ///         .about("Say hello.")
    ///         .arg(clap::Arg::new("name").long("name").default_value("world")),
    ///     |matches, out| {
    ///         let name = matches.get_one::<String>("name").expect("a default");
    ///         writeln!(out, "hello, {name}").map_err(|e| e.to_string())
    ///     },
    /// );
    /// let (mut out, mut err) = (Vec::new(), Vec::new());
    /// let code = cli.run_with_output(["acme", "hello", "--name", "Ada"], &mut out, &mut err);
    /// assert_eq!((code, String::from_utf8(out).unwrap()), (0, "hello, Ada\n".to_owned()));
    ///
    /// // An `Err` is the command's error message, exit code 1.
    /// let cli = Cli::new(Toolkit::new("Acme"))
    ///     .subcommand(clap::Command::new("broken"), |_, _| Err("it broke".into()));
    /// let (mut out, mut err) = (Vec::new(), Vec::new());
    /// assert_eq!(cli.run_with_output(["acme", "broken"], &mut out, &mut err), 1);
    /// assert_eq!(String::from_utf8(err).unwrap(), "error: it broke\n");
    /// ```
    pub fn subcommand<F>(mut self, command: clap::Command, run: F) -> Self
    where
        F: Fn(&clap::ArgMatches, &mut dyn Write) -> Result<(), String> + Send + Sync + 'static,
    {
        self.extra_commands.push(super::extra::ExtraCommand {
            command,
            run: Arc::new(run),
        });
        self
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

    /// The environment `serve`, `call` and `auth` use, instead of
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

    /// The environment `serve`, `call` and `auth` use: the one given to
    /// [`environment`](Self::environment), else [`LocalEnvironment::from_env`], knowing
    /// the OAuth apps given to [`oauth_provider`](Self::oauth_provider).
    #[cfg_attr(
        not(any(feature = "mcp", feature = "worker", feature = "oauth")),
        allow(dead_code)
    )]
    pub(super) fn take_environment(&mut self) -> LocalEnvironment {
        if let Some(environment) = self.environment.take() {
            return environment;
        }
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
    pub(super) fn command(&self) -> clap::Command {
        let mut cmd = args::command(&self.toolkit);
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
        for extra in &self.extra_commands {
            cmd = cmd.subcommand(extra.command.clone());
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

    /// The values of the extra options in a subcommand's matches.
    pub(super) fn extras(&self, sub: &clap::ArgMatches) -> Extras {
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

    /// Runs the hooks on `environment`; prints their notices to stderr.
    #[cfg(any(feature = "mcp", feature = "worker"))]
    pub(super) async fn setup(
        &self,
        command: &'static str,
        extras: &Extras,
        environment: LocalEnvironment,
        io: &mut Output<'_>,
    ) -> Result<Setup, CliError> {
        let mut setup = Setup {
            command,
            flags: extras.flags.clone(),
            environment,
            notices: Vec::new(),
            keep_alive: Vec::new(),
            credentialed_tools_over_http: false,
            #[cfg(feature = "mcp")]
            served: None,
        };
        for hook in &self.hooks {
            setup = hook(setup).await.map_err(CliError::failure)?;
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
pub(super) const AREAS_ID: &str = "areas";

/// The values of a [`Cli`]'s extra options.
#[derive(Debug, Default)]
pub(super) struct Extras {
    /// Whether write tools are offered (always, without an opt-in flag).
    pub(super) write_tools: bool,
    /// The areas given to `--areas`.
    pub(super) areas: Vec<String>,
    /// The extra flags, and whether each was given.
    #[cfg_attr(not(any(feature = "mcp", feature = "worker")), allow(dead_code))]
    pub(super) flags: Vec<(&'static str, bool)>,
}
