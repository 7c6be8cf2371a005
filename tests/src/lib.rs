//! Support for the workspace integration tests in `tests/`: one copy of the helpers
//! the test binaries share (fixtures, loopback servers, the worker's JWTs, MCP over
//! in-process streams and over HTTP, child processes).
//!
//! ```
//! let fixture = arcade_tests::fixtures::json("arcade-wire/outputs.json");
//! assert!(fixture.is_object());
//! ```

pub mod fixtures;
pub mod mcp;
pub mod net;
pub mod worker;
