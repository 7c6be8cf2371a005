//! A tool's requests to the client under the stateless 2026-07-28 revision: no
//! server-to-client requests, but multi-round-trip `input_required` results (SEP-2322).
//!
//! The tool runs; each request it makes is looked up, by key, in the answers the client
//! sent (`inputResponses`) and the answers of earlier rounds (carried in `requestState`).
//! An answered request returns its answer (replay: a tool that asks again gets the
//! recorded answer); an unanswered one is recorded and the tool's wait ends with an
//! error. When any request was unanswered, the call's result is an `InputRequiredResult`
//! with those requests and a new `requestState`, instead of what the tool returned.
//!
//! `requestState` is sealed with HMAC-SHA256 (rmcp's `RequestStateCodec`) under a server
//! key — `ARCADE_REQUEST_STATE_KEY` (at least 32 bytes, the same on every replica so any
//! replica can resume), else random per process — bound to the tool, the caller and the
//! arguments, and expires ([`McpOptions::request_state_ttl`](super::McpOptions)). A
//! tampered, foreign or expired state is the JSON-RPC error -32602.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use futures_util::future::BoxFuture;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ErrorCode, GetPromptRequestParams, InputRequest,
    InputRequiredResult, InputResponses, RequestStateCodec, SealOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::ToolError;
use crate::interaction::{ClientCapability, ClientRequest, ClientRequests};

/// The environment variable with the key that seals `requestState` (at least 32 bytes).
pub const REQUEST_STATE_KEY_ENV: &str = "ARCADE_REQUEST_STATE_KEY";

fn codec() -> &'static RequestStateCodec {
    static CODEC: OnceLock<RequestStateCodec> = OnceLock::new();
    CODEC.get_or_init(|| {
        if let Ok(key) = std::env::var(REQUEST_STATE_KEY_ENV) {
            match RequestStateCodec::try_new(key.into_bytes()) {
                Ok(codec) => return codec,
                Err(err) => tracing::error!(
                    %err,
                    "{REQUEST_STATE_KEY_ENV} is unusable; requestState is sealed with a random key (this replica only)"
                ),
            }
        }
        let mut key = [0u8; 32];
        if let Err(err) = getrandom::fill(&mut key) {
            // No OS randomness through getrandom: std's randomly seeded hasher instead.
            tracing::warn!(%err, "getrandom failed; requestState key from std's random seed");
            use std::hash::{BuildHasher, Hasher};
            for chunk in key.chunks_mut(8) {
                let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
                hasher.write_usize(chunk.as_ptr() as usize);
                chunk.copy_from_slice(&hasher.finish().to_le_bytes()[..chunk.len()]);
            }
        }
        RequestStateCodec::new_unchecked(key.to_vec())
    })
}

/// What `requestState` carries: the answers of earlier rounds.
#[derive(Serialize, Deserialize, Default)]
struct State {
    answers: BTreeMap<String, Value>,
}

/// The client of one 2026-07-28 call.
pub(super) struct ReplayClient {
    capabilities: Option<ClientCapabilities>,
    answers: BTreeMap<String, Value>,
    pending: Mutex<BTreeMap<String, ClientRequest>>,
    missing: Mutex<Option<ClientCapability>>,
    next: AtomicUsize,
    binding: Vec<u8>,
    ttl: Duration,
}

impl ReplayClient {
    /// Opens the call's state: the answers of earlier rounds and of this one. A state
    /// that fails its check is the error to answer with.
    pub(super) fn open(
        request: &CallToolRequestParams,
        capabilities: Option<ClientCapabilities>,
        caller: &str,
        ttl: Duration,
    ) -> Result<Self, ErrorData> {
        let arguments = request.arguments.clone().unwrap_or_default();
        let binding = json!([request.name, caller, arguments]);
        Self::open_bound(
            binding,
            request.request_state.as_deref(),
            request.input_responses.as_ref(),
            capabilities,
            ttl,
        )
    }

    /// Opens the state of a `prompts/get` (bound to the method too, so that a tool's
    /// state does not open a prompt's of the same name).
    pub(super) fn open_prompt(
        request: &GetPromptRequestParams,
        capabilities: Option<ClientCapabilities>,
        caller: &str,
        ttl: Duration,
    ) -> Result<Self, ErrorData> {
        let arguments = request.arguments.clone().unwrap_or_default();
        let binding = json!(["prompts/get", request.name, caller, arguments]);
        Self::open_bound(
            binding,
            request.request_state.as_deref(),
            request.input_responses.as_ref(),
            capabilities,
            ttl,
        )
    }

    fn open_bound(
        binding: Value,
        request_state: Option<&str>,
        input_responses: Option<&InputResponses>,
        capabilities: Option<ClientCapabilities>,
        ttl: Duration,
    ) -> Result<Self, ErrorData> {
        let binding = binding.to_string().into_bytes();
        let mut answers = match request_state {
            None => BTreeMap::new(),
            Some(sealed) => {
                codec()
                    .open_json_with::<State>(sealed, &binding)
                    .map_err(|err| {
                        ErrorData::invalid_params(format!("Invalid requestState: {err}"), None)
                    })?
                    .answers
            }
        };
        for (key, value) in input_responses.into_iter().flatten() {
            // Only well-formed answers count; the others are asked again.
            if value.is_object() {
                answers.insert(key.clone(), value.clone());
            }
        }
        Ok(Self {
            capabilities,
            answers,
            pending: Mutex::default(),
            missing: Mutex::default(),
            next: AtomicUsize::new(0),
            binding,
            ttl,
        })
    }

    /// The capability a tool needed and the client did not declare, if any.
    pub(super) fn missing_capability(&self) -> Option<ClientCapability> {
        *self.missing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the tool asked what the client has not answered yet.
    pub(super) fn has_pending(&self) -> bool {
        !self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// The `InputRequiredResult` to answer with, when the tool asked what the client
    /// has not answered yet.
    pub(super) fn input_required(&self) -> Result<Option<InputRequiredResult>, ErrorData> {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if pending.is_empty() {
            return Ok(None);
        }
        let mut requests = BTreeMap::new();
        for (key, request) in pending {
            let wire = json!({ "method": request.method(), "params": request.params() });
            let request = serde_json::from_value::<InputRequest>(wire).map_err(|err| {
                ErrorData::internal_error(format!("unrepresentable input request: {err}"), None)
            })?;
            requests.insert(key, request);
        }
        // Only the answers this run used are carried on.
        let state = State {
            answers: self.answers.clone(),
        };
        let sealed = codec()
            .seal_json_with(
                &state,
                &SealOptions::new()
                    .associated_data(&self.binding)
                    .ttl(self.ttl),
            )
            .map_err(|err| ErrorData::internal_error(format!("requestState: {err}"), None))?;
        Ok(Some(InputRequiredResult::new(Some(requests), Some(sealed))))
    }

    fn answer(&self, key: String, request: ClientRequest) -> Result<Value, ToolError> {
        if let Some(answer) = self.answers.get(&key).filter(|a| fits(&request, a)) {
            return Ok(answer.clone());
        }
        let method = request.method();
        self.pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, request);
        Err(ToolError::retry(format!(
            "Waiting for the client's answer to {method} (input required)."
        )))
    }
}

/// Whether `answer` has the shape of a result of `request`.
pub(super) fn fits(request: &ClientRequest, answer: &Value) -> bool {
    match request {
        ClientRequest::Elicit(_) => answer.get("action").is_some_and(Value::is_string),
        ClientRequest::Sample(_) => answer.get("content").is_some(),
        ClientRequest::ListRoots => answer.get("roots").is_some_and(Value::is_array),
    }
}

impl ClientRequests for ReplayClient {
    fn supports(&self, capability: ClientCapability) -> bool {
        let declared = super::client_requests::declares(self.capabilities.as_ref(), capability);
        if !declared {
            *self.missing.lock().unwrap_or_else(|e| e.into_inner()) = Some(capability);
        }
        declared
    }

    fn send(&self, request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
        let key = request_key(&request, &self.next);
        self.send_keyed(key, request)
    }

    fn send_keyed(
        &self,
        key: String,
        request: ClientRequest,
    ) -> BoxFuture<'_, Result<Value, ToolError>> {
        Box::pin(async move { self.answer(key, request) })
    }
}

/// The JSON-RPC error for a tool that needed a capability the client did not declare.
pub(super) fn missing_capability_error(capability: ClientCapability) -> ErrorData {
    ErrorData::new(
        ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
        format!(
            "This tool needs {capability} from the client, which the request's \
             clientCapabilities do not declare."
        ),
        Some(json!({ "requiredCapabilities": match capability {
            ClientCapability::Elicitation => json!({"elicitation": {}}),
            ClientCapability::ElicitationUrl => json!({"elicitation": {"url": {}}}),
            ClientCapability::Sampling => json!({"sampling": {}}),
            ClientCapability::Roots => json!({"roots": {}}),
        } })),
    )
}

/// The key of a question the tool asks without naming one (`elicit-0`, `sample-1`, ...):
/// its kind and its place among the call's questions, the same on every replay, so an
/// answer finds its question again.
pub(super) fn request_key(request: &ClientRequest, next: &AtomicUsize) -> String {
    let kind = match request {
        ClientRequest::Elicit(_) => "elicit",
        ClientRequest::Sample(_) => "sample",
        ClientRequest::ListRoots => "roots",
    };
    format!("{kind}-{}", next.fetch_add(1, Ordering::Relaxed))
}
