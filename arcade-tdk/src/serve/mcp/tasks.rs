//! The MCP tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`): a `tools/call`
//! of a tool whose [`TaskSupport`](crate::TaskSupport) allows it, from a client that
//! declared the extension (for the session or in the request's `_meta`), answers at once
//! with a `CreateTaskResult` (`resultType: "task"`) and runs the call in the background;
//! `tasks/get` answers the task's state with the result (or the protocol error) inlined
//! once it ends, `tasks/update` answers what the tool asked the client (elicitation,
//! sampling, roots: the task is `input_required` with its `inputRequests` meanwhile) and
//! `tasks/cancel` stops it. `tasks/result` and `tasks/list` do not exist in this
//! revision of the extension (-32601).
//!
//! Everything lives in the [shared store](crate::store) under keys made of the caller
//! and the task id, so any replica answers for a task another replica runs, and one
//! user asking for another user's task id finds nothing (-32602, as for an unknown id).
//! The task's record is written only by the replica that runs it; a cancellation and
//! each answer are keys of their own beside it, which that replica reads every
//! [`POLL`]. Everything lives for the task's `ttlMs` from its creation.
//!
//! On a 2025 session, the session is told each change of the task's status
//! (`notifications/tasks`, with the task as `tasks/get` would answer it): when it waits
//! for the client (`input_required`) and when it ends. A 2026-07-28 request has no
//! session to tell, and its client polls `tasks/get`.
//!
//! A tool error is a `completed` task whose result has `isError: true`; a panic is a
//! `failed` task with a JSON-RPC error (-32603), as the extension separates them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rmcp::ErrorData;
use rmcp::model::{
    ClientCapabilities, CreateTaskResult, DetailedTask, ErrorCode, InputRequest, InputResponses,
    JsonObject, Notification, ServerNotification, Task, TaskPayload, TaskStatus,
    TaskStatusNotificationParams,
};
use rmcp::service::{Peer, RoleServer};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::task::AbortHandle;

use super::task_input::TaskClient;
use crate::serve::pipeline::Caller;
use crate::store::{SharedStore, StoreError, credential_key};

/// How often the replica running a task looks for a cancellation or an answer.
pub(super) const POLL: Duration = Duration::from_millis(100);

/// The poll interval suggested to clients.
const POLL_INTERVAL_MS: u64 = 500;

/// What the store holds for one task.
#[derive(Serialize, Deserialize)]
struct Record {
    /// Milliseconds since the epoch at creation: the TTL counts from it.
    created_ms: u64,
    task: DetailedTask,
    /// What the tool asked the client and waits for, by key (`{method, params}`).
    #[serde(default)]
    pending: BTreeMap<String, Value>,
}

/// The tasks of one server (every connection and session of it).
pub(super) struct Tasks {
    store: Arc<dyn SharedStore>,
    ttl: Duration,
    /// The tasks this replica runs, to stop one at once when it is cancelled here.
    running: Mutex<HashMap<String, AbortHandle>>,
}

impl std::fmt::Debug for Tasks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tasks")
            .field("store", &self.store.kind())
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// The error of a client that must declare the tasks extension for this call.
pub(super) fn tasks_required() -> ErrorData {
    ErrorData::missing_required_client_capability(
        ClientCapabilities::builder().enable_tasks().build(),
    )
}

fn unknown_task(task_id: &str) -> ErrorData {
    // The id is echoed only when it is short and printable: it is the client's input.
    let shown = if task_id.len() <= 64 && task_id.chars().all(|c| c.is_ascii_graphic()) {
        task_id
    } else {
        "(not shown)"
    };
    ErrorData::invalid_params(format!("Unknown task: {shown}"), None)
}

fn store_error(err: &StoreError) -> ErrorData {
    tracing::warn!(%err, "task store unavailable");
    ErrorData::internal_error("the task store is unavailable; try again", None)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn timestamp() -> String {
    rmcp::task_manager::current_timestamp()
}

/// A random task id (128 bits, hex).
fn new_task_id() -> String {
    use std::fmt::Write;
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness: the time and a process-wide counter (still unique).
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bytes[..8].copy_from_slice(&now_ms().to_le_bytes());
        bytes[8..].copy_from_slice(&n.to_le_bytes());
    }
    let mut id = String::with_capacity(32);
    for b in bytes {
        let _ = write!(id, "{b:02x}");
    }
    id
}

/// Whose tasks these are: a digest of the authenticated user (issuer and subject), or
/// `local` for the process's own user.
fn owner(caller: &Caller) -> String {
    match caller {
        Caller::Local => "mcp:task:local".to_owned(),
        Caller::Authenticated(owner) => {
            credential_key("mcp:task", &format!("{}\n{}", owner.issuer, owner.user_id))
        }
    }
}

/// The store keys of one task.
#[derive(Clone, Debug)]
pub(super) struct Keys {
    record: String,
}

impl Keys {
    fn new(caller: &Caller, task_id: &str) -> Self {
        Self {
            record: format!("{}:{task_id}", owner(caller)),
        }
    }
    fn cancel(&self) -> String {
        format!("{}:cancel", self.record)
    }
    fn answer(&self, input_key: &str) -> String {
        format!("{}:answer:{input_key}", self.record)
    }
}

impl Tasks {
    /// Tasks kept in `store` for `ttl` each.
    pub(super) fn new(store: Arc<dyn SharedStore>, ttl: Duration) -> Self {
        Self {
            store,
            ttl,
            running: Mutex::default(),
        }
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX)
    }

    /// What is left of the TTL of a task created at `created_ms`.
    fn left(&self, created_ms: u64) -> Duration {
        let elapsed = now_ms().saturating_sub(created_ms);
        self.ttl.saturating_sub(Duration::from_millis(elapsed))
    }

    async fn load(&self, keys: &Keys) -> Result<Option<Record>, ErrorData> {
        let Some(bytes) = self
            .store
            .get(&keys.record)
            .await
            .map_err(|e| store_error(&e))?
        else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| ErrorData::internal_error("a task record could not be read", None))
    }

    async fn save(&self, keys: &Keys, record: &Record) -> Result<(), ErrorData> {
        let left = self.left(record.created_ms);
        if left.is_zero() {
            return Ok(());
        }
        let bytes = serde_json::to_vec(record)
            .map_err(|_| ErrorData::internal_error("a task record could not be written", None))?;
        self.store
            .set(&keys.record, bytes, left)
            .await
            .map_err(|e| store_error(&e))
    }

    /// Whether the task was cancelled (a failing store counts as not cancelled).
    async fn is_cancelled(&self, keys: &Keys) -> bool {
        matches!(self.store.get(&keys.cancel()).await, Ok(Some(_)))
    }

    /// Creates a task for `caller` (the record is in the store before this returns, so
    /// a `tasks/get` right after it finds the task) and runs what `work` makes of the
    /// task's client (the tool's requests to the client go through `tasks/update`,
    /// for what `capabilities` declares; those already `answered` before the call became
    /// a task are not asked again) in the background.
    pub(super) async fn create<F>(
        self: &Arc<Self>,
        caller: &Caller,
        capabilities: Option<ClientCapabilities>,
        client_timeout: Duration,
        answered: BTreeMap<String, Value>,
        status_to: Option<Peer<RoleServer>>,
        work: impl FnOnce(Arc<TaskClient>) -> F,
    ) -> Result<CreateTaskResult, ErrorData>
    where
        F: std::future::Future<Output = Outcome> + Send + 'static,
    {
        let task_id = new_task_id();
        let now = timestamp();
        let task = Task::new(&task_id, TaskStatus::Working, &now, &now)
            .with_ttl_ms(self.ttl_ms())
            .with_poll_interval_ms(POLL_INTERVAL_MS);
        let record = Record {
            created_ms: now_ms(),
            task: DetailedTask::new(task.clone(), TaskPayload::Working),
            pending: BTreeMap::new(),
        };
        let keys = Keys::new(caller, &task_id);
        self.save(&keys, &record).await?;

        let client = Arc::new(TaskClient::new(
            self.clone(),
            keys.clone(),
            capabilities,
            client_timeout,
            answered,
            status_to.clone(),
        ));
        let work = work(client.clone());
        let tasks = self.clone();
        let run_id = task_id.clone();
        // Held while spawning, so the task's own `running_done` comes after the insert.
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let handle = tokio::spawn(async move {
            let outcome = tokio::select! {
                outcome = work => Some(outcome),
                () = tasks.until_cancelled(&keys) => None,
            };
            tasks.running_done(&run_id);
            let _writing = client.write_lock().await;
            tasks.finish(&keys, outcome).await;
            tasks.notify_status(status_to.as_ref(), &keys).await;
        });
        running.insert(task_id, handle.abort_handle());
        drop(running);
        Ok(CreateTaskResult::new(task))
    }

    fn running_done(&self, task_id: &str) {
        self.running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(task_id);
    }

    /// Resolves once the task is cancelled, looking every [`POLL`].
    async fn until_cancelled(&self, keys: &Keys) {
        loop {
            tokio::time::sleep(POLL).await;
            if self.is_cancelled(keys).await {
                return;
            }
        }
    }

    /// Writes the terminal state: `outcome`, or `cancelled` when it is `None` or the
    /// task was cancelled meanwhile.
    async fn finish(&self, keys: &Keys, outcome: Option<Outcome>) {
        let Ok(Some(mut record)) = self.load(keys).await else {
            return;
        };
        if record.task.status().is_terminal() {
            return;
        }
        let cancelled = outcome.is_none() || self.is_cancelled(keys).await;
        let payload = match outcome {
            _ if cancelled => TaskPayload::Cancelled,
            Some(Outcome::Result(result)) => TaskPayload::Completed { result },
            Some(Outcome::Failed(error)) => TaskPayload::Failed { error },
            None => TaskPayload::Cancelled,
        };
        let mut task = record.task.task.clone();
        task.last_updated_at = timestamp();
        record.task = DetailedTask::new(task, payload);
        record.pending.clear();
        if let Err(err) = self.save(keys, &record).await {
            tracing::warn!(?err, "task result not stored");
        }
    }

    /// Records that the tool waits for the client's answer to `request` under `key`
    /// (the caller holds the task's write lock).
    pub(super) async fn ask(
        &self,
        keys: &Keys,
        key: &str,
        request: Value,
    ) -> Result<(), ErrorData> {
        if let Err(err) = serde_json::from_value::<InputRequest>(request.clone()) {
            return Err(ErrorData::internal_error(
                format!("the request is not a valid input request: {err}"),
                None,
            ));
        }
        let Some(mut record) = self.load(keys).await? else {
            return Err(ErrorData::internal_error("the task record is gone", None));
        };
        record.pending.insert(key.to_owned(), request);
        self.save(keys, &record).await
    }

    /// The client's answer under `key`, once `tasks/update` stored it: taken (the
    /// request is no longer pending).
    pub(super) async fn take_answer(&self, keys: &Keys, key: &str) -> Option<Value> {
        let answer_key = keys.answer(key);
        let bytes = self.store.get(&answer_key).await.ok()??;
        let answer = serde_json::from_slice(&bytes).ok()?;
        if let Ok(Some(mut record)) = self.load(keys).await {
            record.pending.remove(key);
            let _ = self.save(keys, &record).await;
        }
        let _ = self.store.delete(&answer_key).await;
        Some(answer)
    }

    /// Forgets a request the tool stopped waiting for (it timed out).
    pub(super) async fn forget(&self, keys: &Keys, key: &str) {
        if let Ok(Some(mut record)) = self.load(keys).await {
            record.pending.remove(key);
            let _ = self.save(keys, &record).await;
        }
    }

    /// `tasks/get`: the task's state, the result or error inlined once it ended, the
    /// requests still waiting for the client while it is `input_required`.
    pub(super) async fn get(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<DetailedTask, ErrorData> {
        let keys = Keys::new(caller, task_id);
        let Some(record) = self.load(&keys).await? else {
            return Err(unknown_task(task_id));
        };
        Ok(self.state(&keys, record).await)
    }

    /// The state of the task `record` holds, as `tasks/get` answers it.
    async fn state(&self, keys: &Keys, record: Record) -> DetailedTask {
        let mut task = record.task;
        if task.status().is_terminal() {
            return task;
        }
        if self.is_cancelled(keys).await {
            return DetailedTask::new(task.task, TaskPayload::Cancelled);
        }
        let mut waiting = BTreeMap::new();
        for (key, request) in record.pending {
            // An answer stored but not yet taken by the running replica: not waiting.
            if matches!(self.store.get(&keys.answer(&key)).await, Ok(Some(_))) {
                continue;
            }
            if let Ok(request) = serde_json::from_value::<InputRequest>(request) {
                waiting.insert(key, request);
            }
        }
        if !waiting.is_empty() {
            task = DetailedTask::new(
                task.task,
                TaskPayload::InputRequired {
                    input_requests: waiting,
                },
            );
        }
        task
    }

    /// Sends `notifications/tasks` (the task's state, as `tasks/get` would answer it)
    /// to the session the task was created on, if any.
    pub(super) async fn notify_status(&self, status_to: Option<&Peer<RoleServer>>, keys: &Keys) {
        let Some(peer) = status_to else {
            return;
        };
        let Ok(Some(record)) = self.load(keys).await else {
            return;
        };
        let task = self.state(keys, record).await;
        let notification = ServerNotification::TaskStatusNotification(Notification::new(
            TaskStatusNotificationParams::new(task),
        ));
        if let Err(err) = peer.send_notification(notification).await {
            tracing::debug!(%err, "a task's status notification was not sent");
        }
    }

    /// `tasks/update`: stores the answers to requests the task waits for; answers to
    /// anything else are ignored. An answer that is not an object is -32602.
    pub(super) async fn update(
        &self,
        caller: &Caller,
        task_id: &str,
        responses: InputResponses,
    ) -> Result<(), ErrorData> {
        let keys = Keys::new(caller, task_id);
        let Some(record) = self.load(&keys).await? else {
            return Err(unknown_task(task_id));
        };
        if let Some((key, _)) = responses.iter().find(|(_, v)| !v.is_object()) {
            let shown = if key.len() <= 64 {
                key.as_str()
            } else {
                "(long key)"
            };
            return Err(ErrorData::invalid_params(
                format!("inputResponses[{shown:?}] must be an object (the client's result)"),
                None,
            ));
        }
        let left = self.left(record.created_ms);
        for (key, value) in responses {
            if !record.pending.contains_key(&key) || left.is_zero() {
                continue;
            }
            let bytes = serde_json::to_vec(&value).unwrap_or_default();
            self.store
                .set(&keys.answer(&key), bytes, left)
                .await
                .map_err(|e| store_error(&e))?;
        }
        Ok(())
    }

    /// `tasks/cancel`: marks the task cancelled (and stops it at once when this replica
    /// runs it; the replica that runs it otherwise stops it within [`POLL`]). A task
    /// that already ended is left as it is.
    pub(super) async fn cancel(&self, caller: &Caller, task_id: &str) -> Result<(), ErrorData> {
        let keys = Keys::new(caller, task_id);
        let Some(record) = self.load(&keys).await? else {
            return Err(unknown_task(task_id));
        };
        if record.task.status().is_terminal() {
            return Ok(());
        }
        let left = self.left(record.created_ms);
        if !left.is_zero() {
            self.store
                .set(&keys.cancel(), b"1".to_vec(), left)
                .await
                .map_err(|e| store_error(&e))?;
        }
        let local = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(task_id);
        if let Some(handle) = local {
            handle.abort();
            self.finish(&keys, None).await;
        }
        Ok(())
    }
}

/// How a task's work ended.
pub(super) enum Outcome {
    /// The tool ran: its `CallToolResult` (an error result included).
    Result(JsonObject),
    /// A protocol-level failure: the JSON-RPC error object.
    Failed(JsonObject),
}

impl Outcome {
    /// A `CallToolResult` as the outcome.
    pub(super) fn result(result: &rmcp::model::CallToolResult) -> Self {
        match serde_json::to_value(result) {
            Ok(Value::Object(object)) => Self::Result(object),
            _ => Self::internal("the tool's result could not be encoded"),
        }
    }

    /// An internal error (-32603) with `message`.
    pub(super) fn internal(message: &str) -> Self {
        let error = json!({ "code": ErrorCode::INTERNAL_ERROR.0, "message": message });
        match error {
            Value::Object(object) => Self::Failed(object),
            _ => Self::Failed(JsonObject::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::ResourceOwner;
    use crate::store::MemoryStore;

    fn user(id: &str) -> Caller {
        Caller::Authenticated(Arc::new(ResourceOwner::new(id, "https://issuer.test")))
    }

    fn text_result(text: &str) -> Outcome {
        Outcome::result(&rmcp::model::CallToolResult::success(vec![
            rmcp::model::ContentBlock::text(text),
        ]))
    }

    async fn until_terminal(tasks: &Tasks, caller: &Caller, id: &str) -> DetailedTask {
        for _ in 0..1000 {
            let task = tasks.get(caller, id).await.unwrap();
            if task.status().is_terminal() {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the task did not end within 20 s");
    }

    #[tokio::test]
    async fn a_task_completes_with_its_result_inlined() {
        let tasks = Arc::new(Tasks::new(Arc::new(MemoryStore::new()), DEFAULT_TTL));
        let alice = user("alice");
        let created = tasks
            .create(&alice, None, WAIT, Default::default(), None, |_| async {
                text_result("done")
            })
            .await
            .unwrap();
        let id = created.task.task_id.clone();
        assert_eq!(created.task.ttl_ms, Some(3_600_000));
        let task = until_terminal(&tasks, &alice, &id).await;
        let wire = serde_json::to_value(&task).unwrap();
        assert_eq!(wire["status"], "completed", "{wire}");
        assert_eq!(wire["result"]["content"][0]["text"], "done", "{wire}");
        assert!(wire.get("error").is_none(), "{wire}");
    }

    #[tokio::test]
    async fn a_failure_is_a_failed_task_with_an_error() {
        let tasks = Arc::new(Tasks::new(Arc::new(MemoryStore::new()), DEFAULT_TTL));
        let caller = Caller::Local;
        let created = tasks
            .create(&caller, None, WAIT, Default::default(), None, |_| async {
                Outcome::internal("boom")
            })
            .await
            .unwrap();
        let task = until_terminal(&tasks, &caller, &created.task.task_id).await;
        let wire = serde_json::to_value(&task).unwrap();
        assert_eq!(wire["status"], "failed", "{wire}");
        assert_eq!(wire["error"]["code"], -32603, "{wire}");
        assert!(wire.get("result").is_none(), "{wire}");
    }

    #[tokio::test]
    async fn another_user_cannot_read_or_cancel_the_task() {
        let tasks = Arc::new(Tasks::new(Arc::new(MemoryStore::new()), DEFAULT_TTL));
        let (alice, bob) = (user("alice"), user("bob"));
        let created = tasks
            .create(&alice, None, WAIT, Default::default(), None, |_| {
                std::future::pending()
            })
            .await
            .unwrap();
        let id = &created.task.task_id;
        for caller in [&bob, &Caller::Local] {
            let err = tasks.get(caller, id).await.unwrap_err();
            assert_eq!(err.code, ErrorCode::INVALID_PARAMS);
            assert!(tasks.cancel(caller, id).await.is_err());
        }
        assert_eq!(
            tasks.get(&alice, id).await.unwrap().status(),
            TaskStatus::Working
        );
    }

    #[tokio::test]
    async fn an_unknown_id_is_invalid_params_and_is_not_echoed_when_odd() {
        let tasks = Tasks::new(Arc::new(MemoryStore::new()), DEFAULT_TTL);
        let err = tasks.get(&Caller::Local, "nope").await.unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMS);
        assert!(err.message.contains("nope"));
        let odd = "x\n".repeat(100);
        let err = tasks.get(&Caller::Local, &odd).await.unwrap_err();
        assert!(!err.message.contains('\n'), "{}", err.message);
    }

    #[tokio::test]
    async fn a_cancel_on_another_replica_stops_the_task() {
        let store: Arc<dyn SharedStore> = Arc::new(MemoryStore::new());
        let running = Arc::new(Tasks::new(store.clone(), DEFAULT_TTL));
        let other = Tasks::new(store, DEFAULT_TTL);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let created = running
            .create(
                &Caller::Local,
                None,
                WAIT,
                Default::default(),
                None,
                |_| async move {
                    // Dropped (never completes) when the task is stopped.
                    let _guard = tx;
                    std::future::pending::<Outcome>().await
                },
            )
            .await
            .unwrap();
        let id = created.task.task_id.clone();
        // The other replica answers for the task and cancels it.
        assert_eq!(
            other.get(&Caller::Local, &id).await.unwrap().status(),
            TaskStatus::Working
        );
        other.cancel(&Caller::Local, &id).await.unwrap();
        // The running replica drops the work: the sender is dropped.
        assert!(rx.await.is_err());
        assert_eq!(
            running.get(&Caller::Local, &id).await.unwrap().status(),
            TaskStatus::Cancelled
        );
        // Cancelling a terminal task changes nothing.
        other.cancel(&Caller::Local, &id).await.unwrap();
        assert_eq!(
            other.get(&Caller::Local, &id).await.unwrap().status(),
            TaskStatus::Cancelled
        );
    }

    #[tokio::test]
    async fn a_record_expires_after_its_ttl() {
        let tasks = Arc::new(Tasks::new(
            Arc::new(MemoryStore::new()),
            Duration::from_millis(100),
        ));
        let created = tasks
            .create(
                &Caller::Local,
                None,
                WAIT,
                Default::default(),
                None,
                |_| async { text_result("done") },
            )
            .await
            .unwrap();
        let id = created.task.task_id.clone();
        assert!(tasks.get(&Caller::Local, &id).await.is_ok());
        tokio::time::sleep(Duration::from_millis(300)).await;
        let err = tasks.get(&Caller::Local, &id).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMS);
    }

    #[tokio::test]
    async fn a_task_asks_the_client_and_another_replica_delivers_the_answer() {
        use crate::interaction::{ClientRequest, ClientRequests};
        let store: Arc<dyn SharedStore> = Arc::new(MemoryStore::new());
        let running = Arc::new(Tasks::new(store.clone(), DEFAULT_TTL));
        let other = Tasks::new(store, DEFAULT_TTL);
        let caps: ClientCapabilities = serde_json::from_value(json!({"elicitation": {}})).unwrap();
        let created = running
            .create(
                &Caller::Local,
                Some(caps),
                WAIT,
                Default::default(),
                None,
                |client| async move {
                    let form = json!({"message": "Sure?",
                    "requestedSchema": {"type": "object", "properties": {}}});
                    match client
                        .send_keyed("confirm".into(), ClientRequest::Elicit(form))
                        .await
                    {
                        Ok(answer) => text_result(&answer["action"].to_string()),
                        Err(e) => Outcome::internal(e.message()),
                    }
                },
            )
            .await
            .unwrap();
        let id = created.task.task_id.clone();
        let mut waiting = Value::Null;
        for _ in 0..1000 {
            let task = other.get(&Caller::Local, &id).await.unwrap();
            if task.status() == TaskStatus::InputRequired {
                waiting = serde_json::to_value(&task).unwrap();
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            waiting["inputRequests"]["confirm"]["method"], "elicitation/create",
            "{waiting}"
        );
        // A malformed answer is refused; one for an unknown key is ignored.
        let bad = InputResponses::from([("confirm".to_owned(), json!(12))]);
        assert!(other.update(&Caller::Local, &id, bad).await.is_err());
        let answers = InputResponses::from([
            (
                "confirm".to_owned(),
                json!({"action": "accept", "content": {}}),
            ),
            ("other".to_owned(), json!({"action": "decline"})),
        ]);
        other.update(&Caller::Local, &id, answers).await.unwrap();
        // Answered: no longer waiting, at once, on any replica.
        let task = other.get(&Caller::Local, &id).await.unwrap();
        assert_ne!(task.status(), TaskStatus::InputRequired);
        let task = until_terminal(&running, &Caller::Local, &id).await;
        let wire = serde_json::to_value(&task).unwrap();
        assert_eq!(wire["status"], "completed", "{wire}");
        assert_eq!(wire["result"]["content"][0]["text"], "\"accept\"", "{wire}");
    }

    const DEFAULT_TTL: Duration = Duration::from_secs(3600);
    const WAIT: Duration = Duration::from_secs(30);
}
