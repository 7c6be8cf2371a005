//! The write tools against the sandbox: the state they change, and their errors.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_err, call_with, ids, none};
use serde_json::json;
use tools_pagerduty::sandbox::{Fault, Sandbox, routing_key};

#[tokio::test]
async fn acknowledge_resolve_and_state_sticks() {
    let sb = Sandbox::start().await;
    let v = call(
        &sb,
        "AcknowledgeIncidents",
        json!({"incident_ids": ["PINC025", "PINC026"]}),
    )
    .await;
    assert_eq!(v["incidents"][0]["status"], "acknowledged");
    assert_eq!(v["incidents"][0]["acknowledged_by"][0]["id"], "PUSR001");
    let put = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.header("from"), Some("alice@example.com"));
    assert_eq!(
        put.body.unwrap()["incidents"][0]["type"],
        "incident_reference"
    );

    let acked = call(
        &sb,
        "ListIncidents",
        json!({"status": "acknowledged", "limit": 50}),
    )
    .await;
    assert!(ids(&acked["incidents"]).contains(&"PINC025".to_owned()));

    let r = call(
        &sb,
        "ResolveIncidents",
        json!({"incident_ids": ["PINC025"], "resolution": "Rolled back deploy 42"}),
    )
    .await;
    assert_eq!(r["incidents"][0]["status"], "resolved");
    let t = call(
        &sb,
        "GetIncidentTimeline",
        json!({"incident_id": "PINC025"}),
    )
    .await;
    assert_eq!(t["log_entries"][0]["kind"], "resolve");
    assert_eq!(t["log_entries"][0]["note"], "Rolled back deploy 42");

    // /users/me was asked once for the From email, then cached.
    call(
        &sb,
        "AcknowledgeIncidents",
        json!({"incident_ids": ["PINC027"]}),
    )
    .await;
    let me_calls = sb
        .requests()
        .iter()
        .filter(|r| r.path == "/users/me")
        .count();
    assert_eq!(me_calls, 1);
}

#[tokio::test]
async fn reassign_snooze_update() {
    let sb = Sandbox::start().await;
    let v = call(
        &sb,
        "ReassignIncidents",
        json!({"incident_ids": ["PINC027"], "user_ids": ["PUSR002"]}),
    )
    .await;
    assert_eq!(ids(&v["incidents"][0]["assignees"]), ["PUSR002"]);
    let ctx = sb.context("tok", TokenKind::OAuth2);
    let err = call_err(
        "ReassignIncidents",
        json!({"incident_ids": ["PINC027"], "user_ids": ["PUSR002"], "escalation_policy_id": "PEP0001"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
    let ep = call(
        &sb,
        "ReassignIncidents",
        json!({"incident_ids": ["PINC027"], "escalation_policy_id": "PEP0002"}),
    )
    .await;
    assert_eq!(ep["incidents"][0]["escalation_policy"]["id"], "PEP0002");

    // Only acknowledged incidents can be snoozed.
    let err = call_err(
        "SnoozeIncident",
        json!({"incident_id": "PINC030", "duration_minutes": 30}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 400);
    assert!(err["message"].as_str().unwrap().contains("acknowledged"));
    let s = call(
        &sb,
        "SnoozeIncident",
        json!({"incident_id": "PINC020", "duration_minutes": 30}),
    )
    .await;
    assert_eq!(s["incident"]["id"], "PINC020");
    let snooze = sb.requests().into_iter().last().unwrap();
    assert_eq!(snooze.body.unwrap()["duration"], 1800);

    let u = call(
        &sb,
        "UpdateIncident",
        json!({"incident_id": "PINC028", "urgency": "low", "priority_id": "PPRI001", "title": "Renamed"}),
    )
    .await;
    assert_eq!(u["incident"]["urgency"], "low");
    assert_eq!(u["incident"]["priority"], "P1");
    assert_eq!(u["incident"]["title"], "Renamed");
    let e = call(
        &sb,
        "UpdateIncident",
        json!({"incident_id": "PINC029", "escalation_level": 2}),
    )
    .await;
    assert_eq!(ids(&e["incident"]["assignees"]), ["PUSR003"]);
}

#[tokio::test]
async fn create_incident_and_notes() {
    let sb = Sandbox::start().await;
    let v = call(
        &sb,
        "CreateIncident",
        json!({"title": "Checkout is down", "service_id": "PSVC001", "urgency": "high",
               "details": "500s since 10:02", "incident_key": "checkout-down"}),
    )
    .await;
    let inc = &v["incident"];
    assert_eq!(inc["status"], "triggered");
    assert_eq!(inc["number"], 31);
    assert_eq!(inc["assignees"][0]["id"], "PUSR001");
    let id = inc["id"].as_str().unwrap().to_owned();
    assert_eq!(
        sb.incident_body(&id).unwrap()["details"],
        "500s since 10:02"
    );

    let dup = call_err(
        "CreateIncident",
        json!({"title": "again", "service_id": "PSVC001", "incident_key": "checkout-down"}),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert!(dup["message"].as_str().unwrap().contains("already exists"));

    let n = call(
        &sb,
        "AddIncidentNote",
        json!({"incident_id": id, "content": "Rolling back"}),
    )
    .await;
    assert_eq!(n["note"]["content"], "Rolling back");
    assert_eq!(n["note"]["author"]["id"], "PUSR001");
    let notes = call(&sb, "ListIncidentNotes", json!({"incident_id": id})).await;
    assert_eq!(notes["notes"][0]["content"], "Rolling back");
}

#[tokio::test]
async fn events_api() {
    let sb = Sandbox::start().await;
    let mut ctx = sb.context("unused", TokenKind::OAuth2);
    ctx.set_secret("PAGERDUTY_ROUTING_KEY", routing_key("PSVC005"));
    let out = call_with(
        "SendEvent",
        json!({"action": "trigger", "summary": "Disk full on etl-1", "source": "etl-1",
               "severity": "critical", "custom_details": {"free": "0%"}}),
        ctx.clone(),
    )
    .await;
    assert!(out["error"].is_null(), "{out}");
    let dedup = out["value"]["dedup_key"].as_str().unwrap().to_owned();
    assert_eq!(out["value"]["status"], "success");
    let open = call(
        &sb,
        "ListIncidents",
        json!({"service_ids": ["PSVC005"], "status": "triggered"}),
    )
    .await;
    assert_eq!(open["incidents"][0]["title"], "Disk full on etl-1");
    assert_eq!(open["incidents"][0]["incident_key"], dedup);
    let req = sb
        .requests()
        .into_iter()
        .find(|r| r.path == "/v2/enqueue")
        .unwrap();
    assert!(
        req.header("authorization").is_none(),
        "no credential on the Events API"
    );

    let err = call_err("SendEvent", json!({"action": "resolve"}), ctx.clone()).await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
    let out = call_with(
        "SendEvent",
        json!({"action": "resolve", "dedup_key": dedup}),
        ctx.clone(),
    )
    .await;
    assert!(out["error"].is_null(), "{out}");
    let resolved = call(
        &sb,
        "ListIncidents",
        json!({"service_ids": ["PSVC005"], "limit": 1}),
    )
    .await;
    assert_eq!(resolved["incidents"][0]["status"], "resolved");

    let out = call_with(
        "SendChangeEvent",
        json!({"summary": "Deployed etl v2.3", "source": "deploy-bot"}),
        ctx,
    )
    .await;
    assert!(out["error"].is_null(), "{out}");
    assert_eq!(sb.events().len(), 3);

    // A wrong routing key is PagerDuty's 400, not retried.
    let mut bad = sb.context("unused", TokenKind::OAuth2);
    bad.set_secret("PAGERDUTY_ROUTING_KEY", "x".repeat(32));
    let err = call_err("SendChangeEvent", json!({"summary": "x"}), bad).await;
    assert_eq!(err["status_code"], 400);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Invalid routing key")
    );
}

#[tokio::test]
async fn schedule_window_and_override() {
    let sb = Sandbox::start().await;
    let s = call(&sb, "GetSchedule", json!({"schedule_id": "PSCH001"})).await;
    assert_eq!(s["name"], "Platform Primary");
    let on_call = s["on_call"].as_array().unwrap();
    assert!(!on_call.is_empty());
    assert_eq!(on_call[0]["user"]["id"], "PUSR001");
    assert!(s["overrides"].as_array().unwrap().is_empty());

    let start = s["on_call"][0]["end"].as_str().unwrap().to_owned();
    let end = s["on_call"][1]["end"].as_str().unwrap().to_owned();
    let o = call(
        &sb,
        "CreateScheduleOverride",
        json!({"schedule_id": "PSCH001", "user_id": "PUSR007", "start": start, "end": end}),
    )
    .await;
    assert_eq!(o["user"]["id"], "PUSR007");
    assert!(o["id"].is_string());
    let s = call(&sb, "GetSchedule", json!({"schedule_id": "PSCH001"})).await;
    assert_eq!(s["overrides"][0]["user"]["id"], "PUSR007");

    let err = call_err(
        "CreateScheduleOverride",
        json!({"schedule_id": "PSCH001", "user_id": "PUSR007", "start": end, "end": start}),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert!(err["message"].as_str().unwrap().contains("end after"));
}

#[tokio::test]
async fn change_events_and_status_updates() {
    let sb = Sandbox::start().await;
    let c = call(
        &sb,
        "ListIncidentChangeEvents",
        json!({"incident_id": "PINC030", "limit": 3}),
    )
    .await;
    let list = c["change_events"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["correlation"], "most_recent");
    assert_eq!(list[0]["services"][0]["id"], "PSVC005");
    assert!(
        list[0]["links"][0]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let u = call(
        &sb,
        "CreateStatusUpdate",
        json!({"incident_id": "PINC030", "message": "Mitigated; monitoring."}),
    )
    .await;
    assert_eq!(u["message"], "Mitigated; monitoring.");
    assert_eq!(u["sender"]["id"], "PUSR001");
    let post = sb.requests().into_iter().last().unwrap();
    assert_eq!(post.path, "/incidents/PINC030/status_updates");
    assert_eq!(post.header("from"), Some("alice@example.com"));
}

#[tokio::test]
async fn responders_and_maintenance() {
    let sb = Sandbox::start().await;
    let r = call(
        &sb,
        "AddResponders",
        json!({"incident_id": "PINC030", "message": "DB team, join the bridge",
               "user_ids": ["PUSR005"], "escalation_policy_ids": ["PEP0002"]}),
    )
    .await;
    assert_eq!(r["requested"][0]["kind"], "user");
    assert_eq!(r["requested"][0]["responders"][0]["state"], "pending");
    assert_eq!(r["requested"][1]["kind"], "escalation_policy");
    assert_eq!(r["requested"][1]["responders"][0]["user"]["id"], "PUSR003");
    let post = sb.requests().into_iter().last().unwrap();
    assert_eq!(post.body.unwrap()["requester_id"], "PUSR001");

    let err = call_err(
        "AddResponders",
        json!({"incident_id": "PINC030", "message": "help", "user_ids": ["PUSR005"]}),
        sb.context("acct-key", TokenKind::ApiKey),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_CONTEXT_REQUIRED");

    let none_yet = call(&sb, "ListMaintenanceWindows", none()).await;
    assert!(
        none_yet["maintenance_windows"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let start = (now - time::Duration::minutes(5)).format(fmt).unwrap();
    let end = (now + time::Duration::hours(2)).format(fmt).unwrap();
    let w = call(
        &sb,
        "CreateMaintenanceWindow",
        json!({"service_ids": ["PSVC005"], "start_time": start, "end_time": end, "description": "Warehouse migration"}),
    )
    .await;
    assert_eq!(w["services"][0]["id"], "PSVC005");
    assert_eq!(w["created_by"]["id"], "PUSR001");
    let listed = call(&sb, "ListMaintenanceWindows", json!({"filter": "ongoing"})).await;
    assert_eq!(
        listed["maintenance_windows"][0]["description"],
        "Warehouse migration"
    );
    let svc = call(&sb, "GetService", json!({"service_id": "PSVC005"})).await;
    assert_eq!(svc["status"], "maintenance");
}

#[tokio::test]
async fn escalate_incident_to_a_level() {
    let sb = Sandbox::start().await;
    // An open incident whose escalation policy has someone at level 2.
    let incident = (19..=30)
        .map(|n| format!("PINC{n:03}"))
        .find(|id| {
            let policy = sb.incident(id).unwrap()["escalation_policy"]["id"].clone();
            let oncalls = sb.oncall_levels(policy.as_str().unwrap());
            oncalls.contains(&2)
        })
        .expect("a seeded incident whose policy has a second level");
    let v = call(
        &sb,
        "EscalateIncident",
        json!({"incident_id": incident, "escalation_level": 2}),
    )
    .await;
    assert_eq!(v["incident"]["id"], incident);
    let put = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("a PUT");
    assert_eq!(put.path, format!("/incidents/{incident}"));
    assert!(put.header("from").is_some(), "writes send From");
    assert_eq!(put.body.unwrap()["incident"]["escalation_level"], 2);

    let err = call_err(
        "EscalateIncident",
        json!({"incident_id": "PINC025", "escalation_level": 0}),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

#[tokio::test]
async fn merge_incidents_moves_alerts_and_resolves_sources() {
    let sb = Sandbox::start().await;
    let v = call(
        &sb,
        "MergeIncidents",
        json!({"target_incident_id": "PINC026", "source_incident_ids": ["PINC027", "PINC028"]}),
    )
    .await;
    assert_eq!(v["incident"]["id"], "PINC026");
    for source in ["PINC027", "PINC028"] {
        let s = call(&sb, "GetIncident", json!({"incident_id": source})).await;
        assert_eq!(s["status"], "resolved", "{source} is resolved");
    }
    let alerts = call(&sb, "ListIncidentAlerts", json!({"incident_id": "PINC026"})).await;
    assert!(alerts["alerts"].as_array().unwrap().len() >= 3, "{alerts}");

    let err = call_err(
        "MergeIncidents",
        json!({"target_incident_id": "PINC026", "source_incident_ids": ["PINC026"]}),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

#[tokio::test]
async fn start_incident_workflow_on_an_incident() {
    let sb = Sandbox::start().await;
    let v = call(
        &sb,
        "StartIncidentWorkflow",
        json!({"workflow_id": "PIWF001", "incident_id": "PINC030"}),
    )
    .await;
    assert!(v["id"].as_str().unwrap().starts_with("PIWI"), "{v}");
    assert_eq!(v["workflow_id"], "PIWF001");
    assert_eq!(v["incident"]["id"], "PINC030");
    assert!(
        v["incident"]["name"].as_str().unwrap().contains("#30"),
        "{v}"
    );
    let post = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.path, "/incident_workflows/PIWF001/instances");
    assert_eq!(
        post.body.unwrap(),
        json!({"incident_workflow_instance": {"incident": {"id": "PINC030", "type": "incident_reference"}}})
    );
    let runs = sb.workflow_instances();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["incident_workflow"]["id"], "PIWF001");
    assert_eq!(runs[0]["id"], v["id"]);

    let ctx = sb.context("tok", TokenKind::OAuth2);
    // A disabled workflow: PagerDuty's 400 with its reason.
    let err = call_err(
        "StartIncidentWorkflow",
        json!({"workflow_id": "PIWF003", "incident_id": "PINC030"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400);
    assert!(
        err["message"].as_str().unwrap().contains("disabled"),
        "{err}"
    );
    // An unknown workflow or incident.
    let err = call_err(
        "StartIncidentWorkflow",
        json!({"workflow_id": "PNOPE99", "incident_id": "PINC030"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    let err = call_err(
        "StartIncidentWorkflow",
        json!({"workflow_id": "PIWF002", "incident_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("Incident not found"),
        "{err}"
    );
    assert_eq!(
        sb.workflow_instances().len(),
        1,
        "failed starts store nothing"
    );

    // Bad IDs are refused before any request, naming the argument.
    let sent = sb.requests().len();
    for (args, says) in [
        (
            json!({"workflow_id": "", "incident_id": "PINC030"}),
            "incident workflow ID",
        ),
        (
            json!({"workflow_id": "PIWF001", "incident_id": "PINC030?x=1"}),
            "not a valid incident ID",
        ),
    ] {
        let err = call_err("StartIncidentWorkflow", args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
        assert!(err["message"].as_str().unwrap().contains(says), "{err}");
    }
    assert_eq!(sb.requests().len(), sent);

    // A read-only credential: 403 naming the Scoped-OAuth scope.
    let err = call_err(
        "StartIncidentWorkflow",
        json!({"workflow_id": "PIWF001", "incident_id": "PINC030"}),
        sb.context("ro-tok", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["status_code"], 403);
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("incident_workflows:instances.write"),
        "{err}"
    );

    // The premium ability missing: PagerDuty's 402 becomes a clear error.
    sb.inject_on(Some("/incident_workflows/"), Fault::payment_required());
    let err = call_err(
        "StartIncidentWorkflow",
        json!({"workflow_id": "PIWF001", "incident_id": "PINC030"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 402);
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("plan")
    );
    assert_eq!(sb.workflow_instances().len(), 1);
}
