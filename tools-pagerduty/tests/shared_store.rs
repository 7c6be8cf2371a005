//! The per-credential rate window shared through Redis, as replicas share it: two
//! clients (two replicas' worth: each with its own connection to the store) against a
//! sandbox that allows one token 10 requests a second stay within that budget
//! together, which two clients pacing on their own memory do not; and when Redis is
//! killed mid-run calls go on, paced locally, without hanging.
//!
//! Needs Debian's `redis-server` (`scripts/test` and `.ci/run` install it). Without it
//! the tests say so and pass, unless `REQUIRE_REDIS=1`.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use arcade_tdk::store::{MemoryStore, RedisStore, SharedStore};
use tools_pagerduty::client::{Credential, PagerDutyClient, Query, RateLimit, RetryPolicy};
use tools_pagerduty::sandbox::Sandbox;

/// A `redis-server` child on a free loopback port, killed when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Redis {
    /// `None` when `redis-server` is not installed (and `REQUIRE_REDIS` is not set).
    fn start() -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port)
    }

    fn start_on(port: u16) -> Option<Self> {
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(child) => Some(Self { child, port }),
            Err(e) if std::env::var("REQUIRE_REDIS").is_ok_and(|v| v == "1") => {
                panic!("REQUIRE_REDIS=1 but redis-server could not start: {e}")
            }
            Err(e) => {
                eprintln!(
                    "SKIPPED: redis-server is not available ({e}); apt-get install redis-server"
                );
                None
            }
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// A store connected to this server, once it accepts connections.
    async fn store(&self) -> Arc<dyn SharedStore> {
        for _ in 0..100 {
            if let Ok(store) = RedisStore::connect(&self.url()).await {
                return Arc::new(store);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "redis-server on port {} never accepted connections",
            self.port
        );
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The sandbox's budget for one token: 10 requests per rolling second.
const SANDBOX_MAX: u32 = 10;
const WINDOW: Duration = Duration::from_secs(1);
/// What the clients allow themselves per window: the sandbox's 10 less room for
/// arrival jitter (a request counted first may arrive later on a busy machine), and
/// more than half of it, so that two clients pacing apart cross the limit.
const CLIENT_MAX: u32 = 6;

/// A client paced to [`CLIENT_MAX`] per window,
/// through `store`, that never retries a 429 (so a violation is an error, not a wait).
fn client(sandbox: &Sandbox, store: Arc<dyn SharedStore>) -> PagerDutyClient {
    PagerDutyClient::builder()
        .base_url(sandbox.base_url().parse().unwrap())
        .rate_limit(RateLimit::new(CLIENT_MAX, WINDOW))
        .shared_store(store)
        .retry(RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// `calls` GETs of `/users/me` with one token from each client at once; the number
/// that failed.
async fn burst(clients: &[PagerDutyClient], calls: usize) -> usize {
    let mut tasks = Vec::new();
    for client in clients {
        for _ in 0..calls {
            let session = client.session(Credential::api_key("shared-token"), None);
            tasks.push(tokio::spawn(async move {
                session.get("/users/me", &Query::new()).await.is_err()
            }));
        }
    }
    let mut failed = 0;
    for task in tasks {
        failed += usize::from(task.await.unwrap());
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_sharing_redis_stay_within_one_tokens_budget() {
    let Some(redis) = Redis::start() else { return };
    let sandbox = Sandbox::builder()
        .rate_limit(SANDBOX_MAX, WINDOW)
        .start()
        .await;
    let clients = [
        client(&sandbox, redis.store().await),
        client(&sandbox, redis.store().await),
    ];
    let failed = burst(&clients, 10).await;
    assert_eq!(failed, 0);
    assert_eq!(sandbox.rate_limit_violations(), 0);
    assert_eq!(sandbox.requests().len(), 20);

    // The control: each pacing on its own memory, together they spend twice the budget.
    let separate = Sandbox::builder()
        .rate_limit(SANDBOX_MAX, WINDOW)
        .start()
        .await;
    let clients = [
        client(&separate, Arc::new(MemoryStore::new())),
        client(&separate, Arc::new(MemoryStore::new())),
    ];
    let failed = burst(&clients, 10).await;
    assert!(failed > 0);
    assert!(separate.rate_limit_violations() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_mid_run_paces_locally_without_hanging() {
    let Some(mut redis) = Redis::start() else {
        return;
    };
    let sandbox = Sandbox::builder()
        .rate_limit(SANDBOX_MAX, WINDOW)
        .start()
        .await;
    let store = redis.store().await;
    let clients = [client(&sandbox, store.clone())];
    assert_eq!(burst(&clients, 6).await, 0);
    redis.kill();
    // The local window does not know what the shared one counted: let that pass, as
    // a replica's 429 handling would (here 429s are errors, to count them).
    tokio::time::sleep(WINDOW).await;
    // Every call still answered (paced on the client's own window), none waiting on
    // the dead store for long: a minute is far more than 12 calls at 6 a second.
    let after = tokio::time::timeout(Duration::from_secs(60), burst(&clients, 12))
        .await
        .expect("calls go on without Redis");
    assert_eq!(after, 0);
    assert_eq!(sandbox.rate_limit_violations(), 0);
    // The store itself answers errors, not hangs.
    let err = tokio::time::timeout(Duration::from_secs(10), store.get("any"))
        .await
        .expect("a bounded error")
        .unwrap_err();
    assert!(err.to_string().contains("Redis store"), "{err}");

    // Back on the same port: the window is shared again.
    let redis = Redis::start_on(redis.port).expect("redis-server restarts");
    let _ = redis.store().await; // it accepts connections again
    let mut back = false;
    for _ in 0..100 {
        if store.get("any").await.is_ok() {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "the store reconnects once Redis is back");
    // The shared window is empty again; let the local one's last second pass.
    tokio::time::sleep(WINDOW).await;
    assert_eq!(burst(&clients, 6).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_values_expire_and_keys_are_digests() {
    let Some(redis) = Redis::start() else { return };
    let store = redis.store().await;
    store
        .set("task:1", b"working".to_vec(), Duration::from_millis(300))
        .await
        .unwrap();
    let other = redis.store().await;
    assert_eq!(
        other.get("task:1").await.unwrap(),
        Some(b"working".to_vec())
    );
    other.delete("task:1").await.unwrap();
    assert_eq!(store.get("task:1").await.unwrap(), None);
    store
        .set("task:2", b"x".to_vec(), Duration::from_millis(200))
        .await
        .unwrap();
    let mut expired = false;
    for _ in 0..50 {
        if store.get("task:2").await.unwrap().is_none() {
            expired = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(expired, "the TTL ends the value");

    // After a burst, Redis holds no credential, only its digest.
    let sandbox = Sandbox::builder().start().await;
    burst(&[client(&sandbox, store.clone())], 2).await;
    let keys = Command::new("redis-cli")
        .args(["-p", &redis.port.to_string(), "--scan"])
        .output();
    if let Ok(keys) = keys {
        let keys = String::from_utf8_lossy(&keys.stdout).into_owned();
        assert!(keys.contains("arcade-tdk:pagerduty:rate:"), "{keys}");
        assert!(!keys.contains("shared-token"), "{keys}");
    }
}
