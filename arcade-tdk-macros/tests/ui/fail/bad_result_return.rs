use arcade_tdk::{ToolError, tool};

struct Opaque;

/// A result whose value cannot be serialized.
#[tool]
async fn bad() -> Result<Opaque, ToolError> {
    Ok(Opaque)
}

fn main() {}
