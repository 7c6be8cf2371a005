// The runtime under another name: `crate = "..."` names it, and a preset knows its own
// crate. Cargo refuses a second dev-dependency on `arcade-tdk` under another name, so
// the rename is an `extern crate ... as`; that `::arcade_tdk` stays reachable here is
// why the macro's unit tests check that such an expansion never names it.
extern crate arcade_tdk as renamed_tdk;

mod tools {
    renamed_tdk::tool_preset! {
        /// Reads.
        pub(crate) reads = (read_only, operations = [read], service_domains = [incident_management]);
    }

    /// Counts to `n`.
    #[renamed_tdk::tool(crate = "renamed_tdk", read_only)]
    pub async fn count(
        context: &renamed_tdk::ToolContext,
        /// How far
        #[arg(default = 3)]
        n: u32,
    ) -> Result<Vec<u32>, renamed_tdk::ToolError> {
        let _ = context;
        Ok((1..=n).collect())
    }

    /// Names the crate with a leading `::`.
    #[renamed_tdk::tool(crate = "::renamed_tdk")]
    pub fn hello() -> String {
        "hello".into()
    }

    /// Uses a preset, which brings its crate along.
    #[renamed_tdk::tool(preset = reads, open_world)]
    pub fn list() -> Vec<String> {
        Vec::new()
    }
}

fn main() {
    let count = tools::count::tool();
    assert_eq!(count.spec().name(), "Count");
    assert_eq!(tools::hello::tool().spec().name(), "Hello");
    assert!(tools::list::tool().spec().is_read_only());
}
