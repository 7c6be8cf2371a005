use arcade_tdk::{tool, ToolContext};

/// Two contexts.
#[tool]
fn twice(a: ToolContext, b: &ToolContext) {}

fn main() {}
