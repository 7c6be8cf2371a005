//! A custom PagerDuty tool on `tools_pagerduty::client`, as a toolkit binary:
//! `cargo run -p arcade-examples --example custom_pagerduty_tool -- call GetCurrentUser`
//! (set `PAGERDUTY_ACCESS_TOKEN`; `PAGERDUTY_BASE_URL` points it at a sandbox, e.g. the
//! one `tools-pagerduty sandbox` prints). See `arcade_examples::custom_pagerduty`.

fn main() -> std::process::ExitCode {
    arcade_tdk::cli::run(arcade_examples::custom_pagerduty::toolkit())
}
