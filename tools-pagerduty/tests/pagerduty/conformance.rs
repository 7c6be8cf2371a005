//! Spec conformance: every request the tools send (method, path template, query
//! parameter names with their `[]` suffixes, required headers such as `From`) exists
//! in PagerDuty's REST OpenAPI, and the sandbox's answers match the operations'
//! response schemas. The fixture is extracted from the OpenAPI by
//! `tests/fixtures/extract_openapi.py`.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_with};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::{Sandbox, routing_key};

/// Fields PagerDuty really sends as `null` although the OpenAPI does not mark them
/// nullable: an open incident (no priority, resolve reason, resolved_at), and a permanent
/// on-call (no schedule, start or end).
const SPEC_ERRATA: &[&str] = &[
    "/priority",
    "/resolve_reason",
    "/resolved_at",
    "/schedule",
    "/start",
    "/end",
];

fn spec() -> Value {
    serde_json::from_str(include_str!("../fixtures/pagerduty-operations.json")).unwrap()
}

fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.trim_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_matches('/').split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// Runs every tool once (the writes on their own incidents).
async fn scenario(sb: &Sandbox) {
    for (tool, args) in [
        (
            "ListIncidents",
            json!({"status": "triggered", "urgency": "high", "service_ids": ["PSVC001"], "team_ids": ["PTEAM01"], "since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z"}),
        ),
        ("GetIncident", json!({"incident_id": "PINC001"})),
        (
            "ListLogEntries",
            json!({"team_ids": ["PTEAM01"], "since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z", "time_zone": "UTC"}),
        ),
        ("GetIncidentTimeline", json!({"incident_id": "PINC001"})),
        ("ListIncidentNotes", json!({"incident_id": "PINC002"})),
        (
            "ListIncidentAlerts",
            json!({"incident_id": "PINC001", "status": "resolved"}),
        ),
        (
            "ListOncalls",
            json!({"team_ids": ["PTEAM01"], "schedule_ids": ["PSCH001"], "since": "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z"}),
        ),
        (
            "WhoIsOnCall",
            json!({"service_id": "PSVC001", "team_id": "PTEAM02"}),
        ),
        ("ListSchedules", json!({"time_zone": "UTC"})),
        ("ListServices", json!({"query": "api"})),
        ("GetService", json!({"service_id": "PSVC001"})),
        ("ListTeams", json!({})),
        ("GetTeam", json!({"team_id": "PTEAM01"})),
        ("ListEscalationPolicies", json!({})),
        (
            "GetEscalationPolicy",
            json!({"escalation_policy_id": "PEP0001"}),
        ),
        ("ListUsers", json!({})),
        ("SearchUsers", json!({"query": "carla"})),
        ("Whoami", json!({})),
        ("ListPriorities", json!({})),
        ("AcknowledgeIncidents", json!({"incident_ids": ["PINC025"]})),
        (
            "SnoozeIncident",
            json!({"incident_id": "PINC025", "duration_minutes": 60}),
        ),
        (
            "ResolveIncidents",
            json!({"incident_ids": ["PINC025"], "resolution": "fixed"}),
        ),
        (
            "ReassignIncidents",
            json!({"incident_ids": ["PINC026"], "user_ids": ["PUSR002"]}),
        ),
        (
            "ReassignIncidents",
            json!({"incident_ids": ["PINC026"], "escalation_policy_id": "PEP0001"}),
        ),
        (
            "UpdateIncident",
            json!({"incident_id": "PINC027", "urgency": "low", "priority_id": "PPRI002", "escalation_level": 2}),
        ),
        (
            "CreateIncident",
            json!({"title": "Spec check", "service_id": "PSVC002", "details": "d", "incident_key": "spec-1", "priority_id": "PPRI001", "escalation_policy_id": "PEP0001"}),
        ),
        (
            "CreateIncident",
            json!({"title": "Spec check 2", "service_id": "PSVC002", "assignee_user_ids": ["PUSR002"]}),
        ),
        (
            "AddIncidentNote",
            json!({"incident_id": "PINC028", "content": "note"}),
        ),
        (
            "AddResponders",
            json!({"incident_id": "PINC029", "message": "join", "user_ids": ["PUSR006"], "escalation_policy_ids": ["PEP0003"]}),
        ),
        (
            "CreateMaintenanceWindow",
            json!({"service_ids": ["PSVC004"], "start_time": "2030-01-01T00:00:00Z", "end_time": "2030-01-01T02:00:00Z", "description": "upgrade"}),
        ),
        (
            "ListMaintenanceWindows",
            json!({"service_ids": ["PSVC004"], "filter": "all"}),
        ),
        (
            "ListIncidentChangeEvents",
            json!({"incident_id": "PINC030"}),
        ),
        (
            "CreateStatusUpdate",
            json!({"incident_id": "PINC030", "message": "update"}),
        ),
        (
            "GetSchedule",
            json!({"schedule_id": "PSCH002", "time_zone": "UTC"}),
        ),
        (
            "CreateScheduleOverride",
            json!({"schedule_id": "PSCH002", "user_id": "PUSR004", "start": "2030-01-01T00:00:00Z", "end": "2030-01-02T00:00:00Z"}),
        ),
    ] {
        call(sb, tool, args).await;
    }
    for (tool, args) in [
        (
            "ListChangeEvents",
            json!({"since": "2000-01-01T00:00:00Z", "team_ids": ["PTEAM01"], "integration_ids": ["PINTCI1"], "limit": 3, "offset": 1}),
        ),
        (
            "GetIncidentMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}),
        ),
        (
            "GetIncidentMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "scope": "teams", "urgency": "high", "aggregate_unit": "week"}),
        ),
        (
            "GetIncidentMetrics",
            json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z", "scope": "services", "service_ids": ["PSVC001"]}),
        ),
        (
            "EscalateIncident",
            json!({"incident_id": "PINC030", "escalation_level": 1}),
        ),
        (
            "MergeIncidents",
            json!({"target_incident_id": "PINC029", "source_incident_ids": ["PINC028"]}),
        ),
        ("GetRelatedIncidents", json!({"incident_id": "PINC026"})),
        (
            "GetPastIncidents",
            json!({"incident_id": "PINC030", "limit": 3}),
        ),
        (
            "ListIncidentWorkflows",
            json!({"query": "incident", "limit": 2, "offset": 0}),
        ),
        (
            "StartIncidentWorkflow",
            json!({"workflow_id": "PIWF002", "incident_id": "PINC024"}),
        ),
    ] {
        call(sb, tool, args).await;
    }
    let mut ctx = sb.context("t", TokenKind::OAuth2);
    ctx.set_secret("PAGERDUTY_ROUTING_KEY", routing_key("PSVC001"));
    for (tool, args) in [
        (
            "SendEvent",
            json!({"action": "trigger", "summary": "s", "source": "h", "severity": "info", "dedup_key": "k1", "component": "c", "group": "g", "class": "cl", "custom_details": {"a": 1}}),
        ),
        (
            "SendEvent",
            json!({"action": "acknowledge", "dedup_key": "k1"}),
        ),
        (
            "SendChangeEvent",
            json!({"summary": "deploy", "source": "ci", "custom_details": {"v": "1"}}),
        ),
    ] {
        let out = call_with(tool, args, ctx.clone()).await;
        assert!(out["error"].is_null(), "{tool}: {out}");
    }
}

#[tokio::test]
async fn every_request_is_in_the_openapi_and_every_answer_matches_it() {
    let sb = Sandbox::start().await;
    scenario(&sb).await;
    let spec = spec();
    let ops = spec.as_object().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    let mut validated = 0;
    let mut requests_validated = 0;
    for req in sb.requests() {
        if req.path.starts_with("/v2/") {
            // Events API v2: the routing key is the credential, never a header.
            assert!(req.header("authorization").is_none());
        }
        let Some((key, op)) = ops.iter().find(|(k, _)| {
            let (m, t) = k.split_once(' ').unwrap();
            m == req.method && matches_template(t, &req.path)
        }) else {
            problems.push(format!("{} {}: no such operation", req.method, req.path));
            continue;
        };
        seen.insert(key.clone());
        let params = op["parameters"].as_array().unwrap();
        for (name, _) in &req.query {
            if !params
                .iter()
                .any(|p| p["in"] == "query" && p["name"] == *name)
            {
                problems.push(format!(
                    "{key}: query parameter `{name}` is not in the spec"
                ));
            }
        }
        for p in params
            .iter()
            .filter(|p| p["in"] == "header" && p["required"] == true)
        {
            let name = p["name"].as_str().unwrap();
            if req.header(name).is_none() {
                problems.push(format!("{key}: required header `{name}` missing"));
            }
        }
        if !req.path.starts_with("/v2/")
            && req.header("accept") != Some("application/vnd.pagerduty+json;version=2")
        {
            problems.push(format!("{key}: wrong Accept"));
        }
        match (op["request"].is_object(), &req.body) {
            (true, Some(body)) => {
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft4)
                    .build(&op["request"])
                    .unwrap_or_else(|e| panic!("{key}: bad request schema: {e}"));
                for e in validator.iter_errors(body).take(3) {
                    problems.push(format!(
                        "{key}: request body does not match the schema at {}: {e}",
                        e.instance_path()
                    ));
                }
                requests_validated += 1;
            }
            (true, None) => problems.push(format!("{key}: request without a body")),
            (false, Some(_)) => problems.push(format!("{key}: unexpected request body")),
            (false, None) => {}
        }
        if let (Some(resp), Some(body)) = (op["response"].as_object(), &req.response_body())
            && req.response_status == resp["status"].as_u64().unwrap() as u16
        {
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .build(&resp["schema"])
                .unwrap_or_else(|e| panic!("{key}: bad schema: {e}"));
            for e in validator.iter_errors(body).take(3) {
                let at = e.instance_path().to_string();
                if body.pointer(&at).is_some_and(Value::is_null)
                    && SPEC_ERRATA.iter().any(|f| at.ends_with(f))
                {
                    continue;
                }
                // `include[]` expands references into full objects, which the
                // OpenAPI does not model.
                if req.query.iter().any(|(k, _)| k == "include[]")
                    && (at.contains("/contact_methods/") || at.contains("/notification_rules/"))
                {
                    continue;
                }
                problems.push(format!(
                    "{key}: response does not match the schema at {}: {e}",
                    e.instance_path()
                ));
            }
            validated += 1;
        } else if !(200..300).contains(&req.response_status) {
            problems.push(format!("{key}: sandbox answered {}", req.response_status));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Every operation in the fixture was exercised.
    let missing: Vec<&String> = ops.keys().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing.iter().all(|k| k.as_str() == "GET /users/{id}"),
        "not exercised: {missing:?}"
    );
    assert!(validated > 20);
    assert!(
        requests_validated >= 12,
        "{requests_validated} request bodies validated"
    );
}

#[test]
fn fixture_scopes_match_tool_requirements() {
    // Reads use operations whose Scoped-OAuth scope ends in `.read`, writes `.write`.
    let spec = spec();
    for (key, op) in spec.as_object().unwrap() {
        if key.contains(" /v2/") {
            continue; // Events API: authorized by the routing key.
        }
        let scope = op["scope"].as_str().unwrap_or("");
        let method = key.split_once(' ').unwrap().0;
        if method == "GET" {
            assert!(
                scope.is_empty() || scope.ends_with(".read"),
                "{key}: {scope}"
            );
        } else {
            assert!(scope.ends_with(".write"), "{key}: {scope}");
        }
        let path = key.split_once(' ').unwrap().1;
        if !scope.is_empty() {
            assert_eq!(
                tools_pagerduty::client::required_scope(method, path),
                Some(scope),
                "{key}"
            );
        }
    }
}
