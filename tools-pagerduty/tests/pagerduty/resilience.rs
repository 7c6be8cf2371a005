//! The client against the sandbox's faults: rate limits, server errors, auth errors,
//! malformed and slow responses, pagination, regions and headers.

use crate::common;

use std::time::Duration;

use arcade_tdk::TokenKind;
use common::{call, call_err, none};
use serde_json::json;
use tools_pagerduty::client::{Credential, PagerDutyClient, Query, RateLimit, Region, RetryPolicy};
use tools_pagerduty::sandbox::{Fault, Sandbox};

fn count(sb: &Sandbox, path: &str) -> usize {
    sb.requests().iter().filter(|r| r.path == path).count()
}

#[tokio::test]
async fn rate_limit_waits_then_succeeds() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::RateLimit {
        times: 2,
        reset_secs: 0,
    });
    let v = call(&sb, "ListTeams", none()).await;
    assert_eq!(v["teams"].as_array().unwrap().len(), 3);
    assert_eq!(count(&sb, "/teams"), 3);
}

#[tokio::test]
async fn rate_limit_is_bounded() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::RateLimit {
        times: u32::MAX,
        reset_secs: 0,
    });
    let err = call_err("ListTeams", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert_eq!(err["kind"], "UPSTREAM_RUNTIME_RATE_LIMIT");
    assert!(err["retry_after_ms"].as_u64().unwrap() >= 1);
    assert!(err["can_retry"].as_bool().unwrap());
    assert_eq!(count(&sb, "/teams"), 3, "three attempts, then give up");
}

#[tokio::test]
async fn long_rate_limit_reset_is_not_waited_for() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::RateLimit {
        times: 1,
        reset_secs: 120,
    });
    let started = std::time::Instant::now();
    let err = call_err("ListTeams", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err["retry_after_ms"], 120_000);
    assert!(err["message"].as_str().unwrap().contains("120 second"));
    assert_eq!(count(&sb, "/teams"), 1);
}

#[tokio::test]
async fn server_errors_are_retried_then_succeed() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::ServerError {
        times: 2,
        status: 503,
    });
    call(&sb, "ListServices", none()).await;
    assert_eq!(count(&sb, "/services"), 3);
}

#[tokio::test]
async fn server_errors_are_bounded() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::ServerError {
        times: u32::MAX,
        status: 500,
    });
    let err = call_err("ListServices", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert_eq!(err["kind"], "UPSTREAM_RUNTIME_SERVER_ERROR");
    assert_eq!(err["status_code"], 500);
    assert_eq!(count(&sb, "/services"), 3);
}

#[tokio::test]
async fn create_is_not_retried_after_a_500() {
    let sb = Sandbox::start().await;
    sb.inject_on(
        Some("/incidents"),
        Fault::ServerError {
            times: 1,
            status: 500,
        },
    );
    let err = call_err(
        "CreateIncident",
        json!({"title": "x", "service_id": "PSVC001"}),
        sb.context("t", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["status_code"], 500);
    let posts = sb
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/incidents")
        .count();
    assert_eq!(
        posts, 1,
        "a POST that may have been processed is not repeated"
    );
}

#[tokio::test]
async fn unauthorized_mentions_region_and_token() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::unauthorized());
    let err = call_err("ListIncidents", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert_eq!(err["kind"], "UPSTREAM_RUNTIME_AUTH_ERROR");
    assert_eq!(err["status_code"], 401);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Authentication failed")
    );
    let hint = err["additional_prompt_content"].as_str().unwrap();
    assert!(hint.contains("region") && hint.contains("api.eu.pagerduty.com"));
    assert_eq!(count(&sb, "/incidents"), 1, "401 is not retried");
}

#[tokio::test]
async fn forbidden_names_the_scope() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::forbidden());
    let err = call_err("ListTeams", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert_eq!(err["status_code"], 403);
    let hint = err["additional_prompt_content"].as_str().unwrap();
    assert!(hint.contains("teams.read"), "{hint}");

    // A read-only credential trying to write.
    let sb = Sandbox::start().await;
    let err = call_err(
        "AcknowledgeIncidents",
        json!({"incident_ids": ["PINC030"]}),
        sb.context("ro-token", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["status_code"], 403);
    let hint = err["additional_prompt_content"].as_str().unwrap();
    assert!(
        hint.contains("incidents.write") && hint.contains("read-only"),
        "{hint}"
    );
}

#[tokio::test]
async fn payment_required_names_the_ability() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::payment_required());
    let err = call_err("ListTeams", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert_eq!(err["status_code"], 402);
    let hint = err["additional_prompt_content"].as_str().unwrap();
    assert!(hint.contains("plan") && hint.contains("teams"), "{hint}");
}

#[tokio::test]
async fn malformed_body_is_an_error_not_a_panic() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::Malformed { times: 1 });
    let err = call_err("ListIncidents", none(), sb.context("t", TokenKind::OAuth2)).await;
    assert_eq!(err["status_code"], 502);
    assert!(err["message"].as_str().unwrap().contains("not valid JSON"));
}

fn fast_client(sb: &Sandbox, timeout_ms: u64) -> PagerDutyClient {
    PagerDutyClient::builder()
        .base_url(sb.base_url().parse().unwrap())
        .timeout(Duration::from_millis(timeout_ms))
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
async fn slow_responses_time_out_with_bounded_retries() {
    let sb = Sandbox::start().await;
    sb.inject(Fault::Slow {
        times: u32::MAX,
        delay_ms: 1_000,
    });
    let session = fast_client(&sb, 150).session(Credential::oauth("t"), None);
    let err = session.get("/teams", &Query::new()).await.unwrap_err();
    assert_eq!(err.kind().as_str(), "NETWORK_TRANSPORT_RUNTIME_TIMEOUT");
    assert_eq!(count(&sb, "/teams"), 3);

    let sb = Sandbox::start().await;
    sb.inject(Fault::Slow {
        times: 1,
        delay_ms: 1_000,
    });
    let session = fast_client(&sb, 300).session(Credential::oauth("t"), None);
    let teams = session.get("/teams", &Query::new()).await.unwrap();
    assert_eq!(teams["teams"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn get_all_fetches_every_page() {
    let sb = Sandbox::start().await;
    let session = fast_client(&sb, 5_000).session(Credential::api_key("k"), None);
    let query = Query::new().set("is_overview", "false");
    let all = session
        .get_all("/log_entries", "log_entries", &query, 1_000)
        .await
        .unwrap();
    // 18 resolved x 4 + 6 acknowledged x 3 + 6 triggered x 2 entries.
    assert_eq!(all.items.len(), 102);
    assert_eq!(all.total, Some(102));
    assert!(!all.truncated);
    let offsets: Vec<String> = sb
        .requests()
        .iter()
        .map(|r| {
            r.query
                .iter()
                .find(|(k, _)| k == "offset")
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(offsets, ["0", "100"]);
    assert_eq!(
        sb.requests()[0].header("authorization"),
        Some("Token token=k")
    );

    // Capped: truncated is reported.
    let capped = session
        .get_all("/log_entries", "log_entries", &query, 30)
        .await
        .unwrap();
    assert_eq!(capped.items.len(), 30);
    assert!(capped.truncated);

    // Many small pages, fetched concurrently once total is known, in order.
    let sb = Sandbox::start().await;
    let session = fast_client(&sb, 5_000).session(Credential::oauth("t"), None);
    let users = session
        .get_page("/users", "users", &Query::new(), 3, 0, true)
        .await
        .unwrap();
    assert_eq!(users.total, Some(8));
    assert_eq!(users.next_offset(), Some(3));
    let all = session
        .get_all("/incidents", "incidents", &Query::new(), 1_000)
        .await
        .unwrap();
    let ids: Vec<&str> = all
        .items
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 30);
    assert_eq!(ids[0], "PINC001");
    assert_eq!(ids[29], "PINC030");
}

#[tokio::test]
async fn pagination_ceiling() {
    let sb = Sandbox::start().await;
    let session = fast_client(&sb, 5_000).session(Credential::oauth("t"), None);
    let err = session
        .get_page("/incidents", "incidents", &Query::new(), 10, 10_000, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind().as_str(), "TOOL_RUNTIME_BAD_INPUT_VALUE");
    let page = session
        .get_page("/incidents", "incidents", &Query::new(), 100, 9_990, false)
        .await
        .unwrap();
    assert_eq!(page.limit, 10, "limit shrinks to stay under 10,000");
}

#[tokio::test]
async fn headers_sent() {
    let sb = Sandbox::start().await;
    call(&sb, "ListTeams", none()).await;
    let r = &sb.requests()[0];
    assert_eq!(
        r.header("accept"),
        Some("application/vnd.pagerduty+json;version=2")
    );
    assert_eq!(r.header("authorization"), Some("Bearer tok"));
    assert!(
        r.header("user-agent")
            .unwrap()
            .starts_with("tools-pagerduty/")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
}

#[test]
fn regions_and_overrides() {
    let ctx = arcade_tdk::ToolContext::builder()
        .token("t", TokenKind::OAuth2)
        .metadata("PAGERDUTY_REGION", "eu")
        .build();
    let client = PagerDutyClient::for_context(&ctx).unwrap();
    assert_eq!(client.api_base().as_str(), "https://api.eu.pagerduty.com/");
    assert_eq!(
        client.events_base().as_str(),
        "https://events.eu.pagerduty.com/"
    );
    assert_eq!(
        PagerDutyClient::new(Region::Us)
            .unwrap()
            .api_base()
            .as_str(),
        "https://api.pagerduty.com/"
    );
    // A base URL from the call's metadata must not leak the token elsewhere.
    let ctx = arcade_tdk::ToolContext::builder()
        .token("t", TokenKind::OAuth2)
        .metadata("PAGERDUTY_BASE_URL", "https://attacker.example")
        .build();
    let err = PagerDutyClient::for_context(&ctx).unwrap_err();
    assert!(err.message().contains("refusing"));
}

#[tokio::test]
async fn builder_seeds_incidents_and_get_all_lists_them_within_the_rate_limit() {
    let sb = Sandbox::builder()
        .extra_incidents(470)
        .latency(Duration::from_millis(5))
        .rate_limit(20, Duration::from_millis(100))
        .start()
        .await;
    let session = PagerDutyClient::builder()
        .base_url(sb.base_url().parse().unwrap())
        .page_concurrency(3)
        .build()
        .unwrap()
        .session(Credential::oauth("t"), None);
    let all = session
        .get_all("/incidents", "incidents", &Query::new(), 10_000)
        .await
        .unwrap();
    assert_eq!(all.total, Some(500));
    assert_eq!(all.items.len(), 500);
    assert!(!all.truncated);
    assert_eq!(all.items[499]["id"], "PINCX00470");
    assert_eq!(all.items[499]["incident_number"], 500);
    assert_eq!(count(&sb, "/incidents"), 5);
    assert_eq!(sb.rate_limit_violations(), 0);
}

#[tokio::test]
async fn builder_rate_limit_answers_429_and_counts_violations() {
    let sb = Sandbox::builder()
        .rate_limit(2, Duration::from_secs(60))
        .start()
        .await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = http
            .get(format!("{}/teams", sb.base_url()))
            .header("authorization", "Bearer t")
            .send()
            .await
            .unwrap();
        statuses.push((
            r.status().as_u16(),
            r.headers()["ratelimit-reset"].to_str().unwrap().to_owned(),
        ));
    }
    assert_eq!(statuses[0].0, 200);
    assert_eq!(statuses[1].0, 200);
    assert_eq!(statuses[2], (429, "1".to_owned()));
    assert_eq!(statuses[3].0, 429);
    assert_eq!(sb.rate_limit_violations(), 2);
    // The default sandbox has neither a limit nor extra incidents.
    let plain = Sandbox::start().await;
    assert_eq!(plain.rate_limit_violations(), 0);
    assert!(plain.incident("PINCX00001").is_none());
}

/// Lists 1,000 incidents 10 pages at a time from a sandbox allowing 8 requests per
/// 100 ms, with or without the client's own pacing; returns (pages, 429s).
async fn list_under_a_tight_limit(client_limit: Option<RateLimit>) -> (usize, u64) {
    let sb = Sandbox::builder()
        .extra_incidents(970)
        .latency(Duration::from_millis(2))
        .rate_limit(8, Duration::from_millis(100))
        .start()
        .await;
    let builder = PagerDutyClient::builder()
        .base_url(sb.base_url().parse().unwrap())
        .page_concurrency(10);
    let builder = match client_limit {
        Some(limit) => builder.rate_limit(limit),
        None => builder.no_rate_limit(),
    };
    let all = builder
        .build()
        .unwrap()
        .session(Credential::oauth("t"), None)
        .get_all("/incidents", "incidents", &Query::new(), 10_000)
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1000);
    assert_eq!(all.items[999]["incident_number"], 1000);
    (count(&sb, "/incidents"), sb.rate_limit_violations())
}

#[tokio::test]
async fn client_pacing_keeps_concurrent_pages_under_the_limit() {
    // Paced to one request less than the server allows (arrivals jitter a little).
    let (requests, violations) =
        list_under_a_tight_limit(Some(RateLimit::new(7, Duration::from_millis(100)))).await;
    assert_eq!((requests, violations), (10, 0));
    // Unpaced, ten pages at once cross the limit; the 429s are waited out and retried.
    let (requests, violations) = list_under_a_tight_limit(None).await;
    assert!(violations > 0, "no 429 without pacing");
    assert_eq!(requests, 10 + violations as usize);
}

#[test]
fn pacing_defaults_to_pagerduty_documented_limit() {
    assert_eq!(RateLimit::default(), RateLimit::PAGERDUTY_REST);
    assert_eq!(RateLimit::PAGERDUTY_REST.requests(), 960);
    assert_eq!(RateLimit::PAGERDUTY_REST.per(), Duration::from_secs(60));
    assert_eq!(RateLimit::new(0, Duration::from_secs(1)).requests(), 1);
}
