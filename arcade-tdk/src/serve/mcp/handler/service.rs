//! [`McpService`]: the rmcp service of a stdio connection, [`McpServer`]'s handler with what
//! rmcp's model cannot carry added to its answers: `execution.taskSupport` on the tools
//! of `tools/list` that may run as tasks (rmcp 3.11's `Tool` has no such field, so it
//! would be lost on the way through it).

use std::borrow::Cow;

use rmcp::Service;
use rmcp::model::{CustomResult, ServerInfo};
use rmcp::service::NotificationContext;

use super::*;

/// [`McpServer`] as the service rmcp runs over stdio. (rmcp's HTTP service wants a
/// `ServerHandler`; there the session manager, `PollingSessions`, applies
/// [`McpServer::with_execution`] to the `tools/list` answers of 2025 sessions, and the
/// lean path to those of 2026-07-28 requests.)
#[derive(Clone)]
pub(crate) struct McpService(pub(crate) McpServer);

impl Service<RoleServer> for McpService {
    async fn handle_request(
        &self,
        request: ClientRequest,
        context: RequestContext<RoleServer>,
    ) -> Result<ServerResult, ErrorData> {
        let lists_tools = matches!(request, ClientRequest::ListToolsRequest(_));
        let result =
            <McpServer as Service<RoleServer>>::handle_request(&self.0, request, context).await?;
        Ok(if lists_tools {
            self.0.with_execution(result)
        } else {
            result
        })
    }

    async fn handle_notification(
        &self,
        notification: rmcp::model::ClientNotification,
        context: NotificationContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        <McpServer as Service<RoleServer>>::handle_notification(&self.0, notification, context)
            .await
    }

    fn get_info(&self) -> ServerInfo {
        <McpServer as Service<RoleServer>>::get_info(&self.0)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        <McpServer as Service<RoleServer>>::supported_protocol_versions(&self.0)
    }
}

impl McpServer {
    /// [`Served::with_execution`] for what is served now.
    pub(crate) fn with_execution(&self, result: ServerResult) -> ServerResult {
        self.served().with_execution(result)
    }
}

impl Served {
    /// A `tools/list` answer with `execution.taskSupport` on the tools that may run as
    /// tasks, as [`definition::mcp::tool`] writes it; other answers as they are.
    pub(super) fn with_execution(&self, result: ServerResult) -> ServerResult {
        if self.task_support.is_empty() {
            return result;
        }
        let ServerResult::ListToolsResult(list) = &result else {
            return result;
        };
        let Ok(mut value) = serde_json::to_value(list) else {
            return result;
        };
        if let Some(tools) = value.get_mut("tools").and_then(Value::as_array_mut) {
            for tool in tools {
                let name = tool.get("name").and_then(Value::as_str).unwrap_or_default();
                if let Some(execution) = self.task_support.get(name).cloned()
                    && let Some(tool) = tool.as_object_mut()
                {
                    tool.insert("execution".into(), execution);
                }
            }
        }
        ServerResult::CustomResult(CustomResult(value))
    }
}
