use arcade_tdk::tool;

arcade_tdk::tool_preset! {
    pub(crate) reads = (read_only);
    pub exported = (read_only);
    nested = (preset = reads);
}

/// Not a path.
#[tool(preset = "reads")]
fn not_a_path() {}

/// No value.
#[tool(preset)]
fn no_value() {}

/// A correct use.
#[tool(preset = reads)]
fn fine() {}

/// Two presets.
#[tool(preset = reads, preset = reads)]
fn two_presets() {}

/// A preset naming a preset.
#[tool(preset = nested)]
fn uses_nested() {}

fn main() {}
