//! Upstream faults the sandbox cannot produce, from a raw TCP server on 127.0.0.1:
//! connection resets, truncated bodies, slow-drip responses, garbage instead of HTTP.
//! Every request ends with the right error kind and within its retry bound (the server
//! counts the connections).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tools_pagerduty::client::{Credential, PagerDutyClient, Query, RetryPolicy};

#[derive(Clone, Copy, Debug)]
enum Misbehaviour {
    /// Read the request, then close without a word.
    Close,
    /// Close with RST (linger 0).
    Reset,
    /// Headers promising 1000 bytes, 20 bytes of body, then close.
    Truncated,
    /// A valid head, then one byte of body every 100 ms.
    Drip,
    /// Not HTTP at all.
    Garbage,
}

/// Serves `misbehaviour` to every connection; returns the base URL and the count.
async fn serve(misbehaviour: Misbehaviour) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        // Bounded: a test makes a handful of connections.
        for _ in 0..64 {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                match misbehaviour {
                    Misbehaviour::Close => {}
                    Misbehaviour::Reset => {
                        // A zero linger does not block: the close sends RST at once.
                        #[allow(deprecated)]
                        let _ = stream.set_linger(Some(Duration::ZERO));
                    }
                    Misbehaviour::Truncated => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"teams\": [{\"id\": 1")
                            .await;
                    }
                    Misbehaviour::Drip => {
                        let _ = stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n")
                            .await;
                        for _ in 0..100 {
                            if stream.write_all(b" ").await.is_err() {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                    Misbehaviour::Garbage => {
                        let _ = stream.write_all(b"\x00\xffSSH-2.0-nope\r\n\r\n").await;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), count)
}

fn client(base: &str) -> PagerDutyClient {
    PagerDutyClient::builder()
        .base_url(base.parse().unwrap())
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy {
            max_attempts: 3,
            base_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            max_rate_limit_wait: Duration::from_secs(1),
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn every_raw_fault_ends_with_a_clear_error_within_its_retries() {
    for misbehaviour in [
        Misbehaviour::Close,
        Misbehaviour::Reset,
        Misbehaviour::Truncated,
        Misbehaviour::Drip,
        Misbehaviour::Garbage,
    ] {
        let (base, count) = serve(misbehaviour).await;
        let session = client(&base).session(Credential::oauth("t"), None);
        // A hang guard, far above the client's own bound (3 x 500 ms + backoff).
        let result = tokio::time::timeout(
            Duration::from_secs(30),
            session.get("/teams", &Query::new()),
        )
        .await
        .unwrap_or_else(|_| panic!("{misbehaviour:?}: the call did not end"));
        let err = result.expect_err("a fault is an error");
        let kind = err.kind().as_str();
        let attempts = count.load(Ordering::SeqCst);
        eprintln!("{misbehaviour:?}: {kind} after {attempts} connection(s): {err}");
        assert!(
            kind.starts_with("NETWORK_TRANSPORT_RUNTIME") || kind.starts_with("UPSTREAM_RUNTIME"),
            "{misbehaviour:?}: {kind}"
        );
        assert!(
            (1..=3).contains(&attempts),
            "{misbehaviour:?}: {attempts} attempts"
        );
        if matches!(misbehaviour, Misbehaviour::Drip) {
            assert_eq!(kind, "NETWORK_TRANSPORT_RUNTIME_TIMEOUT", "{err}");
        }
        // A GET is idempotent: transport failures are retried up to the bound.
        assert_eq!(attempts, 3, "{misbehaviour:?}: {err}");
    }
}
