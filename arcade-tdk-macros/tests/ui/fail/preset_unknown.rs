use arcade_tdk::tool;

/// No such preset.
#[tool(preset = crate::presets::missing, read_only)]
fn unknown() {}

fn main() {}
