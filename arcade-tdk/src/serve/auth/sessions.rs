//! Which authenticated user opened each MCP session (`Mcp-Session-Id`, 2025-era
//! clients): a session is served only to the user who opened it, so that a session id
//! seen by someone else does not give them the owner's stream or results.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The most sessions remembered; beyond it the oldest binding is dropped (that session
/// then falls back to "any authenticated user", as before it was bound).
const MAX_SESSIONS: usize = 100_000;

/// Who opened a session: the issuer and the `sub`.
type Principal = (String, String);

#[derive(Default)]
pub(super) struct Sessions {
    bound: Mutex<HashMap<String, (Principal, Instant)>>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Principal, Instant)>> {
        self.bound.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the user `user_id` of `issuer` may use session `id` (unknown sessions are
    /// left to rmcp).
    pub(super) fn allows(&self, id: &str, issuer: &str, user_id: &str) -> bool {
        self.lock()
            .get(id)
            .is_none_or(|((iss, sub), _)| iss == issuer && sub == user_id)
    }

    /// Records that `principal` opened session `id`.
    pub(super) fn bind(&self, id: &str, principal: Principal) {
        let mut bound = self.lock();
        if bound.len() >= MAX_SESSIONS
            && let Some(oldest) = bound
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone())
        {
            bound.remove(&oldest);
        }
        bound.insert(id.to_owned(), (principal, Instant::now()));
    }

    /// Forgets session `id` (it was ended).
    pub(super) fn unbind(&self, id: &str) {
        self.lock().remove(id);
    }
}
