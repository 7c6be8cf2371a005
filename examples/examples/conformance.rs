//! The MCP conformance suite's fixture tools as a binary:
//! `cargo run -p arcade-examples --example conformance -- serve http --port 8000`.

fn main() -> std::process::ExitCode {
    arcade_tdk::cli::run(arcade_examples::conformance::full_toolkit())
}
