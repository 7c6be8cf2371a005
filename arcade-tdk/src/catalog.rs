//! [`Catalog`]: the tools a server offers, with their definitions built once, looked up
//! case-insensitively by `Toolkit.Tool` or `Toolkit_Tool`.
//!
//! ```
//! use arcade_tdk::{tool, Catalog, Toolkit};
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
//! let catalog = Catalog::new(Toolkit::new("SampleKit").tool(echo::tool())).unwrap();
//! assert!(catalog.get("samplekit.echo").is_some());
//! assert!(catalog.get("SampleKit_Echo").is_some());
//! assert_eq!(catalog.entries()[0].definition().fully_qualified_name, "SampleKit.Echo");
//! ```

use std::fmt;
use std::sync::Arc;

use crate::definition::{ToolDefinition, ToolInput, ToolkitDefinition};
use crate::prompt::Prompts;
use crate::resource::Resources;
use crate::tool::Tool;
use crate::toolkit::{ToolNames, Toolkit};

/// One tool in a catalog, with its definition.
#[derive(Debug)]
pub struct CatalogEntry {
    tool: &'static dyn Tool,
    fqn: String,
    mcp_name: String,
    definition: ToolDefinition,
    resources: Arc<Resources>,
    ui: Option<String>,
    /// The MCP input schema set by [`Toolkit::tool_input_schema`].
    input_schema: Option<serde_json::Value>,
}

impl CatalogEntry {
    /// The resources of the tool's toolkit, which its context reads.
    pub(crate) fn own_resources(&self) -> Arc<Resources> {
        self.resources.clone()
    }
    /// The tool.
    pub fn tool(&self) -> &'static dyn Tool {
        self.tool
    }
    /// The `ui://` resource of the tool's MCP App, if it has one (see [`crate::app`]).
    pub fn ui_resource(&self) -> Option<&str> {
        self.ui.as_deref()
    }
    /// The tool's MCP `inputSchema`: the one given to [`Toolkit::tool_input_schema`],
    /// else the one derived from its parameters ([`ToolSpec::input_schema`](crate::ToolSpec::input_schema)).
    pub fn mcp_input_schema(&self) -> &serde_json::Value {
        self.input_schema
            .as_ref()
            .unwrap_or_else(|| self.tool.spec().input_schema())
    }
    /// `Toolkit.Tool`.
    pub fn fully_qualified_name(&self) -> &str {
        &self.fqn
    }
    /// The name MCP clients and LLM providers see: `Toolkit_Tool`, or the declared name
    /// for a toolkit with [`ToolNames::Declared`].
    pub fn mcp_name(&self) -> &str {
        &self.mcp_name
    }
    /// Arcade's definition.
    pub fn definition(&self) -> &ToolDefinition {
        &self.definition
    }
    /// The toolkit's name.
    pub fn toolkit_name(&self) -> &str {
        &self.definition.toolkit.name
    }
}

/// Why a catalog could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogError {
    /// Two tools share a fully-qualified name (compared case-insensitively).
    DuplicateTool(String),
    /// Two tools share an MCP name (compared case-insensitively), which
    /// [`ToolNames::Declared`] makes possible across toolkits.
    DuplicateMcpName(String),
    /// A resource or resource template cannot be served (declared twice, or a template
    /// that is not RFC 6570 level 1).
    InvalidResource(String),
    /// A prompt is declared twice.
    InvalidPrompt(String),
    /// A schema given to [`Toolkit::tool_input_schema`] is not an object schema.
    InvalidInputSchema(String),
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateTool(name) => write!(
                f,
                "tool {name} is registered twice (names are compared case-insensitively)"
            ),
            Self::DuplicateMcpName(name) => write!(
                f,
                "two tools are named {name} for MCP (names are compared case-insensitively)"
            ),
            Self::InvalidResource(why)
            | Self::InvalidPrompt(why)
            | Self::InvalidInputSchema(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for CatalogError {}

/// Which tools to leave out.
#[derive(Clone, Debug, Default)]
pub struct ToolFilter {
    /// `Toolkit.Tool` names never offered (`ARCADE_DISABLED_TOOLS`).
    pub disabled_tools: Vec<String>,
    /// Toolkits never offered (`ARCADE_DISABLED_TOOLKITS`).
    pub disabled_toolkits: Vec<String>,
    /// When set, only these tools (by name or fully-qualified name).
    pub only: Option<Vec<String>>,
    /// Tools to leave out (by name or fully-qualified name).
    pub exclude: Vec<String>,
    /// Only tools whose metadata marks them read-only.
    pub read_only: bool,
}

impl ToolFilter {
    /// The filter from `ARCADE_DISABLED_TOOLS` and `ARCADE_DISABLED_TOOLKITS`
    /// (comma-separated, case-insensitive), as Arcade reads them.
    pub fn from_env() -> Self {
        Self::from_lists(
            &std::env::var("ARCADE_DISABLED_TOOLS").unwrap_or_default(),
            &std::env::var("ARCADE_DISABLED_TOOLKITS").unwrap_or_default(),
        )
    }

    /// The filter from the values of `ARCADE_DISABLED_TOOLS` and
    /// `ARCADE_DISABLED_TOOLKITS`.
    ///
    /// ```
    /// let filter = arcade_tdk::ToolFilter::from_lists("SampleKit.Echo, SampleKit.Fail", "");
    /// assert_eq!(filter.disabled_tools, ["SampleKit.Echo", "SampleKit.Fail"]);
    /// ```
    pub fn from_lists(disabled_tools: &str, disabled_toolkits: &str) -> Self {
        let list = |value: &str| -> Vec<String> {
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        Self {
            disabled_tools: list(disabled_tools),
            disabled_toolkits: list(disabled_toolkits),
            ..Self::default()
        }
    }

    fn names_match(pattern: &str, entry: &CatalogEntry) -> bool {
        pattern.eq_ignore_ascii_case(&entry.fqn)
            || pattern.eq_ignore_ascii_case(&entry.mcp_name)
            || pattern.eq_ignore_ascii_case(&entry.definition.name)
    }

    /// Whether the entry passes the filter.
    pub fn allows(&self, entry: &CatalogEntry) -> bool {
        if self
            .disabled_toolkits
            .iter()
            .any(|t| t.eq_ignore_ascii_case(entry.toolkit_name()))
        {
            return false;
        }
        if self
            .disabled_tools
            .iter()
            .chain(&self.exclude)
            .any(|t| Self::names_match(t, entry))
        {
            return false;
        }
        if let Some(only) = &self.only
            && !only.iter().any(|t| Self::names_match(t, entry))
        {
            return false;
        }
        !self.read_only || entry.tool.spec().is_read_only()
    }
}

/// The tools a server offers, sorted by fully-qualified name.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    resources: Resources,
    prompts: Prompts,
}

impl Catalog {
    /// A catalog of every tool of `toolkit`. Reads nothing from the process environment
    /// (see [`Catalog::from_env`]).
    ///
    /// ```
    /// let catalog = arcade_tdk::Catalog::new(arcade_tdk::Toolkit::new("Empty")).unwrap();
    /// assert!(catalog.is_empty());
    /// ```
    pub fn new(toolkit: Toolkit) -> Result<Self, CatalogError> {
        Self::filtered([toolkit], &ToolFilter::default())
    }

    /// A catalog of `toolkit`, less what `ARCADE_DISABLED_TOOLS` and
    /// `ARCADE_DISABLED_TOOLKITS` disable ([`ToolFilter::from_env`]), as Arcade's servers
    /// read them.
    pub fn from_env(toolkit: Toolkit) -> Result<Self, CatalogError> {
        Self::filtered([toolkit], &ToolFilter::from_env())
    }

    /// A catalog of several toolkits, less what `filter` leaves out.
    pub fn filtered(
        toolkits: impl IntoIterator<Item = Toolkit>,
        filter: &ToolFilter,
    ) -> Result<Self, CatalogError> {
        let mut entries: Vec<CatalogEntry> = Vec::new();
        let mut resources = Resources::default();
        let mut prompts = Prompts::default();
        for toolkit in toolkits {
            // The toolkit's own resources (what its tools' contexts read); added to the
            // catalog's after its tools, so that a duplicate tool is reported first.
            let mut own = Resources::default();
            let add_resources = |set: &mut Resources| {
                set.add(
                    toolkit.get_resources(),
                    toolkit.get_resource_templates(),
                    &toolkit.resource_updates(),
                )
                .map_err(CatalogError::InvalidResource)
            };
            add_resources(&mut own)?;
            let own = Arc::new(own);
            let toolkit_def = ToolkitDefinition {
                name: toolkit.get_name().to_owned(),
                description: toolkit.get_description().map(str::to_owned),
                version: toolkit.get_version().map(str::to_owned),
            };
            for &tool in toolkit.get_tools() {
                let mut entry = Self::entry(tool, &toolkit_def, toolkit.get_tool_names());
                entry.resources = own.clone();
                if let Some(uri) = toolkit.get_tool_ui(tool) {
                    crate::app::check_tool_ui(&entry.fqn, uri, &own)
                        .map_err(CatalogError::InvalidResource)?;
                    entry.definition.meta = Some(crate::app::arcade_meta(uri));
                    entry.ui = Some(uri.to_owned());
                }
                if let Some(schema) = toolkit.get_tool_input_schema(tool) {
                    if schema.get("type").and_then(serde_json::Value::as_str) != Some("object") {
                        return Err(CatalogError::InvalidInputSchema(format!(
                            "the input schema of tool {} must be an object schema with \"type\": \"object\"",
                            entry.fqn
                        )));
                    }
                    entry.input_schema = Some(schema.clone());
                }
                if entries
                    .iter()
                    .any(|e| e.fqn.eq_ignore_ascii_case(&entry.fqn))
                {
                    return Err(CatalogError::DuplicateTool(entry.fqn));
                }
                if entries
                    .iter()
                    .any(|e| e.mcp_name.eq_ignore_ascii_case(&entry.mcp_name))
                {
                    return Err(CatalogError::DuplicateMcpName(entry.mcp_name));
                }
                entries.push(entry);
            }
            add_resources(&mut resources)?;
            prompts
                .add(toolkit.get_prompts())
                .map_err(CatalogError::InvalidPrompt)?;
        }
        entries.retain(|e| filter.allows(e));
        entries.sort_by(|a, b| a.fqn.cmp(&b.fqn));
        Ok(Self {
            entries,
            resources,
            prompts,
        })
    }

    fn entry(
        tool: &'static dyn Tool,
        toolkit: &ToolkitDefinition,
        naming: ToolNames,
    ) -> CatalogEntry {
        let spec = tool.spec();
        let fqn = format!("{}.{}", toolkit.name, spec.name());
        let mcp_name = match naming {
            ToolNames::Declared => spec.declared_name().to_owned(),
            _ => fqn.replace('.', "_"),
        };
        let definition = ToolDefinition {
            name: spec.name().to_owned(),
            fully_qualified_name: fqn.clone(),
            description: spec.description().to_owned(),
            toolkit: toolkit.clone(),
            input: ToolInput {
                parameters: spec.parameters().to_vec(),
            },
            output: spec.output().clone(),
            requirements: spec.requirements().clone(),
            deprecation_message: spec.deprecation_message().map(str::to_owned),
            metadata: spec.metadata().cloned(),
            meta: None,
        };
        CatalogEntry {
            tool,
            fqn,
            mcp_name,
            definition,
            resources: Arc::default(),
            ui: None,
            input_schema: None,
        }
    }

    /// Narrows the catalog to what `filter` allows.
    pub fn retain(&mut self, filter: &ToolFilter) {
        self.entries.retain(|e| filter.allows(e));
    }

    /// The entries, sorted by fully-qualified name.
    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The resources and resource templates of its toolkits.
    pub fn resources(&self) -> &Resources {
        &self.resources
    }

    /// The prompts of its toolkits.
    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    /// The number of tools.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no tools.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Finds a tool by `Toolkit.Tool`, `Toolkit_Tool` or its MCP name (see
    /// [`ToolNames`]), case-insensitively. Does not allocate.
    pub fn get(&self, name: &str) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| {
            e.mcp_name.eq_ignore_ascii_case(name)
                || name.len() == e.fqn.len()
                    && name
                        .bytes()
                        .zip(e.fqn.bytes())
                        .all(|(a, b)| a.eq_ignore_ascii_case(&b) || a == b'_' && b == b'.')
        })
    }

    /// Finds a tool by toolkit and tool name (the worker protocol's form),
    /// case-insensitively; a given `version` must match the toolkit's.
    pub fn get_parts(
        &self,
        toolkit: &str,
        name: &str,
        version: Option<&str>,
    ) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| {
            e.toolkit_name().eq_ignore_ascii_case(toolkit)
                && e.definition.name.eq_ignore_ascii_case(name)
                && version.is_none_or(|v| e.definition.toolkit.version.as_deref() == Some(v))
        })
    }
}
