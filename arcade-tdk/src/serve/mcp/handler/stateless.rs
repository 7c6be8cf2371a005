//! The lean HTTP path's side of [`McpServer`]: which 2026-07-28 requests it answers
//! without an rmcp service ([`super::super::lean`]), and the answers, through the same
//! pipeline and result building as the rmcp path.

use super::*;

impl McpServer {
    /// A 2026-07-28 `tools/call` answered without an rmcp service (the lean HTTP path):
    /// the same pipeline as [`McpServer::call`], for a request that asked for no
    /// notifications (no `progressToken`, no `logLevel`), so none can be produced.
    pub(in crate::serve::mcp) async fn call_stateless(
        &self,
        request: CallToolRequestParams,
        meta: &RequestMetaObject,
        caller: &Caller,
    ) -> Result<CallToolResponse, ErrorData> {
        let served = self.served();
        let entry = served.entry(&request.name)?;
        let replay = Arc::new(replay_for_call(
            &request,
            meta,
            caller,
            &self.shared.options,
        )?);
        let args = request.arguments.unwrap_or_default();
        let (tx, _) = mpsc::unbounded_channel();
        let sink = Sink {
            tx,
            min_level: None,
            progress_token: None,
            client: Some(replay.clone()),
            closer: None,
        };
        let outcome = Self::run_call(&served.pipeline, entry, args, caller, sink).await;
        self.finish(entry, outcome, Some(&replay))
    }

    /// Whether the lean HTTP path ([`super::super::lean`]) answers `request` itself: the
    /// methods whose 2026-07-28 answer needs nothing from an rmcp session.
    pub(in crate::serve::mcp) fn answers_stateless(&self, request: &ClientRequest) -> bool {
        match request {
            ClientRequest::CallToolRequest(call) => {
                // A tool that may run as a task goes through rmcp's path, which decides.
                let served = self.served();
                served.entry(&call.params.name).map_or(true, |entry| {
                    !served.param_headers.contains(entry.mcp_name())
                        && !entry.tool().spec().task_support().allows_task()
                })
            }
            ClientRequest::ListToolsRequest(_)
            | ClientRequest::ListPromptsRequest(_)
            | ClientRequest::ListResourcesRequest(_)
            | ClientRequest::ListResourceTemplatesRequest(_) => true,
            _ => false,
        }
    }

    /// Answers a 2026-07-28 request that [`McpServer::answers_stateless`] accepted, as
    /// rmcp's service would: the same handlers, then the 2026 caching hints.
    pub(in crate::serve::mcp) async fn answer_stateless(
        &self,
        request: ClientRequest,
        meta: &RequestMetaObject,
        caller: &Caller,
    ) -> Result<ServerResult, ErrorData> {
        let served = self.served();
        let catalog = &served.catalog;
        let mut result = match request {
            ClientRequest::CallToolRequest(call) => {
                let response = Box::pin(self.call_stateless(call.params, meta, caller)).await?;
                if matches!(response, CallToolResponse::Task(_))
                    && !meta
                        .client_capabilities()
                        .is_some_and(|c| c.supports_tasks())
                {
                    return Err(ErrorData::missing_required_client_capability(
                        rmcp::model::ClientCapabilities::builder()
                            .enable_tasks()
                            .build(),
                    ));
                }
                ServerResult::from(response)
            }
            ClientRequest::ListToolsRequest(_) => {
                let mut list = ServerResult::ListToolsResult(ListToolsResult::with_all_items(
                    served.tools.clone(),
                ));
                list.fill_missing_cache_hints();
                served.with_execution(list)
            }
            ClientRequest::ListPromptsRequest(_) => {
                ServerResult::ListPromptsResult(surface::list_prompts(catalog))
            }
            ClientRequest::ListResourcesRequest(_) => {
                ServerResult::ListResourcesResult(surface::list_resources(catalog))
            }
            ClientRequest::ListResourceTemplatesRequest(_) => {
                ServerResult::ListResourceTemplatesResult(surface::list_resource_templates(catalog))
            }
            other => {
                return Err(ErrorData::internal_error(
                    format!("{} is not answered on the lean path", other.method()),
                    None,
                ));
            }
        };
        result.fill_missing_cache_hints();
        Ok(result)
    }
}
