//! What a server serves ([`Served`]: the catalog, its pipeline and `tools/list`), and
//! its replacement by a [`ServedCatalog`](crate::serve::mcp::ServedCatalog) handle,
//! told to the 2025 sessions.

use super::*;

/// The catalog served and what is derived from it.
pub(super) struct Served {
    pub(super) catalog: Arc<Catalog>,
    /// Requirements, tokens, redaction: the path every call takes. Tools that need
    /// secrets or a token are refused over unauthenticated HTTP unless the operator
    /// allows them.
    pub(super) pipeline: Pipeline,
    pub(super) tools: Vec<Tool>,
    /// The tools whose input schema promotes arguments to `Mcp-Param-*` headers
    /// (`x-mcp-header`): the lean HTTP path leaves their validation to rmcp.
    pub(super) param_headers: std::collections::HashSet<String>,
    /// `execution` (`{"taskSupport": ...}`) of the tools that may run as tasks, by MCP
    /// name: rmcp's `Tool` drops it, [`Served::with_execution`] puts it back.
    pub(super) task_support: std::collections::HashMap<String, Value>,
}

impl Served {
    pub(super) fn new(catalog: Arc<Catalog>, options: &McpOptions, pipeline: Pipeline) -> Self {
        let mut task_support = std::collections::HashMap::new();
        let tools: Vec<Tool> = catalog
            .entries()
            .iter()
            .filter_map(|entry| {
                let mut tool = definition::mcp::tool(entry);
                if let Some(execution) = tool.get("execution") {
                    task_support.insert(entry.mcp_name().to_owned(), execution.clone());
                }
                if !options.output_schemas
                    && let Some(tool) = tool.as_object_mut()
                {
                    tool.remove("outputSchema");
                }
                serde_json::from_value::<Tool>(tool)
                    .inspect_err(|err| {
                        tracing::error!(tool = entry.mcp_name(), %err, "tool left out of tools/list");
                    })
                    .ok()
            })
            .collect();
        let param_headers = tools
            .iter()
            .filter(|tool: &&Tool| {
                Value::Object((*tool.input_schema).clone())
                    .to_string()
                    .contains("x-mcp-header")
            })
            .map(|tool| tool.name.to_string())
            .collect();
        Self {
            pipeline: pipeline.serving(catalog.clone()),
            catalog,
            tools,
            param_headers,
            task_support,
        }
    }

    pub(super) fn entry(&self, name: &str) -> Result<&CatalogEntry, ErrorData> {
        self.catalog
            .get(name)
            .ok_or_else(|| ErrorData::invalid_params(format!("Unknown tool: {name}"), None))
    }
}

impl Shared {
    pub(super) fn served(&self) -> Arc<Served> {
        self.served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Remembers a 2025 session (2026-07-28 has none: it learns of changes from the
    /// lists' caching hints), forgetting closed ones.
    pub(super) fn add_session(&self, peer: rmcp::service::Peer<RoleServer>) {
        let modern = peer
            .peer_info()
            .is_some_and(|i| i.protocol_version.as_str() >= ProtocolVersion::V_2026_07_28.as_str());
        if modern {
            return;
        }
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|p| !p.is_transport_closed());
        sessions.push(peer);
    }
}

impl crate::serve::mcp::list_changed::Replace for Shared {
    fn replace(&self, catalog: Arc<Catalog>) -> futures_util::future::BoxFuture<'_, ()> {
        Box::pin(async move {
            let old = self.served();
            let pipeline = old.pipeline.clone();
            let new = Served::new(catalog, &self.options, pipeline);
            let changed = crate::serve::mcp::list_changed::Changed::between(
                &old.catalog,
                &new.catalog,
                &old.tools,
                &new.tools,
            );
            *self.served.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(new);
            let sessions: Vec<_> = {
                let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
                sessions.retain(|p| !p.is_transport_closed());
                sessions.clone()
            };
            for peer in sessions {
                changed.notify(&peer).await;
            }
            // None listening is no error.
            let _ = self.changes.send(Arc::new(changed));
        })
    }
}
