use arcade_tdk::tool;

/// References and tuples cannot be decoded from JSON.
#[tool]
fn bad(
    /// A borrowed string
    s: &str,
    /// A pair
    pair: (i64, i64),
    /// Anything
    f: impl Fn(),
) {}

fn main() {}
