//! Upstream faults the sandbox cannot produce, from a raw TCP server on 127.0.0.1:
//! connection closes and resets, truncated bodies, slow headers, slow-drip responses,
//! garbage instead of HTTP. Every request ends with the exact error (kind, message,
//! developer message, retryability) listed in RELIABILITY.md, within its retry bound
//! (the server counts the connections).

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
    /// Read the request, then say nothing for 10 s (no status line, no headers).
    SlowHeaders,
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
                    Misbehaviour::SlowHeaders => {
                        tokio::time::sleep(Duration::from_secs(10)).await;
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

/// What a GET must end with after 3 attempts against one fault.
struct Expected {
    misbehaviour: Misbehaviour,
    kind: &'static str,
    message: &'static str,
    /// The transport's own words, without the URL (`None`: the client's timeout).
    developer_message: Option<&'static str>,
}

/// The table RELIABILITY.md ("Raw upstream faults") lists.
const EXPECTED: &[Expected] = &[
    Expected {
        misbehaviour: Misbehaviour::Close,
        kind: "NETWORK_TRANSPORT_RUNTIME_UNMAPPED",
        message: "The upstream request failed.",
        developer_message: Some("error sending request"),
    },
    Expected {
        misbehaviour: Misbehaviour::Reset,
        kind: "NETWORK_TRANSPORT_RUNTIME_UNMAPPED",
        message: "The upstream request failed.",
        developer_message: Some("error sending request"),
    },
    Expected {
        misbehaviour: Misbehaviour::Truncated,
        kind: "NETWORK_TRANSPORT_RUNTIME_UNMAPPED",
        message: "The upstream response could not be decoded.",
        developer_message: Some("error decoding response body"),
    },
    Expected {
        misbehaviour: Misbehaviour::SlowHeaders,
        kind: "NETWORK_TRANSPORT_RUNTIME_TIMEOUT",
        message: "PagerDuty did not answer GET /teams in time (after 3 attempt(s)).",
        developer_message: None,
    },
    Expected {
        misbehaviour: Misbehaviour::Drip,
        kind: "NETWORK_TRANSPORT_RUNTIME_TIMEOUT",
        message: "PagerDuty did not answer GET /teams in time (after 3 attempt(s)).",
        developer_message: None,
    },
    Expected {
        misbehaviour: Misbehaviour::Garbage,
        kind: "NETWORK_TRANSPORT_RUNTIME_UNMAPPED",
        message: "The upstream request failed.",
        developer_message: Some("error sending request"),
    },
];

#[tokio::test]
async fn every_raw_fault_ends_with_its_exact_error_within_its_retries() {
    for expected in EXPECTED {
        let misbehaviour = expected.misbehaviour;
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
        let attempts = count.load(Ordering::SeqCst);
        eprintln!("{misbehaviour:?}: after {attempts} connection(s): {err}");
        assert_eq!(
            err.kind().as_str(),
            expected.kind,
            "{misbehaviour:?}: {err}"
        );
        assert_eq!(err.message(), expected.message, "{misbehaviour:?}");
        assert_eq!(
            err.to_string(),
            format!("{}: {}", expected.kind, expected.message),
            "{misbehaviour:?}"
        );
        assert_eq!(
            err.developer_message(),
            expected.developer_message,
            "{misbehaviour:?}"
        );
        // Transport faults say nothing about HTTP and may be retried by the caller.
        assert_eq!(err.status_code(), None, "{misbehaviour:?}");
        assert!(err.can_retry(), "{misbehaviour:?}");
        let extra = err.extra().expect("service and endpoint");
        assert_eq!(extra["service"], "pagerduty", "{misbehaviour:?}");
        assert_eq!(extra["endpoint"], "/teams", "{misbehaviour:?}");
        // Nothing names the upstream's address (a URL may carry a query).
        let debug = format!("{err:?}");
        assert!(!debug.contains("127.0.0.1"), "{misbehaviour:?}: {debug}");
        // A GET is idempotent: transport failures are retried up to the bound.
        assert_eq!(attempts, 3, "{misbehaviour:?}: {err}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_unreachable() {
    // A port that was just free: nothing listens there any more.
    let addr = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let session = client(&format!("http://{addr}")).session(Credential::oauth("t"), None);
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        session.get("/teams", &Query::new()),
    )
    .await
    .expect("the call ends")
    .expect_err("nothing listens");
    eprintln!("refused: {err} / {:?}", err.developer_message());
    assert_eq!(
        err.kind().as_str(),
        "NETWORK_TRANSPORT_RUNTIME_UNREACHABLE",
        "{err}"
    );
    assert_eq!(err.message(), "The upstream service could not be reached.");
    assert_eq!(err.developer_message(), Some("error sending request"));
    assert_eq!(err.status_code(), None);
    assert!(err.can_retry());
    assert!(!format!("{err:?}").contains(&addr.to_string()), "{err:?}");
}
