use arcade_tdk::tool;

/// Routes by region.
#[tool]
fn route(
    /// The region
    #[arg(header = "Mcp Region")]
    region: String,
) -> String {
    region
}

fn main() {}
