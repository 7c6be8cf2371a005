//! Front-door auth: the Streamable HTTP server as an OAuth 2.1 protected resource, with
//! fake authorization servers (test-only RSA keys, JWKS on loopback) and a fake Arcade
//! Engine.
//!
//! A binary of its own: it installs a global `tracing` subscriber to check that no
//! token is ever logged.
#![cfg(all(feature = "front-door", feature = "client"))]

mod attacks;
mod config;
mod serving;
mod support;
