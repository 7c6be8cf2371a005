//! The sandbox's data as a JSON file: [`Sandbox::state`](super::Sandbox::state),
//! [`Sandbox::save_state`](super::Sandbox::save_state) and
//! [`SandboxBuilder::state`](super::SandboxBuilder::state).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Db;

/// The `format` of a state file.
pub const STATE_FORMAT: &str = "tools-pagerduty-sandbox/1";

#[derive(Serialize, Deserialize)]
struct StateFile {
    format: String,
    #[serde(flatten)]
    db: Db,
}

/// The JSON of `db`.
pub(super) fn to_json(db: &Db) -> Value {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        format: &'static str,
        #[serde(flatten)]
        db: &'a Db,
    }
    serde_json::to_value(Borrowed {
        format: STATE_FORMAT,
        db,
    })
    .unwrap_or(Value::Null)
}

/// The data of a state file's JSON; missing collections are empty.
pub(super) fn from_json(value: Value) -> Result<Db, String> {
    let file: StateFile =
        serde_json::from_value(value).map_err(|e| format!("not a sandbox state: {e}"))?;
    if file.format != STATE_FORMAT {
        return Err(format!(
            "a sandbox state of format `{}`; this sandbox reads `{STATE_FORMAT}`",
            file.format
        ));
    }
    Ok(file.db)
}

/// Reads a state file.
pub(super) fn read(path: &Path) -> Result<Db, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    from_json(value).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes `state` to `path` (through a temporary file beside it, so that a crash never
/// leaves half a file).
pub(super) fn write(path: &Path, state: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(state).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
