use arcade_tdk::tool;

/// Generic.
#[tool]
fn generic<T: Default>(
    /// A value
    x: i64,
) -> i64 {
    x
}

fn main() {}
