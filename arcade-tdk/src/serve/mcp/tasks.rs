//! The MCP tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`): a `tools/call`
//! of a tool whose [`TaskSupport`](crate::TaskSupport) allows it, from a client that
//! declared the extension (for the session or in the request's `_meta`), answers at once
//! with a `CreateTaskResult` (`resultType: "task"`) and runs the call in the background;
//! `tasks/get` answers the task's state with the result (or the protocol error) inlined
//! once it ends, and `tasks/cancel` stops it. `tasks/result` and `tasks/list` do not
//! exist in this revision of the extension (-32601).
//!
//! Records live in the [shared store](crate::store) under a key made of the caller and
//! the task id, so any replica answers `tasks/get` for a task another replica runs, and
//! one user asking for another user's task id finds nothing (-32602, as for an unknown
//! id). A record lives for the task's `ttlMs` from its creation. A cancellation is
//! written to the record; the replica running the task sees it within
//! [`CANCEL_POLL`] and drops the tool's future.
//!
//! A tool error is a `completed` task whose result has `isError: true`; a panic is a
//! `failed` task with a JSON-RPC error (-32603), as the extension separates them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rmcp::ErrorData;
use rmcp::model::{
    ClientCapabilities, CreateTaskResult, DetailedTask, ErrorCode, JsonObject, Task, TaskPayload,
    TaskStatus,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::task::AbortHandle;

use crate::serve::pipeline::Caller;
use crate::store::{SharedStore, credential_key};

/// How often the replica running a task looks for a cancellation in the store.
pub(super) const CANCEL_POLL: Duration = Duration::from_millis(250);

/// The poll interval suggested to clients.
const POLL_INTERVAL_MS: u64 = 500;

/// What the store holds for one task.
#[derive(Serialize, Deserialize)]
struct Record {
    /// Milliseconds since the epoch at creation: the TTL counts from it.
    created_ms: u64,
    task: DetailedTask,
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
    ErrorData::missing_required_client_capability(ClientCapabilities::builder().enable_tasks().build())
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

fn store_error(err: &crate::store::StoreError) -> ErrorData {
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
        Caller::Authenticated(owner) => credential_key(
            "mcp:task",
            &format!("{}\n{}", owner.issuer, owner.user_id),
        ),
    }
}

fn key(caller: &Caller, task_id: &str) -> String {
    format!("{}:{task_id}", owner(caller))
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

    async fn load(&self, key: &str) -> Result<Option<Record>, ErrorData> {
        let Some(bytes) = self.store.get(key).await.map_err(|e| store_error(&e))? else {
            return Ok(None);
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| ErrorData::internal_error("a task record could not be read", None))
    }

    async fn save(&self, key: &str, record: &Record) -> Result<(), ErrorData> {
        let elapsed = now_ms().saturating_sub(record.created_ms);
        let left = self.ttl.saturating_sub(Duration::from_millis(elapsed));
        if left.is_zero() {
            return Ok(());
        }
        let bytes = serde_json::to_vec(record)
            .map_err(|_| ErrorData::internal_error("a task record could not be written", None))?;
        self.store
            .set(key, bytes, left)
            .await
            .map_err(|e| store_error(&e))
    }

    /// Creates a task for `caller` (the record is in the store before this returns, so
    /// a `tasks/get` right after it finds the task) and runs `work` in the background;
    /// the task ends with what `work` returns.
    pub(super) async fn create<F>(
        self: &Arc<Self>,
        caller: &Caller,
        work: F,
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
        };
        let key = key(caller, &task_id);
        self.save(&key, &record).await?;

        let tasks = self.clone();
        let run_key = key.clone();
        let run_id = task_id.clone();
        // Held while spawning, so the task's own `running_done` comes after the insert.
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let handle = tokio::spawn(async move {
            let outcome = tokio::select! {
                outcome = work => Some(outcome),
                () = tasks.cancelled(&run_key) => None,
            };
            tasks.running_done(&run_id);
            if let Some(outcome) = outcome {
                tasks.finish(&run_key, outcome).await;
            }
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

    /// Resolves once the record says `cancelled` (or is gone: expired or never
    /// readable again), polling every [`CANCEL_POLL`].
    async fn cancelled(&self, key: &str) {
        loop {
            tokio::time::sleep(CANCEL_POLL).await;
            match self.load(key).await {
                Ok(Some(record)) if record.task.status() != TaskStatus::Cancelled => {}
                Ok(_) => return,
                // The store is unreachable: keep running, look again later.
                Err(_) => {}
            }
        }
    }

    /// Writes the terminal state, unless the task was cancelled meanwhile.
    async fn finish(&self, key: &str, outcome: Outcome) {
        let Ok(Some(mut record)) = self.load(key).await else {
            return;
        };
        if record.task.status().is_terminal() {
            return;
        }
        let payload = match outcome {
            Outcome::Result(result) => TaskPayload::Completed { result },
            Outcome::Failed(error) => TaskPayload::Failed { error },
        };
        let mut task = record.task.task.clone();
        task.last_updated_at = timestamp();
        record.task = DetailedTask::new(task, payload);
        if let Err(err) = self.save(key, &record).await {
            tracing::warn!(?err, "task result not stored");
        }
    }

    /// `tasks/get`: the task's state, the result or error inlined once it ended.
    pub(super) async fn get(&self, caller: &Caller, task_id: &str) -> Result<DetailedTask, ErrorData> {
        match self.load(&key(caller, task_id)).await? {
            Some(record) => Ok(record.task),
            None => Err(unknown_task(task_id)),
        }
    }

    /// `tasks/cancel`: marks a running task cancelled (and stops it, at once when this
    /// replica runs it); a task that already ended is left as it is.
    pub(super) async fn cancel(&self, caller: &Caller, task_id: &str) -> Result<(), ErrorData> {
        let key = key(caller, task_id);
        let Some(mut record) = self.load(&key).await? else {
            return Err(unknown_task(task_id));
        };
        if record.task.status().is_terminal() {
            return Ok(());
        }
        let mut task = record.task.task.clone();
        task.last_updated_at = timestamp();
        record.task = DetailedTask::new(task, TaskPayload::Cancelled);
        self.save(&key, &record).await?;
        if let Some(handle) = self
            .running
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(task_id)
        {
            handle.abort();
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
        loop {
            let task = tasks.get(caller, id).await.unwrap();
            if task.status().is_terminal() {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[tokio::test]
    async fn a_task_completes_with_its_result_inlined() {
        let tasks = Arc::new(Tasks::new(Arc::new(MemoryStore::new()), DEFAULT_TTL));
        let alice = user("alice");
        let created = tasks
            .create(&alice, async { text_result("done") })
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
            .create(&caller, async { Outcome::internal("boom") })
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
            .create(&alice, std::future::pending())
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
            .create(&Caller::Local, async move {
                // Dropped (never completes) when the task is stopped.
                let _guard = tx;
                std::future::pending::<Outcome>().await
            })
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
            .create(&Caller::Local, async { text_result("done") })
            .await
            .unwrap();
        let id = created.task.task_id.clone();
        assert!(tasks.get(&Caller::Local, &id).await.is_ok());
        tokio::time::sleep(Duration::from_millis(300)).await;
        let err = tasks.get(&Caller::Local, &id).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::INVALID_PARAMS);
    }

    const DEFAULT_TTL: Duration = Duration::from_secs(3600);
}
