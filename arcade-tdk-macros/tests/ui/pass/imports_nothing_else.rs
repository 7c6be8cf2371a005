// Generated code names the runtime only through `::arcade_tdk::__private`: this file
// imports nothing but the attribute and has no serde/schemars of its own in scope.
#[arcade_tdk::tool(requires_auth = PagerDuty(scopes = ["read"]), read_only, idempotent)]
/// Counts to `n`.
async fn count(
    context: &arcade_tdk::ToolContext,
    /// How far
    #[arg(default = 3)]
    n: u32,
    /// Optional label
    label: Option<String>,
) -> Result<Vec<u32>, arcade_tdk::ToolError> {
    let _ = (context, label);
    Ok((1..=n).collect())
}

fn main() {
    let _ = count::tool();
}
