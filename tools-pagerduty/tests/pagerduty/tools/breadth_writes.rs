//! The writes that close the gap to PagerDuty's own MCP server against the sandbox:
//! event orchestration routing and status page posts (the state they leave, read back
//! with the read tools, bad input), and for every new write (the configuration ones of
//! `config_writes` too) the confirmation of the destructive ones and PagerDuty's errors.

use crate::common;

use arcade_tdk::interaction::Elicitation;
use arcade_tdk::{ErrorKind, TokenKind};
use common::{call, call_err, harness, ids};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

/// The requests that changed something.
fn writes(sb: &Sandbox) -> Vec<(String, String)> {
    sb.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path))
        .collect()
}

#[tokio::test]
async fn a_router_rule_is_appended_after_the_others_and_routes_to_its_service() {
    let sb = Sandbox::start().await;
    let v = call(
        &sb,
        "AppendEventOrchestrationRouterRule",
        json!({"orchestration_id": "PORC003", "conditions": ["event.summary matches part 'db'", " "], "route_to": "PSVC004", "label": "Databases"}),
    )
    .await;
    assert_eq!(v["orchestration_id"], "PORC003");
    assert_eq!(v["rule"]["label"], "Databases");
    assert_eq!(v["rule"]["actions"]["route_to"], "PSVC004");
    assert_eq!(
        v["rule"]["conditions"],
        json!(["event.summary matches part 'db'"])
    );
    let new_id = v["rule"]["id"].as_str().unwrap().to_owned();
    assert!(!new_id.is_empty());
    let rules = v["router"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[2]["id"], new_id.as_str());

    // The read tool sees the same router: the two seeded rules kept, in order, and the
    // catch-all kept.
    let read = call(
        &sb,
        "GetEventOrchestration",
        json!({"orchestration_id": "PORC003"}),
    )
    .await;
    let router = &read["rule_sets"][1];
    assert_eq!(ids(&router["rules"]), ["PORC003r1", "PORC003r2", &new_id]);
    assert_eq!(router["catch_all"]["route_to"], "unrouted");
    // Read, read again (the optimistic check), write.
    let calls: Vec<String> = sb
        .requests()
        .into_iter()
        .filter(|r| r.path == "/event_orchestrations/PORC003/router")
        .map(|r| r.method)
        .collect();
    assert_eq!(calls[..3], ["GET", "GET", "PUT"]);

    // A second rule goes after the first one.
    let second = call(
        &sb,
        "AppendEventOrchestrationRouterRule",
        json!({"orchestration_id": "PORC003", "conditions": ["event.source matches 'k8s'"], "route_to": "PSVC001"}),
    )
    .await;
    assert_eq!(second["router"]["rules"].as_array().unwrap().len(), 4);
    assert_ne!(second["rule"]["id"], new_id.as_str());
    assert!(second["rule"].get("label").is_none());

    let ctx = sb.context("t", TokenKind::OAuth2);
    for args in [
        json!({"orchestration_id": "PORC003", "conditions": [], "route_to": "PSVC001"}),
        json!({"orchestration_id": "PORC003", "conditions": ["  "], "route_to": "PSVC001"}),
        json!({"orchestration_id": "PORC003", "conditions": ["a"], "route_to": "../x"}),
        json!({"orchestration_id": "a/b", "conditions": ["a"], "route_to": "PSVC001"}),
    ] {
        let err = call_err("AppendEventOrchestrationRouterRule", args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{err}");
    }
    // A service PagerDuty does not know is its 400; nothing changed.
    let before = writes(&sb).len();
    let err = call_err(
        "AppendEventOrchestrationRouterRule",
        json!({"orchestration_id": "PORC003", "conditions": ["a"], "route_to": "PNOPE99"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let read = call(
        &sb,
        "GetEventOrchestration",
        json!({"orchestration_id": "PORC003"}),
    )
    .await;
    assert_eq!(read["rule_sets"][1]["rules"].as_array().unwrap().len(), 4);
    assert_eq!(writes(&sb).len(), before + 1, "the rejected PUT only");
    let err = call_err(
        "AppendEventOrchestrationRouterRule",
        json!({"orchestration_id": "PNOPE99", "conditions": ["a"], "route_to": "PSVC001"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn status_page_posts_and_updates_are_published_and_read_back() {
    let sb = Sandbox::start().await;
    let post = call(
        &sb,
        "CreateStatusPagePost",
        json!({
            "status_page_id": "PSTP001",
            "title": "Search is slow",
            "post_type": "incident",
            "message": "We are looking into slow searches.",
            "status_id": "PSTP001STA0",
            "severity_id": "PSTP001SEV0",
            "impacted_service_ids": ["PSVC003"],
            "impact_id": "PSTP001IMP0",
        }),
    )
    .await;
    let post_id = post["id"].as_str().unwrap().to_owned();
    assert_eq!(post["title"], "Search is slow");
    assert_eq!(post["post_type"], "incident");
    assert_eq!(post["updates"][0]["status"]["id"], "PSTP001STA0");
    assert_eq!(post["updates"][0]["impacted_services"][0]["id"], "PSVC003");
    let sent = sb
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(
        sent.body.unwrap()["post"]["updates"][0]["notify_subscribers"],
        false
    );

    let update = call(
        &sb,
        "CreateStatusPagePostUpdate",
        json!({
            "status_page_id": "PSTP001",
            "post_id": post_id,
            "message": "Fixed: an index was rebuilt.",
            "status_id": "PSTP001STA3",
            "severity_id": "PSTP001SEV0",
            "notify_subscribers": true,
        }),
    )
    .await;
    assert_eq!(update["message"], "Fixed: an index was rebuilt.");
    assert_eq!(update["status"]["id"], "PSTP001STA3");

    // The read tools see the post and its two updates, oldest first.
    let read = call(
        &sb,
        "GetStatusPagePost",
        json!({"status_page_id": "PSTP001", "post_id": post_id}),
    )
    .await;
    assert_eq!(read["title"], "Search is slow");
    let messages: Vec<&str> = read["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "We are looking into slow searches.",
            "Fixed: an index was rebuilt."
        ]
    );
    let listed = call(
        &sb,
        "ListStatusPagePosts",
        json!({"status_page_id": "PSTP001"}),
    )
    .await;
    assert!(ids(&listed["posts"]).contains(&post_id));

    let ctx = sb.context("t", TokenKind::OAuth2);
    let base = json!({"status_page_id": "PSTP001", "title": "t", "post_type": "incident", "message": "m", "status_id": "PSTP001STA0", "severity_id": "PSTP001SEV0"});
    let with = |k: &str, v: Value| {
        let mut a = base.clone();
        a[k] = v;
        a
    };
    for args in [
        with("title", json!(" ")),
        with("message", json!("")),
        with("post_type", json!("maintenance")),
        with("starts_at", json!("soon")),
        with("impacted_service_ids", json!(["PSVC003"])),
        with("status_id", json!("a/b")),
    ] {
        let err = call_err("CreateStatusPagePost", args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{err}");
    }
    // A status of another page is PagerDuty's 400; a post of another page its 404.
    let err = call_err(
        "CreateStatusPagePost",
        with("status_id", json!("PSTP002STA0")),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let err = call_err(
        "CreateStatusPagePostUpdate",
        json!({"status_page_id": "PSTP002", "post_id": post_id, "message": "m", "status_id": "PSTP002STA0", "severity_id": "PSTP002SEV0"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404, "{err}");
    // A maintenance post with its window.
    let maintenance = call(
        &sb,
        "CreateStatusPagePost",
        json!({"status_page_id": "PSTP001", "title": "Upgrade", "post_type": "maintenance", "message": "Planned.", "status_id": "PSTP001STA4", "severity_id": "PSTP001SEV2", "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T02:00:00Z"}),
    )
    .await;
    assert_eq!(maintenance["ends_at"], "2030-01-01T02:00:00Z");
}

#[tokio::test]
async fn the_destructive_configuration_writes_ask_first_and_a_no_changes_nothing() {
    for (tool, args, named) in [
        (
            "DeleteWebhookSubscription",
            json!({"webhook_subscription_id": "PWHS001"}),
            "PWHS001",
        ),
        ("DeleteTeam", json!({"team_id": "PTEAM03"}), "PTEAM03"),
        (
            "UpdateService",
            json!({"service_id": "PSVC004", "status": "disabled"}),
            "PSVC004",
        ),
        (
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": "PEP0002", "levels": [{"delay_minutes": 5, "user_ids": ["PUSR001"]}]}),
            "PEP0002",
        ),
        (
            "DeleteAlertGroupingSetting",
            json!({"alert_grouping_setting_id": "PAGS002"}),
            "PAGS002",
        ),
        (
            "RemoveTeamMember",
            json!({"team_id": "PTEAM01", "user_id": "PUSR001"}),
            "PUSR001",
        ),
        (
            "AppendEventOrchestrationRouterRule",
            json!({"orchestration_id": "PORC002", "conditions": ["a"], "route_to": "PSVC001"}),
            "PORC002",
        ),
        (
            "CreateStatusPagePost",
            json!({"status_page_id": "PSTP001", "title": "t", "post_type": "incident", "message": "m", "status_id": "PSTP001STA0", "severity_id": "PSTP001SEV0"}),
            "PSTP001",
        ),
        (
            "CreateStatusPagePostUpdate",
            json!({"status_page_id": "PSTP001", "post_id": "PSPP001", "message": "m", "status_id": "PSTP001STA0", "severity_id": "PSTP001SEV0"}),
            "PSPP001",
        ),
    ] {
        let sb = Sandbox::start().await;
        let h = harness(&sb).answer_elicitation(Elicitation::Decline);
        let out = h.call(tool, args.clone()).await;
        out.assert_error_kind(ErrorKind::ToolRuntimeFatal);
        assert!(writes(&sb).is_empty(), "{tool} wrote after a no");
        let asked = h.client_script().requests();
        let message = asked[0].params()["message"].as_str().unwrap().to_owned();
        assert!(message.contains(named), "{tool}: {message}");
        // A yes goes ahead.
        let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
        h.call(tool, args).await.assert_success();
        assert_eq!(writes(&sb).len(), 1, "{tool}");
    }
}

#[tokio::test]
async fn the_breadth_writes_map_pagerduty_errors() {
    super::errors_are_mapped(&[
        (
            "AppendEventOrchestrationRouterRule",
            json!({"orchestration_id": "PORC001", "conditions": ["a"], "route_to": "PSVC001"}),
            Some("/event_orchestrations"),
            "event_orchestrations.",
        ),
        (
            "CreateStatusPagePost",
            json!({"status_page_id": "PSTP001", "title": "t", "post_type": "incident", "message": "m", "status_id": "PSTP001STA0", "severity_id": "PSTP001SEV0"}),
            Some("/status_pages"),
            "status_pages.write",
        ),
        (
            "CreateStatusPagePostUpdate",
            json!({"status_page_id": "PSTP001", "post_id": "PSPP001", "message": "m", "status_id": "PSTP001STA0", "severity_id": "PSTP001SEV0"}),
            Some("/status_pages"),
            "status_pages.write",
        ),
        (
            "CreateWebhookSubscription",
            json!({"url": "https://x.example.com", "events": ["incident.triggered"], "scope": "account"}),
            Some("/webhook_subscriptions"),
            "webhook_subscriptions.write",
        ),
        (
            "UpdateWebhookSubscription",
            json!({"webhook_subscription_id": "PWHS001", "active": false}),
            Some("/webhook_subscriptions"),
            "webhook_subscriptions.write",
        ),
        (
            "DeleteWebhookSubscription",
            json!({"webhook_subscription_id": "PWHS001"}),
            Some("/webhook_subscriptions"),
            "webhook_subscriptions.write",
        ),
        (
            "CreateEscalationPolicy",
            json!({"name": "n", "levels": [{"delay_minutes": 5, "user_ids": ["PUSR001"]}]}),
            Some("/escalation_policies"),
            "escalation_policies.write",
        ),
        (
            "UpdateEscalationPolicy",
            json!({"escalation_policy_id": "PEP0001", "name": "n"}),
            Some("/escalation_policies"),
            "escalation_policies.",
        ),
        (
            "CreateService",
            json!({"name": "n", "escalation_policy_id": "PEP0001"}),
            Some("/services"),
            "services.write",
        ),
        (
            "UpdateService",
            json!({"service_id": "PSVC001", "name": "n"}),
            Some("/services"),
            "services.",
        ),
        (
            "CreateAlertGroupingSetting",
            json!({"name": "n", "kind": "intelligent", "service_ids": ["PSVC005"]}),
            Some("/alert_grouping_settings"),
            "services.write",
        ),
        (
            "UpdateAlertGroupingSetting",
            json!({"alert_grouping_setting_id": "PAGS001", "name": "n"}),
            Some("/alert_grouping_settings"),
            "services.",
        ),
        (
            "DeleteAlertGroupingSetting",
            json!({"alert_grouping_setting_id": "PAGS001"}),
            Some("/alert_grouping_settings"),
            "services.write",
        ),
        (
            "CreateTeam",
            json!({"name": "n"}),
            Some("/teams"),
            "teams.write",
        ),
        (
            "UpdateTeam",
            json!({"team_id": "PTEAM01", "name": "n"}),
            Some("/teams"),
            "teams.",
        ),
        (
            "DeleteTeam",
            json!({"team_id": "PTEAM03"}),
            Some("/teams"),
            "teams.write",
        ),
        (
            "AddTeamMember",
            json!({"team_id": "PTEAM01", "user_id": "PUSR006"}),
            Some("/teams"),
            "teams.write",
        ),
        (
            "RemoveTeamMember",
            json!({"team_id": "PTEAM01", "user_id": "PUSR001"}),
            Some("/teams"),
            "teams.write",
        ),
    ])
    .await;
}
