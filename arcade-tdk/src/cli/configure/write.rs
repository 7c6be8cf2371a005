//! `--write`: the entry merged into the client's configuration file, the other servers
//! and settings kept, the previous file kept as a timestamped backup, the new one
//! written in one step (a temporary file renamed over it).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::clients::{CODEX_SERVERS, Client, Config, insert_codex};

/// Merges `config` into the file at `path` (created if absent, with its folders) and
/// says what was done. A file that does not parse is refused and left as it is.
/// `secret_values`: the entry holds secret values, so a new file is made readable by
/// its owner only (on Unix; an existing file keeps its permissions).
pub(super) fn merge(
    client: Client,
    path: &Path,
    config: &Config,
    secret_values: bool,
) -> Result<String, String> {
    let shown = path.display();
    let existing = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    let text = match &existing {
        Some(bytes) => Some(std::str::from_utf8(bytes).map_err(|_| {
            format!("{shown} is not UTF-8 text; nothing was written (fix it or give another --config-file)")
        })?),
        None => None,
    };
    let (merged, name, replaced) = match config {
        Config::Json { key, name, entry } => {
            let (merged, replaced) = merge_json(path, text, key, name, entry)?;
            (merged, name, replaced)
        }
        Config::Toml { name, table } => {
            let (merged, replaced) = merge_toml(path, text, name, table)?;
            (merged, name, replaced)
        }
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let backup = match &existing {
        Some(bytes) => Some(backup(path, bytes)?),
        None => None,
    };
    replace(path, merged.as_bytes(), secret_values && existing.is_none())?;
    let label = client.label();
    Ok(match (backup, replaced) {
        (None, _) => format!("Created {shown} with the server `{name}` for {label}."),
        (Some(b), false) => format!(
            "Added the server `{name}` to {shown} for {label} (the previous file is kept as {}).",
            b.display()
        ),
        (Some(b), true) => format!(
            "Replaced the server `{name}` in {shown} for {label} (the previous file is kept as {}).",
            b.display()
        ),
    })
}

/// `text` (the file, if any) with `entry` at `key.name`; whether a server of that name
/// was replaced.
fn merge_json(
    path: &Path,
    text: Option<&str>,
    key: &str,
    name: &str,
    entry: &Value,
) -> Result<(String, bool), String> {
    let shown = path.display();
    let refuse = |why: String| {
        Err(format!(
            "{why}; nothing was written (fix the file or give another --config-file)"
        ))
    };
    let mut doc = match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Map::new(),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(doc)) => doc,
            Ok(_) => return refuse(format!("{shown} does not hold a JSON object")),
            Err(e) => {
                return refuse(format!(
                    "{shown} is not valid JSON ({e}; comments are not supported)"
                ));
            }
        },
    };
    let servers = doc
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(servers) = servers else {
        return refuse(format!("\"{key}\" in {shown} is not a JSON object"));
    };
    let replaced = servers.insert(name.to_owned(), entry.clone()).is_some();
    let mut out = serde_json::to_string_pretty(&Value::Object(doc))
        .map_err(|e| format!("cannot encode the configuration: {e}"))?;
    out.push('\n');
    Ok((out, replaced))
}

/// `text` (the file, if any) with `[mcp_servers.name]` set to `table`, comments and
/// layout kept; whether a server of that name was replaced.
fn merge_toml(
    path: &Path,
    text: Option<&str>,
    name: &str,
    table: &toml_edit::Table,
) -> Result<(String, bool), String> {
    let shown = path.display();
    let mut doc: toml_edit::DocumentMut = text.unwrap_or("").parse().map_err(|e| {
        format!("{shown} is not valid TOML ({e}); nothing was written (fix the file or give another --config-file)")
    })?;
    let replaced = match doc.get(CODEX_SERVERS) {
        None => false,
        Some(toml_edit::Item::Table(servers)) => servers.contains_key(name),
        Some(_) => {
            return Err(format!(
                "`{CODEX_SERVERS}` in {shown} is not a table of [{CODEX_SERVERS}.NAME] tables; nothing was written"
            ));
        }
    };
    insert_codex(&mut doc, name, table.clone());
    Ok((doc.to_string(), replaced))
}

/// Copies the file's `bytes` to `<file>.bak-<UTC time>` (a number added if that
/// exists) and returns the backup's path.
fn backup(path: &Path, bytes: &[u8]) -> Result<PathBuf, String> {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "backup".to_owned());
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    for n in 0..100 {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let candidate = path.with_file_name(format!("{file}.bak-{stamp}{suffix}"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut f) => {
                f.write_all(bytes)
                    .and_then(|()| f.sync_all())
                    .map_err(|e| format!("cannot write the backup {}: {e}", candidate.display()))?;
                copy_permissions(path, &candidate);
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(format!(
                    "cannot write the backup {}: {e}; nothing was written",
                    candidate.display()
                ));
            }
        }
    }
    Err(format!(
        "too many backups of {} already; nothing was written",
        path.display()
    ))
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
fn replace(path: &Path, bytes: &[u8], owner_only: bool) -> Result<(), String> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file}.tmp-{}", std::process::id()));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    if path.exists() {
        copy_permissions(path, &tmp);
    } else if owner_only {
        owner_only_permissions(&tmp);
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = fs::metadata(from) {
        let _ = fs::set_permissions(to, meta.permissions());
    }
}

#[cfg(unix)]
fn owner_only_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn owner_only_permissions(_path: &Path) {}
