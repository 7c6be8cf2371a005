//! Hostile input to the MCP server over stdio and over Streamable HTTP, and to the
//! worker protocol. (Hostile input to the `call` command is in the `cli` binary: it runs
//! the command line in-process, which installs the process's stderr logger.)

mod mcp_http;
mod mcp_stdio;
mod worker;
