//! The recorded fixtures in `tests/fixtures/`.

use std::path::PathBuf;

use serde_json::Value;

/// The path of `relative` inside `tests/fixtures/`.
///
/// ```
/// let path = arcade_tests::fixtures::path("arcade-wire/outputs.json");
/// assert!(path.ends_with("tests/fixtures/arcade-wire/outputs.json"));
/// ```
pub fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}

/// The JSON fixture `relative` (inside `tests/fixtures/`); panics with its path when it
/// cannot be read or is not JSON.
///
/// ```
/// let outputs = arcade_tests::fixtures::json("arcade-wire/outputs.json");
/// assert!(outputs.get("context_used").is_some());
/// ```
pub fn json(relative: &str) -> Value {
    let file = path(relative);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", file.display()))
}
