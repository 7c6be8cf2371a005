//! State that replicas share: what one process may not keep to itself once several
//! replicas of a server answer the same users behind a load balancer.
//!
//! [`SharedStore`] is the few operations such state needs: an atomic "take one from a
//! rolling window" ([`SharedStore::take`], for per-credential rate limits such as
//! PagerDuty's 960 requests a minute per token) and values with a time to live
//! ([`SharedStore::get`], [`SharedStore::set`], [`SharedStore::delete`], for records
//! that any replica may be asked about, such as MCP task records). Two
//! implementations: [`MemoryStore`] (the default: one process) and, with the `redis`
//! feature, `RedisStore` (several processes).
//!
//! The command line selects the store with `--store URL` or [`STORE_URL_ENV`]
//! (`memory`, or `redis://host:port[/db]`) and [`install`]s it; code that needs it
//! reads [`installed`]. Keys that derive from a credential are made with
//! [`credential_key`], a SHA-256 digest: a store never holds a token.
//!
//! What fails: every operation is bounded in time and answers [`StoreError`] when the
//! store cannot be reached; it never waits for a connection that is gone. What a
//! caller does then is its choice, and documented where it makes it (the PagerDuty
//! client paces on local state and says so once in the log).
//!
//! ```
//! use std::time::Duration;
//! use arcade_tdk::store::{MemoryStore, SharedStore, Take};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let store = MemoryStore::new();
//! let window = Duration::from_secs(60);
//! assert_eq!(store.take("k", 2, window).await.unwrap(), Take::Granted);
//! assert_eq!(store.take("k", 2, window).await.unwrap(), Take::Granted);
//! assert!(matches!(store.take("k", 2, window).await.unwrap(), Take::Wait(_)));
//!
//! store.set("task:1", b"working".to_vec(), Duration::from_secs(3600)).await.unwrap();
//! assert_eq!(store.get("task:1").await.unwrap().as_deref(), Some(&b"working"[..]));
//! # });
//! ```

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

/// The environment variable the command line reads the store's URL from (as
/// `--store`): `memory` (the default) or `redis://host:port[/db]`.
pub const STORE_URL_ENV: &str = "ARCADE_STORE_URL";

/// What a store operation returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The answer of [`SharedStore::take`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Take {
    /// Counted: fewer than the limit were taken in the window before this one.
    Granted,
    /// Not counted: the window is full, and its oldest entry leaves it after this long.
    Wait(Duration),
}

/// A store operation that did not complete: the store is unreachable, too slow, or
/// answered something unexpected. The message names the store's host, never a
/// password or a key's secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError {
    message: String,
}

impl StoreError {
    /// An error with `message`.
    ///
    /// ```
    /// let e = arcade_tdk::store::StoreError::new("the shared store timed out");
    /// assert_eq!(e.to_string(), "the shared store timed out");
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// State shared by every replica of a server (see the [module docs](self)).
///
/// Implementations must be atomic per operation across every process that uses the
/// same store, bound each operation in time, and never block the async runtime.
pub trait SharedStore: Send + Sync + fmt::Debug {
    /// Counts one for `key` if fewer than `limit` were counted in the last `window`
    /// (a sliding log: at most `limit` in any rolling `window`), else tells how long
    /// until the oldest leaves the window. Entries expire on their own.
    fn take<'a>(&'a self, key: &'a str, limit: u32, window: Duration) -> StoreFuture<'a, Take>;

    /// The value of `key`, if set and not expired.
    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>>;

    /// Sets `key` to `value` for `ttl` (replacing any value).
    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> StoreFuture<'a, ()>;

    /// Removes `key` (nothing happens when it is not set).
    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()>;

    /// `memory` or `redis`, for logs.
    fn kind(&self) -> &'static str;
}

/// A store key for state that belongs to a credential: `namespace:` and the hex
/// SHA-256 digest of `secret`, so the store (and whoever reads it) never sees the
/// credential itself, and every replica derives the same key.
///
/// ```
/// let key = arcade_tdk::store::credential_key("pagerduty:rate", "Token token=abc");
/// assert!(key.starts_with("pagerduty:rate:"));
/// assert!(!key.contains("abc"));
/// assert_eq!(key.len(), "pagerduty:rate:".len() + 64);
/// ```
pub fn credential_key(namespace: &str, secret: &str) -> String {
    use sha2::Digest;
    use std::fmt::Write;
    let digest = sha2::Sha256::digest(secret.as_bytes());
    let mut key = String::with_capacity(namespace.len() + 65);
    key.push_str(namespace);
    key.push(':');
    for byte in digest {
        let _ = write!(key, "{byte:02x}");
    }
    key
}

/// Opens the store at `url`: `memory` (or an empty string) is a new [`MemoryStore`];
/// `redis://` and `rediss://` URLs connect a `RedisStore` (feature `redis`), within
/// a few seconds or an error.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let store = arcade_tdk::store::open("memory").await.unwrap();
/// assert_eq!(store.kind(), "memory");
/// assert!(arcade_tdk::store::open("ftp://nope").await.is_err());
/// # });
/// ```
pub async fn open(url: &str) -> Result<Arc<dyn SharedStore>, StoreError> {
    let url = url.trim();
    if url.is_empty() || url.eq_ignore_ascii_case("memory") || url == "memory://" {
        return Ok(Arc::new(MemoryStore::new()));
    }
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        #[cfg(feature = "redis")]
        Some("redis" | "rediss") => Ok(Arc::new(RedisStore::connect(url).await?)),
        #[cfg(not(feature = "redis"))]
        Some("redis" | "rediss") => Err(StoreError::new(
            "a Redis store needs arcade-tdk's `redis` feature (build the toolkit with it)",
        )),
        _ => Err(StoreError::new(
            "the store URL must be `memory` or `redis://host:port[/db]`",
        )),
    }
}

fn slot() -> &'static RwLock<Option<Arc<dyn SharedStore>>> {
    static SLOT: OnceLock<RwLock<Option<Arc<dyn SharedStore>>>> = OnceLock::new();
    SLOT.get_or_init(|| RwLock::new(None))
}

/// Makes `store` the process's shared store ([`installed`]), replacing the previous
/// one. The command line does this once, before it serves.
///
/// ```
/// use std::sync::Arc;
/// use arcade_tdk::store::{self, MemoryStore};
///
/// store::install(Arc::new(MemoryStore::new()));
/// assert_eq!(store::installed().kind(), "memory");
/// ```
pub fn install(store: Arc<dyn SharedStore>) {
    *slot().write().unwrap_or_else(|e| e.into_inner()) = Some(store);
}

/// The process's shared store: the one [`install`]ed, else one [`MemoryStore`] made on
/// first use.
///
/// ```
/// assert!(!arcade_tdk::store::installed().kind().is_empty());
/// ```
pub fn installed() -> Arc<dyn SharedStore> {
    if let Some(store) = slot().read().unwrap_or_else(|e| e.into_inner()).as_ref() {
        return store.clone();
    }
    let mut slot = slot().write().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(|| Arc::new(MemoryStore::new()))
        .clone()
}
