//! The configuration writes (webhook subscriptions, alert grouping settings,
//! services, escalation policies, teams) against the sandbox: the state they leave,
//! read back with the read tools, bad input and PagerDuty's own checks. Their errors
//! and confirmations are checked with the other new writes in `breadth_writes`.

use crate::common;

use arcade_tdk::TokenKind;
use arcade_tdk::interaction::Elicitation;
use common::{call, call_err, harness, ids};
use serde_json::json;
use tools_pagerduty::sandbox::Sandbox;

#[tokio::test]
async fn webhook_subscriptions_are_created_changed_and_deleted() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateWebhookSubscription",
        json!({"url": "https://hooks.example.com/pd", "events": ["incident.triggered", "incident.resolved"], "scope": "team", "scope_id": "PTEAM03", "description": "Ops chat"}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["url"], "https://hooks.example.com/pd");
    assert_eq!(created["filter_type"], "team_reference");
    assert_eq!(created["filter_id"], "PTEAM03");
    assert_eq!(created["active"], true);
    let team = call(
        &sb,
        "ListWebhookSubscriptions",
        json!({"scope": "team", "scope_id": "PTEAM03", "limit": 50}),
    )
    .await;
    assert!(ids(&team["webhook_subscriptions"]).contains(&id));

    let paused = call(
        &sb,
        "UpdateWebhookSubscription",
        json!({"webhook_subscription_id": id, "active": false, "events": ["incident.acknowledged"]}),
    )
    .await;
    assert_eq!(paused["active"], false);
    assert_eq!(paused["events"], json!(["incident.acknowledged"]));
    assert_eq!(paused["description"], "Ops chat", "unchanged");

    let deleted = call(
        &sb,
        "DeleteWebhookSubscription",
        json!({"webhook_subscription_id": id}),
    )
    .await;
    assert_eq!(deleted, json!({"kind": "webhook_subscription", "id": id}));
    let delete = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(delete.response_status, 204);
    assert!(delete.body.is_none());
    let all = call(&sb, "ListWebhookSubscriptions", json!({"limit": 50})).await;
    assert!(!ids(&all["webhook_subscriptions"]).contains(&id));

    let ctx = sb.context("t", TokenKind::OAuth2);
    for (tool, args) in [
        (
            "CreateWebhookSubscription",
            json!({"url": "http://plain.example.com", "events": ["incident.triggered"], "scope": "account"}),
        ),
        (
            "CreateWebhookSubscription",
            json!({"url": "https://x.example.com", "events": [], "scope": "account"}),
        ),
        (
            "CreateWebhookSubscription",
            json!({"url": "https://x.example.com", "events": ["triggered"], "scope": "account"}),
        ),
        (
            "CreateWebhookSubscription",
            json!({"url": "https://x.example.com", "events": ["incident.triggered"], "scope": "service"}),
        ),
        (
            "UpdateWebhookSubscription",
            json!({"webhook_subscription_id": "PWHS001"}),
        ),
    ] {
        let err = call_err(tool, args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{tool}: {err}");
    }
    // A team PagerDuty does not know is its 400; a deleted subscription its 404.
    let err = call_err(
        "CreateWebhookSubscription",
        json!({"url": "https://x.example.com", "events": ["incident.triggered"], "scope": "team", "scope_id": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400);
    let err = call_err(
        "DeleteWebhookSubscription",
        json!({"webhook_subscription_id": id}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn alert_grouping_settings_are_created_changed_and_deleted() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateAlertGroupingSetting",
        json!({"name": "Notifications by host", "kind": "content_based", "service_ids": ["PSVC005"], "fields": ["source"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], "content_based");
    assert_eq!(
        created["config"],
        json!({"aggregate": "all", "fields": ["source"], "time_window": 300})
    );
    assert_eq!(ids(&created["services"]), ["PSVC005"]);
    let listed = call(
        &sb,
        "ListAlertGroupingSettings",
        json!({"service_ids": ["PSVC005"]}),
    )
    .await;
    assert_eq!(ids(&listed["alert_grouping_settings"]), [id.as_str()]);

    // Only the window changes; the fields and the aggregate are kept.
    let wider = call(
        &sb,
        "UpdateAlertGroupingSetting",
        json!({"alert_grouping_setting_id": id, "time_window_seconds": 900, "aggregate": "any"}),
    )
    .await;
    assert_eq!(
        wider["config"],
        json!({"aggregate": "any", "fields": ["source"], "time_window": 900})
    );
    assert_eq!(wider["name"], "Notifications by host");
    // A change of kind builds the new kind's config.
    let timed = call(
        &sb,
        "UpdateAlertGroupingSetting",
        json!({"alert_grouping_setting_id": id, "kind": "time", "timeout_minutes": 15}),
    )
    .await;
    assert_eq!(timed["type"], "time");
    assert_eq!(timed["config"], json!({"timeout": 15}));

    call(
        &sb,
        "DeleteAlertGroupingSetting",
        json!({"alert_grouping_setting_id": id}),
    )
    .await;
    let listed = call(
        &sb,
        "ListAlertGroupingSettings",
        json!({"service_ids": ["PSVC005"]}),
    )
    .await;
    assert!(
        listed["alert_grouping_settings"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let ctx = sb.context("t", TokenKind::OAuth2);
    for (tool, args) in [
        (
            "CreateAlertGroupingSetting",
            json!({"name": "t", "kind": "time", "service_ids": ["PSVC005"]}),
        ),
        (
            "CreateAlertGroupingSetting",
            json!({"name": "t", "kind": "time", "service_ids": ["PSVC005"], "timeout_minutes": 5000}),
        ),
        (
            "CreateAlertGroupingSetting",
            json!({"name": "t", "kind": "content_based", "service_ids": ["PSVC005"]}),
        ),
        (
            "CreateAlertGroupingSetting",
            json!({"name": "t", "kind": "intelligent", "service_ids": ["PSVC005"], "time_window_seconds": 10}),
        ),
        (
            "CreateAlertGroupingSetting",
            json!({"name": "t", "kind": "intelligent", "service_ids": []}),
        ),
        (
            "UpdateAlertGroupingSetting",
            json!({"alert_grouping_setting_id": "PAGS001", "name": " "}),
        ),
    ] {
        let err = call_err(tool, args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{tool}: {err}");
    }
    // PagerDuty's check: a service already grouped by another setting.
    let err = call_err(
        "CreateAlertGroupingSetting",
        json!({"name": "t", "kind": "intelligent", "service_ids": ["PSVC001"]}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let err = call_err(
        "UpdateAlertGroupingSetting",
        json!({"alert_grouping_setting_id": id, "name": "gone"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn services_are_created_and_changed() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateService",
        json!({"name": "search-api", "escalation_policy_id": "PEP0002", "team_ids": ["PTEAM02"], "description": "Search", "auto_resolve_timeout_seconds": 3600}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "search-api");
    assert_eq!(created["escalation_policy"]["id"], "PEP0002");
    assert!(created["escalation_policy"]["name"].is_string());
    assert_eq!(ids(&created["teams"]), ["PTEAM02"]);
    assert_eq!(created["status"], "active");
    assert_eq!(
        created["acknowledgement_timeout"], 1800,
        "PagerDuty's default"
    );
    assert_eq!(created["auto_resolve_timeout"], 3600);
    let got = call(&sb, "GetService", json!({"service_id": id})).await;
    assert_eq!(got["name"], "search-api", "{got}");

    let changed = call(
        &sb,
        "UpdateService",
        json!({"service_id": id, "name": "search", "acknowledgement_timeout_seconds": 600}),
    )
    .await;
    assert_eq!(changed["name"], "search");
    assert_eq!(changed["acknowledgement_timeout"], 600);
    assert_eq!(changed["escalation_policy"]["id"], "PEP0002", "kept");
    assert_eq!(changed["description"], "Search", "kept");
    let put = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap()
        .body
        .unwrap();
    assert_eq!(put["service"]["escalation_policy"]["id"], "PEP0002");
    assert!(
        put["service"].get("description").is_none(),
        "only what changes: {put}"
    );

    // Disabling asks first; a yes disables it.
    let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
    let disabled = h
        .call(
            "UpdateService",
            json!({"service_id": id, "status": "disabled"}),
        )
        .await
        .value();
    assert_eq!(disabled["status"], "disabled");
    let asked = h.client_script().requests();
    assert!(
        asked[0].params()["message"]
            .as_str()
            .unwrap()
            .contains("nobody is paged")
    );
    // A rename is not asked about.
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    h.call(
        "UpdateService",
        json!({"service_id": id, "name": "search-2"}),
    )
    .await
    .assert_success();
    assert!(h.client_script().requests().is_empty());

    let ctx = sb.context("t", TokenKind::OAuth2);
    for (tool, args) in [
        (
            "CreateService",
            json!({"name": " ", "escalation_policy_id": "PEP0001"}),
        ),
        (
            "CreateService",
            json!({"name": "x", "escalation_policy_id": "a/b"}),
        ),
        (
            "CreateService",
            json!({"name": "x", "escalation_policy_id": "PEP0001", "acknowledgement_timeout_seconds": 5}),
        ),
        ("UpdateService", json!({"service_id": "PSVC001"})),
    ] {
        let err = call_err(tool, args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{tool}: {err}");
    }
    // PagerDuty's checks: a taken name, an unknown policy, an unknown service.
    for (args, status) in [
        (
            json!({"name": "API-GATEWAY", "escalation_policy_id": "PEP0001"}),
            400,
        ),
        (
            json!({"name": "new", "escalation_policy_id": "PNOPE99"}),
            400,
        ),
    ] {
        let err = call_err("CreateService", args, ctx.clone()).await;
        assert_eq!(err["status_code"], status, "{err}");
    }
    let err = call_err(
        "UpdateService",
        json!({"service_id": "PNOPE99", "name": "n"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn escalation_policies_are_created_and_their_levels_replaced() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateEscalationPolicy",
        json!({"name": "Search on-call", "repeat_count": 2, "team_ids": ["PTEAM02"], "levels": [
            {"delay_minutes": 15, "schedule_ids": ["PSCH002"]},
            {"delay_minutes": 30, "user_ids": ["PUSR004", "PUSR005"]},
        ]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "Search on-call");
    assert_eq!(created["repeat_count"], 2);
    let levels = created["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 2, "{created}");
    assert_eq!(levels[0]["escalation_delay_minutes"], 15);
    assert_eq!(levels[0]["targets"][0]["kind"], "schedule");
    assert_eq!(levels[0]["targets"][0]["id"], "PSCH002");
    assert!(levels[0]["targets"][0]["name"].is_string());
    assert_eq!(ids(&levels[1]["targets"]), ["PUSR004", "PUSR005"]);
    let read = call(
        &sb,
        "GetEscalationPolicy",
        json!({"escalation_policy_id": id}),
    )
    .await;
    assert_eq!(read["levels"], created["levels"], "{read}");

    // A rename keeps the levels (sent back as they are) and is not asked about.
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    let renamed = h
        .call(
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": id, "name": "Search"}),
        )
        .await
        .value();
    assert_eq!(renamed["name"], "Search");
    assert_eq!(renamed["levels"].as_array().unwrap().len(), 2);
    assert!(h.client_script().requests().is_empty());
    // New levels are asked about, and replace the old ones.
    let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
    let replaced = h
        .call(
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": id, "levels": [{"delay_minutes": 5, "user_ids": ["PUSR001"]}]}),
        )
        .await
        .value();
    assert_eq!(replaced["levels"].as_array().unwrap().len(), 1);
    assert_eq!(replaced["levels"][0]["targets"][0]["id"], "PUSR001");
    assert_eq!(replaced["repeat_count"], 2, "kept");
    assert!(
        h.client_script().requests()[0].params()["message"]
            .as_str()
            .unwrap()
            .contains(&id)
    );

    let ctx = sb.context("t", TokenKind::OAuth2);
    for (tool, args) in [
        ("CreateEscalationPolicy", json!({"name": "x", "levels": []})),
        (
            "CreateEscalationPolicy",
            json!({"name": "x", "levels": [{"delay_minutes": 5}]}),
        ),
        (
            "CreateEscalationPolicy",
            json!({"name": "x", "levels": [{"delay_minutes": 0, "user_ids": ["PUSR001"]}]}),
        ),
        (
            "CreateEscalationPolicy",
            json!({"name": " ", "levels": [{"delay_minutes": 5, "user_ids": ["PUSR001"]}]}),
        ),
        (
            "CreateEscalationPolicy",
            json!({"name": "x", "repeat_count": 12, "levels": [{"delay_minutes": 5, "user_ids": ["PUSR001"]}]}),
        ),
        (
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": "PEP0001"}),
        ),
    ] {
        let err = call_err(tool, args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{tool}: {err}");
    }
    // PagerDuty's checks: an unknown user; an unknown policy.
    let err = call_err(
        "CreateEscalationPolicy",
        json!({"name": "x", "levels": [{"delay_minutes": 5, "user_ids": ["PUSR099"]}]}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let err = call_err(
        "UpdateEscalationPolicy",
        json!({"escalation_policy_id": "PNOPE99", "name": "n"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn teams_are_created_renamed_staffed_and_deleted() {
    let sb = Sandbox::start().await;
    let team = call(
        &sb,
        "CreateTeam",
        json!({"name": "Search", "description": "The search engine"}),
    )
    .await;
    let id = team["id"].as_str().unwrap().to_owned();
    assert_eq!(team["name"], "Search");
    let renamed = call(
        &sb,
        "UpdateTeam",
        json!({"team_id": id, "name": "Search & Discovery"}),
    )
    .await;
    assert_eq!(renamed["name"], "Search & Discovery");
    assert_eq!(renamed["description"], "The search engine", "kept");

    let added = call(
        &sb,
        "AddTeamMember",
        json!({"team_id": id, "user_id": "PUSR004"}),
    )
    .await;
    assert_eq!(
        added,
        json!({"team_id": id, "user_id": "PUSR004", "role": "responder"})
    );
    call(
        &sb,
        "AddTeamMember",
        json!({"team_id": id, "user_id": "PUSR005", "role": "manager"}),
    )
    .await;
    let detail = call(&sb, "GetTeam", json!({"team_id": id})).await;
    assert_eq!(detail["name"], "Search & Discovery", "{detail}");
    let members: Vec<(String, String)> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user"]["id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("PUSR004".to_owned(), "responder".to_owned()),
            ("PUSR005".to_owned(), "manager".to_owned())
        ]
    );
    let removed = call(
        &sb,
        "RemoveTeamMember",
        json!({"team_id": id, "user_id": "PUSR004"}),
    )
    .await;
    assert!(removed.get("role").is_none());
    let detail = call(&sb, "GetTeam", json!({"team_id": id})).await;
    assert_eq!(detail["members"][0]["user"]["id"], "PUSR005");
    assert_eq!(detail["members"].as_array().unwrap().len(), 1);

    call(
        &sb,
        "DeleteTeam",
        json!({"team_id": id, "reassignment_team_id": "PTEAM01"}),
    )
    .await;
    let delete = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(
        delete.query,
        [("reassignment_team".to_owned(), "PTEAM01".to_owned())]
    );
    let ctx = sb.context("t", TokenKind::OAuth2);
    let err = call_err("GetTeam", json!({"team_id": id}), ctx.clone()).await;
    assert_eq!(err["status_code"], 404);

    for (tool, args) in [
        ("CreateTeam", json!({"name": "  "})),
        ("UpdateTeam", json!({"team_id": "PTEAM01"})),
        (
            "AddTeamMember",
            json!({"team_id": "PTEAM01", "user_id": "../u"}),
        ),
        (
            "AddTeamMember",
            json!({"team_id": "PTEAM01", "user_id": "PUSR001", "role": "owner"}),
        ),
        (
            "DeleteTeam",
            json!({"team_id": "PTEAM01", "reassignment_team_id": "x y"}),
        ),
    ] {
        let err = call_err(tool, args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{tool}: {err}");
    }
    // PagerDuty's own checks: a taken name, an unknown member. A deleted team's name
    // is free again.
    let err = call_err("CreateTeam", json!({"name": "platform"}), ctx.clone()).await;
    assert_eq!(err["status_code"], 400, "{err}");
    call(&sb, "CreateTeam", json!({"name": "Search & Discovery"})).await;
    let err = call_err(
        "RemoveTeamMember",
        json!({"team_id": "PTEAM01", "user_id": "PUSR099"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}
