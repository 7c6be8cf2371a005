//! Servers: MCP (stdio and Streamable HTTP) and the Arcade worker protocol, and the
//! local environment (secrets, tokens, user id) a locally served tool runs with.

pub mod local;
#[cfg(feature = "mcp")]
pub mod mcp;
#[cfg(feature = "worker")]
pub mod worker;
