//! SSE polling (SEP-1699): a tool may close its call's SSE stream in the middle of the
//! call ([`crate::ToolContext::close_sse_stream`]), and the client reconnects with
//! `GET` and `Last-Event-ID` to get the rest: the call's later notifications and its
//! result.
//!
//! [`PollingSessions`] is `rmcp`'s [`LocalSessionManager`] with that added. `rmcp` can
//! close a request's stream itself, but a call that ends while its client is away
//! loses its result there (the request's channel, and its replay cache, go with the
//! response). So here a `tools/call` stream is opened by this module: the stream it
//! answers the `POST` with stops at [`SseCloser::close`], and what the session sends
//! for the call from then on is kept ("parked") for the client's `GET`. A parked
//! stream is dropped when the client resumes it, when its session ends, or
//! [`PARKED_FOR`] after it was parked.
//!
//! It also hands each session's `tools/list` answer to the server on its way out, to
//! put back what rmcp's `Tool` cannot carry (`execution.taskSupport`; see
//! `handler/service.rs`).

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::future::Either;
use futures_util::task::AtomicWaker;
use futures_util::{Stream, StreamExt};
use rmcp::model::{
    ClientJsonRpcMessage, ClientRequest, GetExtensions, ServerJsonRpcMessage, ServerResult,
};
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError,
};
use rmcp::transport::streamable_http_server::session::{
    EventStore, RestoreOutcome, ServerSseMessage, SessionId, SessionManager,
};
use tokio::sync::mpsc;

/// How long a closed call stream waits for its client to come back.
pub(crate) const PARKED_FOR: Duration = Duration::from_secs(60);

/// Closes the SSE stream of one `tools/call` `POST` (in the request's extensions for
/// the handler; [`crate::ToolContext::close_sse_stream`] reaches it).
#[derive(Clone, Debug, Default)]
pub(crate) struct SseCloser(Arc<CloseSignal>);

#[derive(Debug, Default)]
struct CloseSignal {
    closed: AtomicBool,
    waker: AtomicWaker,
}

impl SseCloser {
    /// Ends the `POST`'s stream after what it has sent; what comes later waits for the
    /// client's `GET` with `Last-Event-ID`.
    pub(crate) fn close(&self) {
        self.0.closed.store(true, Ordering::Release);
        self.0.waker.wake();
    }
}

/// The session manager of the Streamable HTTP server: `rmcp`'s local one, with call
/// streams a tool may close (see the [module docs](self)).
pub(crate) struct PollingSessions {
    inner: LocalSessionManager,
    parked: Arc<Parked>,
    /// Applied to `tools/list` answers (what rmcp's `Tool` cannot carry, put back).
    lists: Arc<dyn Fn(ServerResult) -> ServerResult + Send + Sync>,
}

impl std::fmt::Debug for PollingSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollingSessions")
            .field("parked", &self.parked)
            .finish_non_exhaustive()
    }
}

/// The parked call streams, by session and `rmcp`'s HTTP request id.
#[derive(Debug, Default)]
struct Parked(Mutex<HashMap<(SessionId, u64), mpsc::UnboundedReceiver<ServerSseMessage>>>);

impl Parked {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<
        '_,
        HashMap<(SessionId, u64), mpsc::UnboundedReceiver<ServerSseMessage>>,
    > {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps what `rmcp` sends on `rx` from now on, for [`PARKED_FOR`]. A task moves it
    /// into an unbounded buffer, so that the session never waits on a client that is
    /// away (`rmcp`'s channel holds 16 messages).
    fn park(self: &Arc<Self>, key: (SessionId, u64), mut rx: mpsc::Receiver<ServerSseMessage>) {
        let (tx, buffer) = mpsc::unbounded_channel();
        self.lock().insert(key.clone(), buffer);
        tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let parked = Arc::downgrade(self);
        tokio::spawn(async move {
            tokio::time::sleep(PARKED_FOR).await;
            if let Some(parked) = Weak::upgrade(&parked)
                && parked.lock().remove(&key).is_some()
            {
                tracing::debug!(
                    http_request_id = key.1,
                    "dropped a closed call stream nobody resumed"
                );
            }
        });
    }

    /// The parked stream `last_event_id` (`<index>/<http request id>`) names, without
    /// the events up to that index.
    fn resume(
        &self,
        session: &SessionId,
        last_event_id: &str,
    ) -> Option<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static + use<>> {
        let (index, request) = last_event_id.split_once('/')?;
        let (index, request) = (index.parse::<usize>().ok()?, request.parse::<u64>().ok()?);
        let buffer = self.lock().remove(&(session.clone(), request))?;
        let stream = tokio_stream_of(buffer).filter(move |message| {
            let later = message
                .event_id
                .as_deref()
                .and_then(|id| id.split_once('/'))
                .and_then(|(i, _)| i.parse::<usize>().ok())
                .is_none_or(|i| i > index);
            std::future::ready(later)
        });
        Some(stream)
    }

    fn forget_session(&self, session: &SessionId) {
        self.lock().retain(|(s, _), _| s != session);
    }
}

/// An unbounded receiver as a stream.
fn tokio_stream_of<T: Send + 'static>(
    mut rx: mpsc::UnboundedReceiver<T>,
) -> impl Stream<Item = T> + Send + Sync + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

/// The stream a `tools/call` `POST` is answered with: `rmcp`'s request channel until
/// the call's [`SseCloser`] closes it, then parked.
struct CallStream {
    rx: Option<mpsc::Receiver<ServerSseMessage>>,
    signal: Arc<CloseSignal>,
    key: (SessionId, u64),
    parked: Arc<Parked>,
}

impl Stream for CallStream {
    type Item = ServerSseMessage;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.signal.waker.register(cx.waker());
        if self.signal.closed.load(Ordering::Acquire) {
            if let Some(rx) = self.rx.take() {
                tracing::debug!(
                    http_request_id = self.key.1,
                    "a tool closed its call's SSE stream"
                );
                self.parked.park(self.key.clone(), rx);
            }
            return Poll::Ready(None);
        }
        match &mut self.rx {
            Some(rx) => rx.poll_recv(cx),
            None => Poll::Ready(None),
        }
    }
}

impl PollingSessions {
    /// Sessions whose `tools/list` answers go through `lists` on their way out.
    pub(crate) fn new(
        lists: impl Fn(ServerResult) -> ServerResult + Send + Sync + 'static,
    ) -> Self {
        Self {
            inner: LocalSessionManager::default(),
            parked: Arc::default(),
            lists: Arc::new(lists),
        }
    }

    /// `stream` with its `tools/list` answer passed through [`PollingSessions::lists`].
    fn list_stream(
        &self,
        stream: impl Stream<Item = ServerSseMessage> + Send + Sync + 'static,
    ) -> impl Stream<Item = ServerSseMessage> + Send + Sync + 'static {
        let lists = self.lists.clone();
        stream.map(move |mut event| {
            if let Some(ServerJsonRpcMessage::Response(response)) = event.message.as_deref()
                && matches!(response.result, ServerResult::ListToolsResult(_))
            {
                let mut response = response.clone();
                response.result = lists(response.result);
                event.message = Some(Arc::new(ServerJsonRpcMessage::Response(response)));
            }
            event
        })
    }

    async fn call_stream(
        &self,
        id: &SessionId,
        mut message: ClientJsonRpcMessage,
    ) -> Result<CallStream, LocalSessionManagerError> {
        let handle = self
            .inner
            .sessions
            .read()
            .await
            .get(id)
            .cloned()
            .ok_or_else(|| LocalSessionManagerError::SessionNotFound(id.clone()))?;
        let receiver = handle.establish_request_wise_channel().await?;
        let closer = SseCloser::default();
        if let ClientJsonRpcMessage::Request(request) = &mut message {
            request.request.extensions_mut().insert(closer.clone());
        }
        let http_request_id = receiver.http_request_id.unwrap_or_default();
        handle
            .push_message(message, receiver.http_request_id)
            .await?;
        Ok(CallStream {
            rx: Some(receiver.inner),
            signal: closer.0,
            key: (id.clone(), http_request_id),
            parked: self.parked.clone(),
        })
    }
}

impl SessionManager for PollingSessions {
    type Error = LocalSessionManagerError;
    type Transport = <LocalSessionManager as SessionManager>::Transport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        self.inner.create_session().await
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        self.inner.initialize_session(id, message).await
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        self.inner.has_session(id).await
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.parked.forget_session(id);
        self.inner.close_session(id).await
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        let request = match &message {
            ClientJsonRpcMessage::Request(r) => Some(&r.request),
            _ => None,
        };
        match request {
            Some(ClientRequest::CallToolRequest(_)) => {
                Ok(Either::Left(self.call_stream(id, message).await?))
            }
            Some(ClientRequest::ListToolsRequest(_)) => {
                let stream = self.inner.create_stream(id, message).await?;
                Ok(Either::Right(Either::Left(self.list_stream(stream))))
            }
            _ => Ok(Either::Right(Either::Right(
                self.inner.create_stream(id, message).await?,
            ))),
        }
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.inner.accept_message(id, message).await
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.inner.create_standalone_stream(id).await
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        if let Some(parked) = self.parked.resume(id, &last_event_id) {
            return Ok(Either::Left(parked));
        }
        Ok(Either::Right(self.inner.resume(id, last_event_id).await?))
    }

    async fn restore_session(
        &self,
        id: SessionId,
    ) -> Result<RestoreOutcome<Self::Transport>, Self::Error> {
        self.inner.restore_session(id).await
    }

    fn event_store(&self) -> Option<Arc<dyn EventStore>> {
        self.inner.event_store()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str) -> ServerSseMessage {
        let mut message = ServerSseMessage::retry(Duration::from_secs(1));
        message.event_id = Some(id.to_owned());
        message
    }

    #[tokio::test]
    async fn a_closed_stream_is_parked_and_resumed_after_the_last_event() {
        let parked = Arc::new(Parked::default());
        let (tx, rx) = mpsc::channel(2);
        let closer = SseCloser::default();
        let session: SessionId = "s1".into();
        let mut stream = CallStream {
            rx: Some(rx),
            signal: closer.0.clone(),
            key: (session.clone(), 7),
            parked: parked.clone(),
        };
        tx.send(event("0/7")).await.unwrap();
        assert_eq!(
            stream.next().await.unwrap().event_id.as_deref(),
            Some("0/7")
        );
        closer.close();
        assert!(
            stream.next().await.is_none(),
            "the POST stream ends when closed"
        );
        // More than rmcp's channel holds: the session must not wait for the client.
        for i in 1..=5 {
            tx.send(event(&format!("{i}/7"))).await.unwrap();
        }
        drop(tx);
        assert!(
            parked.resume(&"other".into(), "0/7").is_none(),
            "another session's"
        );
        assert!(
            parked.resume(&session, "zero/7").is_none(),
            "a malformed id"
        );
        let resumed: Vec<_> = parked
            .resume(&session, "2/7")
            .expect("the parked stream")
            .map(|m| m.event_id.unwrap())
            .collect()
            .await;
        assert_eq!(resumed, ["3/7", "4/7", "5/7"]);
        assert!(
            parked.resume(&session, "2/7").is_none(),
            "resumed once only"
        );
    }

    #[tokio::test]
    async fn a_session_that_ends_drops_its_parked_streams() {
        let parked = Arc::new(Parked::default());
        let (_tx, rx) = mpsc::channel(1);
        parked.park(("s1".into(), 1), rx);
        let (_tx2, rx2) = mpsc::channel(1);
        parked.park(("s2".into(), 1), rx2);
        parked.forget_session(&"s1".into());
        assert!(parked.resume(&"s1".into(), "0/1").is_none());
        assert!(parked.resume(&"s2".into(), "0/1").is_some());
    }
}
