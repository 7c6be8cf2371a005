//! Examples of arcade-tdk, as a library so that the workspace's tests can use them.

pub mod sample_kit;
