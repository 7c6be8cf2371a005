use arcade_tdk::tool;

/// Shows a page.
#[tool(ui = "https://example.com/view.html")]
fn view() -> String {
    String::new()
}

fn main() {}
