use arcade_tdk::tool;

/// Named twice.
#[tool(name = "A", name = "B")]
fn twice() {}

fn main() {}
