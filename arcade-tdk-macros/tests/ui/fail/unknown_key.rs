use arcade_tdk::tool;

/// Echo.
#[tool(nmae = "Echo")]
fn echo(
    /// Text
    text: String,
) -> String {
    text
}

fn main() {}
