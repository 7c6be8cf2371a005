//! One authorization server's signing keys: fetched from its JWKS, cached, refetched
//! when a token names an unknown `kid` (at most once per refresh interval), and kept
//! when the endpoint is down. Fetches are bounded by a timeout and a size limit.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{JwkSet, PublicKeyUse};

/// The largest JWKS document accepted.
const MAX_JWKS_BYTES: usize = 512 * 1024;

/// A key of the set.
#[derive(Clone)]
pub(super) struct Key {
    pub kid: Option<String>,
    /// The key's own `alg`, as named in JWK (`"RS256"`), when it has one.
    pub alg: Option<String>,
    pub key: DecodingKey,
}

#[derive(Default)]
struct State {
    keys: Arc<Vec<Key>>,
    /// When the keys were last fetched successfully.
    fetched: Option<Instant>,
    /// When a fetch was last tried (successful or not).
    attempted: Option<Instant>,
}

/// The cached JWKS of one authorization server.
pub(super) struct Jwks {
    uri: String,
    client: reqwest::Client,
    state: RwLock<State>,
    /// One fetch at a time; others wait for it and use its result.
    fetching: tokio::sync::Mutex<()>,
    ttl: Duration,
    refresh_interval: Duration,
}

impl Jwks {
    pub(super) fn new(
        uri: String,
        client: reqwest::Client,
        ttl: Duration,
        refresh_interval: Duration,
    ) -> Self {
        Self {
            uri,
            client,
            state: RwLock::new(State::default()),
            fetching: tokio::sync::Mutex::new(()),
            ttl,
            refresh_interval,
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The keys that may have signed a token naming `kid`: the key with that `kid`, or
    /// (for a token without one) every key. Fetches the set when it is missing or
    /// stale, or (at a bounded rate) when `kid` is unknown. Empty: fail closed.
    pub(super) async fn keys_for(&self, kid: Option<&str>) -> Vec<Key> {
        let (found, stale, may_refresh) = {
            let state = self.read();
            let found = select(&state.keys, kid);
            let stale = state.fetched.is_none_or(|at| at.elapsed() >= self.ttl);
            let may_refresh = state
                .attempted
                .is_none_or(|at| at.elapsed() >= self.refresh_interval);
            (found, stale, may_refresh)
        };
        let unknown = found.is_empty();
        if !(stale || unknown) || !may_refresh {
            return found;
        }
        let _guard = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        {
            let state = self.read();
            let found = select(&state.keys, kid);
            let fresh = state.fetched.is_some_and(|at| at.elapsed() < self.ttl);
            let just_tried = state
                .attempted
                .is_some_and(|at| at.elapsed() < self.refresh_interval);
            if (fresh && !found.is_empty()) || just_tried {
                return found;
            }
        }
        let fetched = self.fetch().await;
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.attempted = Some(Instant::now());
        match fetched {
            Ok(keys) => {
                tracing::debug!(jwks_uri = %self.uri, keys = keys.len(), "fetched the JWKS");
                state.keys = Arc::new(keys);
                state.fetched = Some(Instant::now());
            }
            Err(problem) => {
                tracing::warn!(
                    jwks_uri = %self.uri,
                    cached_keys = state.keys.len(),
                    "could not fetch the JWKS ({problem}); the cached keys stay in use"
                );
            }
        }
        select(&state.keys, kid)
    }

    async fn fetch(&self) -> Result<Vec<Key>, String> {
        let mut response = self
            .client
            .get(&self.uri)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| format!("request failed: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("HTTP {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("reading the body failed: {e}"))?
        {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(format!("larger than {MAX_JWKS_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        let set: JwkSet =
            serde_json::from_slice(&body).map_err(|e| format!("not a JWK set ({e})"))?;
        Ok(set
            .keys
            .iter()
            .filter(|jwk| {
                !matches!(
                    jwk.common.public_key_use,
                    Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
                )
            })
            .filter_map(|jwk| {
                let key = DecodingKey::from_jwk(jwk).ok()?;
                let alg = jwk
                    .common
                    .key_algorithm
                    .and_then(|a| serde_json::to_value(a).ok())
                    .and_then(|v| v.as_str().map(str::to_owned));
                Some(Key {
                    kid: jwk.common.key_id.clone(),
                    alg,
                    key,
                })
            })
            .collect())
    }
}

fn select(keys: &[Key], kid: Option<&str>) -> Vec<Key> {
    match kid {
        Some(kid) => keys
            .iter()
            .filter(|k| k.kid.as_deref() == Some(kid))
            .cloned()
            .collect(),
        None => keys.to_vec(),
    }
}
