use arcade_tdk::tool;

arcade_tdk::tool_preset! {
    pub(crate) reads = (read_only, operations = [reed], idempotent);
}

/// A mistake in the preset is reported in the preset.
#[tool(preset = reads)]
fn bad_in_preset() {}

/// A mistake in the tool's own keys is reported at the tool.
#[tool(preset = reads, outptu = "x")]
fn bad_in_tool() {}

fn main() {}
