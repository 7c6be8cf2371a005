//! The `tools-pagerduty` binary: the standard toolkit command line of `arcade-tdk`
//! (`tools`, `serve`, `worker`, `call`) for the PagerDuty toolkit.

fn main() -> std::process::ExitCode {
    arcade_tdk::cli::run(tools_pagerduty::toolkit())
}
