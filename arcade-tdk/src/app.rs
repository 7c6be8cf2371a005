//! MCP Apps (the `io.modelcontextprotocol/ui` extension): a tool names a `ui://`
//! resource, an HTML page of MIME type `text/html;profile=mcp-app`, and hosts that
//! support MCP Apps read it (`resources/read`) and render it in a sandboxed iframe
//! beside the tool's result, which they deliver to the page over `postMessage`
//! (`ui/notifications/tool-result`). Hosts without MCP Apps show the result as usual.
//!
//! As Arcade's Python `@tool(ui=...)`: `#[tool(ui = "ui://...")]` (a value that is
//! not a `ui://` URI is a compile error at the literal) or, in the builder style,
//! [`Toolkit::tool_ui`]. The page is an ordinary resource, [`Resource::app`]. The
//! tool's `tools/list` entry then carries `_meta.ui.resourceUri` (and the flat
//! `_meta["ui/resourceUri"]` older hosts read), and its Arcade definition
//! `_meta: {"ui": {"resourceUri": ...}}`. Building the catalog fails when a tool names
//! a UI its toolkit does not serve.
//!
//! ```
//! use arcade_tdk::{tool, Catalog, Resource, Toolkit};
//!
//! /// Shows the forecast.
//! #[tool(ui = "ui://weather/forecast.html", read_only)]
//! fn forecast() -> String {
//!     "sunny".into()
//! }
//!
//! let page = "<!doctype html><p id=out></p><script>/* reads ui/notifications/tool-result */</script>";
//! let toolkit = Toolkit::new("Weather")
//!     .resource(Resource::app("ui://weather/forecast.html", "forecast", page))
//!     .tool(forecast::tool());
//! let catalog = Catalog::new(toolkit).unwrap();
//! let entry = catalog.get("Weather.Forecast").unwrap();
//! assert_eq!(entry.ui_resource(), Some("ui://weather/forecast.html"));
//!
//! // Without the page, the catalog says what is missing.
//! let broken = Toolkit::new("Weather").tool(forecast::tool());
//! let error = Catalog::new(broken).unwrap_err().to_string();
//! assert!(error.contains("ui://weather/forecast.html"), "{error}");
//! ```
//!
//! [`Toolkit::tool_ui`]: crate::Toolkit::tool_ui

use serde_json::{Map, Value, json};

use crate::resource::{Resource, Resources};

/// The MIME type of an MCP App page.
pub const APP_MIME_TYPE: &str = "text/html;profile=mcp-app";

/// The URI scheme of MCP App resources.
pub const UI_SCHEME: &str = "ui://";

impl Resource {
    /// An MCP App page: the HTML (with its scripts and styles inline) at the `ui://`
    /// URI `uri`, served with [`APP_MIME_TYPE`].
    ///
    /// ```
    /// let page = arcade_tdk::Resource::app("ui://kit/view.html", "view", "<p>Hi</p>");
    /// assert_eq!(page.to_json()["mimeType"], "text/html;profile=mcp-app");
    /// ```
    pub fn app(uri: impl Into<String>, name: impl Into<String>, html: impl Into<String>) -> Self {
        Resource::text(uri, name, APP_MIME_TYPE, html)
    }
}

/// Checks the UI `uri` of the tool `fqn`: a `ui://` URI its toolkit serves.
pub(crate) fn check_tool_ui(fqn: &str, uri: &str, resources: &Resources) -> Result<(), String> {
    if uri.len() <= UI_SCHEME.len() || !uri.starts_with(UI_SCHEME) {
        return Err(format!(
            "tool {fqn}: its UI must be a `ui://` resource URI (MCP Apps), not `{uri}`"
        ));
    }
    if !resources.contains(uri) {
        return Err(format!(
            "tool {fqn} names the UI resource {uri}, which its toolkit does not serve; add it with `Resource::app(\"{uri}\", ...)`"
        ));
    }
    Ok(())
}

/// The MCP `_meta` keys of a tool with the UI `uri`.
pub(crate) fn mcp_meta(uri: &str) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert("ui".into(), json!({ "resourceUri": uri }));
    meta.insert("ui/resourceUri".into(), json!(uri));
    meta
}

/// The Arcade definition's `_meta` of a tool with the UI `uri`, as Arcade's Python
/// worker emits it.
pub(crate) fn arcade_meta(uri: &str) -> Value {
    json!({ "ui": { "resourceUri": uri } })
}
