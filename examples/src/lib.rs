//! Examples of arcade-tdk, as a library so that the workspace's tests can use them.

pub mod conformance;
pub mod conformance_surface;
pub mod custom_pagerduty;
pub mod sample_kit;
