use arcade_tdk::tool;

struct Opaque;

/// A type without Deserialize/JsonSchema.
#[tool]
fn bad(
    /// An opaque value
    x: Opaque,
) {}

fn main() {}
