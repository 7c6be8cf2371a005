use arcade_tdk::tool;

struct Opaque;

#[derive(Default)]
struct AlsoOpaque;

/// Two bad parameter types, one of them defaulted, beside a good one: one error each,
/// at each type, and nothing from the generated code.
#[tool]
fn bad(
    /// Fine
    n: u32,
    /// An opaque value
    x: Opaque,
    /// Another, with a default
    #[arg(default)]
    y: AlsoOpaque,
) {
    let _ = (n, x, y);
}

fn main() {}
