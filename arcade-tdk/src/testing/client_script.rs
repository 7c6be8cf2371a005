//! [`ClientScript`]: what a test's client answers when a tool asks it (elicitation,
//! sampling, roots), for the [`Harness`](super::Harness) and the in-process
//! [`mcp`](super::mcp) client alike.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use crate::error::ToolError;
use crate::interaction::{ClientCapability, ClientRequest, ClientRequests, Elicitation};

/// Scripted answers of a test client: one per request, in order, per kind. A client
/// declares a capability when the script has answers of that kind (or
/// [`ClientScript::never_answer`]); a request beyond the script is an error.
///
/// ```
/// use arcade_tdk::interaction::Elicitation;
/// use arcade_tdk::testing::ClientScript;
/// use serde_json::json;
///
/// let script = ClientScript::new()
///     .elicitation(Elicitation::Accept(json!({"title": "Disk full"})))
///     .elicitation(Elicitation::Decline)
///     .sampling("A short summary.")
///     .roots(["file:///home/ada/project"]);
/// assert_eq!(script.capabilities()["roots"], json!({}));
/// ```
#[derive(Clone, Default)]
pub struct ClientScript {
    inner: Arc<Mutex<Script>>,
}

#[derive(Default)]
struct Script {
    elicitations: VecDeque<Value>,
    samplings: VecDeque<Value>,
    roots: Option<Value>,
    elicitation_declared: bool,
    sampling_declared: bool,
    never_answer: bool,
    requests: Vec<ClientRequest>,
}

impl std::fmt::Debug for ClientScript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.lock();
        f.debug_struct("ClientScript")
            .field("elicitations", &s.elicitations.len())
            .field("samplings", &s.samplings.len())
            .field("roots", &s.roots.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientScript {
    /// A client that declares nothing and answers nothing.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds the answer to the next elicitation (form or URL): `Accept(content)` (for a
    /// URL, any content, e.g. `json!({})`), `Decline` or `Cancel`.
    pub fn elicitation(self, answer: Elicitation<Value>) -> Self {
        let result = match answer {
            Elicitation::Accept(content) => json!({"action": "accept", "content": content}),
            Elicitation::Decline => json!({"action": "decline"}),
            Elicitation::Cancel => json!({"action": "cancel"}),
        };
        {
            let mut s = self.lock();
            s.elicitations.push_back(result);
            s.elicitation_declared = true;
        }
        self
    }

    /// Adds the answer to the next sampling request: the model's text.
    pub fn sampling(self, text: impl Into<String>) -> Self {
        let result = json!({
            "role": "assistant",
            "content": {"type": "text", "text": text.into()},
            "model": "test-model",
            "stopReason": "endTurn",
        });
        {
            let mut s = self.lock();
            s.samplings.push_back(result);
            s.sampling_declared = true;
        }
        self
    }

    /// The client's roots (every `roots/list` gets them).
    pub fn roots<I, S>(self, uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let roots: Vec<Value> = uris
            .into_iter()
            .map(|uri| json!({"uri": uri.into()}))
            .collect();
        self.lock().roots = Some(json!({ "roots": roots }));
        self
    }

    /// Declares every capability but never answers: over MCP a tool's request waits
    /// until the server's timeout ends it; in the [`Harness`](super::Harness) it fails
    /// at once, as if it had timed out.
    pub fn never_answer(self) -> Self {
        {
            let mut s = self.lock();
            s.never_answer = true;
            s.elicitation_declared = true;
            s.sampling_declared = true;
            s.roots.get_or_insert_with(|| json!({"roots": []}));
        }
        self
    }

    /// The `capabilities` an MCP client with this script declares in `initialize`.
    pub fn capabilities(&self) -> Value {
        let s = self.lock();
        let mut caps = serde_json::Map::new();
        if s.elicitation_declared {
            caps.insert("elicitation".into(), json!({"form": {}, "url": {}}));
        }
        if s.sampling_declared {
            caps.insert("sampling".into(), json!({}));
        }
        if s.roots.is_some() {
            caps.insert("roots".into(), json!({}));
        }
        Value::Object(caps)
    }

    /// Whether requests wait forever.
    pub(crate) fn never_answers(&self) -> bool {
        self.lock().never_answer
    }

    /// The requests the tools sent, in order.
    pub fn requests(&self) -> Vec<ClientRequest> {
        self.lock().requests.clone()
    }

    /// The answer to an MCP request `method` with `params`: `Some(Ok(result))`,
    /// `Some(Err(message))` when the script has none left, `None` when the method is not
    /// one the script answers.
    pub(crate) fn answer(&self, method: &str, params: Value) -> Option<Result<Value, String>> {
        let request = match method {
            "elicitation/create" => ClientRequest::Elicit(params),
            "sampling/createMessage" => ClientRequest::Sample(params),
            "roots/list" => ClientRequest::ListRoots,
            _ => return None,
        };
        let mut s = self.lock();
        s.requests.push(request.clone());
        let answer = match request {
            ClientRequest::Elicit(_) => s.elicitations.pop_front(),
            ClientRequest::Sample(_) => s.samplings.pop_front(),
            ClientRequest::ListRoots => s.roots.clone(),
        };
        Some(
            answer
                .ok_or_else(|| format!("the test client has no scripted answer left for {method}")),
        )
    }
}

impl ClientRequests for ClientScript {
    fn supports(&self, capability: ClientCapability) -> bool {
        let s = self.lock();
        match capability {
            ClientCapability::Elicitation | ClientCapability::ElicitationUrl => {
                s.elicitation_declared
            }
            ClientCapability::Sampling => s.sampling_declared,
            ClientCapability::Roots => s.roots.is_some(),
        }
    }

    fn send(&self, request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
        Box::pin(async move {
            if self.never_answers() {
                return Err(ToolError::retry(format!(
                    "The client did not answer {}.",
                    request.method()
                )));
            }
            match self.answer(request.method(), request.params()) {
                Some(Ok(value)) => Ok(value),
                Some(Err(message)) => Err(ToolError::execution(message)),
                None => Err(ToolError::fatal(format!(
                    "{} is not supported",
                    request.method()
                ))),
            }
        })
    }
}
