use arcade_tdk::tool;

#[tool]
fn undocumented(
    /// A value
    x: i64,
) -> i64 {
    x
}

fn main() {}
