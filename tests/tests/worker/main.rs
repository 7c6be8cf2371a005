//! Arcade's worker protocol over loopback, and the replay of Python's recorded worker
//! session.

mod protocol;
mod replay;
mod resources;
mod tool_calls;
