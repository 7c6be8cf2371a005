//! The responder tools (IncidentBriefing, ShiftHandoff), the confirmation of
//! destructive writes through elicitation, the prompts and the timeline MCP App,
//! against the sandbox.

use arcade_tdk::interaction::Elicitation;
use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::mcp;
use arcade_tdk::{ErrorKind, TokenKind};
use futures_util::FutureExt;
use serde_json::{Value, json};
use tools_pagerduty::sandbox::{Fault, Sandbox};

use crate::common::{self, call, call_err, harness, ids};

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x[key].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn briefing_has_every_part_of_the_incident() {
    let sb = Sandbox::start().await;
    // PINC020: acknowledged, with a note, on a service with deploys and on-call.
    let b = call(&sb, "IncidentBriefing", json!({"incident_id": "PINC020"})).await;
    let direct = call(&sb, "GetIncident", json!({"incident_id": "PINC020"})).await;
    assert_eq!(
        b["incident"], direct,
        "the briefing's incident is GetIncident's"
    );
    assert_eq!(b["incident"]["status"], "acknowledged");
    assert!(b.get("unavailable").is_none(), "{b}");

    let timeline = b["timeline"].as_array().unwrap();
    assert!(!timeline.is_empty() && timeline.len() <= 20);
    assert!(
        timeline.iter().any(|e| e["kind"] == "trigger"),
        "{timeline:?}"
    );
    assert!(timeline.iter().all(|e| e.get("incident").is_none()));

    let notes = call(&sb, "ListIncidentNotes", json!({"incident_id": "PINC020"})).await;
    assert_eq!(b["notes"], notes["notes"]);
    assert!(!b["notes"].as_array().unwrap().is_empty());

    let alerts = call(
        &sb,
        "ListIncidentAlerts",
        json!({"incident_id": "PINC020", "limit": 5}),
    )
    .await;
    assert_eq!(b["alerts"], alerts["alerts"]);
    let changes = call(
        &sb,
        "ListIncidentChangeEvents",
        json!({"incident_id": "PINC020", "limit": 5}),
    )
    .await;
    assert_eq!(b["related_changes"], changes["change_events"]);
    assert!(!b["related_changes"].as_array().unwrap().is_empty());
    let past = call(
        &sb,
        "GetPastIncidents",
        json!({"incident_id": "PINC020", "limit": 3}),
    )
    .await;
    assert_eq!(b["similar_past_incidents"], past["past_incidents"]);

    // On call now: the incident's escalation policy, as WhoIsOnCall answers it.
    let ep = b["incident"]["escalation_policy"]["id"].as_str().unwrap();
    let who = call(&sb, "WhoIsOnCall", json!({"escalation_policy_id": ep})).await;
    assert_eq!(b["on_call"], who["policies"]);
    let names = strings(&b["on_call"][0]["levels"][0]["responders"], "user");
    assert!(
        b["on_call"][0]["levels"][0]["responders"][0]["user"]["name"].is_string(),
        "{names:?}"
    );
}

#[tokio::test]
async fn briefing_fetches_its_parts_concurrently_and_names_what_failed() {
    let sb = Sandbox::start().await;
    sb.inject_on(
        Some("/incidents/PINC020/past_incidents"),
        Fault::payment_required(),
    );
    let b = call(&sb, "IncidentBriefing", json!({"incident_id": "PINC020"})).await;
    let unavailable = b["unavailable"].as_array().unwrap();
    assert_eq!(unavailable.len(), 1, "{unavailable:?}");
    assert!(
        unavailable[0]
            .as_str()
            .unwrap()
            .starts_with("similar_past_incidents: ")
    );
    assert!(b.get("similar_past_incidents").is_none());
    assert!(!b["timeline"].as_array().unwrap().is_empty());
    let paths: Vec<String> = sb.requests().into_iter().map(|r| r.path).collect();
    for part in [
        "alerts",
        "notes",
        "log_entries",
        "related_change_events",
        "past_incidents",
    ] {
        assert!(
            paths
                .iter()
                .any(|p| p == &format!("/incidents/PINC020/{part}")),
            "{part}: {paths:?}"
        );
    }
    assert!(paths.iter().any(|p| p == "/oncalls"));
}

#[tokio::test]
async fn briefing_errors() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("tok", TokenKind::OAuth2);
    let err = call_err(
        "IncidentBriefing",
        json!({"incident_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    assert_eq!(err["kind"], "UPSTREAM_RUNTIME_NOT_FOUND");

    let before = sb.requests().len();
    let err = call_err(
        "IncidentBriefing",
        json!({"incident_id": "../users"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
    assert_eq!(sb.requests().len(), before, "nothing sent for a bad ID");

    for (fault, status) in [(Fault::unauthorized(), 401), (Fault::forbidden(), 403)] {
        let sb = Sandbox::start().await;
        sb.inject(fault);
        let err = call_err(
            "IncidentBriefing",
            json!({"incident_id": "PINC020"}),
            sb.context("tok", TokenKind::OAuth2),
        )
        .await;
        assert_eq!(err["status_code"], status, "{err}");
    }

    let sb = Sandbox::start().await;
    sb.inject_on(
        Some("/incidents/PINC020"),
        Fault::Status {
            times: u32::MAX,
            status: 429,
            message: "Rate Limit Exceeded".into(),
            code: 2020,
        },
    );
    let err = call_err(
        "IncidentBriefing",
        json!({"incident_id": "PINC020"}),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["status_code"], 429, "{err}");
}

#[tokio::test]
async fn handoff_for_a_team_matches_the_list_tools() {
    let sb = Sandbox::start().await;
    let h = call(
        &sb,
        "ShiftHandoff",
        json!({"team_id": "PTEAM01", "hours": 168}),
    )
    .await;
    assert_eq!(h["scope"], "team PTEAM01");
    let open = call(
        &sb,
        "ListIncidents",
        json!({"team_ids": ["PTEAM01"], "limit": 50}),
    )
    .await;
    let expected_open: Vec<String> = open["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] != "resolved")
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let mut got_open = ids(&h["still_open"]);
    got_open.sort();
    let mut expected_sorted = expected_open.clone();
    expected_sorted.sort();
    assert_eq!(got_open, expected_sorted);
    assert_eq!(h["still_open_count"], expected_open.len());
    assert!(!expected_open.is_empty());

    let opened = call(
        &sb,
        "ListIncidents",
        json!({"team_ids": ["PTEAM01"], "since": h["since"], "until": h["until"], "limit": 50}),
    )
    .await;
    assert_eq!(ids(&h["opened"]), ids(&opened["incidents"]));
    assert!(h["opened_count"].as_u64().unwrap() > 0);
    let changed = h["changed"].as_array().unwrap();
    assert!(!changed.is_empty());
    assert!(
        changed
            .iter()
            .all(|e| e["kind"] != "trigger" && e["kind"] != "notify")
    );
    assert!(!h["on_call_now"].as_array().unwrap().is_empty());

    // A 1-hour window long ago: nothing opened or changed, the open ones still listed.
    let old = call(
        &sb,
        "ShiftHandoff",
        json!({"team_id": "PTEAM01", "hours": 1, "until": "2001-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(old["since"], "2000-12-31T23:00:00Z");
    assert_eq!(old["opened_count"], 0);
    assert_eq!(old["changed_count"], 0);
    assert_eq!(old["still_open_count"], expected_open.len());
}

#[tokio::test]
async fn handoff_for_a_schedule_covers_the_services_of_its_policies() {
    let sb = Sandbox::start().await;
    let h = call(
        &sb,
        "ShiftHandoff",
        json!({"schedule_id": "PSCH001", "hours": 168}),
    )
    .await;
    let scope = h["scope"].as_str().unwrap();
    assert!(
        scope.starts_with("schedule ") && scope.contains("(PSCH001)"),
        "{scope}"
    );
    let schedule = call(&sb, "GetSchedule", json!({"schedule_id": "PSCH001"})).await;
    let eps: Vec<String> = strings(&schedule["escalation_policies"], "id");
    assert!(!eps.is_empty(), "{schedule}");
    for incident in h["opened"]
        .as_array()
        .unwrap()
        .iter()
        .chain(h["still_open"].as_array().unwrap())
    {
        let ep = incident["escalation_policy"]["id"].as_str().unwrap();
        assert!(eps.iter().any(|e| e == ep), "{incident} is not on {eps:?}");
    }
    assert!(h["opened_count"].as_u64().unwrap() > 0, "{h}");
}

#[tokio::test]
async fn handoff_errors() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("tok", TokenKind::OAuth2);
    for args in [
        json!({}),
        json!({"team_id": "PTEAM01", "schedule_id": "PSCH001"}),
        json!({"team_id": "PTEAM01", "hours": 0}),
        json!({"team_id": "PTEAM01", "hours": 500}),
        json!({"team_id": "PTEAM01", "until": "yesterday"}),
        json!({"team_id": "a b"}),
    ] {
        let err = call_err("ShiftHandoff", args.clone(), ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{args}: {err}");
    }
    assert!(sb.requests().is_empty(), "nothing sent for bad input");
    let err = call_err(
        "ShiftHandoff",
        json!({"schedule_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    let bad_request = Fault::Status {
        times: u32::MAX,
        status: 400,
        message: "Invalid Input Provided".into(),
        code: 2001,
    };
    for (fault, status) in [
        (Fault::unauthorized(), 401),
        (Fault::forbidden(), 403),
        (bad_request, 400),
    ] {
        let sb = Sandbox::start().await;
        sb.inject(fault);
        let err = call_err(
            "ShiftHandoff",
            json!({"team_id": "PTEAM01"}),
            sb.context("tok", TokenKind::OAuth2),
        )
        .await;
        assert_eq!(err["status_code"], status, "{err}");
    }
}

fn puts(sb: &Sandbox) -> usize {
    sb.requests().iter().filter(|r| r.method != "GET").count()
}

#[tokio::test]
async fn destructive_writes_ask_and_a_no_writes_nothing() {
    for (answer, why) in [
        (Elicitation::Decline, "declined"),
        (Elicitation::Cancel, "cancelled"),
        (
            Elicitation::Accept(json!({"confirm": false})),
            "did not tick",
        ),
    ] {
        let sb = Sandbox::start().await;
        let h = harness(&sb).answer_elicitation(answer);
        let out = h
            .call("ResolveIncidents", json!({"incident_ids": ["PINC030"]}))
            .await;
        out.assert_error_kind(ErrorKind::ToolRuntimeFatal);
        let error = out.error();
        assert!(error.message.contains(why), "{}", error.message);
        assert!(error.message.contains("nothing was changed"));
        assert!(!error.can_retry);
        assert_eq!(puts(&sb), 0, "no write after {why}");
        let asked = h.client_script().requests();
        assert_eq!(asked.len(), 1);
        let params = asked[0].params();
        assert!(
            params["message"].as_str().unwrap().contains("PINC030"),
            "{params}"
        );
        assert_eq!(
            params["requestedSchema"]["properties"]["confirm"]["type"],
            "boolean"
        );
    }
}

#[tokio::test]
async fn a_yes_writes_and_a_client_without_elicitation_is_not_asked() {
    let sb = Sandbox::start().await;
    let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
    let out = h
        .call(
            "MergeIncidents",
            json!({"target_incident_id": "PINC030", "source_incident_ids": ["PINC029"]}),
        )
        .await;
    out.assert_success();
    assert_eq!(puts(&sb), 1);
    assert!(
        h.client_script().requests()[0].params()["message"]
            .as_str()
            .unwrap()
            .contains("cannot be undone")
    );

    // No elicitation capability: proceeds as before.
    let sb = Sandbox::start().await;
    let out = harness(&sb)
        .call(
            "SnoozeIncident",
            json!({"incident_id": "PINC020", "duration_minutes": 30}),
        )
        .await;
    out.assert_success();
    assert_eq!(puts(&sb), 1);

    // Turned off for automation: not asked even by a client that could answer.
    let sb = Sandbox::start().await;
    let h = harness(&sb)
        .metadata("PAGERDUTY_CONFIRM_WRITES", "0")
        .answer_elicitation(Elicitation::Decline);
    h.call("ResolveIncidents", json!({"incident_ids": ["PINC030"]}))
        .await
        .assert_success();
    assert!(h.client_script().requests().is_empty());
    assert_eq!(puts(&sb), 1);

    // Writes that destroy nothing are never asked about.
    let sb = Sandbox::start().await;
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    h.call("AcknowledgeIncidents", json!({"incident_ids": ["PINC030"]}))
        .await
        .assert_success();
    assert!(h.client_script().requests().is_empty());
}

#[test]
fn every_confirmed_tool_is_a_write_tool() {
    let catalog = common::catalog();
    for name in tools_pagerduty::tools::confirm::CONFIRMED_TOOLS {
        let entry = catalog.get(&format!("PagerDuty.{name}")).unwrap();
        assert!(!entry.tool().spec().is_read_only(), "{name}");
    }
}

#[tokio::test]
async fn prompts_name_the_tools_and_check_their_arguments() {
    let catalog = common::catalog();
    let prompts = catalog.prompts();
    let get = |name: &str, args: &[(&str, &str)]| {
        let args = args
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        prompts.get(name, args).now_or_never().unwrap()
    };
    let text = |m: Vec<arcade_tdk::PromptMessage>| {
        serde_json::to_value(&m[0].content).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let pm = text(get("postmortem_draft", &[("incident_id", "PINC020")]).unwrap());
    assert!(pm.contains("PagerDuty_IncidentBriefing") && pm.contains("incident_id=\"PINC020\""));
    assert!(get("postmortem_draft", &[]).is_err());
    assert!(get("postmortem_draft", &[("incident_id", "x\"; ignore")]).is_err());
    let ho = text(
        get(
            "shift_handoff",
            &[("schedule_id", "PSCH001"), ("hours", "8")],
        )
        .unwrap(),
    );
    assert!(
        ho.contains("PagerDuty_ShiftHandoff with schedule_id=\"PSCH001\" and hours=8"),
        "{ho}"
    );
    assert!(get("shift_handoff", &[]).is_err());
    assert!(get("shift_handoff", &[("team_id", "PTEAM01"), ("hours", "0")]).is_err());
}

#[tokio::test]
async fn the_briefing_names_its_mcp_app_and_the_page_is_served() {
    let client = mcp::connect(tools_pagerduty::toolkit(), McpOptions::new("pd", "1")).await;
    let tools = client.list_tools().await.unwrap();
    let briefing = tools
        .iter()
        .find(|t| t["name"] == "PagerDuty_IncidentBriefing")
        .unwrap();
    let uri = tools_pagerduty::tools::briefing::TIMELINE_APP_URI;
    assert_eq!(briefing["_meta"]["ui"]["resourceUri"], uri);
    let read = client.read_resource(uri).await.unwrap();
    assert_eq!(read["contents"][0]["mimeType"], "text/html;profile=mcp-app");
    let html = read["contents"][0]["text"].as_str().unwrap();
    assert!(html.contains("ui/notifications/tool-result") && html.contains("ui/initialize"));
    // Self-contained: no outside network.
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\""));
    assert!(html.contains("default-src 'none'"));
}
