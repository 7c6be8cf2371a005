//! The reads that close the gap to PagerDuty's own MCP server: outlier incidents, a
//! service's change events and responder metrics, against the sandbox: values, real
//! pagination, filters, bad input and PagerDuty's errors.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_err};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

const SINCE: &str = "2000-01-01T00:00:00Z";
const UNTIL: &str = "2100-01-01T00:00:00Z";

/// Creates an incident on PSVC005 and returns its ID.
async fn created(sb: &Sandbox, title: &str) -> String {
    let v = call(
        sb,
        "CreateIncident",
        json!({"title": title, "service_id": "PSVC005"}),
    )
    .await;
    v["incident"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_incident_of_a_new_kind_is_an_outlier_and_a_repeated_one_is_not() {
    let sb = Sandbox::start().await;
    let new = created(&sb, "Never seen: flux capacitor 88 overheating").await;
    let v = call(&sb, "GetOutlierIncident", json!({"incident_id": new})).await;
    assert_eq!(v["incident_id"], new);
    assert_eq!(v["category"], "outlier");
    assert_eq!(v["occurrences"], 1);
    assert_eq!(
        v["pattern"], "Never seen: flux capacitor <*> overheating",
        "digits are what varies"
    );
    assert!(v["frequency"].as_f64().unwrap() > 0.0);
    assert!(v["since"].as_str().unwrap() < v["until"].as_str().unwrap());

    // The same kind again (other digits): no longer an outlier; with most of the
    // service's incidents of that kind, frequent.
    let mut last = String::new();
    for n in 0..30 {
        last = created(&sb, &format!("Never seen: flux capacitor {n} overheating")).await;
    }
    let v = call(&sb, "GetOutlierIncident", json!({"incident_id": last})).await;
    assert_eq!(v["occurrences"], 31);
    assert_eq!(v["category"], "frequent");
    let request = sb
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("/outlier_incident"))
        .unwrap();
    assert!(request.query.is_empty(), "{:?}", request.query);

    // A period that starts after the incidents leaves only the asked one: an outlier.
    let v = call(
        &sb,
        "GetOutlierIncident",
        json!({"incident_id": last, "since": "2099-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(v["category"], "outlier");
    assert_eq!(v["since"], "2099-01-01T00:00:00Z");

    let ctx = sb.context("t", TokenKind::OAuth2);
    let err = call_err(
        "GetOutlierIncident",
        json!({"incident_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    let err = call_err(
        "GetOutlierIncident",
        json!({"incident_id": "PINC001", "since": "last week"}),
        ctx,
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

#[tokio::test]
async fn a_service_change_events_page_through_the_service_path() {
    let sb = Sandbox::start().await;
    let first = call(
        &sb,
        "ListChangeEvents",
        json!({"service_id": "PSVC002", "limit": 5}),
    )
    .await;
    let events = first["change_events"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    assert!(
        events.iter().all(|c| c["services"][0]["id"] == "PSVC002"),
        "{first}"
    );
    assert_eq!(first["more"], true);
    assert_eq!(first["next_offset"], 5);
    let last = call(
        &sb,
        "ListChangeEvents",
        json!({"service_id": "PSVC002", "limit": 5, "offset": 10}),
    )
    .await;
    assert_eq!(last["change_events"].as_array().unwrap().len(), 2);
    assert_eq!(last["more"], false);
    assert!(last["next_offset"].is_null());
    let paths: Vec<String> = sb.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.iter().all(|p| p == "/services/PSVC002/change_events"));

    // Newest first, and the time filter applies on the service path too.
    let all = call(
        &sb,
        "ListChangeEvents",
        json!({"service_id": "PSVC002", "limit": 50}),
    )
    .await;
    let times: Vec<&str> = all["change_events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["timestamp"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    let recent = call(
        &sb,
        "ListChangeEvents",
        json!({"service_id": "PSVC002", "since": times[3], "limit": 50}),
    )
    .await;
    assert_eq!(recent["change_events"].as_array().unwrap().len(), 4);

    let ctx = sb.context("t", TokenKind::OAuth2);
    let err = call_err(
        "ListChangeEvents",
        json!({"service_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    let err = call_err("ListChangeEvents", json!({"service_id": "../x"}), ctx).await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

fn row<'a>(rows: &'a Value, user: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["responder_id"] == user)
        .unwrap_or_else(|| panic!("no row for {user}: {rows}"))
}

#[tokio::test]
async fn responder_metrics_count_each_responders_incidents_and_split_by_team() {
    let sb = Sandbox::start().await;
    let all = call(
        &sb,
        "GetResponderMetrics",
        json!({"since": SINCE, "until": UNTIL}),
    )
    .await;
    let rows = &all["rows"];
    assert!(rows.as_array().unwrap().len() >= 3, "{all}");
    // Most interrupted first, and the interruptions split into business and off hours.
    let interruptions: Vec<u64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["total_interruptions"].as_u64().unwrap())
        .collect();
    assert!(interruptions.windows(2).all(|w| w[0] >= w[1]));
    for r in rows.as_array().unwrap() {
        assert_eq!(
            r["total_business_hour_interruptions"].as_u64().unwrap()
                + r["total_off_hour_interruptions"].as_u64().unwrap(),
            r["total_interruptions"].as_u64().unwrap(),
            "{r}"
        );
        assert!(r["responder_name"].is_string());
        assert!(r.get("team_id").is_none());
    }

    // A new incident assigned to a user counts for that user.
    let alice_before = row(rows, "PUSR001")["total_incident_count"]
        .as_u64()
        .unwrap();
    common::harness(&sb)
        .call(
            "CreateIncident",
            json!({"title": "Metrics check", "service_id": "PSVC002", "assignee_user_ids": ["PUSR001"]}),
        )
        .await
        .assert_success();
    let after = call(
        &sb,
        "GetResponderMetrics",
        json!({"since": SINCE, "until": UNTIL, "responder_ids": ["PUSR001"]}),
    )
    .await;
    assert_eq!(ids_of(&after["rows"]), ["PUSR001"]);
    assert_eq!(
        after["rows"][0]["total_incident_count"],
        alice_before + 1,
        "{after}"
    );

    // Per team: one row per responder and team, only the teams asked for.
    let teams = call(
        &sb,
        "GetResponderMetrics",
        json!({"since": SINCE, "until": UNTIL, "by_team": true, "team_ids": ["PTEAM01"]}),
    )
    .await;
    let team_rows = teams["rows"].as_array().unwrap();
    assert!(!team_rows.is_empty());
    assert!(
        team_rows.iter().all(|r| r["team_id"] == "PTEAM01"),
        "{teams}"
    );
    assert!(team_rows.iter().all(|r| r["team_name"].is_string()));
    let sent = sb
        .requests()
        .into_iter()
        .rfind(|r| r.path.starts_with("/analytics"))
        .unwrap();
    assert_eq!(sent.path, "/analytics/metrics/responders/teams");
    let body = sent.body.unwrap();
    assert_eq!(body["filters"]["team_ids"], json!(["PTEAM01"]));
    assert_eq!(body["filters"]["date_range_start"], SINCE);

    // A range with no incidents: the responders, with nothing counted.
    let empty = call(
        &sb,
        "GetResponderMetrics",
        json!({"since": "2099-01-01T00:00:00Z", "until": UNTIL, "urgency": "high"}),
    )
    .await;
    assert!(
        empty["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["total_incident_count"] == 0)
    );

    let ctx = sb.context("t", TokenKind::OAuth2);
    for args in [
        json!({"since": UNTIL, "until": SINCE}),
        json!({"since": "yesterday", "until": UNTIL}),
        json!({"since": SINCE, "until": UNTIL, "responder_ids": ["a/b"]}),
    ] {
        let err = call_err("GetResponderMetrics", args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{err}");
    }
}

fn ids_of(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r["responder_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_breadth_reads_map_pagerduty_errors() {
    super::errors_are_mapped(&[
        (
            "GetOutlierIncident",
            json!({"incident_id": "PINC001"}),
            None,
            "incidents.read",
        ),
        (
            "ListChangeEvents",
            json!({"service_id": "PSVC001"}),
            None,
            "services.read",
        ),
        (
            "GetResponderMetrics",
            json!({"since": SINCE, "until": UNTIL}),
            None,
            "analytics.write",
        ),
    ])
    .await;
}
