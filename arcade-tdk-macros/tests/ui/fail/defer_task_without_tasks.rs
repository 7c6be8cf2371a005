use arcade_tdk::tool;

/// Asks, then goes on as a task, but never may run as one.
#[tool(defer_task)]
fn f() {}

fn main() {}
