use arcade_tdk::tool;

/// Adds one.
#[tool]
fn add_one(x: i64, y: i64) -> i64 {
    x + y
}

fn main() {}
