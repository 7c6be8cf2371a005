//! Tools read their toolkit's resources through their context.

use super::Resources;
use crate::context::ToolContext;

static NONE: Resources = Resources::EMPTY;

impl ToolContext {
    /// The resources of the tool's toolkit: list them or read one (an empty set in a
    /// context built by hand).
    ///
    /// ```
    /// use arcade_tdk::{tool, Resource, ToolContext, ToolError, Toolkit};
    /// use arcade_tdk::testing::Harness;
    /// use serde_json::json;
    ///
    /// /// Reads the notes resource.
    /// #[tool]
    /// async fn read_notes(context: &ToolContext) -> Result<String, ToolError> {
    ///     let contents = context.resources().read("kit://notes").await
    ///         .map_err(|e| ToolError::execution(e.to_string()))?;
    ///     Ok(contents[0].text.clone().unwrap_or_default())
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let toolkit = Toolkit::new("Kit")
    ///     .resource(Resource::text("kit://notes", "notes", "text/plain", "Remember"))
    ///     .tool(read_notes::tool());
    /// let output = Harness::new(toolkit).call("Kit.ReadNotes", json!({})).await;
    /// assert_eq!(output.value(), json!("Remember"));
    /// assert!(ToolContext::default().resources().list().is_empty());
    /// # }
    /// ```
    pub fn resources(&self) -> &Resources {
        self.resources.as_deref().unwrap_or(&NONE)
    }
}
