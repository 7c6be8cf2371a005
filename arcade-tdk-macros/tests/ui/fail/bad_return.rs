use arcade_tdk::tool;

struct Opaque;

/// A result that cannot be serialized.
#[tool]
fn bad() -> Opaque {
    Opaque
}

fn main() {}
