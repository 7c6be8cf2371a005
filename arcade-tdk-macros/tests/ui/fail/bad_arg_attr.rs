use arcade_tdk::tool;

/// Bad parameter attributes.
#[tool]
fn f(
    /// A value
    #[arg(rename = "y")]
    x: i64,
    /// An optional value cannot have a default
    #[arg(default = 3)]
    z: Option<i64>,
) {}

fn main() {}
