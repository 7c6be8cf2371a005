//! The reads of the wider areas (status pages, event orchestrations, business
//! services and dependencies, alert grouping, webhooks) against the sandbox: values,
//! real pagination, filters, bad input and PagerDuty's errors.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_err, ids, none};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

/// Each new tool with arguments that succeed on the seeded account, and the scope a
/// 403 names.
fn calls() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("ListStatusPages", none(), "status_pages.read"),
        (
            "GetStatusPage",
            json!({"status_page_id": "PSTP001"}),
            "status_pages.read",
        ),
        (
            "ListStatusPagePosts",
            json!({"status_page_id": "PSTP001"}),
            "status_pages.read",
        ),
        (
            "GetStatusPagePost",
            json!({"status_page_id": "PSTP001", "post_id": "PSPP001"}),
            "status_pages.read",
        ),
        (
            "ListEventOrchestrations",
            none(),
            "event_orchestrations.read",
        ),
        (
            "GetEventOrchestration",
            json!({"orchestration_id": "PORC001"}),
            "event_orchestrations.read",
        ),
        ("ListBusinessServices", none(), "services.read"),
        (
            "GetServiceDependencies",
            json!({"service_id": "PSVC001"}),
            "services.read",
        ),
        ("ListAlertGroupingSettings", none(), "services.read"),
        (
            "ListWebhookSubscriptions",
            none(),
            "webhook_subscriptions.read",
        ),
    ]
}

#[tokio::test]
async fn status_pages_their_choices_posts_and_updates() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "ListStatusPages", none()).await;
    assert_eq!(ids(&v["status_pages"]), ["PSTP001", "PSTP002"]);
    assert_eq!(v["more"], false);
    let private = call(
        &sb,
        "ListStatusPages",
        json!({"status_page_type": "private"}),
    )
    .await;
    assert_eq!(ids(&private["status_pages"]), ["PSTP002"]);

    let page = call(&sb, "GetStatusPage", json!({"status_page_id": "PSTP001"})).await;
    assert_eq!(page["severities"].as_array().unwrap().len(), 3);
    assert_eq!(page["impacts"][1]["description"], "Major outage");
    assert_eq!(page["statuses"].as_array().unwrap().len(), 6);
    let maint = call(
        &sb,
        "GetStatusPage",
        json!({"status_page_id": "PSTP001", "post_type": "maintenance"}),
    )
    .await;
    assert_eq!(ids(&maint["statuses"]), ["PSTP001STA4", "PSTP001STA5"]);
    assert!(
        maint["severities"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["post_type"] == "maintenance")
    );

    let posts = call(
        &sb,
        "ListStatusPagePosts",
        json!({"status_page_id": "PSTP001", "post_type": "incident"}),
    )
    .await;
    assert_eq!(ids(&posts["posts"]), ["PSPP001", "PSPP002"]);
    assert_eq!(posts["posts"][0]["linked_resource"]["id"], "PINC003");
    let post = call(
        &sb,
        "GetStatusPagePost",
        json!({"status_page_id": "PSTP001", "post_id": "PSPP001"}),
    )
    .await;
    assert_eq!(post["title"], "Checkout errors");
    assert_eq!(ids(&post["updates"]), ["PSPU00", "PSPU01"]);
    assert_eq!(post["updates"][0]["status"]["id"], "PSTP001STA0");
    assert_eq!(post["updates"][0]["impacted_services"][0]["id"], "PSVC003");
    assert_eq!(post["truncated"], false);

    let ctx = sb.context("t", TokenKind::OAuth2);
    // A post of another page is not found.
    let err = call_err(
        "GetStatusPagePost",
        json!({"status_page_id": "PSTP002", "post_id": "PSPP001"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    let err = call_err(
        "ListStatusPagePosts",
        json!({"status_page_id": "PSTP001", "post_type": "outage"}),
        ctx,
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{err}");
}

#[tokio::test]
async fn event_orchestrations_page_and_show_their_rules() {
    let sb = Sandbox::start().await;
    let first = call(&sb, "ListEventOrchestrations", json!({"limit": 5})).await;
    assert_eq!(
        ids(&first["orchestrations"]),
        ["PORC001", "PORC002", "PORC003", "PORC004", "PORC005"]
    );
    assert_eq!(first["more"], true);
    assert_eq!(first["next_offset"], 5);
    assert_eq!(first["orchestrations"][0]["routing_keys"][0], "Rporc001");
    assert_eq!(first["orchestrations"][0]["team"]["id"], "PTEAM01");
    let last = call(
        &sb,
        "ListEventOrchestrations",
        json!({"limit": 5, "offset": 10}),
    )
    .await;
    assert_eq!(ids(&last["orchestrations"]), ["PORC011", "PORC012"]);
    assert_eq!(last["more"], false);
    assert!(last["next_offset"].is_null());
    let page = sb
        .requests()
        .into_iter()
        .find(|r| r.path == "/event_orchestrations")
        .unwrap();
    assert!(page.query.contains(&("limit".into(), "5".into())));

    let one = call(
        &sb,
        "GetEventOrchestration",
        json!({"orchestration_id": "PORC002"}),
    )
    .await;
    assert_eq!(one["orchestration"]["name"], "Payments events 2");
    assert_eq!(
        one["rule_sets"][1]["rules"][0]["actions"]["route_to"],
        "PSVC002"
    );
    assert_eq!(one["rule_sets"][1]["rules"][0]["set"], "start");
    assert!(
        one["rule_sets"][1]["rules"][0]["conditions"][0]
            .as_str()
            .unwrap()
            .contains("prod")
    );
    assert_eq!(one["rule_sets"][1]["catch_all"]["route_to"], "unrouted");
    assert_eq!(
        one["rule_sets"][0]["rules"][0]["actions"]["drop_event"],
        true
    );
    assert_eq!(one["rule_sets"][0]["part"], "global");
    assert_eq!(one["rule_sets"][1]["part"], "router");
    assert_eq!(one["rule_sets"].as_array().unwrap().len(), 2);

    let svc = call(
        &sb,
        "GetEventOrchestration",
        json!({"service_id": "PSVC004"}),
    )
    .await;
    assert_eq!(svc["rule_sets"][0]["part"], "service");
    assert_eq!(svc["rule_sets"][0]["rules"][0]["id"], "PSVC004s1");
    assert!(svc.get("orchestration").is_none());

    let ctx = sb.context("t", TokenKind::OAuth2);
    for args in [
        none(),
        json!({"orchestration_id": "PORC001", "service_id": "PSVC001"}),
    ] {
        let err = call_err("GetEventOrchestration", args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
        assert!(err["message"].as_str().unwrap().contains("exactly one"));
    }
    let err = call_err(
        "GetEventOrchestration",
        json!({"orchestration_id": "PNOPE99"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn business_services_and_dependencies_either_side() {
    let sb = Sandbox::start().await;
    let v = call(&sb, "ListBusinessServices", json!({"limit": 1})).await;
    assert_eq!(ids(&v["business_services"]), ["PBSV001"]);
    assert_eq!(v["business_services"][0]["name"], "Checkout");
    assert_eq!(v["more"], true);
    assert_eq!(v["next_offset"], 1);
    let v = call(&sb, "ListBusinessServices", json!({"offset": 1})).await;
    assert_eq!(ids(&v["business_services"]), ["PBSV002"]);
    assert_eq!(v["more"], false);

    // The gateway depends on auth and payments, and Checkout depends on it.
    let deps = call(
        &sb,
        "GetServiceDependencies",
        json!({"service_id": "PSVC001"}),
    )
    .await;
    let rels = deps["relationships"].as_array().unwrap();
    assert_eq!(rels.len(), 3);
    assert_eq!(rels[0]["dependent"]["id"], "PSVC001");
    assert_eq!(rels[0]["supporting"]["id"], "PSVC002");
    assert_eq!(rels[2]["dependent"]["id"], "PBSV001");
    assert_eq!(rels[2]["dependent_kind"], "business_service");
    let business = call(
        &sb,
        "GetServiceDependencies",
        json!({"service_id": "PBSV002", "kind": "business"}),
    )
    .await;
    assert_eq!(business["relationships"][0]["supporting"]["id"], "PSVC002");
    assert_eq!(business["relationships"][0]["supporting_kind"], "service");

    // A business service asked for as technical is not found.
    let err = call_err(
        "GetServiceDependencies",
        json!({"service_id": "PBSV001"}),
        sb.context("t", TokenKind::OAuth2),
    )
    .await;
    assert_eq!(err["status_code"], 404);
}

#[tokio::test]
async fn alert_grouping_settings_page_by_cursor() {
    let sb = Sandbox::start().await;
    let first = call(&sb, "ListAlertGroupingSettings", json!({"limit": 2})).await;
    assert_eq!(
        ids(&first["alert_grouping_settings"]),
        ["PAGS001", "PAGS002"]
    );
    assert_eq!(first["alert_grouping_settings"][0]["type"], "time");
    assert_eq!(first["alert_grouping_settings"][0]["config"]["timeout"], 5);
    assert_eq!(first["more"], true);
    assert_eq!(first["next_cursor"], "PAGS002");
    let next = call(
        &sb,
        "ListAlertGroupingSettings",
        json!({"limit": 2, "after": "PAGS002"}),
    )
    .await;
    assert_eq!(ids(&next["alert_grouping_settings"]), ["PAGS003"]);
    assert_eq!(next["more"], false);
    assert!(next.get("next_cursor").is_some() && next["next_cursor"].is_null());

    let svc = call(
        &sb,
        "ListAlertGroupingSettings",
        json!({"service_ids": ["PSVC003"]}),
    )
    .await;
    assert_eq!(ids(&svc["alert_grouping_settings"]), ["PAGS002"]);

    let ctx = sb.context("t", TokenKind::OAuth2);
    // A cursor PagerDuty does not know is its 400.
    let err = call_err(
        "ListAlertGroupingSettings",
        json!({"after": "bogus"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400);
    let err = call_err(
        "ListAlertGroupingSettings",
        json!({"service_ids": ["../x"]}),
        ctx,
    )
    .await;
    assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
}

#[tokio::test]
async fn webhook_subscriptions_page_and_filter() {
    let sb = Sandbox::start().await;
    let first = call(&sb, "ListWebhookSubscriptions", none()).await;
    assert_eq!(first["webhook_subscriptions"].as_array().unwrap().len(), 10);
    assert_eq!(first["more"], true);
    assert_eq!(first["next_offset"], 10);
    let w = &first["webhook_subscriptions"][0];
    assert_eq!(w["url"], "https://hooks.acme.example/pagerduty/1");
    assert_eq!(w["filter_type"], "service_reference");
    assert_eq!(w["events"][0], "incident.triggered");
    let rest = call(&sb, "ListWebhookSubscriptions", json!({"offset": 10})).await;
    assert_eq!(ids(&rest["webhook_subscriptions"]), ["PWHS011", "PWHS012"]);
    assert_eq!(rest["more"], false);

    let team = call(
        &sb,
        "ListWebhookSubscriptions",
        json!({"scope": "team", "scope_id": "PTEAM02", "limit": 50}),
    )
    .await;
    assert_eq!(ids(&team["webhook_subscriptions"]), ["PWHS005"]);
    let account = call(
        &sb,
        "ListWebhookSubscriptions",
        json!({"scope": "account", "limit": 50}),
    )
    .await;
    assert_eq!(
        account["webhook_subscriptions"].as_array().unwrap().len(),
        4
    );

    let ctx = sb.context("t", TokenKind::OAuth2);
    for args in [
        json!({"scope_id": "PSVC001"}),
        json!({"scope": "service"}),
        json!({"scope": "account", "scope_id": "PSVC001"}),
    ] {
        let err = call_err("ListWebhookSubscriptions", args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
    }
}

#[tokio::test]
async fn the_new_reads_map_pagerduty_errors() {
    let calls: Vec<_> = calls()
        .into_iter()
        .map(|(tool, args, scope)| (tool, args, None, scope))
        .collect();
    super::errors_are_mapped(&calls).await;
}

#[tokio::test]
async fn the_new_reads_reject_ids_that_cannot_go_into_a_path() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("t", TokenKind::OAuth2);
    for (tool, args) in [
        ("GetStatusPage", json!({"status_page_id": "../teams"})),
        ("ListStatusPagePosts", json!({"status_page_id": "a/b"})),
        (
            "GetStatusPagePost",
            json!({"status_page_id": "PSTP001", "post_id": "x?y"}),
        ),
        ("GetEventOrchestration", json!({"service_id": "../me"})),
        ("GetServiceDependencies", json!({"service_id": ""})),
    ] {
        let err = call_err(tool, args, ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{tool}");
    }
    assert!(sb.requests().is_empty(), "nothing was sent");
}
