use arcade_tdk::tool;

/// Every `#[arg]` key given twice, in one attribute or across two.
#[tool]
fn twice(
    /// A value
    #[arg(name = "a", name = "b")]
    x: i64,
    #[arg(desc = "One")]
    #[arg(description = "Two")]
    y: i64,
    /// A defaulted value
    #[arg(default, default = 3)]
    z: i64,
    /// An inferrable value
    #[arg(inferrable = false, inferrable)]
    w: i64,
) {
    let _ = (x, y, z, w);
}

fn main() {}
