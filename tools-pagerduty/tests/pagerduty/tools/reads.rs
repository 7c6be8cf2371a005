//! The read tools against the sandbox: values, pagination, filters and errors.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_err, ids, none};
use serde_json::json;
use tools_pagerduty::sandbox::{Fault, Sandbox};

#[tokio::test]
async fn list_incidents_newest_first_with_pagination() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "ListIncidents", none()).await;
    assert_eq!(v["incidents"].as_array().unwrap().len(), 10);
    assert_eq!(v["incidents"][0]["id"], "PINC030");
    assert_eq!(v["incidents"][0]["number"], 30);
    assert_eq!(v["more"], true);
    assert_eq!(v["next_offset"], 10);
    assert!(
        v["incidents"][0]["created_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    // Nulls are dropped.
    assert!(v["incidents"][0].get("resolved_at").is_none());

    let last = call(&sb, "ListIncidents", json!({"offset": 20, "limit": 10})).await;
    assert_eq!(last["more"], false);
    assert!(last.get("next_offset").is_some() && last["next_offset"].is_null());
    assert_eq!(last["incidents"][9]["id"], "PINC001");

    let triggered = call(
        &sb,
        "ListIncidents",
        json!({"status": "triggered", "limit": 50}),
    )
    .await;
    assert_eq!(ids(&triggered["incidents"]).len(), 6);
    let svc = call(
        &sb,
        "ListIncidents",
        json!({"service_ids": ["PSVC003"], "urgency": "high", "limit": 50}),
    )
    .await;
    for i in svc["incidents"].as_array().unwrap() {
        assert_eq!(i["service"]["id"], "PSVC003");
        assert_eq!(i["urgency"], "high");
    }
    let clamped = call(&sb, "ListIncidents", json!({"limit": 500})).await;
    assert_eq!(clamped["limit"], 50);
}

#[tokio::test]
async fn get_incident_and_errors() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "GetIncident", json!({"incident_id": "PINC025"})).await;
    assert_eq!(v["status"], "triggered");
    assert_eq!(v["alert_counts"]["triggered"], 1);
    assert!(!v["assignees"].as_array().unwrap().is_empty());

    let ctx = sb.context("tok", TokenKind::OAuth2);
    let err = call_err(
        "GetIncident",
        json!({"incident_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    assert_eq!(err["kind"], "UPSTREAM_RUNTIME_NOT_FOUND");
    assert!(err["message"].as_str().unwrap().contains("Not Found"));
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("List")
    );

    let err = call_err("GetIncident", json!({"incident_id": "../users/me"}), ctx).await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

#[tokio::test]
async fn log_entries_and_timeline() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "ListLogEntries", json!({"limit": 5})).await;
    let entries = v["log_entries"].as_array().unwrap();
    assert_eq!(entries.len(), 5);
    assert!(entries.iter().all(|e| e["kind"] != "notify"));
    assert_eq!(v["more"], true);
    let req = sb.requests().into_iter().last().unwrap();
    assert!(req.query.contains(&("is_overview".into(), "true".into())));
    assert!(req.query.contains(&("time_zone".into(), "UTC".into())));

    let t = call(
        &sb,
        "GetIncidentTimeline",
        json!({"incident_id": "PINC001"}),
    )
    .await;
    let kinds: Vec<&str> = t["log_entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["resolve", "acknowledge", "notify", "trigger"]);
    assert_eq!(t["log_entries"][0]["incident"]["id"], "PINC001");
}

#[tokio::test]
async fn notes_and_alerts() {
    let sb = Sandbox::start().await;
    let notes = call(&sb, "ListIncidentNotes", json!({"incident_id": "PINC002"})).await;
    assert_eq!(notes["notes"].as_array().unwrap().len(), 1);
    assert!(notes["notes"][0]["author"]["name"].is_string());

    let alerts = call(&sb, "ListIncidentAlerts", json!({"incident_id": "PINC001"})).await;
    assert_eq!(alerts["alerts"][0]["status"], "resolved");
    assert!(alerts["alerts"][0]["details"]["host"].is_string());
    assert_eq!(alerts["more"], false);
}

#[tokio::test]
async fn oncalls() {
    let sb = Sandbox::start().await;
    let now = call(&sb, "ListOncalls", none()).await;
    // Level 1 of each of the 3 policies, plus 2 permanent level-2 users.
    assert_eq!(now["oncalls"].as_array().unwrap().len(), 5);
    let team = call(&sb, "ListOncalls", json!({"team_ids": ["PTEAM02"]})).await;
    let list = team["oncalls"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .all(|o| o["escalation_policy"]["id"] == "PEP0002")
    );
    // team_ids is not an /oncalls parameter: it was resolved to escalation policies.
    let reqs = sb.requests();
    let last = reqs.last().unwrap();
    assert!(last.query.iter().all(|(k, _)| k != "team_ids[]"));
    assert!(
        last.query
            .contains(&("escalation_policy_ids[]".into(), "PEP0002".into()))
    );

    let who = call(&sb, "WhoIsOnCall", json!({"service_id": "PSVC003"})).await;
    assert!(who["resolved"].as_str().unwrap().contains("payments-api"));
    let policy = &who["policies"][0];
    assert_eq!(policy["escalation_policy"]["id"], "PEP0002");
    assert_eq!(policy["levels"][0]["level"], 1);
    assert_eq!(
        policy["levels"][0]["responders"][0]["user"]["id"],
        "PUSR003"
    );
    assert!(policy["levels"][0]["responders"][0]["until"].is_string());
    assert_eq!(policy["levels"][1]["level"], 2);

    let all = call(&sb, "WhoIsOnCall", none()).await;
    assert_eq!(all["policies"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn schedules_services_teams_policies() {
    let sb = Sandbox::start().await;
    let s = call(&sb, "ListSchedules", none()).await;
    assert_eq!(s["schedules"].as_array().unwrap().len(), 3);
    assert_eq!(s["schedules"][0]["users"].as_array().unwrap().len(), 2);

    let svcs = call(&sb, "ListServices", json!({"query": "pay"})).await;
    assert_eq!(ids(&svcs["services"]), ["PSVC003"]);
    assert_eq!(svcs["services"][0]["status"], "critical");
    let svc = call(&sb, "GetService", json!({"service_id": "PSVC004"})).await;
    assert_eq!(svc["status"], "disabled");
    assert_eq!(svc["escalation_policy"]["id"], "PEP0002");

    let teams = call(&sb, "ListTeams", none()).await;
    assert_eq!(teams["teams"].as_array().unwrap().len(), 3);
    let team = call(&sb, "GetTeam", json!({"team_id": "PTEAM01"})).await;
    assert_eq!(team["name"], "Platform");
    assert_eq!(team["members"].as_array().unwrap().len(), 3);
    assert_eq!(ids(&team["services"]), ["PSVC001", "PSVC002"]);
    assert_eq!(ids(&team["schedules"]), ["PSCH001"]);
    assert_eq!(ids(&team["escalation_policies"]), ["PEP0001"]);

    let eps = call(&sb, "ListEscalationPolicies", none()).await;
    assert_eq!(eps["policies"].as_array().unwrap().len(), 3);
    let ep = call(
        &sb,
        "GetEscalationPolicy",
        json!({"escalation_policy_id": "PEP0001"}),
    )
    .await;
    assert_eq!(ep["levels"][0]["targets"][0]["kind"], "schedule");
    assert_eq!(ep["levels"][1]["targets"][0]["id"], "PUSR007");
    assert_eq!(ep["repeat_count"], 2);

    let prios = call(&sb, "ListPriorities", none()).await;
    assert_eq!(prios["priorities"][0]["name"], "P1");
}

#[tokio::test]
async fn users_search_and_whoami() {
    let sb = Sandbox::start().await;
    let users = call(&sb, "ListUsers", json!({"limit": 5})).await;
    assert_eq!(users["users"].as_array().unwrap().len(), 5);
    assert_eq!(users["next_offset"], 5);
    assert!(users["users"][0]["email"].is_string());

    let found = call(&sb, "SearchUsers", json!({"query": "dmitry"})).await;
    assert_eq!(found["matches"][0]["id"], "PUSR004");
    assert!(found["matches"][0]["confidence"].as_f64().unwrap() >= 0.6);
    let auto = call(
        &sb,
        "SearchUsers",
        json!({"query": "alice", "auto_accept_matches": true}),
    )
    .await;
    assert_eq!(auto["auto_accepted"], true);
    assert_eq!(ids(&auto["matches"]), ["PUSR001"]);

    let me = call(&sb, "Whoami", none()).await;
    assert_eq!(me["id"], "PUSR001");
    assert_eq!(me["email"], "alice@example.com");
    assert_eq!(me["contact_methods"].as_array().unwrap().len(), 2);
    assert_eq!(me["is_on_call_now"], true);
    assert!(me["next_on_call_start"].is_string());
    assert_eq!(me["teams"][0]["name"], "Platform");
}

#[tokio::test]
async fn list_change_events_newest_first_with_filters() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "ListChangeEvents", json!({"limit": 5})).await;
    let events = v["change_events"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    assert_eq!(v["more"], true);
    assert_eq!(v["next_offset"], 5);
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["timestamp"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );

    let all = call(&sb, "ListChangeEvents", json!({"limit": 50})).await;
    let since = all["change_events"][3]["timestamp"]
        .as_str()
        .unwrap()
        .to_owned();
    let recent = call(
        &sb,
        "ListChangeEvents",
        json!({"since": since, "limit": 50}),
    )
    .await;
    assert_eq!(recent["change_events"].as_array().unwrap().len(), 4);
    let q = sb.requests().last().unwrap().query.clone();
    assert!(q.iter().any(|(k, _)| k == "since"), "{q:?}");

    let none = call(
        &sb,
        "ListChangeEvents",
        json!({"integration_ids": ["PNOPE00"]}),
    )
    .await;
    assert!(none["change_events"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn incident_metrics_for_the_account_and_per_service() {
    let sb = Sandbox::start().await;
    let range = json!({"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"});
    let all = call(&sb, "GetIncidentMetrics", range.clone()).await;
    assert_eq!(all["scope"], "all");
    assert_eq!(all["rows"][0]["total_incident_count"], 30);
    assert!(all["rows"][0]["mean_seconds_to_resolve"].as_i64().unwrap() > 0);
    let post = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.path, "/analytics/metrics/incidents/all");
    assert_eq!(
        post.body.unwrap()["filters"]["created_at_start"],
        "2000-01-01T00:00:00Z"
    );

    let mut per_service = range.clone();
    per_service["scope"] = json!("services");
    per_service["urgency"] = json!("high");
    let v = call(&sb, "GetIncidentMetrics", per_service).await;
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 1 && rows.iter().all(|r| r["service_id"].is_string()));
    let total: u64 = rows
        .iter()
        .map(|r| r["total_incident_count"].as_u64().unwrap())
        .sum();
    assert_eq!(
        total, 20,
        "two thirds of the 30 seeded incidents are high urgency"
    );

    let err = call_err(
        "GetIncidentMetrics",
        json!({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

#[tokio::test]
async fn related_incidents_with_reasons() {
    let sb = Sandbox::start().await;
    // PINC026 is on api-gateway (PSVC001), which depends on auth (PSVC002) and
    // payments (PSVC003); its neighbours within 12 hours are PINC024, 025, 027, 028.
    let v = call(
        &sb,
        "GetRelatedIncidents",
        json!({"incident_id": "PINC026"}),
    )
    .await;
    assert_eq!(v["incident_id"], "PINC026");
    let related = v["related_incidents"].as_array().unwrap();
    let got: Vec<&str> = related
        .iter()
        .map(|r| r["incident"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["PINC028", "PINC027", "PINC025", "PINC024"]);
    // Full incidents (additional_details[]=incident), not only references.
    assert_eq!(related[0]["incident"]["service"]["id"], "PSVC003");
    assert!(related[0]["incident"]["status"].is_string());
    let dep = &related[0]["relationships"][0];
    assert_eq!(dep["kind"], "service_dependency");
    assert_eq!(dep["dependent_services"][0]["id"], "PSVC001");
    assert_eq!(dep["supporting_services"][0]["id"], "PSVC003");
    let ml = &related[2]["relationships"][0];
    assert_eq!(ml["kind"], "machine_learning_inferred");
    assert_eq!(ml["grouping"], "similar_contents");
    assert!(ml["positive_feedback"].as_u64().unwrap() >= 1);
    let req = sb.requests().into_iter().last().unwrap();
    assert_eq!(req.path, "/incidents/PINC026/related_incidents");
    assert!(
        req.query
            .contains(&("additional_details[]".into(), "incident".into())),
        "{:?}",
        req.query
    );

    let ctx = sb.context("tok", TokenKind::OAuth2);
    let sent = sb.requests().len();
    for bad in ["", "   ", "PINC026/../x", "PINC 026"] {
        let err = call_err(
            "GetRelatedIncidents",
            json!({"incident_id": bad}),
            ctx.clone(),
        )
        .await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{bad:?}");
        assert!(
            err["message"].as_str().unwrap().contains("incident ID"),
            "{err}"
        );
    }
    assert_eq!(sb.requests().len(), sent, "bad input sends nothing");
    let err = call_err(
        "GetRelatedIncidents",
        json!({"incident_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);

    // Related incidents need an AIOps plan: PagerDuty's 402 becomes a clear error.
    sb.inject_on(
        Some("/incidents/PINC026/related_incidents"),
        Fault::payment_required(),
    );
    let err = call_err(
        "GetRelatedIncidents",
        json!({"incident_id": "PINC026"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 402);
    let hint = err["additional_prompt_content"].as_str().unwrap();
    assert!(
        hint.contains("plan") && hint.contains("related_incidents"),
        "{hint}"
    );
}

#[tokio::test]
async fn past_incidents_most_similar_first() {
    let sb = Sandbox::start().await;
    // PINC030 is on etl-pipeline (PSVC005); PINC020 and PINC010 have its title.
    let v = call(&sb, "GetPastIncidents", json!({"incident_id": "PINC030"})).await;
    let past = v["past_incidents"].as_array().unwrap();
    assert_eq!(past.len(), 5);
    assert_eq!(v["total"], 5);
    let got: Vec<&str> = past.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(got, ["PINC020", "PINC010", "PINC025", "PINC015", "PINC005"]);
    let title = sb.incident("PINC030").unwrap()["title"].clone();
    assert_eq!(past[0]["title"], title);
    assert!(past[0]["created_at"].as_str().unwrap().ends_with('Z'));
    let scores: Vec<f64> = past.iter().map(|p| p["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(scores[0] > 80.0 && scores[4] < 40.0, "{scores:?}");

    let two = call(
        &sb,
        "GetPastIncidents",
        json!({"incident_id": "PINC030", "limit": 2}),
    )
    .await;
    assert_eq!(two["past_incidents"].as_array().unwrap().len(), 2);
    assert_eq!(two["total"], 5);
    let req = sb.requests().into_iter().last().unwrap();
    assert_eq!(req.path, "/incidents/PINC030/past_incidents");
    assert!(req.query.contains(&("limit".into(), "2".into())));
    assert!(req.query.contains(&("total".into(), "true".into())));

    // The first incident of a service has no past.
    let first = call(&sb, "GetPastIncidents", json!({"incident_id": "PINC001"})).await;
    assert!(first["past_incidents"].as_array().unwrap().is_empty());
    assert_eq!(first["total"], 0);

    let ctx = sb.context("tok", TokenKind::OAuth2);
    let err = call_err("GetPastIncidents", json!({"incident_id": ""}), ctx.clone()).await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
    let err = call_err("GetPastIncidents", json!({}), ctx.clone()).await;
    assert!(
        err["message"].as_str().unwrap().contains("incident_id"),
        "{err}"
    );
    sb.inject_on(
        Some("/incidents/PINC030/past_incidents"),
        Fault::payment_required(),
    );
    let err = call_err("GetPastIncidents", json!({"incident_id": "PINC030"}), ctx).await;
    assert_eq!(err["status_code"], 402);
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("plan")
    );
}

#[tokio::test]
async fn list_incident_workflows_with_filter_and_pages() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "ListIncidentWorkflows", none()).await;
    let list = v["incident_workflows"].as_array().unwrap();
    assert_eq!(
        ids(&v["incident_workflows"]),
        ["PIWF001", "PIWF002", "PIWF003"]
    );
    assert_eq!(list[0]["name"], "Major incident kickoff");
    assert!(list[0]["description"].as_str().unwrap().contains("Slack"));
    assert_eq!(list[0]["enabled"], true);
    assert_eq!(list[2]["enabled"], false);
    assert_eq!(v["more"], false);

    let found = call(
        &sb,
        "ListIncidentWorkflows",
        json!({"query": "stakeholder"}),
    )
    .await;
    assert_eq!(ids(&found["incident_workflows"]), ["PIWF002"]);
    let req = sb.requests().into_iter().last().unwrap();
    assert_eq!(req.path, "/incident_workflows");
    assert!(req.query.contains(&("query".into(), "stakeholder".into())));

    let page = call(&sb, "ListIncidentWorkflows", json!({"limit": 2})).await;
    assert_eq!(page["incident_workflows"].as_array().unwrap().len(), 2);
    assert_eq!(page["more"], true);
    assert_eq!(page["next_offset"], 2);
    let rest = call(
        &sb,
        "ListIncidentWorkflows",
        json!({"limit": 2, "offset": 2}),
    )
    .await;
    assert_eq!(ids(&rest["incident_workflows"]), ["PIWF003"]);

    sb.inject_on(Some("/incident_workflows"), Fault::payment_required());
    let err = call_err(
        "ListIncidentWorkflows",
        none(),
        sb.context("tok", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["status_code"], 402);
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("plan")
    );
}
