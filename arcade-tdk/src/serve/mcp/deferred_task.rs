//! The synchronous first part of a call whose tool defers its task
//! (`#[tool(defer_task)]`, [`ToolContext::start_task`](crate::ToolContext::start_task)):
//! the call runs as any call, its questions to the client going to the session or into
//! `input_required` rounds through [`DeferredClient`], which keeps every answer. When the
//! tool asks to go on as a task, this run ends; the server creates the task and runs the
//! tool again as the task, with these answers (SEP-2663's MRTR-then-task composition:
//! the final round's result is the `CreateTaskResult`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use futures_util::future::BoxFuture;
use serde_json::Value;

use super::input_required::request_key;
use crate::error::ToolError;
use crate::interaction::{ClientCapability, ClientRequest, ClientRequests};

/// The client of a deferred call before it is a task: the call's own client (the
/// session's, or the `input_required` replay), keeping the answers by key.
pub(super) struct DeferredClient {
    inner: Option<Arc<dyn ClientRequests>>,
    answers: Mutex<BTreeMap<String, Value>>,
    next: AtomicUsize,
    started: AtomicBool,
}

impl DeferredClient {
    pub(super) fn new(inner: Option<Arc<dyn ClientRequests>>) -> Self {
        Self {
            inner,
            answers: Mutex::default(),
            next: AtomicUsize::new(0),
            started: AtomicBool::new(false),
        }
    }

    /// Whether the tool asked to go on as a task.
    pub(super) fn started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }

    /// The answers the client gave, by the key of each question.
    pub(super) fn take_answers(&self) -> BTreeMap<String, Value> {
        std::mem::take(&mut *self.answers.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl ClientRequests for DeferredClient {
    fn supports(&self, capability: ClientCapability) -> bool {
        self.inner.as_ref().is_some_and(|c| c.supports(capability))
    }

    fn send(&self, request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
        // The keys the replay and the task compute for unnamed questions, in the same order.
        let key = request_key(&request, &self.next);
        self.send_keyed(key, request)
    }

    fn send_keyed(
        &self,
        key: String,
        request: ClientRequest,
    ) -> BoxFuture<'_, Result<Value, ToolError>> {
        Box::pin(async move {
            let Some(inner) = &self.inner else {
                return Err(ToolError::execution(format!(
                    "No client to send {} to.",
                    request.method()
                )));
            };
            let answer = inner.send_keyed(key.clone(), request).await?;
            self.answers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, answer.clone());
            Ok(answer)
        })
    }

    fn start_task(&self) -> Result<(), ToolError> {
        self.started.store(true, Ordering::Release);
        Err(ToolError::retry(
            "The call goes on as a task (this synchronous run ends here).",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A client that accepts every form with `{"n": <how many it answered before>}`.
    struct Counting(AtomicUsize);

    impl ClientRequests for Counting {
        fn supports(&self, capability: ClientCapability) -> bool {
            capability == ClientCapability::Elicitation
        }
        fn send(&self, _request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
            let n = self.0.fetch_add(1, Ordering::Relaxed);
            Box::pin(async move { Ok(json!({"action": "accept", "content": {"n": n}})) })
        }
    }

    #[tokio::test]
    async fn keeps_answers_by_the_keys_the_task_computes_and_ends_the_run_on_start() {
        let client = DeferredClient::new(Some(Arc::new(Counting(AtomicUsize::new(0)))));
        let form = || ClientRequest::Elicit(json!({"message": "?", "requestedSchema": {}}));
        client.send(form()).await.unwrap();
        client.send_keyed("mine".into(), form()).await.unwrap();
        client.send(form()).await.unwrap();
        assert!(client.supports(ClientCapability::Elicitation));
        assert!(!client.supports(ClientCapability::Sampling));
        assert!(!client.started());
        let err = client.start_task().unwrap_err();
        assert!(err.message().contains("task"), "{}", err.message());
        assert!(client.started());
        let answers = client.take_answers();
        let keys: Vec<&str> = answers.keys().map(String::as_str).collect();
        assert_eq!(keys, ["elicit-0", "elicit-1", "mine"]);
        assert_eq!(answers["mine"]["content"]["n"], 1);
        assert_eq!(answers["elicit-1"]["content"]["n"], 2);
    }

    #[tokio::test]
    async fn without_a_client_a_question_is_a_clear_error() {
        let client = DeferredClient::new(None);
        let err = client.send(ClientRequest::ListRoots).await.unwrap_err();
        assert!(err.message().contains("roots/list"), "{}", err.message());
        assert!(!client.supports(ClientCapability::Roots));
    }
}
