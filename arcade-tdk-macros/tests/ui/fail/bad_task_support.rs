use arcade_tdk::tool;

/// Runs as a task sometimes.
#[tool(task_support = "sometimes")]
fn f() {}

fn main() {}
