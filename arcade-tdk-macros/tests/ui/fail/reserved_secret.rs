use arcade_tdk::tool;

/// Asks for the server's own key.
#[tool(requires_secrets = ["ARCADE_API_KEY"])]
fn f() {}

fn main() {}
