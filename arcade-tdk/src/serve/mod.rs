//! Servers: MCP and the Arcade worker protocol.
