use arcade_tdk::tool;

/// A `requires_auth` key given twice.
#[tool(requires_auth = OAuth2(provider_id = "a", id = "x", provider_id = "b", scopes = ["read"], scopes = []))]
fn twice() {}

fn main() {}
