//! The `tools-pagerduty` binary: the standard toolkit command line of `arcade-tdk`
//! (`tools`, `serve`, `worker`, `call`, `auth`) for the PagerDuty toolkit, plus:
//!
//! * `--enable-write-tools` (`serve`, `worker`): without it only the read-only tools are
//!   offered, PagerDuty's own convention. `tools` lists every tool; `call` runs any.
//! * `--areas incidents,oncall,...` (`tools`, `serve`, `worker`): only those areas'
//!   tools (see `tools_pagerduty::areas`).
//! * `--sandbox` (`serve`, `call`; feature `sandbox`, on by default): start the
//!   in-process fake PagerDuty and point the tools at it with a fake token, so that
//!   `tools-pagerduty serve --sandbox` works with no account.

use std::process::ExitCode;

use arcade_tdk::cli::{Cli, Setup};

fn main() -> ExitCode {
    cli().run()
}

fn cli() -> Cli {
    Cli::new(tools_pagerduty::toolkit())
        .write_tools_opt_in("--enable-write-tools")
        .areas(tools_pagerduty::areas())
        .flag(
            "--sandbox",
            "Run against an in-process FAKE PagerDuty (seeded demo data, a fake token): no account needed, nothing real is touched.",
        )
        .on_serve(sandbox)
}

#[cfg(feature = "sandbox")]
async fn sandbox(mut setup: Setup) -> Result<Setup, String> {
    use arcade_tdk::token::{EnvTokenSource, TokenChain};
    use tools_pagerduty::sandbox::{Sandbox, routing_key};

    if !setup.flag("sandbox") {
        return Ok(setup);
    }
    let sandbox = Sandbox::start().await;
    let base = sandbox.base_url();
    let events = sandbox.events_url();
    setup.notice(format!(
        "SANDBOX MODE: the PagerDuty tools talk to a FAKE PagerDuty at {base},\n\
         not to your account. Its data (users, services, incidents...) is made up,\n\
         writes change only this process's copy, and everything is gone on exit.\n\
         Any PagerDuty token or API key in the environment is ignored."
    ));
    let tokens = TokenChain::new(vec![Box::new(EnvTokenSource::from_vars([(
        "PAGERDUTY_ACCESS_TOKEN",
        "sandbox-fake-token",
    )]))]);
    setup.update_environment(|env| {
        env.with_tokens(tokens)
            .with_metadata("PAGERDUTY_BASE_URL", base)
            .with_metadata("PAGERDUTY_EVENTS_URL", events)
            .with_var("PAGERDUTY_ROUTING_KEY", routing_key("PSVC001"))
    });
    // The credentials are fake: nothing to protect over HTTP.
    setup.allow_credentialed_tools_over_http();
    setup.keep_alive(sandbox);
    Ok(setup)
}

#[cfg(not(feature = "sandbox"))]
async fn sandbox(setup: Setup) -> Result<Setup, String> {
    if setup.flag("sandbox") {
        return Err("--sandbox needs the `sandbox` feature: build with `cargo run -p tools-pagerduty --features sandbox -- ...`".into());
    }
    Ok(setup)
}
