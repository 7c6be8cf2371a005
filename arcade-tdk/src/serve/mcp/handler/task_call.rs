//! A `tools/call` run as an MCP task ([`super::super::tasks`]): the record created at
//! once, the tool run in the background through the same pipeline.

use std::collections::BTreeMap;

use super::*;
use crate::serve::mcp::client_requests::on_session;

impl McpServer {
    /// Runs the call as a task: answers its `CreateTaskResult` once the record is
    /// stored; the tool runs in the background, through the same pipeline, without
    /// logs or progress (there is no request to attach them to); a 2025 session is
    /// told of its status changes (`notifications/tasks`).
    /// The questions `answered` before the call became a task (a deferred task) are not
    /// asked again.
    pub(super) async fn call_as_task(
        &self,
        entry: &crate::catalog::CatalogEntry,
        args: JsonObject,
        context: &RequestContext<RoleServer>,
        answered: BTreeMap<String, Value>,
    ) -> Result<CallToolResponse, ErrorData> {
        let server = self.clone();
        let name = entry.mcp_name().to_owned();
        let caller = caller(context);
        let runs_as = caller.clone();
        let timeout = self.shared.options.client_request_timeout;
        let work = move |client| async move {
            let shared = &server.shared;
            let served = shared.served();
            let Some(entry) = served.catalog.get(&name) else {
                return Outcome::internal("the tool is no longer served");
            };
            let sink = move |_| Some(Arc::new(TaskSink(client)) as Arc<dyn ContextSink>);
            match served.pipeline.call_as(entry, args, &runs_as, sink).await {
                CallOutcome::Executed(execution) => match execution.outcome {
                    Ok(value) => Outcome::result(&success_result(value)),
                    // A panic is a protocol-level failure of the task, not a tool error.
                    Err(error) if crate::executor::is_panic(&error) => {
                        Outcome::internal("the tool failed with an internal error")
                    }
                    Err(error) => Outcome::result(&error_result(&error, &shared.options)),
                },
                CallOutcome::Unmet(unmet) => Outcome::result(&requirements_result(&unmet.error)),
            }
        };
        let created = self
            .shared
            .tasks
            .create(
                &caller,
                context.client_capabilities(),
                timeout,
                answered,
                on_session(context).then(|| context.peer.clone()),
                work,
            )
            .await?;
        Ok(CallToolResponse::Task(created))
    }
}
