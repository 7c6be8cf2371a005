//! The PagerDuty toolkit: its command line, every tool against the sandbox, spec
//! conformance, PagerDuty's Python client library against the sandbox, the client's
//! resilience to the sandbox's faults and to raw TCP faults.

mod cli;
mod client_library;
mod common;
mod conformance;
mod mcp_app;
mod raw_faults;
mod resilience;
mod standalone;
mod tools;
