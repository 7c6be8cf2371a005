//! Changing what a running MCP server serves: a [`ServedCatalog`] handle replaces the
//! catalog (tools, resources, prompts) of every server given it
//! ([`McpOptions::with_served`](super::McpOptions::with_served)); those servers advertise `listChanged: true` for tools,
//! resources and prompts, and tell their 2025 sessions
//! (`notifications/tools/list_changed`, `.../resources/list_changed`,
//! `.../prompts/list_changed`, each only when that list changed). 2026-07-28 clients
//! have no session: those with a `subscriptions/listen` stream that asked for list
//! changes (`toolsListChanged`, ...) get the same notifications on it; the others see
//! the new lists when their cached ones expire.
//!
//! ```
//! use arcade_tdk::serve::mcp::{McpOptions, ServedCatalog};
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
//! let served = ServedCatalog::new();
//! let options = McpOptions::new("kit", "1.0.0").with_served(served.clone());
//! // ... serve `options` over stdio or HTTP; later, from any task:
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! served.replace(Catalog::new(Toolkit::new("Kit").tool(echo::tool())).unwrap()).await;
//! # });
//! ```

use std::sync::{Arc, Mutex, Weak};

use futures_util::future::BoxFuture;
use rmcp::model::{ServerCapabilities, Tool};
use rmcp::service::{Peer, RoleServer};

use crate::catalog::Catalog;

/// A server whose catalog a handle replaces.
pub(crate) trait Replace: Send + Sync {
    /// Serves `catalog` from now on and tells the sessions what changed.
    fn replace(&self, catalog: Arc<Catalog>) -> BoxFuture<'_, ()>;
}

/// A handle that replaces what the servers given it serve, at run time. Clones share
/// the servers. See the [module docs](self).
#[derive(Clone, Default)]
pub struct ServedCatalog {
    servers: Arc<Mutex<Vec<Weak<dyn Replace>>>>,
}

impl std::fmt::Debug for ServedCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServedCatalog")
            .field("servers", &self.servers().len())
            .finish()
    }
}

impl ServedCatalog {
    /// A handle for no server yet: give it to [`McpOptions::with_served`](super::McpOptions::with_served).
    pub fn new() -> Self {
        Self::default()
    }

    fn servers(&self) -> Vec<Arc<dyn Replace>> {
        let mut servers = self.servers.lock().unwrap_or_else(|e| e.into_inner());
        servers.retain(|s| s.strong_count() > 0);
        servers.iter().filter_map(Weak::upgrade).collect()
    }

    pub(crate) fn register(&self, server: Weak<dyn Replace>) {
        self.servers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(server);
    }

    /// Serves `catalog` from now on, in every server of this handle: calls already
    /// running finish with the catalog they started with; the 2025 sessions are told
    /// which lists changed. Returns once they were told.
    pub async fn replace(&self, catalog: Catalog) {
        let catalog = Arc::new(catalog);
        for server in self.servers() {
            server.replace(catalog.clone()).await;
        }
    }
}

/// `listChanged: true` for tools, resources and prompts.
pub(crate) fn advertise(capabilities: &mut ServerCapabilities) {
    if let Some(tools) = capabilities.tools.as_mut() {
        tools.list_changed = Some(true);
    }
    if let Some(resources) = capabilities.resources.as_mut() {
        resources.list_changed = Some(true);
    }
    if let Some(prompts) = capabilities.prompts.as_mut() {
        prompts.list_changed = Some(true);
    }
}

/// Which lists a replacement changed.
pub(crate) struct Changed {
    tools: bool,
    resources: bool,
    prompts: bool,
}

impl Changed {
    /// Every list.
    pub(crate) fn all() -> Self {
        Self {
            tools: true,
            resources: true,
            prompts: true,
        }
    }

    pub(crate) fn between(
        old: &Catalog,
        new: &Catalog,
        old_tools: &[Tool],
        new_tools: &[Tool],
    ) -> Self {
        let listing = |c: &Catalog| {
            let resources = c.resources();
            let r: Vec<_> = resources.list().iter().map(|r| r.to_json()).collect();
            let t: Vec<_> = resources.templates().iter().map(|t| t.to_json()).collect();
            (r, t)
        };
        let prompts =
            |c: &Catalog| -> Vec<_> { c.prompts().list().iter().map(|p| p.to_json()).collect() };
        Self {
            tools: old_tools != new_tools,
            resources: listing(old) != listing(new),
            prompts: prompts(old) != prompts(new),
        }
    }

    /// Sends the notifications of the lists that changed and `sink`'s stream asked for.
    pub(crate) async fn notify_listener(
        &self,
        sink: &rmcp::service::SubscriptionSink,
    ) -> Result<(), rmcp::service::SubscriptionSendError> {
        let accepted = sink.accepted();
        if self.tools && accepted.tools_list_changed == Some(true) {
            sink.notify_tool_list_changed().await?;
        }
        if self.resources && accepted.resources_list_changed == Some(true) {
            sink.notify_resource_list_changed().await?;
        }
        if self.prompts && accepted.prompts_list_changed == Some(true) {
            sink.notify_prompt_list_changed().await?;
        }
        Ok(())
    }

    /// Sends the notifications of the lists that changed to `peer`.
    pub(crate) async fn notify(&self, peer: &Peer<RoleServer>) {
        let mut results = Vec::new();
        if self.tools {
            results.push(peer.notify_tool_list_changed().await);
        }
        if self.resources {
            results.push(peer.notify_resource_list_changed().await);
        }
        if self.prompts {
            results.push(peer.notify_prompt_list_changed().await);
        }
        for result in results {
            if let Err(err) = result {
                tracing::debug!(%err, "could not send a list-changed notification");
            }
        }
    }
}
