//! The `tools-pagerduty` binary: the standard toolkit command line of `arcade-tdk`
//! (`tools`, `serve`, `worker`, `call`, `auth`) for the PagerDuty toolkit, plus
//! `--enable-write-tools`, `--areas` and `--sandbox`, and `sandbox` (the fake PagerDuty
//! as a standalone server; see `tools_pagerduty::cli`).

fn main() -> std::process::ExitCode {
    tools_pagerduty::cli().run()
}
