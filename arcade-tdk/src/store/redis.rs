//! [`RedisStore`]: the shared store on Redis, for several replicas.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{SharedStore, StoreError, StoreFuture, Take};

/// The longest any one operation may take, reconnecting included.
const OPERATION_TIMEOUT: Duration = Duration::from_millis(500);
/// The longest the first connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Every key this store writes starts with this, so a Redis shared with other
/// programs keeps them apart.
const PREFIX: &str = "arcade-tdk:";

/// The sliding log of [`SharedStore::take`], atomic in Redis: a sorted set of the
/// times (Redis's own clock, in microseconds, so replicas' clocks do not matter)
/// counted in the window, trimmed on every call and expiring with the window.
/// Returns 0 when counted, else the microseconds until the oldest leaves.
const TAKE_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return wait
";

/// A [`SharedStore`] on a Redis server (`redis://host:port[/db]`, or `rediss://` with
/// TLS), through one multiplexed connection that reconnects in the background.
///
/// Every operation is bounded (half a second, reconnecting included): when Redis is
/// down or unreachable an operation answers [`StoreError`] at once instead of waiting,
/// and the next one after Redis is back succeeds. Keys are prefixed with
/// `arcade-tdk:`. Time windows use the Redis server's clock.
///
/// ```no_run
/// use arcade_tdk::store::{RedisStore, SharedStore};
///
/// # async fn run() -> Result<(), arcade_tdk::store::StoreError> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379").await?;
/// assert_eq!(store.kind(), "redis");
/// # Ok(()) }
/// ```
pub struct RedisStore {
    connection: ConnectionManager,
    /// `host:port` only (no password), for messages.
    target: String,
    script: redis::Script,
    /// This process's part of the members of a window's sorted set.
    process: u64,
    counter: AtomicU64,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

/// `host:port` of a Redis URL, without user or password.
fn target_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port().unwrap_or(6379)))
        })
        .unwrap_or_else(|| "an unparsable URL".to_owned())
}

impl RedisStore {
    /// Connects to the Redis server at `url` (within 3 seconds).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let target = target_of(url);
        // The parser's message may quote the URL, and with it a password: not shown.
        let client = redis::Client::open(url).map_err(|_| {
            StoreError::new(format!(
                "the Redis store URL ({target}) is not valid: expected redis://[user:password@]host[:port][/db]"
            ))
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(OPERATION_TIMEOUT))
            .set_response_timeout(Some(OPERATION_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = match tokio::time::timeout(
            CONNECT_TIMEOUT,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => {
                return Err(StoreError::new(format!(
                    "could not connect to the Redis store at {target}: {}",
                    describe(&e)
                )));
            }
            Err(_) => {
                return Err(StoreError::new(format!(
                    "could not connect to the Redis store at {target} within {CONNECT_TIMEOUT:?}"
                )));
            }
        };
        use std::hash::BuildHasher;
        let process = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        Ok(Self {
            connection,
            target,
            script: redis::Script::new(TAKE_SCRIPT),
            process,
            counter: AtomicU64::new(0),
        })
    }

    /// Runs `op` on the connection within [`OPERATION_TIMEOUT`].
    async fn run<T, F>(
        &self,
        what: &str,
        op: impl FnOnce(ConnectionManager) -> F,
    ) -> Result<T, StoreError>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        match tokio::time::timeout(OPERATION_TIMEOUT, op(self.connection.clone())).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(StoreError::new(format!(
                "the Redis store at {} failed ({what}): {}",
                self.target,
                describe(&e)
            ))),
            Err(_) => Err(StoreError::new(format!(
                "the Redis store at {} did not answer within {OPERATION_TIMEOUT:?} ({what})",
                self.target
            ))),
        }
    }
}

/// A Redis error's message (I/O errors, server replies; no credentials).
fn describe(e: &redis::RedisError) -> String {
    e.to_string()
}

impl SharedStore for RedisStore {
    fn take<'a>(&'a self, key: &'a str, limit: u32, window: Duration) -> StoreFuture<'a, Take> {
        Box::pin(async move {
            let member = format!(
                "{:016x}-{}",
                self.process,
                self.counter.fetch_add(1, Ordering::Relaxed)
            );
            let window_us = u64::try_from(window.as_micros()).unwrap_or(u64::MAX).max(1);
            let key = format!("{PREFIX}{key}");
            let wait_us: u64 = self
                .run("take", |mut c| async move {
                    self.script
                        .key(key)
                        .arg(limit.max(1))
                        .arg(window_us)
                        .arg(member)
                        .invoke_async(&mut c)
                        .await
                })
                .await?;
            Ok(if wait_us == 0 {
                Take::Granted
            } else {
                Take::Wait(Duration::from_micros(wait_us))
            })
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(self.run("get", move |mut c| async move {
            redis::cmd("GET")
                .arg(format!("{PREFIX}{key}"))
                .query_async(&mut c)
                .await
        }))
    }

    fn set<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> StoreFuture<'a, ()> {
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        Box::pin(self.run("set", move |mut c| async move {
            redis::cmd("SET")
                .arg(format!("{PREFIX}{key}"))
                .arg(value)
                .arg("PX")
                .arg(ttl_ms)
                .query_async(&mut c)
                .await
        }))
    }

    fn delete<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(self.run("delete", move |mut c| async move {
            redis::cmd("DEL")
                .arg(format!("{PREFIX}{key}"))
                .query_async(&mut c)
                .await
        }))
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_host_not_the_password() {
        assert_eq!(
            target_of("redis://:hunter2@cache.internal:6380/0"),
            "cache.internal:6380"
        );
        assert_eq!(target_of("redis://127.0.0.1"), "127.0.0.1:6379");
        assert_eq!(target_of("not a url"), "an unparsable URL");
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_prompt_error() {
        // A port nothing listens on: bind one, then free it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("redis://:hunter2@127.0.0.1:{port}");
        let started = std::time::Instant::now();
        let err = RedisStore::connect(&url).await.unwrap_err().to_string();
        assert!(started.elapsed() < CONNECT_TIMEOUT + Duration::from_secs(1));
        assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}
