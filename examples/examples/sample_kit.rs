//! The sample toolkit as a binary: `cargo run -p arcade-examples --example sample_kit -- --help`.

fn main() -> std::process::ExitCode {
    arcade_tdk::cli::run(arcade_examples::sample_kit::toolkit())
}
