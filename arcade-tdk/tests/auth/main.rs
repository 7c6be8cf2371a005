//! Auth: the Arcade API client and `ArcadeTokenSource` against a fake engine, the
//! own-OAuth-app flow against a fake provider, and the command line's auth wiring.
//!
//! `auth_secrets` is a binary of its own: it installs a global `tracing` subscriber and
//! a panic hook, and changes the working directory.

#[path = "support/mod.rs"]
mod auth_support;
mod cli;
mod engine;
mod oauth;
