use arcade_tdk::tool;

/// A misspelt service domain, beside a good one.
#[tool(open_world, service_domains = [incident_management, incident_managment])]
fn misspelt() {}

fn main() {}
