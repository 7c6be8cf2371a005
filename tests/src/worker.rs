//! Arcade's worker protocol: the sample kit's worker on loopback and the JWTs that
//! authorize its requests.

use std::sync::Arc;

use arcade_tdk::Catalog;
use arcade_tdk::serve::worker::{WorkerSecret, worker_router};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Value;

/// Serves the sample kit's worker router, checking tokens against `secret`, on
/// `127.0.0.1` and returns its base URL (`http://127.0.0.1:<port>`).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let base = arcade_tests::worker::spawn_sample("s3cret").await;
/// assert!(base.starts_with("http://127.0.0.1:"));
/// # });
/// ```
pub async fn spawn_sample(secret: &str) -> String {
    let catalog = Arc::new(Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap());
    let router = worker_router(catalog, WorkerSecret::new(secret).unwrap());
    format!("http://{}", crate::net::serve(router).await)
}

/// Seconds since the Unix epoch, for `exp` and `nbf` claims.
///
/// ```
/// assert!(arcade_tests::worker::now() > 1_700_000_000);
/// ```
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A JWT of `claims` signed with `alg` keyed by `secret` (an HMAC algorithm).
///
/// ```
/// use jsonwebtoken::Algorithm;
/// let token = arcade_tests::worker::sign(Algorithm::HS256, "s3cret", &serde_json::json!({"ver": "1"}));
/// assert_eq!(token.split('.').count(), 3);
/// ```
pub fn sign(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// Unpadded base64url, the encoding of a JWT's parts (for hand-made tokens).
///
/// ```
/// assert_eq!(arcade_tests::worker::b64url(b"{\"a\":1}"), "eyJhIjoxfQ");
/// ```
pub fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
