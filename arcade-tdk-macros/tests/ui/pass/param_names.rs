// Parameters named like the function, like the generated code's own locals, or with a
// raw identifier still reach the function as written.
use arcade_tdk::tool;

/// Echo.
#[tool]
fn echo(
    /// Text
    echo: String,
    /// Also text
    __args: String,
    /// A keyword
    r#type: Option<u32>,
) -> String {
    format!("{echo}{__args}{type:?}", r#type = r#type)
}

fn main() {
    let _ = echo::tool();
}
