//! Hostile input to every entry point: the `call` command, the MCP server over stdio and
//! over Streamable HTTP, and the worker protocol.

mod cli;
mod mcp_http;
mod mcp_stdio;
mod worker;
