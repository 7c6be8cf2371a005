//! The hand-written `rmcp` `ServerHandler` over a [`Catalog`]. Every `rmcp` type stays
//! in this file and `http.rs`.

// Logging (notifications/message, logging/setLevel) is deprecated by the 2026-07-28
// revision (SEP-2577) but still part of 2025-06-18 and 2025-11-25, which we serve.
#![allow(deprecated)]

use std::borrow::Cow;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ClientRequest, ContentBlock,
    GetPromptRequestParams, GetPromptResponse, Implementation, JsonObject, ListToolsResult,
    LoggingLevel, LoggingMessageNotificationParam, MetaObject, PaginatedRequestParams,
    ProgressNotificationParam, ProgressToken, ProtocolVersion, ReadResourceRequestParams,
    ReadResourceResponse, RequestMetaObject, ServerCapabilities, ServerConfig, ServerResult,
    SetLevelRequestParams, Tool,
};
use rmcp::model::{CancelTaskParams, GetTaskParams, GetTaskResult, UpdateTaskParams};
use rmcp::model::{
    CompleteRequestParams, CompleteResult, ListPromptsResult, ListResourceTemplatesResult,
    ListResourcesResult, SubscribeRequestParams, UnsubscribeRequestParams,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::McpOptions;
use super::client_requests::{client_for_call, replay_for_call};
use super::deferred_task::DeferredClient;
use super::input_required::{ReplayClient, missing_capability_error};
use super::polling::SseCloser;
use super::prompt_input;
use super::surface::{self, Subscriptions};
use super::task_input::TaskSink;
use super::tasks::{self, Outcome, Tasks};
use crate::catalog::{Catalog, CatalogEntry};
use crate::context::{ContextSink, LogLevel};
use crate::definition;
use crate::error::ToolError;
use crate::executor::ToolCallError;
use crate::interaction::ClientRequests;
use crate::redact::Redactor;
use crate::serve::local::LocalEnvironment;
use crate::serve::pipeline::{CallOutcome, Caller, Pipeline};
use crate::task_support::TaskSupport;
use crate::tool::ToolValue;

mod results;
mod served;
mod service;
mod sink;
mod stateless;
mod task_call;

use results::{error_result, requirements_result, success_result};
use served::Served;
pub(crate) use service::McpService;
use sink::Sink;

/// The protocol versions we serve: the two handshake revisions with structured tool
/// output, and the stateless 2026-07-28 revision.
const SUPPORTED_VERSIONS: &[ProtocolVersion] = &[
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_11_25,
    ProtocolVersion::V_2026_07_28,
];

/// What every connection (and every HTTP session) shares.
struct Shared {
    /// What is served now; replaced whole by a [`ServedCatalog`](super::ServedCatalog).
    served: std::sync::RwLock<Arc<Served>>,
    options: McpOptions,
    info: ServerConfig,
    /// The tasks of tools that run as tasks.
    tasks: Arc<Tasks>,
    /// The 2025 sessions, told when the served lists change (with a handle only).
    sessions: Mutex<Vec<rmcp::service::Peer<RoleServer>>>,
    /// Each replacement's changed lists, for the 2026-07-28 `subscriptions/listen`
    /// streams that asked for list changes.
    changes: tokio::sync::broadcast::Sender<Arc<super::list_changed::Changed>>,
}

/// One MCP server: the shared catalog plus this connection's log level.
#[derive(Clone)]
pub(crate) struct McpServer {
    shared: Arc<Shared>,
    /// The minimum level set by `logging/setLevel` (an index into [`LEVELS`]).
    log_level: Arc<AtomicU8>,
    /// This connection's resource subscriptions.
    subscriptions: Arc<Subscriptions>,
    /// Whether this connection's session is among those told of list changes.
    registered: Arc<std::sync::atomic::AtomicBool>,
}

const LEVELS: [LogLevel; 8] = [
    LogLevel::Debug,
    LogLevel::Info,
    LogLevel::Notice,
    LogLevel::Warning,
    LogLevel::Error,
    LogLevel::Critical,
    LogLevel::Alert,
    LogLevel::Emergency,
];

/// Before `logging/setLevel`, messages at info and above are sent.
const DEFAULT_LOG_LEVEL: u8 = 1;

fn level_index(level: LogLevel) -> u8 {
    LEVELS.iter().position(|l| *l == level).unwrap_or(0) as u8
}

fn from_rmcp_level(level: LoggingLevel) -> LogLevel {
    match level {
        LoggingLevel::Debug => LogLevel::Debug,
        LoggingLevel::Info => LogLevel::Info,
        LoggingLevel::Notice => LogLevel::Notice,
        LoggingLevel::Warning => LogLevel::Warning,
        LoggingLevel::Error => LogLevel::Error,
        LoggingLevel::Critical => LogLevel::Critical,
        LoggingLevel::Alert => LogLevel::Alert,
        LoggingLevel::Emergency => LogLevel::Emergency,
    }
}

fn to_rmcp_level(level: LogLevel) -> LoggingLevel {
    match level {
        LogLevel::Debug => LoggingLevel::Debug,
        LogLevel::Info => LoggingLevel::Info,
        LogLevel::Notice => LoggingLevel::Notice,
        LogLevel::Warning => LoggingLevel::Warning,
        LogLevel::Error => LoggingLevel::Error,
        LogLevel::Critical => LoggingLevel::Critical,
        LogLevel::Alert => LoggingLevel::Alert,
        LogLevel::Emergency => LoggingLevel::Emergency,
    }
}

impl McpServer {
    /// A server; `credentialed_tools: false` refuses tools that need secrets or a token.
    pub(crate) fn new(
        catalog: Arc<Catalog>,
        options: McpOptions,
        credentialed_tools: bool,
    ) -> Self {
        Self::with_policy(catalog, options, |pipeline| {
            pipeline.credentialed_tools(credentialed_tools)
        })
    }

    /// A server whose pipeline `policy` configures.
    pub(crate) fn with_policy(
        catalog: Arc<Catalog>,
        options: McpOptions,
        policy: impl FnOnce(Pipeline) -> Pipeline,
    ) -> Self {
        let environment = options
            .environment
            .clone()
            .unwrap_or_else(|| Arc::new(LocalEnvironment::from_env()));
        let mut implementation = Implementation::new(&options.name, &options.version);
        implementation.title = options.title.clone();
        // Prompts and resources are declared, and always empty, as Arcade's Python server
        // declares them: clients that list them get empty lists (with the 2026-07-28
        // caching hints) instead of "method not found".
        let mut capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_logging()
            .enable_prompts()
            .enable_resources()
            .build();
        surface::capabilities(&catalog, &mut capabilities);
        if options.served.is_some() {
            super::list_changed::advertise(&mut capabilities);
        }
        // The tasks extension is declared only when some tool may run as a task.
        if catalog
            .entries()
            .iter()
            .any(|e| e.tool().spec().task_support().allows_task())
        {
            capabilities
                .extensions
                .get_or_insert_with(Default::default)
                .insert(
                    rmcp::model::TASKS_EXTENSION_ID.to_owned(),
                    JsonObject::new(),
                );
        }
        let tasks = Arc::new(Tasks::new(
            options
                .store
                .clone()
                .unwrap_or_else(crate::store::installed),
            options.task_ttl,
        ));
        let mut info = ServerConfig::new(capabilities)
            .with_server_info(implementation)
            .with_protocol_version(ProtocolVersion::V_2025_11_25);
        info.instructions = options.instructions.clone();
        let served = Served::new(catalog, &options, policy(Pipeline::new(environment)));
        let shared = Arc::new(Shared {
            served: std::sync::RwLock::new(Arc::new(served)),
            options,
            info,
            tasks,
            sessions: Mutex::default(),
            changes: tokio::sync::broadcast::channel(16).0,
        });
        if let Some(handle) = &shared.options.served {
            let live: Arc<dyn super::list_changed::Replace> = shared.clone();
            handle.register(Arc::downgrade(&live));
        }
        Self {
            shared,
            log_level: Arc::new(AtomicU8::new(DEFAULT_LOG_LEVEL)),
            subscriptions: Arc::default(),
            registered: Arc::default(),
        }
    }

    /// A server for a new connection (HTTP session): same catalog, fresh log level.
    pub(crate) fn fork(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            log_level: Arc::new(AtomicU8::new(DEFAULT_LOG_LEVEL)),
            subscriptions: Arc::default(),
            registered: Arc::default(),
        }
    }

    /// What is served now.
    fn served(&self) -> Arc<Served> {
        self.shared.served()
    }

    /// Tells this connection's session of list changes from now on (once; with a
    /// [`ServedCatalog`](super::ServedCatalog) only). Done when the client says it is
    /// initialized and, since rmcp handles that notification in a task of its own,
    /// again at its first listing.
    fn register_session(&self, peer: &rmcp::service::Peer<RoleServer>) {
        if self.shared.options.served.is_some() && !self.registered.swap(true, Ordering::SeqCst) {
            self.shared.add_session(peer.clone());
        }
    }

    /// Logs (to stderr, through `tracing`) the tools whose declared secrets are missing.
    pub(crate) fn warn_missing_secrets(&self) {
        let served = self.served();
        for entry in served.catalog.entries() {
            let missing = served.pipeline.environment().missing_secrets(entry);
            if !missing.is_empty() {
                tracing::warn!(
                    tool = entry.mcp_name(),
                    missing = ?missing,
                    "tool will fail until its secrets are set (environment or .env)"
                );
            }
        }
    }

    /// Logs the tools refused because they need credentials (HTTP without them).
    pub(crate) fn warn_refused_over_http(&self) {
        let served = self.served();
        let refused: Vec<&str> = served
            .catalog
            .entries()
            .iter()
            .filter(|e| served.pipeline.refuses(e))
            .map(|e| e.mcp_name())
            .collect();
        if !refused.is_empty() {
            tracing::warn!(
                tools = ?refused,
                "tools that need secrets or a token are refused over HTTP unless credentialed tools are allowed"
            );
        }
    }

    /// Serves one connection until it closes.
    pub(crate) async fn run<T, E, A>(self, transport: T) -> std::io::Result<()>
    where
        T: rmcp::transport::IntoTransport<RoleServer, E, A>,
        E: std::error::Error + Send + Sync + 'static,
    {
        use rmcp::service::ServerInitializeError;
        let running = match McpService(self).serve(transport).await {
            Ok(running) => running,
            Err(ServerInitializeError::ConnectionClosed(_) | ServerInitializeError::Cancelled) => {
                return Ok(());
            }
            Err(err) => return Err(std::io::Error::other(err)),
        };
        running.waiting().await.map_err(std::io::Error::other)?;
        Ok(())
    }

    async fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let shared = &self.shared;
        let served = self.served();
        let entry = served.entry(&request.name)?;
        let spec = entry.tool().spec();
        // The arguments of the task a deferring tool may go on as.
        let mut task_args = None;
        if spec.task_support().allows_task() {
            let declared = context
                .client_capabilities()
                .is_some_and(|c| c.supports_tasks());
            if declared && spec.defers_task() {
                task_args = Some(request.arguments.clone().unwrap_or_default());
            } else if declared {
                let args = request.arguments.unwrap_or_default();
                return self
                    .call_as_task(entry, args, &context, Default::default())
                    .await;
            } else if spec.task_support() == TaskSupport::Required {
                return Err(tasks::tasks_required());
            }
        }
        // The sink queues notifications; this task sends them, in order, before the
        // response, while it polls the call (a cancellation stops it, also while a
        // token is being resolved).
        let (tx, mut rx) = mpsc::unbounded_channel();
        let min_level = self.min_log_level(&context);
        let progress_token = context.meta.get_progress_token();
        let caller = caller(&context);
        let (mut client, replay) = client_for_call(&request, &context, &caller, &shared.options)?;
        let deferred = task_args.map(|args| (Arc::new(DeferredClient::new(client.take())), args));
        if let Some((deferred, _)) = &deferred {
            client = Some(deferred.clone());
        }
        let args = request.arguments.unwrap_or_default();
        let sink = Sink {
            tx,
            min_level,
            progress_token,
            client,
            closer: context.extensions.get::<SseCloser>().cloned(),
        };
        let call = Self::run_call(&served.pipeline, entry, args, &caller, sink);
        tokio::pin!(call);
        let outcome = loop {
            tokio::select! {
                biased;
                () = context.ct.cancelled() => {
                    tracing::debug!(tool = entry.mcp_name(), "tool call cancelled");
                    return Err(cancelled());
                }
                Some(note) = rx.recv() => note.send(&context).await,
                outcome = &mut call => break outcome,
            }
        };
        while let Ok(note) = rx.try_recv() {
            note.send(&context).await;
        }
        if let Some((deferred, args)) = deferred
            && deferred.started()
            && replay.as_ref().is_none_or(|r| !r.has_pending())
        {
            let answered = deferred.take_answers();
            return self.call_as_task(entry, args, &context, answered).await;
        }
        self.finish(entry, outcome, replay.as_deref())
    }

    /// Runs `entry` through `pipeline`, its logs and progress going to `sink`.
    fn run_call<'a>(
        pipeline: &'a Pipeline,
        entry: &'a CatalogEntry,
        args: JsonObject,
        caller: &'a Caller,
        sink: Sink,
    ) -> impl Future<Output = CallOutcome> + Send + 'a {
        let logger = entry.mcp_name().to_owned();
        pipeline.call_as(entry, args, caller, move |redactor| {
            Some(sink.for_tool(redactor, logger))
        })
    }

    /// The call's answer: `input_required` when the 2026 replay has questions, else the
    /// tool's value or error.
    fn finish(
        &self,
        entry: &CatalogEntry,
        outcome: CallOutcome,
        replay: Option<&ReplayClient>,
    ) -> Result<CallToolResponse, ErrorData> {
        if let Some(replay) = replay {
            if let Some(input_required) = replay.input_required()? {
                return Ok(input_required.into());
            }
            if let Some(capability) = replay.missing_capability()
                && matches!(&outcome, CallOutcome::Executed(e) if e.outcome.is_err())
            {
                return Err(missing_capability_error(capability));
            }
        }
        let execution = match outcome {
            CallOutcome::Executed(execution) => execution,
            CallOutcome::Unmet(unmet) => return Ok(requirements_result(&unmet.error).into()),
        };
        for log in &execution.logs {
            tracing::warn!(tool = entry.mcp_name(), "{}", log.message);
        }
        Ok(match execution.outcome {
            Ok(value) => success_result(value),
            Err(error) => error_result(&error, &self.shared.options),
        }
        .into())
    }

    /// The minimum level to send for this request: the request's own
    /// `io.modelcontextprotocol/logLevel`, else (before 2026-07-28) the session's level;
    /// `None` sends nothing.
    fn min_log_level(&self, context: &RequestContext<RoleServer>) -> Option<LogLevel> {
        if let Some(level) = context.meta.log_level() {
            return Some(from_rmcp_level(level));
        }
        (!is_modern(context))
            .then(|| LEVELS[usize::from(self.log_level.load(Ordering::Relaxed)).min(7)])
    }
}

/// Who the request is from: the caller the front door authenticated (the HTTP request's
/// extensions, which rmcp passes on in its `Parts`), else the local user.
fn caller(context: &RequestContext<RoleServer>) -> Caller {
    #[cfg(feature = "front-door")]
    if let Some(found) = context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::serve::auth::Authenticated>())
    {
        return Caller::Authenticated(found.0.clone());
    }
    let _ = context;
    Caller::Local
}

/// Whether the request is served under the stateless 2026-07-28 revision (or later).
fn is_modern(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str())
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        self.shared.info.clone()
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(SUPPORTED_VERSIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.register_session(&context.peer);
        Ok(ListToolsResult::with_all_items(self.served().tools.clone()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let served = self.served();
        let entry = served.catalog.get(name)?;
        served
            .tools
            .iter()
            .find(|t| t.name == entry.mcp_name())
            .cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Boxed: rmcp spawns one task per request whose future embeds this one, and
        // tokio moves a task's future by value several times when it spawns it. The
        // call's state (the token lookup, the executor and the tool's own future) is
        // several kilobytes; inline, copying it was half the instructions of a call.
        Box::pin(self.call(request, context)).await
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let (served, caller) = (self.served(), caller(&context));
        let options = &self.shared.options;
        prompt_input::get_prompt(&served.catalog, request, &context, &caller, options).await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        self.register_session(&context.peer);
        Ok(surface::list_prompts(&self.served().catalog))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.register_session(&context.peer);
        Ok(surface::list_resources(&self.served().catalog))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(surface::list_resource_templates(&self.served().catalog))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let modern = is_modern(&context);
        let (served, caller) = (self.served(), caller(&context));
        surface::read_resource(
            &served.pipeline,
            &served.catalog,
            &request.uri,
            &caller,
            modern,
        )
        .await
        .map(Into::into)
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let catalog = &self.served().catalog;
        self.subscriptions
            .subscribe(catalog, &request.uri, &context.peer)
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.subscriptions.unsubscribe(&request.uri);
        Ok(())
    }

    fn accepted_subscription_filter(
        &self,
        requested: &rmcp::model::SubscriptionFilter,
    ) -> Option<rmcp::model::SubscriptionFilter> {
        let lists_change = self.shared.options.served.is_some();
        surface::accepted_filter(&self.served().catalog, requested, lists_change)
    }

    async fn listen(&self, context: rmcp::service::SubscriptionContext) -> Result<(), ErrorData> {
        let changes = self.shared.changes.subscribe();
        surface::listen(&self.served().catalog, context, changes).await;
        Ok(())
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        surface::complete(&self.served().catalog, &request)
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        let task = self
            .shared
            .tasks
            .get(&caller(&context), &request.task_id)
            .await?;
        Ok(GetTaskResult::new(task))
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.shared
            .tasks
            .cancel(&caller(&context), &request.task_id)
            .await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.shared
            .tasks
            .update(&caller(&context), &request.task_id, request.input_responses)
            .await
    }

    async fn on_initialized(&self, context: rmcp::service::NotificationContext<RoleServer>) {
        self.register_session(&context.peer);
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let level = level_index(from_rmcp_level(request.level));
        self.log_level.store(level, Ordering::Relaxed);
        Ok(())
    }
}

/// The answer to a cancelled request (rmcp never sends it: the client gave up).
fn cancelled() -> ErrorData {
    ErrorData::internal_error("request cancelled", None)
}
