//! [`MemoryStore`]: the shared store of a single process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::{SharedStore, StoreFuture, Take};

/// Keys kept before idle windows and expired values are dropped.
const PRUNE_ABOVE: usize = 64;

/// A [`SharedStore`] in this process's memory: right for one process, and what every
/// replica would keep to itself if it were used by several. Time is Tokio's clock
/// (so tests can pause it).
///
/// ```
/// use std::time::Duration;
/// use arcade_tdk::store::{MemoryStore, SharedStore};
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let store = MemoryStore::new();
/// store.set("a", b"1".to_vec(), Duration::from_secs(1)).await.unwrap();
/// store.delete("a").await.unwrap();
/// assert_eq!(store.get("a").await.unwrap(), None);
/// # });
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Each key's window and the times counted in it, oldest first.
    windows: HashMap<String, (Duration, VecDeque<Instant>)>,
    /// Each key's value and when it expires.
    values: HashMap<String, (Vec<u8>, Instant)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// [`SharedStore::take`], synchronously.
    fn take_now(&self, key: &str, limit: u32, window: Duration) -> Take {
        let mut state = self.lock();
        let now = Instant::now();
        if state.windows.len() > PRUNE_ABOVE && !state.windows.contains_key(key) {
            state
                .windows
                .retain(|_, (per, log)| log.back().is_some_and(|t| now - *t < *per));
        }
        let (per, log) = state
            .windows
            .entry(key.to_owned())
            .or_insert_with(|| (window, VecDeque::new()));
        *per = window;
        while log.front().is_some_and(|t| now - *t >= window) {
            log.pop_front();
        }
        if log.len() < limit.max(1) as usize {
            log.push_back(now);
            return Take::Granted;
        }
        // The oldest entry in the window leaves it at `front + window`.
        Take::Wait(log.front().map_or(Duration::ZERO, |t| *t + window - now))
    }
}

impl SharedStore for MemoryStore {
    fn take<'a>(&'a self, key: &'a str, limit: u32, window: Duration) -> StoreFuture<'a, Take> {
        let take = self.take_now(key, limit, window);
        Box::pin(std::future::ready(Ok(take)))
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        let mut state = self.lock();
        let now = Instant::now();
        let value = match state.values.get(key) {
            Some((value, expires)) if *expires > now => Some(value.clone()),
            Some(_) => {
                state.values.remove(key);
                None
            }
            None => None,
        };
        Box::pin(std::future::ready(Ok(value)))
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> StoreFuture<'a, ()> {
        let mut state = self.lock();
        let now = Instant::now();
        if state.values.len() > PRUNE_ABOVE && !state.values.contains_key(key) {
            state.values.retain(|_, (_, expires)| *expires > now);
        }
        state.values.insert(key.to_owned(), (value, now + ttl));
        Box::pin(std::future::ready(Ok(())))
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        self.lock().values.remove(key);
        Box::pin(std::future::ready(Ok(())))
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_window_grants_its_limit_then_says_how_long_to_wait() {
        let store = MemoryStore::new();
        let window = Duration::from_millis(100);
        for _ in 0..3 {
            assert_eq!(store.take("k", 3, window).await.unwrap(), Take::Granted);
            tokio::time::advance(Duration::from_millis(10)).await;
        }
        // Counted at 0, 10 and 20 ms; now 30 ms: the first leaves at 100 ms.
        assert_eq!(
            store.take("k", 3, window).await.unwrap(),
            Take::Wait(Duration::from_millis(70))
        );
        // A refusal is not counted, and another key has its own window.
        assert_eq!(store.take("other", 3, window).await.unwrap(), Take::Granted);
        tokio::time::advance(Duration::from_millis(70)).await;
        assert_eq!(store.take("k", 3, window).await.unwrap(), Take::Granted);
        assert!(matches!(
            store.take("k", 3, window).await.unwrap(),
            Take::Wait(_)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn values_expire_after_their_ttl() {
        let store = MemoryStore::new();
        store
            .set("task", b"one".to_vec(), Duration::from_secs(10))
            .await
            .unwrap();
        store
            .set("task", b"two".to_vec(), Duration::from_secs(10))
            .await
            .unwrap();
        tokio::time::advance(Duration::from_secs(9)).await;
        assert_eq!(store.get("task").await.unwrap(), Some(b"two".to_vec()));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(store.get("task").await.unwrap(), None);
        assert_eq!(store.get("never").await.unwrap(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_keys_are_pruned() {
        let store = MemoryStore::new();
        let window = Duration::from_millis(10);
        for k in 0..=PRUNE_ABOVE {
            store.take(&format!("k{k}"), 1, window).await.unwrap();
            store.set(&format!("v{k}"), vec![], window).await.unwrap();
        }
        tokio::time::advance(window).await;
        store.take("fresh", 1, window).await.unwrap();
        store.set("fresh", vec![], window).await.unwrap();
        let state = store.lock();
        assert_eq!(state.windows.len(), 1);
        assert_eq!(state.values.len(), 1);
    }
}
