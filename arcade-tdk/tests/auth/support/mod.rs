//! Fakes shared by the `auth_*` tests (the fake Arcade Engine is public:
//! `arcade_tdk::testing::FakeEngine`).
#![allow(dead_code, missing_docs)]

#[cfg(feature = "oauth")]
pub mod provider;
