//! The MCP servers: over stdio-style streams and a real child process, over Streamable
//! HTTP, Python's recorded transcript, the conformance fixture toolkit on the wire, and
//! the local environment (`.env`, secrets) behind a local call.

mod conformance_kit;
mod http;
mod list_changed;
mod local_env;
mod param_headers;
mod sse_polling;
mod stdio;
mod tasks;
mod transcript;
