//! The attack matrix: every forged, stale or malformed token is answered 401 with an
//! RFC 6750 challenge and a clear JSON body, and no token reaches the logs.

use arcade_tdk::serve::local::LocalEnvironment;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{
    ISSUER_A_DER, ISSUER_A_PUBLIC_DER, ISSUER_B_DER, Issuer, RESOURCE, STRANGER_DER, Server,
    capture_logs, config, jwk, logs, now, sign,
};

const METADATA: &str =
    "resource_metadata=\"http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp\"";

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// Asserts a 401 `invalid_token` whose description contains `why`.
async fn refused(server: &Server, token: &str, why: &str) {
    let answer = server
        .call(Some(&format!("Bearer {token}")), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer.status, 401, "{why}: {answer:?}");
    let challenge = answer
        .challenge
        .as_deref()
        .expect("a WWW-Authenticate header");
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(challenge.contains(METADATA), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(challenge.contains("error_description=\""), "{challenge}");
    assert_eq!(answer.body["error"], "invalid_token", "{answer:?}");
    let description = answer.body["error_description"].as_str().unwrap();
    assert!(
        description.contains(why),
        "expected '{why}' in '{description}'"
    );
    if token.len() > 8 {
        assert!(
            !answer.body.to_string().contains(token),
            "the answer echoes the token"
        );
        assert!(!challenge.contains(token), "the challenge echoes the token");
    }
}

#[tokio::test]
async fn every_attack_is_refused_and_no_token_is_logged() {
    capture_logs();
    let a = Issuer::start("issuer-a", ISSUER_A_DER).await;
    let b = Issuer::start("issuer-b", ISSUER_B_DER).await;
    let server = Server::start(config(&[&a, &b]), LocalEnvironment::default()).await;
    let mut sent = Vec::new();

    // No token at all: a challenge without an error, and a body saying what to send.
    let answer = server.call(None, "Door_Whoami", json!({})).await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(
        answer.challenge.as_deref(),
        Some(format!("Bearer {METADATA}").as_str())
    );
    assert_eq!(answer.body["error"], "unauthorized");
    assert!(
        answer.body["error_description"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );

    // Not a bearer scheme.
    let answer = server
        .call(Some("Basic dXNlcjpwYXNz"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer.status, 401);
    assert!(
        answer
            .challenge
            .unwrap()
            .contains("error=\"invalid_request\"")
    );

    // alg: none, with a trusted issuer's kid and claims.
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": a.kid})),
        b64(&a.claims("mallory"))
    );
    refused(&server, &none, "not a well-formed signed JWT").await;
    sent.push(none);

    // Signed with a key no one trusts, under the issuer's kid.
    let stranger = EncodingKey::from_rsa_der(STRANGER_DER);
    let wrong_key = sign(&stranger, &a.kid, &a.claims("mallory"));
    refused(&server, &wrong_key, "signature does not verify").await;
    sent.push(wrong_key);

    // HS256, with the issuer's RSA public key as the HMAC secret (algorithm confusion).
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(a.kid.clone());
    let confused = jsonwebtoken::encode(
        &header,
        &a.claims("mallory"),
        &EncodingKey::from_secret(ISSUER_A_PUBLIC_DER).unwrap(),
    )
    .unwrap();
    refused(&server, &confused, "accepts only RS256").await;
    sent.push(confused);

    // Expired, and not yet valid.
    let mut claims = a.claims("alice");
    claims["exp"] = json!(now() - 120);
    claims["iat"] = json!(now() - 600);
    let expired = a.sign(&claims);
    refused(&server, &expired, "expired").await;
    sent.push(expired);
    let mut claims = a.claims("alice");
    claims["nbf"] = json!(now() + 600);
    let early = a.sign(&claims);
    refused(&server, &early, "not valid yet").await;
    sent.push(early);
    let mut claims = a.claims("alice");
    claims["iat"] = json!(now() + 600);
    let future = a.sign(&claims);
    refused(&server, &future, "issued in the future").await;
    sent.push(future);

    // Issued for another resource (RFC 8707), or for none.
    let mut claims = a.claims("alice");
    claims["aud"] = json!("https://other.example.com/mcp");
    let other_aud = a.sign(&claims);
    refused(&server, &other_aud, "not issued for this resource").await;
    sent.push(other_aud);
    let mut claims = a.claims("alice");
    claims.as_object_mut().unwrap().remove("aud");
    let no_aud = a.sign(&claims);
    refused(&server, &no_aud, "'aud' claim").await;
    sent.push(no_aud);

    // An issuer the server does not trust (signed with a trusted key all the same).
    let mut claims = a.claims("alice");
    claims["iss"] = json!("https://evil.auth.test");
    let wrong_iss = a.sign(&claims);
    refused(
        &server,
        &wrong_iss,
        "not issued by an authorization server this resource trusts",
    )
    .await;
    sent.push(wrong_iss);

    // Issuer A's claims signed with issuer B's key: under B's kid, and under A's kid.
    let cross_kid = sign(&b.key, &b.kid, &a.claims("alice"));
    refused(&server, &cross_kid, "key its issuer does not publish").await;
    sent.push(cross_kid);
    let cross_sig = sign(&b.key, &a.kid, &a.claims("alice"));
    refused(&server, &cross_sig, "signature does not verify").await;
    sent.push(cross_sig);

    // Missing (and empty) sub.
    let mut claims = a.claims("alice");
    claims.as_object_mut().unwrap().remove("sub");
    let no_sub = a.sign(&claims);
    refused(&server, &no_sub, "'sub' claim").await;
    sent.push(no_sub);
    let empty_sub = a.sign(&a.claims(""));
    refused(&server, &empty_sub, "'sub' claim").await;
    sent.push(empty_sub);

    // Garbage: not base64, not three parts, base64 of garbage.
    refused(
        &server,
        "%%%not-base64%%%.@@@.###",
        "not a well-formed signed JWT",
    )
    .await;
    refused(&server, "onlyonepart", "not a well-formed signed JWT").await;
    let junk = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(b"\x00\xff junk"),
        URL_SAFE_NO_PAD.encode(b"{"),
        "AAAA"
    );
    refused(&server, &junk, "not a well-formed signed JWT").await;

    // A token far beyond any real one is refused before it is parsed.
    let huge = format!(
        "{}.{}.sig",
        a.token("alice").split('.').next().unwrap(),
        "A".repeat(20_000)
    );
    refused(&server, &huge, "longer than").await;

    // A valid token still works after all that, and is not logged either.
    let good = a.token("alice");
    let answer = server.call_ok(&good, "Door_Whoami", json!({})).await;
    assert_eq!(answer["structuredContent"]["user_id"], "alice", "{answer}");
    sent.push(good);

    let logs = logs();
    assert!(
        logs.contains("front door: refused an access token"),
        "the refusals are logged"
    );
    for token in &sent {
        let signature = token.rsplit('.').next().unwrap();
        assert!(!logs.contains(token.as_str()), "a token was logged");
        if signature.len() > 16 {
            assert!(!logs.contains(signature), "a token's signature was logged");
        }
    }
    assert!(
        !logs.to_ascii_lowercase().contains("bearer ey"),
        "a bearer header was logged"
    );
}

/// A header of 1 MB is refused by the HTTP layer (431) or the front door (401), the
/// server lives on, and nothing of it is logged.
#[tokio::test]
async fn a_megabyte_header_is_refused() {
    capture_logs();
    let a = Issuer::start("issuer-m", ISSUER_A_DER).await;
    let server = Server::start(config(&[&a]), LocalEnvironment::default()).await;
    let huge = format!("Bearer {}", "x".repeat(1024 * 1024));
    let response = reqwest::Client::new()
        .post(server.url("/mcp"))
        .header("authorization", &huge)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await;
    match response {
        Ok(response) => assert!(
            matches!(response.status().as_u16(), 401 | 431),
            "{}",
            response.status()
        ),
        // hyper may close the connection on an oversized head: refused all the same.
        Err(err) => assert!(
            err.is_request() || err.is_connect() || err.is_body(),
            "{err}"
        ),
    }
    assert!(!logs().contains(&"x".repeat(64)), "the header was logged");
    // Still serving.
    let answer = server
        .call_ok(&a.token("alice"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "alice");
}

/// The JWKS endpoint goes down: tokens signed with cached keys still pass; a token
/// naming an unknown key fails closed (the refetch fails at once: connection refused).
#[tokio::test]
async fn jwks_down_cached_keys_work_unknown_keys_fail_closed() {
    let a = Issuer::start("issuer-d", ISSUER_A_DER).await;
    let server = Server::start(config(&[&a]), LocalEnvironment::default()).await;
    let answer = server
        .call_ok(&a.token("alice"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "alice");
    assert_eq!(a.jwks.fetches(), 1);

    a.jwks.stop();
    let answer = server
        .call_ok(&a.token("bob"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "bob", "cached key");

    let rotated = EncodingKey::from_rsa_der(STRANGER_DER);
    let unknown = sign(&rotated, "issuer-d-key-2", &a.claims("carol"));
    refused(&server, &unknown, "key its issuer does not publish").await;
    // Cached keys keep working after the failed refetch.
    let answer = server
        .call_ok(&a.token("dave"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "dave");
}

/// A JWKS endpoint that accepts connections and never answers: the fetch is bounded by
/// the timeout and the request fails closed instead of hanging.
#[tokio::test]
async fn a_hanging_jwks_endpoint_fails_closed() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let _hold = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket); // never read, never answered
        }
    });
    let a = Issuer::start("issuer-h", ISSUER_A_DER).await;
    let mut entry = a.entry();
    entry.jwks_uri = format!("http://{addr}/jwks");
    let config = arcade_tdk::serve::auth::ResourceServerConfig::new(RESOURCE)
        .authorization_server(entry)
        .with_jwks_timing(
            std::time::Duration::from_secs(3600),
            std::time::Duration::ZERO,
            std::time::Duration::from_millis(300),
        );
    let server = Server::start(config, LocalEnvironment::default()).await;
    refused(
        &server,
        &a.token("alice"),
        "key its issuer does not publish",
    )
    .await;
}

/// Refetches caused by unknown `kid`s are rate-limited: a flood of forged key ids costs
/// the authorization server one fetch per interval, and a real rotation is picked up.
#[tokio::test]
async fn unknown_kids_refetch_at_a_bounded_rate() {
    let a = Issuer::start("issuer-r", ISSUER_A_DER).await;
    let limited = config(&[&a]).with_jwks_timing(
        std::time::Duration::from_secs(3600),
        std::time::Duration::from_secs(3600),
        std::time::Duration::from_secs(2),
    );
    let server = Server::start(limited, LocalEnvironment::default()).await;
    server
        .call_ok(&a.token("alice"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(a.jwks.fetches(), 1);
    for i in 0..20 {
        let forged = sign(&a.key, &format!("forged-{i}"), &a.claims("mallory"));
        refused(&server, &forged, "key its issuer does not publish").await;
    }
    assert_eq!(a.jwks.fetches(), 1, "no refetch within the interval");

    // With refetches allowed at once, a rotated key is fetched and accepted.
    let b = Issuer::start("issuer-r2", ISSUER_B_DER).await;
    let server = Server::start(config(&[&b]), LocalEnvironment::default()).await;
    server
        .call_ok(&b.token("alice"), "Door_Whoami", json!({}))
        .await;
    let next = EncodingKey::from_rsa_der(STRANGER_DER);
    b.jwks.add(jwk(&next, "issuer-r2-key-2"));
    let rotated = sign(&next, "issuer-r2-key-2", &b.claims("erin"));
    let answer = server.call_ok(&rotated, "Door_Whoami", json!({})).await;
    assert_eq!(answer["structuredContent"]["user_id"], "erin");
    assert_eq!(b.jwks.fetches(), 2);
}
