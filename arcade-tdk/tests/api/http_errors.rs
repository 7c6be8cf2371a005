//! `?` on a `reqwest` error, and `http::error_for_status`, give the error kinds Arcade's
//! Python HTTP adapter gives. Against a loopback server that answers with raw HTTP.

use std::time::Duration;

use arcade_tdk::{ErrorKind, ToolError, http};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `response` (raw HTTP) to every connection; returns the base URL.
async fn serve(response: &'static str, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

async fn get(url: &str, timeout: Duration) -> Result<reqwest::Response, ToolError> {
    let client = reqwest::Client::builder().timeout(timeout).build().unwrap();
    Ok(client
        .get(format!("{url}/incidents?token=SECRETQUERY"))
        .send()
        .await?)
}

#[tokio::test]
async fn status_errors_map_to_upstream_kinds() {
    let cases = [
        (
            "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            ErrorKind::UpstreamRuntimeNotFound,
            false,
        ),
        (
            "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n",
            ErrorKind::UpstreamRuntimeAuthError,
            false,
        ),
        (
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
            ErrorKind::UpstreamRuntimeBadRequest,
            false,
        ),
        (
            "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n",
            ErrorKind::UpstreamRuntimeServerError,
            true,
        ),
    ];
    for (response, kind, can_retry) in cases {
        let url = serve(response, Duration::ZERO).await;
        let response = get(&url, Duration::from_secs(5)).await.unwrap();
        // Through `?` on reqwest's own error_for_status...
        let via_reqwest: ToolError = response.error_for_status_ref().unwrap_err().into();
        assert_eq!(via_reqwest.kind(), kind);
        assert_eq!(via_reqwest.can_retry(), can_retry);
        // ...and through ours.
        let ours = http::error_for_status(response).unwrap_err();
        assert_eq!(ours.kind(), kind);
        let endpoint = ours.extra().unwrap()["endpoint"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(endpoint.ends_with("/incidents") && !format!("{ours:?}").contains("SECRETQUERY"));
    }
}

#[tokio::test]
async fn a_429_keeps_its_retry_after() {
    let url = serve(
        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 3\r\ncontent-length: 0\r\n\r\n",
        Duration::ZERO,
    )
    .await;
    let response = get(&url, Duration::from_secs(5)).await.unwrap();
    let err = http::error_for_status(response).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UpstreamRuntimeRateLimit);
    assert_eq!(err.retry_after_ms(), Some(3000));
    assert_eq!(
        err.message(),
        "Upstream HTTP request failed (Too Many Requests, client error). Retry after 3 second(s)."
    );
}

#[tokio::test]
async fn network_failures_map_to_transport_kinds() {
    // Nothing listens on a port we bound and released.
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = get(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NetworkTransportRuntimeUnreachable);
    assert!(err.can_retry());

    let slow = serve(
        "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    let err = get(&slow, Duration::from_millis(100)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NetworkTransportRuntimeTimeout);
    assert!(
        !format!("{err:?} {err}").contains("SECRETQUERY"),
        "the query stays out"
    );
}
