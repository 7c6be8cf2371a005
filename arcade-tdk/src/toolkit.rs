//! [`Toolkit`]: a named, versioned set of tools, registered explicitly.
//!
//! ```
//! use arcade_tdk::{tool, Toolkit};
//!
//! /// Echo the input text.
//! #[tool]
//! fn echo(
//!     /// Text to echo back
//!     text: String,
//! ) -> String {
//!     text
//! }
//!
//! let toolkit = Toolkit::new("sample_kit")
//!     .description("Sample kit")
//!     .version("1.0.0")
//!     .tool(echo::tool());
//! assert_eq!(toolkit.get_name(), "SampleKit");
//! assert_eq!(toolkit.get_tools().len(), 1);
//! ```

use crate::names;
use crate::prompt::Prompt;
use crate::resource::{Resource, ResourceTemplate, ResourceUpdates};
use crate::tool::Tool;

/// How the tools of a toolkit are named for MCP clients and LLM providers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolNames {
    /// `Toolkit_Tool` (e.g. `SampleKit_Echo`), as Arcade names them: the default.
    #[default]
    Qualified,
    /// The name as declared (the `#[tool(name = "...")]` value, else the function's
    /// name, e.g. `test_simple_text`), without the toolkit. For servers whose clients
    /// call fixed names (such as the MCP conformance suite's fixture tools). The catalog
    /// then rejects two tools with the same such name, and `Toolkit_Tool` and
    /// `Toolkit.Tool` are still accepted by `tools/call`.
    Declared,
}

/// A named, versioned set of tools.
#[derive(Clone, Debug)]
pub struct Toolkit {
    name: String,
    description: Option<String>,
    version: Option<String>,
    tool_names: ToolNames,
    tools: Vec<&'static dyn Tool>,
    resources: Vec<Resource>,
    resource_templates: Vec<ResourceTemplate>,
    prompts: Vec<Prompt>,
    resource_updates: ResourceUpdates,
    /// `(tool name, ui:// URI)`: the MCP Apps set by [`Toolkit::tool_ui`].
    tool_uis: Vec<(String, String)>,
    /// `(tool name, schema)`: the MCP input schemas set by [`Toolkit::tool_input_schema`].
    tool_input_schemas: Vec<(String, serde_json::Value)>,
}

impl Toolkit {
    /// A toolkit named `name`, normalized as Arcade does (`sample_kit` → `SampleKit`).
    pub fn new(name: impl AsRef<str>) -> Self {
        Self {
            name: names::normalize_toolkit_name(name.as_ref()),
            description: None,
            version: None,
            tool_names: ToolNames::Qualified,
            tools: Vec::new(),
            resources: Vec::new(),
            resource_templates: Vec::new(),
            prompts: Vec::new(),
            resource_updates: ResourceUpdates::new(),
            tool_uis: Vec::new(),
            tool_input_schemas: Vec::new(),
        }
    }

    /// A toolkit named, versioned and described from a crate's Cargo metadata; the
    /// [`toolkit!`](crate::toolkit!) macro calls it with the calling crate's values.
    pub fn from_package(package: &str, version: &str, description: &str) -> Self {
        Self {
            name: names::toolkit_name_from_package(package),
            description: (!description.is_empty()).then(|| description.to_owned()),
            version: (!version.is_empty()).then(|| version.to_owned()),
            tool_names: ToolNames::Qualified,
            tools: Vec::new(),
            resources: Vec::new(),
            resource_templates: Vec::new(),
            prompts: Vec::new(),
            resource_updates: ResourceUpdates::new(),
            tool_uis: Vec::new(),
            tool_input_schemas: Vec::new(),
        }
    }

    /// Renames the toolkit (the name is used as given).
    ///
    /// Builders take the plain name (`name`, `description`, `version`, `tool_names`,
    /// `tool`); getters are `get_*`, as in clap.
    ///
    /// ```
    /// let toolkit = arcade_tdk::Toolkit::new("x").name("PagerDuty");
    /// assert_eq!(toolkit.get_name(), "PagerDuty");
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Sets how the tools are named for MCP clients and LLM providers
    /// ([`ToolNames::Qualified`] by default).
    ///
    /// ```
    /// use arcade_tdk::{tool, Catalog, Toolkit, ToolNames};
    ///
    /// /// Returns simple text.
    /// #[tool]
    /// fn test_simple_text() -> String {
    ///     "This is a simple text response for testing.".into()
    /// }
    ///
    /// let toolkit = Toolkit::new("Conformance")
    ///     .tool_names(ToolNames::Declared)
    ///     .tool(test_simple_text::tool());
    /// let catalog = Catalog::new(toolkit).unwrap();
    /// let entry = &catalog.entries()[0];
    /// assert_eq!(entry.mcp_name(), "test_simple_text");
    /// assert_eq!(entry.fully_qualified_name(), "Conformance.TestSimpleText");
    /// assert!(catalog.get("Conformance_TestSimpleText").is_some());
    /// ```
    pub fn tool_names(mut self, naming: ToolNames) -> Self {
        self.tool_names = naming;
        self
    }

    /// Adds a tool: `toolkit.tool(my_tool::tool())`.
    pub fn tool(mut self, tool: &'static dyn Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Adds several tools.
    pub fn tools_from(mut self, tools: impl IntoIterator<Item = &'static dyn Tool>) -> Self {
        self.tools.extend(tools);
        self
    }

    /// Adds a tool whose MCP App is the `ui://` resource `uri`: the builder form of
    /// `#[tool(ui = "ui://...")]` (and it wins over it). Serve the page with
    /// [`Resource::app`]; the catalog checks that the toolkit does (see [`crate::app`]).
    ///
    /// ```
    /// use arcade_tdk::{tool, Catalog, Resource, Toolkit};
    ///
    /// /// The weather.
    /// #[tool]
    /// fn weather() -> String {
    ///     "sunny".into()
    /// }
    ///
    /// let toolkit = Toolkit::new("Kit")
    ///     .resource(Resource::app("ui://kit/weather.html", "weather", "<p>Weather</p>"))
    ///     .tool_ui(weather::tool(), "ui://kit/weather.html");
    /// let catalog = Catalog::new(toolkit).unwrap();
    /// assert_eq!(catalog.entries()[0].ui_resource(), Some("ui://kit/weather.html"));
    /// ```
    pub fn tool_ui(mut self, tool: &'static dyn Tool, uri: impl Into<String>) -> Self {
        self.tool_uis
            .push((tool.spec().name().to_owned(), uri.into()));
        self.tool(tool)
    }

    /// Adds a tool whose MCP `inputSchema` is `schema`, verbatim: for what the
    /// parameters' Rust types cannot say (JSON Schema 2020-12's `$schema`, `$defs` with
    /// `$anchor`, `$ref`, `allOf`/`anyOf`, `if`/`then`/`else`, `x-mcp-header`). MCP
    /// clients see `schema` as written; the arguments are still validated and decoded by
    /// the tool's parameter types, so `schema` should describe the same properties.
    /// Arcade's definition (the worker protocol) keeps the parameters. The catalog
    /// rejects a schema that is not an object schema (`"type": "object"`).
    ///
    /// ```
    /// use arcade_tdk::{tool, Catalog, Toolkit};
    /// use serde_json::json;
    ///
    /// /// Greets by name.
    /// #[tool]
    /// fn greet(
    ///     /// Who to greet
    ///     name: String,
    /// ) -> String {
    ///     format!("Hello, {name}!")
    /// }
    ///
    /// let schema = json!({
    ///     "$schema": "https://json-schema.org/draft/2020-12/schema",
    ///     "type": "object",
    ///     "properties": { "name": { "type": "string", "minLength": 1 } },
    ///     "required": ["name"],
    ///     "additionalProperties": false
    /// });
    /// let toolkit = Toolkit::new("Kit").tool_input_schema(greet::tool(), schema.clone());
    /// let catalog = Catalog::new(toolkit).unwrap();
    /// assert_eq!(catalog.entries()[0].mcp_input_schema(), &schema);
    /// ```
    pub fn tool_input_schema(mut self, tool: &'static dyn Tool, schema: serde_json::Value) -> Self {
        self.tool_input_schemas
            .push((tool.spec().name().to_owned(), schema));
        self.tool(tool)
    }

    /// Adds a resource at a fixed URI (see [`crate::resource`]).
    pub fn resource(mut self, resource: Resource) -> Self {
        self.resources.push(resource);
        self
    }

    /// Adds a resource template (see [`crate::resource`]).
    pub fn resource_template(mut self, template: ResourceTemplate) -> Self {
        self.resource_templates.push(template);
        self
    }

    /// Adds a prompt (see [`crate::prompt`]).
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompts.push(prompt);
        self
    }

    /// The handle that says this toolkit's resources changed: sessions subscribed to an
    /// updated URI get `notifications/resources/updated`. Clones of the toolkit share it.
    pub fn resource_updates(&self) -> ResourceUpdates {
        self.resource_updates.clone()
    }

    /// The toolkit's name.
    pub fn get_name(&self) -> &str {
        &self.name
    }
    /// Its description.
    pub fn get_description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Its version.
    pub fn get_version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// How its tools are named for MCP clients and LLM providers.
    pub fn get_tool_names(&self) -> ToolNames {
        self.tool_names
    }
    /// Its tools, in registration order.
    pub fn get_tools(&self) -> &[&'static dyn Tool] {
        &self.tools
    }
    /// Its resources at fixed URIs.
    pub fn get_resources(&self) -> &[Resource] {
        &self.resources
    }
    /// Its resource templates.
    pub fn get_resource_templates(&self) -> &[ResourceTemplate] {
        &self.resource_templates
    }
    /// Its prompts.
    pub fn get_prompts(&self) -> &[Prompt] {
        &self.prompts
    }
    /// The `ui://` resource of its tool named `tool` (set by [`Toolkit::tool_ui`], else
    /// by `#[tool(ui = ...)]`).
    pub fn get_tool_ui(&self, tool: &dyn Tool) -> Option<&str> {
        let name = tool.spec().name();
        self.tool_uis
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, uri)| uri.as_str())
            .or(tool.spec().ui_resource())
    }
    /// The MCP input schema of its tool named `tool` when set by
    /// [`Toolkit::tool_input_schema`] (else MCP clients see the derived one).
    pub fn get_tool_input_schema(&self, tool: &dyn Tool) -> Option<&serde_json::Value> {
        let name = tool.spec().name();
        self.tool_input_schemas
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, schema)| schema)
    }
}

/// A [`Toolkit`] named, versioned and described from the calling crate's Cargo
/// metadata (`CARGO_PKG_NAME`, `CARGO_PKG_VERSION`, `CARGO_PKG_DESCRIPTION`).
///
/// ```
/// let toolkit = arcade_tdk::toolkit!();
/// assert_eq!(toolkit.get_version(), Some(env!("CARGO_PKG_VERSION")));
/// ```
#[macro_export]
macro_rules! toolkit {
    () => {
        $crate::Toolkit::from_package(
            ::core::env!("CARGO_PKG_NAME"),
            ::core::env!("CARGO_PKG_VERSION"),
            ::core::env!("CARGO_PKG_DESCRIPTION"),
        )
    };
}
