//! A toolkit whose `arcade-tdk` dependency is renamed to `tdk` in `Cargo.toml`, so that
//! `::arcade_tdk` does not exist here: the tools compile only if the code `#[tool]` and
//! `tool_preset!` generate names the runtime through `crate = "..."` (or the preset's
//! own crate) alone.

use tdk::{ToolContext, ToolError, Toolkit};

tdk::tool_preset! {
    /// Reads of the incident API.
    pub(crate) reads = (read_only, operations = [read], service_domains = [incident_management]);
}

/// Count from one to `n`.
#[tdk::tool(crate = "tdk", read_only)]
pub async fn count(
    context: &ToolContext,
    /// How far to count
    #[arg(default = 3)]
    n: u32,
) -> Result<Vec<u32>, ToolError> {
    context.log().debug("counting");
    Ok((1..=n).collect())
}

/// List the open incidents (none here).
#[tdk::tool(preset = reads, open_world)]
pub fn list_incidents() -> Vec<String> {
    Vec::new()
}

/// The toolkit.
pub fn toolkit() -> Toolkit {
    Toolkit::new("Renamed")
        .tool(count::tool())
        .tool(list_incidents::tool())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[tokio::test]
    async fn tools_of_a_renamed_dependency_run() {
        let catalog = tdk::Catalog::new(super::toolkit()).unwrap();
        let entry = catalog.get("Renamed.Count").unwrap();
        let definition = serde_json::to_value(entry.definition()).unwrap();
        assert_eq!(definition["input"]["parameters"][0]["name"], "n");
        assert_eq!(definition["input"]["parameters"][0]["required"], false);
        let args = json!({"n": "4"}).as_object().unwrap().clone();
        let output = tdk::executor::execute(entry, args, tdk::ToolContext::default())
            .await
            .into_output();
        assert_eq!(output.value, Some(json!([1, 2, 3, 4])));
        let listed = catalog.get("Renamed.ListIncidents").unwrap();
        assert!(listed.tool().spec().is_read_only());
        let metadata = serde_json::to_value(listed.definition()).unwrap();
        assert_eq!(
            metadata["metadata"]["classification"]["service_domains"],
            json!(["incident_management"])
        );
    }
}
