//! `configure`: each client's entry (printed), `--write` merging into the client's
//! file (backup, other servers kept, bad files refused), and `configure registry`'s
//! `server.json` against the MCP registry's schema.
#![cfg(feature = "cli")]
#![allow(clippy::result_large_err)] // tools return `Result<_, ToolError>` by design.

mod clients;
mod registry;
mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use arcade_tdk::cli::Cli;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::{ToolContext, ToolError, Toolkit, tool};

/// Needs an OAuth token from the `acme` provider.
#[tool(requires_auth = OAuth2(provider_id = "acme", scopes = ["read"]))]
fn whoami(context: ToolContext) -> Result<String, ToolError> {
    Ok(context.authorization.token()?.len().to_string())
}

/// Needs a secret.
#[tool(requires_secrets = ["ACME_SIGNING_SECRET"])]
fn sign(context: ToolContext) -> Result<String, ToolError> {
    Ok(context.get_secret("ACME_SIGNING_SECRET")?.len().to_string())
}

/// Needs the same secret.
#[tool(requires_secrets = ["ACME_SIGNING_SECRET"])]
fn verify(context: ToolContext) -> Result<String, ToolError> {
    Ok(context.get_secret("ACME_SIGNING_SECRET")?.len().to_string())
}

/// Needs nothing.
#[tool]
fn ping() -> String {
    "pong".into()
}

fn toolkit() -> Toolkit {
    Toolkit::new("Acme")
        .version("1.2.3")
        .description("Acme tools for tests.")
        .tool(whoami::tool())
        .tool(sign::tool())
        .tool(verify::tool())
        .tool(ping::tool())
}

/// The values in the environment of these tests: the entries must not carry them
/// unless asked to.
const TOKEN_VALUE: &str = "acme-token-value-0001";
const SECRET_VALUE: &str = "acme-signing-secret-0002";

fn environment() -> LocalEnvironment {
    LocalEnvironment::from_vars([
        ("ACME_ACCESS_TOKEN", TOKEN_VALUE),
        ("ACME_SIGNING_SECRET", SECRET_VALUE),
    ])
}

/// What a run printed and its exit code.
struct Run {
    code: u8,
    out: String,
    err: String,
}

fn run_with(toolkit: Toolkit, args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["acme"];
    argv.extend_from_slice(args);
    let code = Cli::new(toolkit)
        .environment(environment())
        .run_with_output(argv, &mut out, &mut err);
    Run {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(toolkit(), args)
}

/// The binary's path as the entries name it: the test binary, absolute.
fn exe() -> String {
    std::env::current_exe()
        .unwrap()
        .canonicalize()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "arcade-tdk-configure-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
