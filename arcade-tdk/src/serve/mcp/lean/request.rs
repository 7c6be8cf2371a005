//! Reading the lean path's request: for `tools/call` and `tools/list` (named by the
//! `Mcp-Method` header a 2026-07-28 request carries), the one request type the method
//! names, instead of rmcp's `ClientJsonRpcMessage`, an untagged enum of messages whose
//! request is itself an untagged enum of ~20 request types tried in turn (`tools/call`
//! is the 14th; each miss buffers the message and builds an error). That was a third
//! of a lean call's instructions (BENCHMARKS.md, "The front door in the handler, and the
//! lean path's request read by type").
//!
//! The typed read accepts only what rmcp's would accept as the same request: the same
//! types for `jsonrpc`, `id` and the request, and rmcp's shape rule (a request has
//! `method` and `id` and neither `result` nor `error`). Whatever it does not accept is
//! read as rmcp reads it, so every doubtful body gets rmcp's answer, as before.

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer};

use rmcp::model::{
    CallToolRequest, ClientJsonRpcMessage, ClientRequest, JsonRpcRequest, JsonRpcVersion2_0,
    ListToolsRequest, RequestId,
};

/// The JSON-RPC request in `body`, for a request whose `Mcp-Method` header is `method`;
/// `None` when `body` is not a request (rmcp then answers it).
pub(super) fn read(method: Option<&str>, body: &[u8]) -> Option<JsonRpcRequest<ClientRequest>> {
    let typed = match method {
        Some("tools/call") => typed::<CallToolRequest>(body),
        Some("tools/list") => typed::<ListToolsRequest>(body),
        _ => None,
    };
    typed.or_else(
        || match serde_json::from_slice::<ClientJsonRpcMessage>(body) {
            Ok(ClientJsonRpcMessage::Request(request)) => Some(request),
            _ => None,
        },
    )
}

/// `body` as a request of type `R`, when it is one by rmcp's rules.
fn typed<R>(body: &[u8]) -> Option<JsonRpcRequest<ClientRequest>>
where
    R: DeserializeOwned + Into<ClientRequest>,
{
    let message: Typed<R> = serde_json::from_slice(body).ok()?;
    if message.result.0 || message.error.0 {
        return None;
    }
    let _ = message.jsonrpc;
    Some(JsonRpcRequest::new(message.id, message.request.into()))
}

/// A JSON-RPC request of type `R`, with the keys rmcp's shape rule looks at.
#[derive(Deserialize)]
#[serde(bound = "R: DeserializeOwned")]
struct Typed<R> {
    jsonrpc: JsonRpcVersion2_0,
    id: RequestId,
    #[serde(flatten)]
    request: R,
    #[serde(default)]
    result: Present,
    #[serde(default)]
    error: Present,
}

/// Whether a key was there at all (even as `null`, which an `Option` would not tell).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Present(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// What rmcp's own read gives, for comparison.
    fn rmcp(body: &Value) -> Option<JsonRpcRequest<ClientRequest>> {
        read(None, body.to_string().as_bytes())
    }

    fn same(a: &Option<JsonRpcRequest<ClientRequest>>, b: &Option<JsonRpcRequest<ClientRequest>>) {
        let show = |r: &Option<JsonRpcRequest<ClientRequest>>| {
            r.as_ref().map(|r| {
                let meta = serde_json::to_value(rmcp::model::GetMeta::get_meta(&r.request)).ok();
                // The variant too: a custom request prints as a call does.
                let variant = std::mem::discriminant(&r.request);
                (variant, serde_json::to_value(r).unwrap(), meta)
            })
        };
        assert_eq!(show(a), show(b));
    }

    #[test]
    fn a_call_reads_as_rmcp_reads_it() {
        let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
            "params": {"name": "Demo_Echo", "arguments": {"text": "hi"},
                       "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}},
            "extra": true});
        let fast = read(Some("tools/call"), body.to_string().as_bytes());
        assert!(matches!(
            fast.as_ref().map(|r| &r.request),
            Some(ClientRequest::CallToolRequest(_))
        ));
        same(&fast, &rmcp(&body));
        let list = json!({"jsonrpc": "2.0", "id": "a", "method": "tools/list",
            "params": {"cursor": "c1", "_meta": {"k": 1}}});
        let fast = read(Some("tools/list"), list.to_string().as_bytes());
        assert!(matches!(
            fast.as_ref().map(|r| &r.request),
            Some(ClientRequest::ListToolsRequest(_))
        ));
        same(&fast, &rmcp(&list));
        let bare = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
        same(
            &read(Some("tools/list"), bare.to_string().as_bytes()),
            &rmcp(&bare),
        );
    }

    /// What the typed read refuses is left to rmcp's read: the same outcome either way.
    #[test]
    fn doubtful_bodies_get_rmcps_reading() {
        for body in [
            // A request that is also a response or an error: not a message at all.
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "result": null,
                   "params": {"name": "x"}}),
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "error": {},
                   "params": {"name": "x"}}),
            // A notification, a wrong version, a method that is not the header's.
            json!({"jsonrpc": "2.0", "method": "tools/call", "params": {"name": "x"}}),
            json!({"jsonrpc": "1.0", "id": 1, "method": "tools/call", "params": {"name": "x"}}),
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
            // Parameters that are not a call's (rmcp reads a custom request).
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": 5}}),
            json!({"jsonrpc": "2.0", "id": null, "method": "tools/call", "params": {"name": "x"}}),
        ] {
            same(
                &read(Some("tools/call"), body.to_string().as_bytes()),
                &rmcp(&body),
            );
        }
        assert!(read(Some("tools/call"), b"{not json").is_none());
    }
}
