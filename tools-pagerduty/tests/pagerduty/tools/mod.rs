//! Every tool through the full path (JSON arguments in, the tool's JSON out, via the
//! TDK's test harness, or `executor::execute` with a hand-made context) against the
//! sandbox: the toolkit's shape here, reads and writes in their modules.

mod areas;
mod breadth;
mod breadth_writes;
mod config_writes;
mod reads;
mod resources;
mod responder;
mod schedule_writes;
mod shift_schedule_writes;
mod shift_schedules;
mod writes;

use crate::common;

use arcade_tdk::TokenKind;
use common::{call_err, call_with};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::{Fault, Sandbox};

/// Each call `(tool, arguments, path prefix, scope)` with PagerDuty answering 400,
/// 401, 403, 404 and 429 on the paths under the prefix (every path with `None`): each
/// ends with the error of the right kind, a 403 names the scope, a 429 can be retried.
pub(super) async fn errors_are_mapped(calls: &[(&str, Value, Option<&str>, &str)]) {
    for (tool, args, prefix, scope) in calls {
        for (status, fault) in [
            (
                400,
                Fault::Status {
                    times: u32::MAX,
                    status: 400,
                    message: "Invalid Input Provided".into(),
                    code: 2001,
                },
            ),
            (401, Fault::unauthorized()),
            (403, Fault::forbidden()),
            (404, Fault::not_found()),
            (
                429,
                Fault::RateLimit {
                    times: u32::MAX,
                    reset_secs: 0,
                },
            ),
        ] {
            let sb = Sandbox::start().await;
            sb.inject_on(*prefix, fault);
            let err = call_err(tool, args.clone(), sb.context("t", TokenKind::OAuth2)).await;
            assert_eq!(err["status_code"], status, "{tool} {status}: {err}");
            let kind = err["kind"].as_str().unwrap();
            let expected = match status {
                400 => "UPSTREAM_RUNTIME_BAD_REQUEST",
                401 => "UPSTREAM_RUNTIME_AUTH_ERROR",
                403 => "UPSTREAM_RUNTIME_AUTH_ERROR",
                404 => "UPSTREAM_RUNTIME_NOT_FOUND",
                _ => "UPSTREAM_RUNTIME_RATE_LIMIT",
            };
            assert_eq!(kind, expected, "{tool} {status}: {err}");
            if status == 403 {
                let hint = err["additional_prompt_content"].as_str().unwrap();
                assert!(hint.contains(scope), "{tool}: {hint}");
            }
            if status == 429 {
                assert_eq!(err["can_retry"], true, "{tool}");
            }
        }
    }
}

#[tokio::test]
async fn toolkit_has_parity_names_and_read_only_subset() {
    let catalog = common::catalog();
    for name in [
        "ListIncidents",
        "GetIncident",
        "ListLogEntries",
        "ListOncalls",
        "ListSchedules",
        "ListServices",
        "GetService",
        "ListTeams",
        "GetTeam",
        "ListEscalationPolicies",
        "GetEscalationPolicy",
        "ListUsers",
        "SearchUsers",
        "Whoami",
    ] {
        let entry = catalog
            .get(&format!("PagerDuty.{name}"))
            .unwrap_or_else(|| panic!("missing {name}"));
        assert!(entry.tool().spec().is_read_only(), "{name} is read-only");
    }
    let read_only = arcade_tdk::Catalog::new(tools_pagerduty::read_only_toolkit()).unwrap();
    assert!(read_only.get("PagerDuty.AcknowledgeIncidents").is_none());
    assert!(read_only.get("PagerDuty.ListIncidents").is_some());
    assert_eq!(read_only.len(), 45);
    assert_eq!(catalog.len(), 90);
    for name in [
        "GetRelatedIncidents",
        "GetPastIncidents",
        "ListIncidentWorkflows",
    ] {
        assert!(
            read_only.get(&format!("PagerDuty.{name}")).is_some(),
            "{name}"
        );
    }
    let start = catalog.get("PagerDuty.StartIncidentWorkflow").unwrap();
    let spec = start.tool().spec();
    assert!(!spec.is_read_only());
    assert!(read_only.get("PagerDuty.StartIncidentWorkflow").is_none());
}

#[tokio::test]
async fn parity_parameters_match_arcade() {
    let reference: serde_json::Value =
        serde_json::from_str(include_str!("../../fixtures/arcade-parity-params.json")).unwrap();
    let catalog = common::catalog();
    for (name, params) in reference.as_object().unwrap() {
        let entry = catalog.get(&format!("PagerDuty.{name}")).unwrap();
        let ours: Vec<(String, bool)> = entry
            .definition()
            .input
            .parameters
            .iter()
            .map(|p| (p.name.clone(), p.required))
            .collect();
        let theirs: Vec<(String, bool)> = params
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_bool().unwrap()))
            .collect();
        assert_eq!(ours, theirs, "{name} parameters");
    }
}

#[tokio::test]
async fn from_header_for_api_keys() {
    let sb = Sandbox::start().await;
    // An account-level key has no user, and nothing is configured: context required.
    let ctx = sb.context("acct-key", TokenKind::ApiKey);
    let err = call_err(
        "AcknowledgeIncidents",
        json!({"incident_ids": ["PINC030"]}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_CONTEXT_REQUIRED");
    assert!(err["message"].as_str().unwrap().contains("From"));
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("PAGERDUTY_FROM_EMAIL")
    );

    let mut ctx = ctx;
    ctx.set_secret("PAGERDUTY_FROM_EMAIL", "bob@example.com");
    let out = call_with(
        "AcknowledgeIncidents",
        json!({"incident_ids": ["PINC030"]}),
        ctx,
    )
    .await;
    assert!(out["error"].is_null(), "{out}");
    assert_eq!(
        out["value"]["incidents"][0]["acknowledged_by"][0]["id"],
        "PUSR002"
    );
    let put = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.header("from"), Some("bob@example.com"));
    assert_eq!(put.header("authorization"), Some("Token token=acct-key"));

    // An account-level OAuth token (client credentials) falls back to the configured
    // email too.
    let sb = Sandbox::start().await;
    let mut ctx = sb.context("acct-oauth", TokenKind::OAuth2);
    ctx.set_metadata("PAGERDUTY_FROM_EMAIL", "carla@example.com");
    let out = call_with(
        "AddIncidentNote",
        json!({"incident_id": "PINC030", "content": "x"}),
        ctx,
    )
    .await;
    assert!(out["error"].is_null(), "{out}");
    assert_eq!(out["value"]["note"]["author"]["id"], "PUSR003");
}

#[tokio::test]
async fn override_needs_no_from_header() {
    let sb = Sandbox::start().await;
    let out = call_with(
        "CreateScheduleOverride",
        json!({"schedule_id": "PSCH003", "user_id": "PUSR005", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}),
        sb.context("acct-key", TokenKind::ApiKey),
    )
    .await;
    assert!(out["error"].is_null(), "{out}");
    let post = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert!(post.header("from").is_none());
}

#[test]
fn schemas_are_flat_and_small() {
    let catalog = common::catalog();
    let mut total = 0;
    for entry in catalog.entries() {
        let spec = entry.tool().spec();
        let input = serde_json::to_string(spec.input_schema()).unwrap();
        assert!(
            !input.contains("$ref"),
            "{}: $ref in input schema",
            spec.name()
        );
        assert!(!spec.description().is_empty());
        total += input.len();
        if let Some(output) = spec.output_schema() {
            let output = serde_json::to_string(output).unwrap();
            assert!(
                !output.contains("$ref"),
                "{}: $ref in output schema",
                spec.name()
            );
        }
    }
    eprintln!("input schemas: {total} bytes for {} tools", catalog.len());
    // An average per tool, so that adding tools does not move the bound (it was a
    // total of 40,000 bytes when there were 77 tools, 495 a tool).
    let average = total / catalog.len();
    assert!(average <= 520, "{average} bytes a tool ({total} in all)");
}
