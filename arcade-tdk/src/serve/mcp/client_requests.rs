//! A tool's requests to the client (elicitation, sampling, roots) as server-to-client
//! requests on the MCP session (2025-06-18 and 2025-11-25), each bounded by the server's
//! timeout. The only place these `rmcp` request types appear.

// Sampling and roots are deprecated by the 2026-07-28 revision (SEP-2577) but part of
// the revisions whose sessions this serves.
#![allow(deprecated)]

use std::time::Duration;

use futures_util::future::BoxFuture;
use rmcp::Peer;
use rmcp::model::{
    ClientCapabilities, ClientResult, CreateMessageRequest, CreateMessageRequestParams,
    ElicitRequest, ElicitRequestParams, ListRootsRequest, ServerRequest,
};
use rmcp::service::{PeerRequestOptions, RoleServer, ServiceError};
use serde_json::Value;

use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{CallToolRequestParams, RequestMetaObject};
use rmcp::service::RequestContext;

use super::McpOptions;
use super::input_required::ReplayClient;
use crate::error::ToolError;
use crate::interaction::{ClientCapability, ClientRequest, ClientRequests};
use crate::serve::pipeline::Caller;

/// Whether `context`'s request came on a session (a 2025 revision), which outlives
/// the request; a 2026-07-28 request has none.
pub(super) fn on_session(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_none_or(|v| v.as_str() < rmcp::model::ProtocolVersion::V_2026_07_28.as_str())
}

/// The client a call's tool reaches: the session's (2025 revisions) or the replay of
/// `inputResponses` and `requestState` (2026-07-28, also returned to finish the call).
/// A `requestState` that fails its check is the error to answer with.
#[allow(clippy::type_complexity)]
pub(super) fn client_for_call(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    caller: &Caller,
    options: &McpOptions,
) -> Result<(Option<Arc<dyn ClientRequests>>, Option<Arc<ReplayClient>>), ErrorData> {
    if on_session(context) {
        let client = SessionClient::new(&context.peer, options.client_request_timeout);
        return Ok((Some(Arc::new(client)), None));
    }
    let replay = Arc::new(replay_for_call(request, &context.meta, caller, options)?);
    Ok((Some(replay.clone()), Some(replay)))
}

/// The replay client of one 2026-07-28 call, bound to its caller.
pub(super) fn replay_for_call(
    request: &CallToolRequestParams,
    meta: &RequestMetaObject,
    caller: &Caller,
    options: &McpOptions,
) -> Result<ReplayClient, ErrorData> {
    ReplayClient::open(
        request,
        meta.client_capabilities(),
        &caller_key(caller),
        options.request_state_ttl,
    )
}

/// Who a `requestState` is bound to.
pub(super) fn caller_key(caller: &Caller) -> String {
    match caller {
        Caller::Local => "local".to_owned(),
        Caller::Authenticated(owner) => format!("{}|{}", owner.issuer, owner.user_id),
    }
}

/// The client of one session, as the tool of one call sees it.
pub(super) struct SessionClient {
    peer: Peer<RoleServer>,
    capabilities: Option<ClientCapabilities>,
    timeout: Duration,
}

impl SessionClient {
    /// The session's client; `None` when the request is not on a session (2026-07-28).
    pub(super) fn new(peer: &Peer<RoleServer>, timeout: Duration) -> Self {
        Self {
            capabilities: peer.peer_info().map(|info| info.capabilities.clone()),
            peer: peer.clone(),
            timeout,
        }
    }

    async fn request(&self, request: ClientRequest) -> Result<Value, ToolError> {
        let method = request.method();
        let invalid = |err: serde_json::Error| {
            ToolError::fatal(format!("The {method} request is malformed: {err}"))
        };
        let request = match request {
            ClientRequest::Elicit(params) => ServerRequest::ElicitRequest(ElicitRequest::new(
                serde_json::from_value::<ElicitRequestParams>(params).map_err(invalid)?,
            )),
            ClientRequest::Sample(params) => {
                let params = serde_json::from_value::<CreateMessageRequestParams>(params)
                    .map_err(invalid)?;
                params
                    .validate()
                    .map_err(|err| ToolError::fatal(format!("The {method} request: {err}")))?;
                ServerRequest::CreateMessageRequest(CreateMessageRequest::new(params))
            }
            ClientRequest::ListRoots => {
                ServerRequest::ListRootsRequest(ListRootsRequest::default())
            }
        };
        let mut options = PeerRequestOptions::no_options();
        options.timeout = Some(self.timeout);
        let handle = self
            .peer
            .send_request_with_option(request, options)
            .await
            .map_err(|err| failed(method, err, self.timeout))?;
        let result = handle
            .await_response()
            .await
            .map_err(|err| failed(method, err, self.timeout))?;
        let value = match result {
            ClientResult::ElicitResult(r) => serde_json::to_value(r),
            ClientResult::CreateMessageResult(r) => serde_json::to_value(r),
            ClientResult::ListRootsResult(r) => serde_json::to_value(r),
            _ => {
                return Err(ToolError::execution(format!(
                    "The client answered {method} with an unexpected result."
                )));
            }
        };
        value.map_err(|err| ToolError::fatal(format!("{method}: {err}")))
    }
}

/// The tool error for a request that got no answer.
fn failed(method: &str, err: ServiceError, timeout: Duration) -> ToolError {
    match err {
        ServiceError::Timeout { .. } => ToolError::retry(format!(
            "The client did not answer {method} within {} s.",
            timeout.as_secs_f64()
        )),
        ServiceError::McpError(error) => ToolError::execution(format!(
            "The client refused {method}: {} (code {})",
            error.message, error.code.0
        )),
        ServiceError::Cancelled { .. } | ServiceError::TransportClosed => ToolError::execution(
            format!("The connection closed before the client answered {method}."),
        ),
        other => ToolError::execution(format!("Could not send {method} to the client: {other}")),
    }
}

/// Whether the client's declared `caps` include `capability` (both protocol
/// generations ask this: the session's client here, the replay in `input_required.rs`).
pub(super) fn declares(caps: Option<&ClientCapabilities>, capability: ClientCapability) -> bool {
    let Some(caps) = caps else {
        return false;
    };
    match capability {
        // An empty `elicitation: {}` means form mode.
        ClientCapability::Elicitation => caps
            .elicitation
            .as_ref()
            .is_some_and(|e| e.form.is_some() || e.url.is_none()),
        ClientCapability::ElicitationUrl => {
            caps.elicitation.as_ref().is_some_and(|e| e.url.is_some())
        }
        ClientCapability::Sampling => caps.sampling.is_some(),
        ClientCapability::Roots => caps.roots.is_some(),
    }
}

impl ClientRequests for SessionClient {
    fn supports(&self, capability: ClientCapability) -> bool {
        declares(self.capabilities.as_ref(), capability)
    }

    fn send(&self, request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
        Box::pin(self.request(request))
    }
}
