//! Tokens already verified: a client sends the same access token on every request, and
//! checking its RSA signature again each time costs more than the rest of a call
//! (BENCHMARKS.md, "front-door auth"). A token that passed [`validate`](super::validate)
//! is remembered, by its SHA-256 (never the token itself), with the owner it proved,
//! until the earlier of its `exp` and [`MAX_AGE`] after it was checked; then it is
//! checked in full again. So a key the authorization server withdraws from its JWKS
//! stops being honoured within [`MAX_AGE`], and no token outlives its `exp`.
//! Rejections are never remembered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::owner::ResourceOwner;

/// How long a verified token is taken on trust before it is checked again.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// The most tokens remembered; past it, expired ones are dropped, then all.
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    /// Shared with every request it admits: a hit clones a pointer, not the claims.
    owner: Arc<ResourceOwner>,
    until: Instant,
}

/// The verified tokens of one front door.
#[derive(Default)]
pub(super) struct Verified {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

impl Verified {
    /// The owner `token` proved, if it was verified less than [`MAX_AGE`] ago and has not
    /// expired since.
    pub(super) fn get(&self, token: &str) -> Option<Arc<ResourceOwner>> {
        let key = digest(token);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(&key)?;
        if Instant::now() < entry.until {
            return Some(entry.owner.clone());
        }
        entries.remove(&key);
        None
    }

    /// Remembers that `token` proved `owner`.
    pub(super) fn insert(&self, token: &str, owner: &Arc<ResourceOwner>) {
        let now = Instant::now();
        let until = now + lifetime(owner, SystemTime::now());
        if until <= now {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.until > now);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            digest(token),
            Entry {
                owner: Arc::clone(owner),
                until,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }
}

/// How long `owner`'s token may be taken on trust from `now`: until its `exp` (without
/// leeway), at most [`MAX_AGE`].
fn lifetime(owner: &ResourceOwner, now: SystemTime) -> Duration {
    let Some(exp) = owner.claims.get("exp").and_then(serde_json::Value::as_f64) else {
        return MAX_AGE;
    };
    let now = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    if !exp.is_finite() || exp <= now {
        return Duration::ZERO;
    }
    Duration::from_secs_f64(exp - now).min(MAX_AGE)
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn owner(exp: Option<f64>) -> ResourceOwner {
        let mut owner = ResourceOwner::new("alice", "https://issuer.example");
        if let Some(exp) = exp {
            owner.claims.insert("exp".into(), json!(exp));
        }
        owner
    }

    fn unix_now() -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
    }

    #[test]
    fn a_verified_token_is_remembered_by_digest_only() {
        let verified = Verified::default();
        assert!(verified.get("tok").is_none());
        verified.insert("tok", &Arc::new(owner(Some(unix_now() + 600.0))));
        assert_eq!(verified.get("tok").unwrap().user_id, "alice");
        assert!(verified.get("tok2").is_none());
        let entries = verified.entries.lock().unwrap();
        assert!(entries.contains_key(&digest("tok")));
    }

    #[test]
    fn never_past_exp_and_at_most_max_age() {
        let now = SystemTime::now();
        let now_unix = now.duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
        let at = |secs: f64| owner(Some(now_unix + secs));
        assert_eq!(lifetime(&at(-1.0), now), Duration::ZERO);
        let short = lifetime(&at(5.0), now);
        assert!(
            short.abs_diff(Duration::from_secs(5)) < Duration::from_millis(1),
            "{short:?}"
        );
        assert_eq!(lifetime(&at(3600.0), now), MAX_AGE);
        assert_eq!(lifetime(&owner(None), now), MAX_AGE);
        // An expired token is not remembered at all.
        let verified = Verified::default();
        verified.insert("old", &Arc::new(at(-1.0)));
        assert_eq!(verified.len(), 0);
    }

    #[test]
    fn an_expired_entry_is_dropped_on_lookup() {
        let verified = Verified::default();
        verified.entries.lock().unwrap().insert(
            digest("tok"),
            Entry {
                owner: Arc::new(owner(None)),
                until: Instant::now(),
            },
        );
        assert!(verified.get("tok").is_none());
        assert_eq!(verified.len(), 0);
    }

    #[test]
    fn bounded() {
        let verified = Verified::default();
        let o = Arc::new(owner(Some(unix_now() + 600.0)));
        for i in 0..MAX_ENTRIES + 5 {
            verified.insert(&format!("t{i}"), &o);
        }
        assert!(verified.len() <= MAX_ENTRIES);
        assert!(verified.get(&format!("t{}", MAX_ENTRIES + 4)).is_some());
    }
}
