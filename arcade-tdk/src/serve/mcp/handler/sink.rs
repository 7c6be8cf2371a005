//! Where one call's notifications go: the [`Sink`] a call is set up with, and the
//! [`CallSink`] its tool writes to (logs at the level in force, progress when asked
//! for, the client's requests, and closing the call's SSE stream).

use super::*;

/// Where one call's notifications go, and what it may send.
pub(super) struct Sink {
    pub(super) tx: mpsc::UnboundedSender<Note>,
    pub(super) min_level: Option<LogLevel>,
    pub(super) progress_token: Option<ProgressToken>,
    pub(super) client: Option<Arc<dyn ClientRequests>>,
    /// Closes the call's SSE stream (a `tools/call` in a Streamable HTTP session).
    pub(super) closer: Option<SseCloser>,
}

impl Sink {
    /// The sink the call's tool writes to, its logs redacted by `redactor` and named
    /// for `logger` (the tool).
    pub(super) fn for_tool(self, redactor: Arc<Redactor>, logger: String) -> Arc<dyn ContextSink> {
        Arc::new(CallSink {
            tx: self.tx,
            redactor,
            logger,
            min_level: self.min_level,
            progress_token: self.progress_token,
            last_progress: Mutex::new(None),
            client: self.client,
            closer: self.closer,
        })
    }
}

/// A notification a tool produced, waiting to be sent.
pub(super) enum Note {
    Log(LoggingMessageNotificationParam),
    Progress(ProgressNotificationParam),
}

impl Note {
    pub(super) async fn send(self, context: &RequestContext<RoleServer>) {
        let result = match self {
            Note::Log(param) => context.peer.notify_logging_message(param).await,
            Note::Progress(param) => context.peer.notify_progress(param).await,
        };
        if let Err(err) = result {
            tracing::debug!(%err, "could not send a notification");
        }
    }
}

/// The sink of one call: queues log messages at or above the level in force and
/// progress reports when the client asked for them.
struct CallSink {
    tx: mpsc::UnboundedSender<Note>,
    /// The call's redactor (shared with the executor), applied to what the tool logs.
    redactor: Arc<Redactor>,
    logger: String,
    min_level: Option<LogLevel>,
    progress_token: Option<ProgressToken>,
    last_progress: Mutex<Option<f64>>,
    /// The client, for the tool's elicitation, sampling and roots requests.
    client: Option<Arc<dyn ClientRequests>>,
    closer: Option<SseCloser>,
}

impl ContextSink for CallSink {
    fn client_requests(&self) -> Option<&dyn ClientRequests> {
        self.client.as_deref()
    }

    fn close_sse_stream(&self) -> bool {
        self.closer.as_ref().inspect(|c| c.close()).is_some()
    }

    fn log(&self, level: LogLevel, message: &str, data: Option<&Value>) {
        if self.min_level.is_none_or(|min| level < min) {
            return;
        }
        let mut payload = Map::new();
        payload.insert("msg".into(), Value::String(message.to_owned()));
        if let Some(extra) = data {
            payload.insert("extra".into(), extra.clone());
        }
        let mut payload = Value::Object(payload);
        self.redactor.redact_value(&mut payload);
        let param = LoggingMessageNotificationParam::new(to_rmcp_level(level), payload)
            .with_logger(self.logger.clone());
        let _ = self.tx.send(Note::Log(param));
    }

    fn progress(&self, progress: f64, total: Option<f64>, message: Option<&str>) {
        let Some(token) = &self.progress_token else {
            return;
        };
        // Progress must increase with every notification.
        {
            let mut last = self.last_progress.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|l| progress <= l) || !progress.is_finite() {
                return;
            }
            *last = Some(progress);
        }
        let mut param = ProgressNotificationParam::new(token.clone(), progress);
        param.total = total;
        param.message = message.map(|m| self.redactor.redact(m));
        let _ = self.tx.send(Note::Progress(param));
    }
}
