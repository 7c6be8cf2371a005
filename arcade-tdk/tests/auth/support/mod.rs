//! Fakes shared by the `auth_*` tests.
#![allow(dead_code, missing_docs)]

#[cfg(feature = "client")]
pub mod engine;
#[cfg(feature = "oauth")]
pub mod provider;
