//! What the sample kit declares and gives: its definitions and outputs against Arcade's
//! Python TDK, the catalog, and property tests over the input schemas.

mod catalog;
mod outputs;
mod prop_schema;
mod wire;
