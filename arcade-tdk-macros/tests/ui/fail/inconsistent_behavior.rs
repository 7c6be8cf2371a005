use arcade_tdk::tool;

/// Deletes, but says it is read-only and not destructive.
#[tool(operations = [delete], read_only, destructive = false)]
fn delete_everything() {}

/// Unknown operation and service domain.
#[tool(operations = [frobnicate], service_domains = [pagers])]
fn unknown() {}

fn main() {}
