//! The lean path of `/mcp`: 2026-07-28 POSTs that need no server-side session and no
//! stream, answered straight from the axum handler instead of through rmcp's
//! `StreamableHttpService` (which builds a service, a one-shot transport, a spawned
//! task and channels per request).
//!
//! A request takes this path only when nothing about it needs rmcp's checks to decide
//! the answer: a POST with `Content-Type: application/json`, `Accept` naming both
//! `application/json` and `text/event-stream`, `MCP-Protocol-Version: 2026-07-28`, no
//! `Mcp-Session-Id` and no `Mcp-Param-*` header; a JSON-RPC request whose `_meta` has
//! every key 2026-07-28 requires, naming the same version, with no `progressToken` and
//! no `logLevel` (so the call can produce no notification); one `Mcp-Method` equal to
//! the method and, where the method has one, one plain `Mcp-Name` equal to the name;
//! and a method [`McpServer::answers_stateless`] handles (`tools/call`, `tools/list`,
//! the prompt and resource lists). Everything else — including every request that
//! would be refused — goes to rmcp exactly as before, with the body already read.
//! The Host/Origin guard and the body limit run before this, as they do before rmcp;
//! the front door is the first thing [`Lean::serve`] does, for both paths (in the
//! handler rather than as a layer in front of it: the boxed middleware and the owner
//! carried in the request's extensions were about 5k instructions of a 128k-instruction
//! lean call; BENCHMARKS.md).
//!
//! The answer is the same JSON-RPC message rmcp's service produces (the same pipeline,
//! the 2026 caching hints, its error-to-status mapping), written as `application/json`.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use rmcp::model::{
    ClientRequest, ErrorCode, GetMeta, ProtocolVersion, RequestMetaObject, ServerJsonRpcMessage,
};
use rmcp::transport::StreamableHttpService;

use super::handler::McpServer;
use super::polling::PollingSessions;
use crate::serve::pipeline::Caller;

mod request;

const JSON: &str = "application/json";
const EVENT_STREAM: &str = "text/event-stream";
const MODERN: &str = "2026-07-28";
// The names as `HeaderName`s: a `&str` name is parsed and checked on every lookup.
static MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
static MCP_SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
static MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
static MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");

/// `/mcp`: the lean path for what it can answer, rmcp's service for the rest.
pub(super) struct Lean {
    server: McpServer,
    rmcp: StreamableHttpService<McpServer, PollingSessions>,
    max_body: usize,
    #[cfg(feature = "front-door")]
    door: Option<crate::serve::auth::FrontDoor>,
}

impl Lean {
    pub(super) fn new(
        server: McpServer,
        rmcp: StreamableHttpService<McpServer, PollingSessions>,
        max_body: usize,
    ) -> Self {
        Self {
            server,
            rmcp,
            max_body,
            #[cfg(feature = "front-door")]
            door: None,
        }
    }

    /// Admits every request through `door` first.
    #[cfg(feature = "front-door")]
    pub(super) fn with_front_door(mut self, door: Option<crate::serve::auth::FrontDoor>) -> Self {
        self.door = door;
        self
    }

    /// Answers one request on `/mcp`.
    pub(super) async fn serve(&self, mut request: Request) -> Response {
        #[cfg(feature = "front-door")]
        if let Some(door) = &self.door {
            let method = request.method().clone();
            let admitted = match door.admit(&method, request.headers_mut()).await {
                Ok(admitted) => admitted,
                Err(refusal) => return refusal,
            };
            let caller = match &admitted.owner {
                Some(owner) => Caller::Authenticated(owner.clone()),
                None => Caller::Local,
            };
            let response = self.route(request, caller).await;
            door.settle(&admitted, &response);
            return response;
        }
        let _ = &mut request;
        self.route(request, Caller::Local).await
    }

    /// The lean path or rmcp's service, for a request from `caller`.
    async fn route(&self, request: Request, caller: Caller) -> Response {
        if !candidate(request.method(), request.headers()) {
            return self.forward(request, &caller).await;
        }
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, self.max_body).await {
            Ok(bytes) => bytes,
            // The same answer rmcp gives a body past the limit.
            Err(_) => {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "Payload Too Large: request body exceeds {} bytes",
                        self.max_body
                    ),
                )
                    .into_response();
            }
        };
        match self.answer(&parts, &bytes, &caller).await {
            Some(response) => response,
            None => {
                self.forward(Request::from_parts(parts, Body::from(bytes)), &caller)
                    .await
            }
        }
    }

    /// Hands `request` to rmcp's service, the caller in its extensions (where the rmcp
    /// handler reads it from).
    async fn forward(&self, mut request: Request, caller: &Caller) -> Response {
        #[cfg(feature = "front-door")]
        if let Caller::Authenticated(owner) = caller {
            request
                .extensions_mut()
                .insert(crate::serve::auth::Authenticated(owner.clone()));
        }
        let _ = (&mut request, caller);
        self.rmcp.handle(request).await.map(Body::new)
    }

    /// The answer, or `None` when rmcp is to answer.
    async fn answer(&self, parts: &Parts, body: &Bytes, caller: &Caller) -> Option<Response> {
        let mut request = request::read(single(&parts.headers, &MCP_METHOD), body)?;
        if !self.server.answers_stateless(&request.request)
            || !headers_match(&parts.headers, &request.request)
        {
            return None;
        }
        let meta = std::mem::take(request.request.get_meta_mut());
        if !meta_is_plain_modern(&meta) {
            *request.request.get_meta_mut() = meta;
            return None;
        }
        let message = match self
            .server
            .answer_stateless(request.request, &meta, caller)
            .await
        {
            Ok(result) => ServerJsonRpcMessage::response(result, request.id),
            Err(mut error) => {
                // As rmcp's service answers 2026-07-28 peers.
                if error.code == ErrorCode::RESOURCE_NOT_FOUND {
                    error.code = ErrorCode::INVALID_PARAMS;
                }
                ServerJsonRpcMessage::error(error, Some(request.id))
            }
        };
        Some(json_response(&message))
    }
}

/// Whether the headers alone allow the lean path (the body decides the rest).
fn candidate(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::POST
        && single(headers, &MCP_PROTOCOL_VERSION) == Some(MODERN)
        && !headers.contains_key(&MCP_SESSION_ID)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(JSON))
            })
        && accepts_both(headers)
        && !headers
            .keys()
            .any(|name| name.as_str().starts_with("mcp-param-"))
}

/// `Accept` names both media types, without parameters (a `q` weight, which could
/// exclude one, leaves the decision to rmcp).
fn accepts_both(headers: &HeaderMap) -> bool {
    let (mut json, mut sse) = (false, false);
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        for item in value.split(',') {
            let item = item.trim();
            if item.contains(';') {
                return false;
            }
            json |= item.eq_ignore_ascii_case(JSON);
            sse |= item.eq_ignore_ascii_case(EVENT_STREAM);
        }
    }
    json && sse
}

/// The one value of `name`, when there is exactly one and it is text.
fn single<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    if values.next().is_some() {
        return None;
    }
    first.to_str().ok()
}

/// `Mcp-Method` (and `Mcp-Name` where the method has one) exactly as rmcp requires
/// them; any doubt (absent, duplicated, Base64-wrapped, different) leaves the request
/// to rmcp, which answers the mismatch.
fn headers_match(headers: &HeaderMap, request: &ClientRequest) -> bool {
    if single(headers, &MCP_METHOD) != Some(request.method()) {
        return false;
    }
    let name = match request {
        ClientRequest::CallToolRequest(call) => Some(call.params.name.as_ref()),
        _ => None,
    };
    match name {
        None => true,
        Some(name) => single(headers, &MCP_NAME)
            .is_some_and(|value| !value.starts_with("=?base64?") && value == name),
    }
}

/// The request's `_meta` has every key 2026-07-28 requires, names 2026-07-28, and
/// asks for no notification (no progress token, no log level).
fn meta_is_plain_modern(meta: &RequestMetaObject) -> bool {
    meta.protocol_version()
        .is_some_and(|v| v.as_str() == ProtocolVersion::V_2026_07_28.as_str())
        && meta
            .missing_required_keys(&ProtocolVersion::V_2026_07_28)
            .is_empty()
        && !meta.contains_key("progressToken")
        && !meta.contains_key("io.modelcontextprotocol/logLevel")
}

/// `message` as `application/json`, with the HTTP status rmcp gives it on the 2026
/// path (400 for a version, capability or header error, 404 for an unknown method).
fn json_response(message: &ServerJsonRpcMessage) -> Response {
    let status = match message {
        ServerJsonRpcMessage::Error(error) => match error.error.code {
            ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
            | ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY
            | ErrorCode::HEADER_MISMATCH => StatusCode::BAD_REQUEST,
            ErrorCode::METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
            _ => StatusCode::OK,
        },
        _ => StatusCode::OK,
    };
    match serde_json::to_vec(message) {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(JSON))],
            body,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(%err, "could not encode a response");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not encode the response",
            )
                .into_response()
        }
    }
}
