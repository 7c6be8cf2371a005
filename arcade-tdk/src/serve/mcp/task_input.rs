//! A task's requests to the client ([`TaskClient`]): there is no request to send them
//! on, so each is recorded in the task (which is `input_required` while any waits) and
//! answered by the client's `tasks/update`, which any replica may receive: the replica
//! running the task looks for the answer in the store every [`POLL`](super::tasks::POLL),
//! up to the client request timeout.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use futures_util::future::BoxFuture;
use rmcp::model::ClientCapabilities;
use rmcp::service::{Peer, RoleServer};
use serde_json::{Value, json};
use tokio::sync::{Mutex, MutexGuard};

use super::input_required::fits;
use super::tasks::{Keys, POLL, Tasks};
use crate::error::ToolError;
use crate::interaction::{ClientCapability, ClientRequest, ClientRequests};

/// The client of one task.
pub(crate) struct TaskClient {
    tasks: Arc<Tasks>,
    keys: Keys,
    capabilities: Option<ClientCapabilities>,
    timeout: Duration,
    next: AtomicUsize,
    /// What the client answered before the call became a task (a deferred task), by key.
    answered: BTreeMap<String, Value>,
    /// Serializes this replica's writes of the task's record.
    write: Mutex<()>,
    /// The session told of the task's status changes (2025 revisions).
    status_to: Option<Peer<RoleServer>>,
}

impl TaskClient {
    pub(super) fn new(
        tasks: Arc<Tasks>,
        keys: Keys,
        capabilities: Option<ClientCapabilities>,
        timeout: Duration,
        answered: BTreeMap<String, Value>,
        status_to: Option<Peer<RoleServer>>,
    ) -> Self {
        Self {
            tasks,
            keys,
            capabilities,
            timeout,
            next: AtomicUsize::new(0),
            answered,
            write: Mutex::new(()),
            status_to,
        }
    }

    /// The lock every write of the record takes.
    pub(super) async fn write_lock(&self) -> MutexGuard<'_, ()> {
        self.write.lock().await
    }

    async fn ask(&self, key: String, request: ClientRequest) -> Result<Value, ToolError> {
        if let Some(answer) = self.answered.get(&key).filter(|a| fits(&request, a)) {
            return Ok(answer.clone());
        }
        let method = request.method();
        let wire = json!({ "method": method, "params": request.params() });
        {
            let _writing = self.write_lock().await;
            self.tasks.ask(&self.keys, &key, wire).await.map_err(|e| {
                ToolError::retry(format!("The task could not ask the client: {}", e.message))
            })?;
        }
        // Now `input_required`: a session hears it, and the question, at once.
        self.tasks
            .notify_status(self.status_to.as_ref(), &self.keys)
            .await;
        let deadline = tokio::time::Instant::now() + self.timeout;
        loop {
            tokio::time::sleep(POLL).await;
            {
                let _writing = self.write_lock().await;
                if let Some(answer) = self.tasks.take_answer(&self.keys, &key).await {
                    return Ok(answer);
                }
                if tokio::time::Instant::now() >= deadline {
                    self.tasks.forget(&self.keys, &key).await;
                    return Err(ToolError::retry(format!(
                        "The client did not answer {method} (tasks/update) within {}s.",
                        self.timeout.as_secs()
                    )));
                }
            }
        }
    }
}

impl ClientRequests for TaskClient {
    fn supports(&self, capability: ClientCapability) -> bool {
        super::client_requests::declares(self.capabilities.as_ref(), capability)
    }

    fn send(&self, request: ClientRequest) -> BoxFuture<'_, Result<Value, ToolError>> {
        let key = super::input_required::request_key(&request, &self.next);
        self.send_keyed(key, request)
    }

    fn send_keyed(
        &self,
        key: String,
        request: ClientRequest,
    ) -> BoxFuture<'_, Result<Value, ToolError>> {
        Box::pin(self.ask(key, request))
    }
}

/// The sink of a tool running as a task: its requests to the client go to the task;
/// its logs and progress have no request to be sent on and are dropped.
pub(super) struct TaskSink(pub(super) Arc<TaskClient>);

impl crate::context::ContextSink for TaskSink {
    fn log(&self, _level: crate::context::LogLevel, _message: &str, _data: Option<&Value>) {}

    fn progress(&self, _progress: f64, _total: Option<f64>, _message: Option<&str>) {}

    fn client_requests(&self) -> Option<&dyn ClientRequests> {
        Some(&*self.0)
    }
}
