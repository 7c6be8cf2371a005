use arcade_tdk::tool;

arcade_tdk::tool_preset! {
    pub(crate) reads = (read_only, operations = [read], extras(team = "x"));
}

/// The preset already says `read_only` and `operations`: not overridden, an error.
#[tool(preset = reads, read_only = false, operations = [create], extras(team = "y"))]
fn twice() {}

fn main() {}
