//! `prompts/get` of a prompt that asks the client while it produces its messages
//! ([`Prompt::with_context`](crate::Prompt::with_context)): over the session at the 2025
//! revisions, and at 2026-07-28 as an `input_required` result (SEP-2322) whose
//! `requestState` is sealed and bound to the prompt, its arguments and the caller, as a
//! tool call's is ([`super::input_required`]).

use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{GetPromptRequestParams, GetPromptResponse, ProtocolVersion};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::Value;

use super::McpOptions;
use super::client_requests::{SessionClient, caller_key};
use super::input_required::{ReplayClient, missing_capability_error};
use super::surface;
use crate::catalog::Catalog;
use crate::context::{ContextSink, LogLevel, ToolContext};
use crate::interaction::ClientRequests;
use crate::serve::pipeline::Caller;

/// The sink of a prompt's context: its requests to the client, no notifications.
struct PromptSink {
    client: Arc<dyn ClientRequests>,
}

impl ContextSink for PromptSink {
    fn log(&self, _level: LogLevel, _message: &str, _data: Option<&Value>) {}
    fn progress(&self, _progress: f64, _total: Option<f64>, _message: Option<&str>) {}
    fn client_requests(&self) -> Option<&dyn ClientRequests> {
        Some(self.client.as_ref())
    }
}

/// Answers `prompts/get`: the prompt's messages, or (2026-07-28) the `input_required`
/// result with what it asked and the client has not answered yet.
pub(super) async fn get_prompt(
    catalog: &Catalog,
    request: GetPromptRequestParams,
    context: &RequestContext<RoleServer>,
    caller: &Caller,
    options: &McpOptions,
) -> Result<GetPromptResponse, ErrorData> {
    let modern = context
        .protocol_version()
        .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str());
    let replay = if modern {
        Some(Arc::new(ReplayClient::open_prompt(
            &request,
            context.meta.client_capabilities(),
            &caller_key(caller),
            options.request_state_ttl,
        )?))
    } else {
        None
    };
    let client: Arc<dyn ClientRequests> = match &replay {
        Some(replay) => replay.clone(),
        None => Arc::new(SessionClient::new(
            &context.peer,
            options.client_request_timeout,
        )),
    };
    let mut prompt_context = ToolContext::default();
    prompt_context.set_sink(Arc::new(PromptSink { client }));
    let result =
        surface::get_prompt(catalog, &request.name, request.arguments, prompt_context).await;
    if let Some(replay) = &replay {
        if let Some(input_required) = replay.input_required()? {
            return Ok(input_required.into());
        }
        if let Some(capability) = replay.missing_capability()
            && result.is_err()
        {
            return Err(missing_capability_error(capability));
        }
    }
    result.map(Into::into)
}
