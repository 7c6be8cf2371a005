//! The one-shot redirect listener on 127.0.0.1.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::OAuthError;

/// What the provider sent to the redirect URI.
#[derive(Debug)]
pub(crate) struct Callback {
    pub params: HashMap<String, String>,
}

/// Binds 127.0.0.1:`port` (0: any free port).
pub(crate) async fn bind(port: u16) -> Result<TcpListener, OAuthError> {
    TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        OAuthError::Listener(format!(
            "could not listen on 127.0.0.1:{port} for the OAuth redirect: {e}"
        ))
    })
}

/// Waits for the first request to `path`, answers it and stops listening. Requests to
/// other paths (a browser's `/favicon.ico`) get 404 and do not count; connections that
/// send nothing (browsers pre-connect) are dropped after a few seconds.
pub(crate) async fn wait_for_callback(
    listener: TcpListener,
    path: &str,
    timeout: Duration,
) -> Result<Callback, OAuthError> {
    let (tx, mut rx) = mpsc::channel::<Callback>(1);
    let path = path.to_owned();
    let accept = async {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let tx = tx.clone();
            let path = path.clone();
            tokio::spawn(async move {
                let _ =
                    tokio::time::timeout(Duration::from_secs(10), handle(stream, &path, tx)).await;
            });
        }
    };
    let result = tokio::time::timeout(timeout, async {
        tokio::select! {
            callback = rx.recv() => callback,
            () = accept => None,
        }
    })
    .await;
    // The listener is dropped here: exactly one callback is accepted.
    match result {
        Ok(Some(callback)) => Ok(callback),
        Ok(None) => Err(OAuthError::Listener("the redirect listener stopped".into())),
        Err(_) => Err(OAuthError::Timeout(timeout)),
    }
}

async fn handle(mut stream: TcpStream, path: &str, tx: mpsc::Sender<Callback>) {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 16 * 1024 {
            let _ = respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                "Too large.",
            )
            .await;
            return;
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
        let _ = respond(&mut stream, "400 Bad Request", "Bad request.").await;
        return;
    };
    if method != "GET" || url.path() != path {
        let _ = respond(&mut stream, "404 Not Found", "Not found.").await;
        return;
    }
    let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
    let body = if params.contains_key("error") {
        "Authorization was not granted. You can close this window and return to the terminal."
    } else {
        "Authorization received. You can close this window and return to the terminal."
    };
    // Only the first callback is taken; a second one finds the channel full or closed.
    if tx.try_send(Callback { params }).is_ok() {
        let _ = respond(&mut stream, "200 OK", body).await;
    } else {
        let _ = respond(&mut stream, "409 Conflict", "Already handled.").await;
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>arcade-tdk</title></head>\
         <body><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn send(port: u16, bytes: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let _ = stream.write_all(bytes).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn binds_loopback_only() {
        let listener = bind(0).await.unwrap();
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback(), "{addr}");
        assert_eq!(addr.ip().to_string(), "127.0.0.1");
        // The machine's outward address (if it has one) does not reach the listener.
        // (UDP `connect` sends nothing; it only picks the route's source address.)
        let probe = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
        if probe.connect("192.0.2.1:9").is_ok()
            && let Ok(local) = probe.local_addr()
            && !local.ip().is_loopback()
            && !local.ip().is_unspecified()
        {
            let outside = std::net::SocketAddr::new(local.ip(), addr.port());
            let refused = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(outside))
                .await
                .map_or(true, |r| r.is_err());
            assert!(refused, "reachable from {outside}");
        }
    }

    #[tokio::test]
    async fn hostile_requests_do_not_count_and_only_one_callback_is_taken() {
        let listener = bind(0).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let waiter = tokio::spawn(wait_for_callback(
            listener,
            "/callback",
            Duration::from_secs(30),
        ));
        // Garbage, an oversized head, other methods and paths, a bad target, and a
        // connection that sends nothing: none is taken as the callback.
        let silent = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        assert!(
            send(port, b"\x00\xff garbage\r\n\r\n")
                .await
                .contains("404")
        );
        let mut big = b"GET /callback?code=x HTTP/1.1\r\nX: ".to_vec();
        big.extend(std::iter::repeat_n(b'a', 20 * 1024));
        assert!(send(port, &big).await.contains("431"));
        assert!(
            send(port, b"POST /callback?code=x&state=s HTTP/1.1\r\n\r\n")
                .await
                .contains("404")
        );
        assert!(
            send(port, b"GET /other?code=x HTTP/1.1\r\n\r\n")
                .await
                .contains("404")
        );
        let odd = send(port, b"GET http://[bad HTTP/1.1\r\n\r\n").await;
        assert!(odd.contains("400") || odd.contains("404"), "{odd}");
        assert!(!waiter.is_finished());
        let ok = send(
            port,
            b"GET /callback?code=the-code&state=the-state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        )
        .await;
        assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
        assert!(!ok.contains("the-code"), "the code is not echoed: {ok}");
        let callback = waiter.await.unwrap().unwrap();
        assert_eq!(callback.params["code"], "the-code");
        assert_eq!(callback.params["state"], "the-state");
        drop(silent);
        // A replayed callback finds no listener: the port is closed after the first.
        let replay = TcpStream::connect(("127.0.0.1", port)).await;
        match replay {
            Err(_) => {}
            Ok(mut stream) => {
                // (Only if another process took the port in between.)
                let _ = stream
                    .write_all(b"GET /callback?code=again HTTP/1.1\r\n\r\n")
                    .await;
            }
        }
    }

    #[tokio::test]
    async fn times_out_when_nothing_arrives() {
        let listener = bind(0).await.unwrap();
        let result = wait_for_callback(listener, "/callback", Duration::from_millis(50)).await;
        assert!(matches!(result, Err(OAuthError::Timeout(_))), "{result:?}");
    }
}
