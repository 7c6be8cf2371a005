//! `pagerduty://incidents/{id}`, `pagerduty://services/{id}` and
//! `pagerduty://schedules/{id}` over MCP against the sandbox: the Get tools' JSON, read
//! with the server's PagerDuty token; not found and no token as clear errors.

use std::sync::Arc;

use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::mcp;
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

use crate::common::call;

fn options(sb: &Sandbox, token: Option<&str>) -> McpOptions {
    let mut env = LocalEnvironment::from_vars(token.map(|t| ("PAGERDUTY_ACCESS_TOKEN", t)))
        .with_metadata("PAGERDUTY_BASE_URL", sb.base_url());
    env = env.with_metadata("PAGERDUTY_EVENTS_URL", sb.events_url());
    McpOptions::new("pd", "1").with_environment(Arc::new(env))
}

fn json_text(read: &Value) -> Value {
    assert_eq!(
        read["contents"][0]["mimeType"], "application/json",
        "{read}"
    );
    let text = read["contents"][0]["text"].as_str().unwrap();
    assert!(!text.contains('\n'), "compact JSON: {text}");
    serde_json::from_str(text).unwrap()
}

#[tokio::test]
async fn incidents_services_and_schedules_are_resources() {
    let sb = Sandbox::start().await;
    let client = mcp::connect(tools_pagerduty::toolkit(), options(&sb, Some("tok"))).await;
    let templates = client.list_resource_templates().await.unwrap();
    let uris: Vec<&str> = templates
        .iter()
        .map(|t| t["uriTemplate"].as_str().unwrap())
        .collect();
    for uri in [
        "pagerduty://incidents/{id}",
        "pagerduty://services/{id}",
        "pagerduty://schedules/{id}",
    ] {
        assert!(uris.contains(&uri), "{uris:?}");
    }

    let incident = client
        .read_resource("pagerduty://incidents/PINC025")
        .await
        .unwrap();
    assert_eq!(
        incident["contents"][0]["uri"],
        "pagerduty://incidents/PINC025"
    );
    let expected = call(&sb, "GetIncident", json!({"incident_id": "PINC025"})).await;
    assert_eq!(json_text(&incident), expected);

    let service = client
        .read_resource("pagerduty://services/PSVC004")
        .await
        .unwrap();
    let expected = call(&sb, "GetService", json!({"service_id": "PSVC004"})).await;
    assert_eq!(json_text(&service), expected);

    let schedule = client
        .read_resource("pagerduty://schedules/PSCH002")
        .await
        .unwrap();
    let schedule = json_text(&schedule);
    assert_eq!(schedule["id"], "PSCH002", "{schedule}");
    assert!(schedule["on_call"].is_array(), "{schedule}");

    // The reads went to PagerDuty with the token.
    let auth: Vec<Option<String>> = sb
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/incidents/PINC025"))
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(
        auth.iter().all(|a| a.as_deref() == Some("Bearer tok")),
        "{auth:?}"
    );

    // Unknown: the URI not found (-32002 before 2026-07-28); a bad ID: invalid params.
    let missing = client
        .read_resource("pagerduty://incidents/PNOPE99")
        .await
        .unwrap_err();
    assert_eq!(missing.code, -32002, "{missing:?}");
    assert_eq!(
        missing.data.unwrap()["uri"],
        "pagerduty://incidents/PNOPE99"
    );
    let bad = client
        .read_resource("pagerduty://services/a%2Fb")
        .await
        .unwrap_err();
    assert_eq!(bad.code, -32602, "{bad:?}");
}

#[tokio::test]
async fn without_a_token_the_read_says_what_is_missing() {
    let sb = Sandbox::start().await;
    let client = mcp::connect(tools_pagerduty::toolkit(), options(&sb, None)).await;
    let error = client
        .read_resource("pagerduty://incidents/PINC025")
        .await
        .unwrap_err();
    assert_eq!(error.code, -32603, "{error:?}");
    assert!(
        error.message.to_lowercase().contains("pagerduty"),
        "{error:?}"
    );
    assert_eq!(
        error.data.unwrap()["errorKind"],
        "TOOL_REQUIREMENTS_NOT_MET"
    );
    assert!(
        sb.requests()
            .iter()
            .all(|r| !r.path.starts_with("/incidents")),
        "nothing was sent to PagerDuty"
    );
}
