use arcade_tdk::tool;

/// Scopes must be strings.
#[tool(requires_auth = OAuth2(provider_id = "arcade-pagerduty", scopes = [read]))]
fn a() {}

/// Unknown OAuth2 key.
#[tool(requires_auth = OAuth2(provider = "x"))]
fn b() {}

/// Unknown provider shorthand.
#[tool(requires_auth = PagerDooty(scopes = ["read"]))]
fn c() {}

/// OAuth2 without a provider.
#[tool(requires_auth = OAuth2(scopes = ["read"]))]
fn d() {}

fn main() {}
