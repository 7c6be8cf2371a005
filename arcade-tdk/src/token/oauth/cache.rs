//! The token cache file: one JSON file per provider, written atomically with mode 0600.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{OAuthError, OAuthProvider};

/// What the cache file holds. `Debug` never shows the tokens.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredToken {
    pub provider: String,
    pub client_id: String,
    pub token_url: String,
    pub access_token: String,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub expires_at: Option<u64>,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Unix seconds.
    pub obtained_at: u64,
    /// The account's region, from the ID token (`"us"`, `"eu"`, ...).
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub user_info: Map<String, Value>,
}

impl StoredToken {
    /// Whether the token expires within `margin_secs` of now.
    pub fn expires_within(&self, margin_secs: u64) -> bool {
        self.expires_at
            .is_some_and(|at| now_unix().saturating_add(margin_secs) >= at)
    }

    /// Whether the token was issued to `provider`'s client (same client id and token
    /// endpoint).
    pub fn is_for(&self, provider: &OAuthProvider) -> bool {
        self.client_id == provider.client_id && self.token_url == provider.token_url
    }
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("provider", &self.provider)
            .field("client_id", &self.client_id)
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

pub(crate) fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Reads the cache file; `Ok(None)` when there is none.
pub(crate) fn load(path: &Path) -> Result<Option<StoredToken>, OAuthError> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(OAuthError::cache(path, &e)),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        // Never quote the file: it holds tokens.
        OAuthError::Cache(format!(
            "the token cache {} is not valid ({:?} error at line {}); run `auth logout` and log in again",
            path.display(),
            e.classify(),
            e.line()
        ))
    })
}

/// Writes the cache file atomically: a new temporary file with mode 0600 in the same
/// folder, synced, then renamed over the old one. On failure nothing is left behind.
pub(crate) fn save(path: &Path, token: &StoredToken) -> Result<(), OAuthError> {
    let dir = path
        .parent()
        .ok_or_else(|| OAuthError::Cache(format!("{} has no folder", path.display())))?;
    create_private_dir(dir)?;
    let bytes = serde_json::to_vec_pretty(token)
        .map_err(|_| OAuthError::Cache("could not serialize the token".into()))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(".{file_name}.{}.{nanos}.tmp", std::process::id()));
    let result = write_new_private(&tmp, &bytes).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(OAuthError::cache(path, &e));
    }
    Ok(())
}

/// Removes the cache file; `Ok(false)` when there was none.
pub(crate) fn remove(path: &Path) -> Result<bool, OAuthError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(OAuthError::cache(path, &e)),
    }
}

fn write_new_private(path: &PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn create_private_dir(dir: &Path) -> Result<(), OAuthError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| OAuthError::cache(dir, &e))
}
