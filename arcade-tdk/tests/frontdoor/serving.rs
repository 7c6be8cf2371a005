//! What an authenticated caller gets: the metadata documents, their identity in the
//! tool, tools that need credentials, and upstream tokens of their own.

use arcade_tdk::client::Arcade;
use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::token::{ArcadeTokenSource, EnvTokenSource, TokenChain};
use serde_json::{Value, json};

use crate::support::{ISSUER_A_DER, ISSUER_B_DER, Issuer, RESOURCE, Server, config};
use arcade_tdk::client::AuthorizationStatus;
use arcade_tdk::testing::FakeEngine;

async fn get(server: &Server, path: &str) -> (u16, Value) {
    let response = reqwest::get(server.url(path)).await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn metadata_documents() {
    let a = Issuer::start("meta-a", ISSUER_A_DER).await;
    let b = Issuer::start("meta-b", ISSUER_B_DER).await;
    let server = Server::start(
        config(&[&a, &b]).with_scopes_supported(["mcp:tools", "read"]),
        LocalEnvironment::default(),
    )
    .await;
    let expected = json!({
        "resource": RESOURCE,
        "authorization_servers": ["https://meta-a.auth.test/as", "https://meta-b.auth.test/as"],
        "bearer_methods_supported": ["header"],
        "scopes_supported": ["mcp:tools", "read"],
    });
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        assert_eq!(get(&server, path).await, (200, expected.clone()), "{path}");
    }
    // Without configured scopes the field is left out, as in Python.
    let server = Server::start(config(&[&a]), LocalEnvironment::default()).await;
    let (_, doc) = get(&server, "/.well-known/oauth-protected-resource").await;
    assert!(doc.get("scopes_supported").is_none(), "{doc}");
}

#[tokio::test]
async fn two_issuers_and_the_caller_reaches_the_tool() {
    let a = Issuer::start("happy-a", ISSUER_A_DER).await;
    let b = Issuer::start("happy-b", ISSUER_B_DER).await;
    let server = Server::start(
        config(&[&a, &b]),
        LocalEnvironment::from_vars([("ARCADE_USER_ID", "developer")]),
    )
    .await;

    let from_a = server
        .call_ok(&a.token("alice"), "Door_Whoami", json!({}))
        .await;
    assert_eq!(
        from_a["structuredContent"],
        json!({"user_id": "alice", "owner": {
            "user_id": "alice", "client_id": "client-1", "scopes": ["mcp:tools", "read"],
            "email": "alice@example.com", "issuer": "https://happy-a.auth.test"}}),
    );
    // Issuer B, with `azp` instead of `client_id`, `scp` instead of `scope`, no email.
    let mut claims = b.claims("bob");
    let object = claims.as_object_mut().unwrap();
    object.remove("client_id");
    object.remove("scope");
    object.remove("email");
    object.insert("azp".into(), json!("client-b"));
    object.insert("scp".into(), json!(["mcp:tools"]));
    let from_b = server
        .call_ok(&b.sign(&claims), "Door_Whoami", json!({}))
        .await;
    assert_eq!(
        from_b["structuredContent"],
        json!({"user_id": "bob", "owner": {
            "user_id": "bob", "client_id": "client-b", "scopes": ["mcp:tools"],
            "email": null, "issuer": "https://happy-b.auth.test"}}),
    );
    // An RFC 9068 access token (`typ: at+jwt`, as oidc-provider issues for a resource).
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.typ = Some("at+jwt".to_owned());
    header.kid = Some(a.kid.clone());
    let at_jwt = jsonwebtoken::encode(&header, &a.claims("dora"), &a.key).unwrap();
    let answer = server.call_ok(&at_jwt, "Door_Whoami", json!({})).await;
    assert_eq!(answer["structuredContent"]["user_id"], "dora");

    // An audience from `expected_audiences` instead of the canonical URL.
    let server = Server::start(
        arcade_tdk::serve::auth::ResourceServerConfig::new(RESOURCE)
            .authorization_server(a.entry().with_expected_audiences(["urn:arcade:mcp"])),
        LocalEnvironment::default(),
    )
    .await;
    let mut claims = a.claims("carol");
    claims["aud"] = json!(["urn:arcade:mcp", "something-else"]);
    let answer = server
        .call_ok(&a.sign(&claims), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "carol");
    let answer = server
        .call(
            Some(&format!("Bearer {}", a.token("carol"))),
            "Door_Whoami",
            json!({}),
        )
        .await;
    assert_eq!(
        answer.status, 401,
        "the canonical URL is no longer an accepted audience"
    );
}

#[tokio::test]
async fn leeway_accepts_a_recently_expired_token() {
    let a = Issuer::start("leeway", ISSUER_A_DER).await;
    let mut entry = a.entry();
    entry.validation_options = entry.validation_options.with_leeway(120);
    let server = Server::start(
        arcade_tdk::serve::auth::ResourceServerConfig::new(RESOURCE).authorization_server(entry),
        LocalEnvironment::default(),
    )
    .await;
    let mut claims = a.claims("alice");
    claims["exp"] = json!(crate::support::now() - 30);
    let answer = server
        .call_ok(&a.sign(&claims), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "alice");
}

#[tokio::test]
async fn a_missing_required_scope_is_403() {
    let a = Issuer::start("scoped", ISSUER_A_DER).await;
    let server = Server::start(
        config(&[&a]).with_required_scopes(["mcp:tools", "incidents:write"]),
        LocalEnvironment::default(),
    )
    .await;
    let answer = server
        .call(
            Some(&format!("Bearer {}", a.token("alice"))),
            "Door_Whoami",
            json!({}),
        )
        .await;
    assert_eq!(answer.status, 403, "{answer:?}");
    let challenge = answer.challenge.unwrap();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"mcp:tools incidents:write\""),
        "{challenge}"
    );
    assert_eq!(answer.body["error"], "insufficient_scope");
    assert_eq!(answer.body["scope"], "incidents:write");
    assert!(
        answer.body["error_description"]
            .as_str()
            .unwrap()
            .contains("incidents:write")
    );

    let mut claims = a.claims("alice");
    claims["scope"] = json!("mcp:tools incidents:write");
    let answer = server
        .call_ok(&a.sign(&claims), "Door_Whoami", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["user_id"], "alice");
}

#[tokio::test]
async fn credentialed_tools_are_served_and_secrets_reach_them() {
    let a = Issuer::start("secrets", ISSUER_A_DER).await;
    let env = LocalEnvironment::from_vars([("SERVICE_KEY", "service-key-4321")]);
    let server = Server::start(config(&[&a]), env).await;
    let answer = server
        .call_ok(&a.token("alice"), "Door_UsesSecret", json!({}))
        .await;
    assert_eq!(answer["structuredContent"]["result"], true, "{answer}");
}

const ENGINE_KEY: &str = "arc_frontdoor_key";
const UPSTREAM: &str = "pd-upstream";

/// A fake Engine that completes every authorization, giving alice and bob tokens of
/// their own (`pd-upstream-alice`, `pd-upstream-bob`), and a client for it.
async fn engine_with_user_tokens() -> (FakeEngine, Arcade) {
    let engine = FakeEngine::start_with(ENGINE_KEY, UPSTREAM).await;
    engine.set_status(AuthorizationStatus::Completed);
    for user in ["alice", "bob"] {
        engine.set_token_for(user, &format!("{UPSTREAM}-{user}"));
    }
    let arcade = Arcade::new(ENGINE_KEY, engine.url())
        .unwrap()
        .with_max_retries(0);
    (engine, arcade)
}

fn reversed(s: &str) -> String {
    s.chars().rev().collect()
}

/// Each user's upstream token comes from the Arcade Engine for that user id; user A's
/// token is never given to user B, and the developer's own env token is not used.
#[tokio::test]
async fn each_user_gets_their_own_engine_token() {
    let (engine, arcade) = engine_with_user_tokens().await;
    let chain = TokenChain::new(vec![
        Box::new(EnvTokenSource::from_vars([(
            "PAGERDUTY_ACCESS_TOKEN",
            "developer-own-token",
        )])),
        Box::new(ArcadeTokenSource::new(arcade)),
    ]);
    let env = LocalEnvironment::from_vars([("ARCADE_USER_ID", "developer")]).with_tokens(chain);
    let a = Issuer::start("engine-a", ISSUER_A_DER).await;
    let b = Issuer::start("engine-b", ISSUER_B_DER).await;
    let server = Server::start(config(&[&a, &b]), env).await;

    for _ in 0..2 {
        let alice = server
            .call_ok(&a.token("alice"), "Door_UpstreamToken", json!({}))
            .await;
        assert_eq!(
            alice["structuredContent"]["result"],
            reversed("pd-upstream-alice"),
            "{alice}"
        );
        let bob = server
            .call_ok(&b.token("bob"), "Door_UpstreamToken", json!({}))
            .await;
        assert_eq!(
            bob["structuredContent"]["result"],
            reversed("pd-upstream-bob"),
            "{bob}"
        );
    }
    // The engine was asked once per user (then the per-user cache answered), each time
    // for that user's id and never for the developer's.
    let users: Vec<String> = engine
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/auth/authorize")
        .map(|r| r.body["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(users, ["alice", "bob"]);
}

/// A resource that requires the upstream token is read with each caller's own token
/// (from the Engine, for that user id), as a tool is; a caller without one gets a
/// requirements error and the function does not run.
#[tokio::test]
async fn each_user_reads_a_resource_with_their_own_token() {
    let (engine, arcade) = engine_with_user_tokens().await;
    let chain = TokenChain::new(vec![
        Box::new(EnvTokenSource::from_vars([(
            "PAGERDUTY_ACCESS_TOKEN",
            "developer-own-token",
        )])),
        Box::new(ArcadeTokenSource::new(arcade)),
    ]);
    let env = LocalEnvironment::from_vars([("ARCADE_USER_ID", "developer")]).with_tokens(chain);
    let a = Issuer::start("engine-a", ISSUER_A_DER).await;
    let server = Server::start(config(&[&a]), env).await;
    for user in ["alice", "bob", "alice"] {
        let answer = server
            .read_resource(&a.token(user), "door://tokens/1")
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        let contents = &answer.body["result"]["contents"][0];
        assert_eq!(
            contents["text"],
            reversed(&format!("pd-upstream-{user}")),
            "{answer:?}"
        );
    }
    let users: Vec<String> = engine
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/auth/authorize")
        .map(|r| r.body["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(users, ["alice", "bob"]);

    // Only the developer's own token exists: not shared with a front-door caller.
    let chain = TokenChain::new(vec![Box::new(EnvTokenSource::from_vars([(
        "PAGERDUTY_ACCESS_TOKEN",
        "developer-own-token",
    )]))]);
    let env = LocalEnvironment::default().with_tokens(chain);
    let server = Server::start(config(&[&a]), env).await;
    let answer = server
        .read_resource(&a.token("carol"), "door://tokens/1")
        .await;
    let error = &answer.body["error"];
    assert_eq!(error["code"], -32603, "{answer:?}");
    assert_eq!(
        error["data"]["errorKind"], "TOOL_REQUIREMENTS_NOT_MET",
        "{answer:?}"
    );
    assert_eq!(error["data"]["uri"], "door://tokens/1", "{answer:?}");
    assert!(
        !answer.body.to_string().contains("developer-own-token"),
        "{answer:?}"
    );
}

/// A token the upstream rejected is forgotten for that user only.
#[tokio::test]
async fn a_rejected_token_is_forgotten_for_that_user_only() {
    let (engine, arcade) = engine_with_user_tokens().await;
    let chain = TokenChain::new(vec![Box::new(ArcadeTokenSource::new(arcade))]);
    let env = LocalEnvironment::default().with_tokens(chain);
    let a = Issuer::start("rejected", ISSUER_A_DER).await;
    let server = Server::start(config(&[&a]), env).await;
    for _ in 0..2 {
        let alice = server
            .call_ok(&a.token("alice"), "Door_UpstreamRejectsAlice", json!({}))
            .await;
        assert_eq!(alice["isError"], true, "{alice}");
        let bob = server
            .call_ok(&a.token("bob"), "Door_UpstreamRejectsAlice", json!({}))
            .await;
        assert_eq!(bob["structuredContent"]["result"], "accepted", "{bob}");
    }
    let users: Vec<String> = engine
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/auth/authorize")
        .map(|r| r.body["user_id"].as_str().unwrap().to_owned())
        .collect();
    // alice's token was dropped after each rejection and fetched again; bob's was cached.
    assert_eq!(users, ["alice", "bob", "alice"]);
}

/// A resource read whose upstream rejects the token forgets it for that user only, as
/// a tool call does: the next read fetches a fresh one.
#[tokio::test]
async fn a_token_rejected_under_a_resource_is_forgotten_for_that_user_only() {
    let (engine, arcade) = engine_with_user_tokens().await;
    let chain = TokenChain::new(vec![Box::new(ArcadeTokenSource::new(arcade))]);
    let env = LocalEnvironment::default().with_tokens(chain);
    let a = Issuer::start("rejected-resource", ISSUER_A_DER).await;
    let server = Server::start(config(&[&a]), env).await;
    for _ in 0..2 {
        let alice = server
            .read_resource(&a.token("alice"), "door://rejects-alice/1")
            .await;
        let error = &alice.body["error"];
        assert_eq!(error["code"], -32603, "{alice:?}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("refused the token"),
            "{alice:?}"
        );
        assert!(
            !alice.body.to_string().contains("pd-upstream-alice"),
            "{alice:?}"
        );
        let bob = server
            .read_resource(&a.token("bob"), "door://rejects-alice/1")
            .await;
        assert_eq!(
            bob.body["result"]["contents"][0]["text"], "accepted",
            "{bob:?}"
        );
    }
    let users: Vec<String> = engine
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/auth/authorize")
        .map(|r| r.body["user_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(users, ["alice", "bob", "alice"]);
}

/// Without a per-user source, the developer's token is withheld from front-door callers
/// (a clear error says why), unless the operator shares it on purpose.
#[tokio::test]
async fn the_developers_token_is_not_shared_unless_opted_in() {
    let a = Issuer::start("withheld", ISSUER_A_DER).await;
    let env = || LocalEnvironment::from_vars([("PAGERDUTY_ACCESS_TOKEN", "developer-own-token")]);
    let server = Server::start(config(&[&a]), env()).await;
    let answer = server
        .call_ok(&a.token("alice"), "Door_UpstreamToken", json!({}))
        .await;
    assert_eq!(answer["isError"], true, "{answer}");
    let text = answer["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("not shared with the users of this server"),
        "{text}"
    );
    assert!(!answer.to_string().contains("developer-own-token"));
    assert!(
        !answer
            .to_string()
            .contains(&reversed("developer-own-token"))
    );

    let server = Server::start(config(&[&a]).with_share_developer_tokens(true), env()).await;
    let answer = server
        .call_ok(&a.token("alice"), "Door_UpstreamToken", json!({}))
        .await;
    assert_eq!(
        answer["structuredContent"]["result"],
        reversed("developer-own-token")
    );
}

/// A 2025-era session is served only to the user who opened it.
#[tokio::test]
async fn a_session_belongs_to_the_user_who_opened_it() {
    let a = Issuer::start("session", ISSUER_A_DER).await;
    let server = Server::start(config(&[&a]), LocalEnvironment::default()).await;
    let post = |token: String, session: Option<String>, body: Value| {
        let url = server.url("/mcp");
        async move {
            let mut request = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .bearer_auth(token)
                .body(body.to_string());
            if let Some(id) = session {
                request = request
                    .header("mcp-session-id", id)
                    .header("mcp-protocol-version", "2025-11-25");
            }
            request.send().await.unwrap()
        }
    };
    let opened = post(
        a.token("alice"),
        None,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}),
    )
    .await;
    assert_eq!(opened.status(), 200);
    let id = opened.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let done = post(a.token("alice"), Some(id.clone()), initialized).await;
    assert!(done.status().is_success(), "{}", done.status());

    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let other = post(a.token("mallory"), Some(id.clone()), list.clone()).await;
    assert_eq!(
        other.status(),
        404,
        "another user's token with alice's session id"
    );
    let own = post(a.token("alice"), Some(id), list).await;
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("Door_Whoami"));
}

/// `FrontDoor::protect` puts the same admission in front of routes of one's own: no
/// token is 401 with the challenge, a valid one reaches the route without its
/// `Authorization` header, and the metadata routes come with it.
#[tokio::test]
async fn protect_guards_routes_of_ones_own() {
    use arcade_tdk::serve::auth::FrontDoor;
    let a = Issuer::start("protect", ISSUER_A_DER).await;
    let door = FrontDoor::new(config(&[&a])).unwrap();
    let route = axum::routing::get(|headers: axum::http::HeaderMap| async move {
        format!(
            "authorization seen: {}",
            headers.contains_key("authorization")
        )
    });
    let router = door.protect(axum::Router::new().route("/report", route));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::new();
    let url = format!("http://{addr}/report");

    let refused = client.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    let challenge = refused.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("resource_metadata="), "{challenge}");
    let wrong = client
        .get(&url)
        .bearer_auth("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );

    let admitted = client
        .get(&url)
        .bearer_auth(a.token("alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(admitted.status(), 200);
    assert_eq!(admitted.text().await.unwrap(), "authorization seen: false");
    let metadata = client
        .get(format!(
            "http://{addr}/.well-known/oauth-protected-resource"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(metadata.status(), 200);
}
