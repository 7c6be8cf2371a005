//! The seeded account's wider areas: 2 status pages (severities, impacts, statuses,
//! 3 posts with updates), 12 event orchestrations with global, router and unrouted
//! rules, service orchestrations, 2 business services with their dependencies, 3
//! alert grouping settings, 12 webhook subscriptions and 2 extension schemas.
//! Twelve of a kind where a list tool pages through them.

use serde_json::{Value, json};

use super::Db;
use super::seed::at;

const API: &str = "https://api.pagerduty.com";

/// Adds the wider areas to `db`.
pub(crate) fn seed_areas(db: &mut Db, now: time::OffsetDateTime) {
    status_pages(db, now);
    orchestrations(db, now);
    business_services(db);
    alert_grouping(db);
    webhooks(db);
    extension_schemas(db);
}

fn status_pages(db: &mut Db, now: time::OffsetDateTime) {
    for (id, name, kind) in [
        ("PSTP001", "Acme Status", "public"),
        ("PSTP002", "Acme Internal Status", "private"),
    ] {
        db.status_pages.push(json!({
            "id": id,
            "type": "status_page",
            "name": name,
            "status_page_type": kind,
            "url": format!("https://status.acme.example/{}", id.to_lowercase()),
            "published_at": at(now, -86_400 * 300),
        }));
        let page = json!({"id": id, "type": "status_page"});
        let choice = |kind: &str, cid: String, description: &str, post_type: &str| {
            json!({
                "id": cid,
                "type": kind,
                "self": format!("{API}/status_pages/{id}/{kind}/{cid}"),
                "description": description,
                "post_type": post_type,
                "status_page": page,
            })
        };
        for (k, (d, t)) in [
            ("Minor", "incident"),
            ("Major", "incident"),
            ("None", "maintenance"),
        ]
        .into_iter()
        .enumerate()
        {
            db.status_page_severities.push(choice(
                "status_page_severity",
                format!("{id}SEV{k}"),
                d,
                t,
            ));
        }
        for (k, (d, t)) in [
            ("Degraded performance", "incident"),
            ("Major outage", "incident"),
            ("Under maintenance", "maintenance"),
        ]
        .into_iter()
        .enumerate()
        {
            db.status_page_impacts
                .push(choice("status_page_impact", format!("{id}IMP{k}"), d, t));
        }
        for (k, (d, t)) in [
            ("Investigating", "incident"),
            ("Identified", "incident"),
            ("Monitoring", "incident"),
            ("Resolved", "incident"),
            ("Scheduled", "maintenance"),
            ("Completed", "maintenance"),
        ]
        .into_iter()
        .enumerate()
        {
            db.status_page_statuses
                .push(choice("status_page_status", format!("{id}STA{k}"), d, t));
        }
    }
    let page = json!({"id": "PSTP001", "type": "status_page"});
    for (k, (post, title, kind, incident, start, end)) in [
        (
            "PSPP001",
            "Checkout errors",
            "incident",
            Some("PINC003"),
            -7_200,
            Some(-600),
        ),
        (
            "PSPP002",
            "Slow logins",
            "incident",
            Some("PINC025"),
            -1_800,
            None,
        ),
        (
            "PSPP003",
            "Database upgrade",
            "maintenance",
            None,
            86_400,
            Some(90_000),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let linked = incident.map(|i| json!({"id": i, "type": "incident_reference"}));
        let statuses: &[(&str, &str)] = if kind == "incident" {
            &[
                ("STA0", "We are looking into it."),
                ("STA1", "We found the cause and are fixing it."),
            ]
        } else {
            &[("STA4", "Planned work on the primary database.")]
        };
        let update_refs: Vec<Value> = (0..statuses.len())
            .map(|n| json!({"id": format!("PSPU{k}{n}"), "type": "status_page_post_update"}))
            .collect();
        db.status_page_posts.push(json!({
            "id": post,
            "type": "status_page_post",
            "self": format!("{API}/status_pages/PSTP001/posts/{post}"),
            "post_type": kind,
            "status_page": page,
            "linked_resource": linked,
            "title": title,
            "starts_at": at(now, start),
            "ends_at": end.map(|e| at(now, e)),
            "updates": update_refs,
        }));
        for (n, (status, message)) in statuses.iter().enumerate() {
            let uid = format!("PSPU{k}{n}");
            db.status_page_post_updates.push(json!({
                "id": uid,
                "type": "status_page_post_update",
                "self": format!("{API}/status_pages/PSTP001/posts/{post}/post_updates/{uid}"),
                "post": {"id": post, "type": "status_page_post"},
                "message": message,
                "reviewed_status": "approved",
                "status": {"id": format!("PSTP001{status}"), "type": "status_page_status"},
                "severity": {"id": "PSTP001SEV1", "type": "status_page_severity"},
                "impacted_services": [{
                    "service": {"id": "PSVC003", "type": "status_page_service"},
                    "severity": {"id": "PSTP001SEV1", "type": "status_page_severity"},
                }],
                "update_frequency_ms": null,
                "notify_subscribers": false,
                "reported_at": at(now, start + 300 * n as i64),
            }));
        }
    }
}

fn rule_path(kind: &str, parent: Value, rules: Value, catch_all: Value) -> Value {
    json!({"orchestration_path": {
        "type": kind,
        "self": format!("{API}/event_orchestrations/{}/{kind}", parent["id"].as_str().unwrap_or_default()),
        "parent": parent,
        "sets": [{"id": "start", "rules": rules}],
        "catch_all": {"actions": catch_all},
        "created_at": "2026-01-01T00:00:00Z",
        "created_by": {"id": "PUSR001", "type": "user_reference", "self": format!("{API}/users/PUSR001")},
        "updated_at": "2026-01-01T00:00:00Z",
        "updated_by": {"id": "PUSR001", "type": "user_reference", "self": format!("{API}/users/PUSR001")},
        "version": "1",
    }})
}

fn orchestrations(db: &mut Db, now: time::OffsetDateTime) {
    let names = ["Platform events", "Payments events", "Data events"];
    for k in 1..=12 {
        let id = format!("PORC{k:03}");
        let name = format!("{} {k}", names[(k - 1) % names.len()]);
        let team = ["PTEAM01", "PTEAM02", "PTEAM03"][(k - 1) % 3];
        let target = format!("PSVC00{}", (k - 1) % 5 + 1);
        db.orchestrations.push(json!({
            "id": id,
            "self": format!("{API}/event_orchestrations/{id}"),
            "name": name,
            "description": format!("Routes the {} alerts.", name.to_lowercase()),
            "team": {"id": team, "type": "team_reference", "self": format!("{API}/teams/{team}")},
            "integrations": [{
                "id": format!("{id}-int"),
                "label": "Default",
                "parameters": {"routing_key": format!("R{}", id.to_lowercase()), "type": "global"},
            }],
            "routes": 2,
            "created_at": at(now, -86_400 * 100),
            "created_by": {"id": "PUSR001", "type": "user_reference", "self": format!("{API}/users/PUSR001")},
            "updated_at": at(now, -86_400 * (k as i64)),
            "updated_by": {"id": "PUSR001", "type": "user_reference", "self": format!("{API}/users/PUSR001")},
            "version": "3",
        }));
        let parent = json!({"id": id, "type": "event_orchestration_reference", "self": format!("{API}/event_orchestrations/{id}")});
        db.orchestration_paths.insert(
            format!("{id}/router"),
            rule_path(
                "router",
                parent.clone(),
                json!([
                    {"id": format!("{id}r1"), "label": "Production to the owning service", "conditions": [{"expression": "event.custom_details.env matches 'prod'"}], "actions": {"route_to": target}, "disabled": false},
                    {"id": format!("{id}r2"), "label": "Payments", "conditions": [{"expression": "event.source matches part 'pay'"}], "actions": {"route_to": "PSVC003"}, "disabled": false},
                ]),
                json!({"route_to": "unrouted"}),
            ),
        );
        db.orchestration_paths.insert(
            format!("{id}/global"),
            rule_path(
                "global",
                parent.clone(),
                json!([{"id": format!("{id}g1"), "label": "Drop test events", "conditions": [{"expression": "event.summary matches part 'test'"}], "actions": {"drop_event": true}, "disabled": false}]),
                json!({"suppress": false}),
            ),
        );
        db.orchestration_paths.insert(
            format!("{id}/unrouted"),
            rule_path("unrouted", parent, json!([]), json!({"severity": "info"})),
        );
    }
    for k in 1..=5 {
        let sid = format!("PSVC00{k}");
        let parent = json!({"id": sid, "type": "service_reference", "self": format!("{API}/services/{sid}")});
        let mut path = rule_path(
            "service",
            parent,
            json!([{"id": format!("{sid}s1"), "label": "Warnings are low urgency", "conditions": [{"expression": "event.severity matches 'warning'"}], "actions": {"priority": "PPRI004", "suppress": false}, "disabled": false}]),
            json!({"suppress": false}),
        );
        path["orchestration_path"]["self"] =
            json!(format!("{API}/event_orchestrations/services/{sid}"));
        db.orchestration_paths
            .insert(format!("services/{sid}"), path);
    }
}

fn business_services(db: &mut Db) {
    for (id, name, desc, contact, team, supports) in [
        (
            "PBSV001",
            "Checkout",
            "Customers paying for orders.",
            "payments-leads@acme.example",
            "PTEAM02",
            &["PSVC001", "PSVC003"][..],
        ),
        (
            "PBSV002",
            "Sign-in",
            "Customers logging in.",
            "identity@acme.example",
            "PTEAM01",
            &["PSVC002"][..],
        ),
    ] {
        db.business_services.push(json!({
            "id": id,
            "type": "business_service",
            "summary": name,
            "self": format!("{API}/business_services/{id}"),
            "html_url": null,
            "name": name,
            "description": desc,
            "point_of_contact": contact,
            "team": {"id": team, "type": "team_reference", "self": format!("{API}/teams/{team}")},
        }));
        for s in supports {
            db.business_dependencies
                .push((id.to_owned(), (*s).to_owned()));
        }
    }
}

fn alert_grouping(db: &mut Db) {
    for (id, name, kind, config, services) in [
        (
            "PAGS001",
            "Gateway bursts",
            "time",
            json!({"timeout": 5}),
            &["PSVC001"][..],
        ),
        (
            "PAGS002",
            "Identity and payments",
            "intelligent",
            json!({"time_window": 300, "recommended_time_window": 300}),
            &["PSVC002", "PSVC003"][..],
        ),
        (
            "PAGS003",
            "Data by host",
            "content_based",
            json!({"aggregate": "all", "fields": ["source", "summary"], "time_window": 600}),
            &["PSVC004"][..],
        ),
    ] {
        db.alert_grouping_settings.push(json!({
            "id": id,
            "name": name,
            "description": format!("{name}: {kind} grouping."),
            "type": kind,
            "config": config,
            "services": services.iter().map(|s| json!({"id": s, "type": "service_reference"})).collect::<Vec<_>>(),
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }));
    }
}

fn webhooks(db: &mut Db) {
    for k in 1..=12 {
        let id = format!("PWHS{k:03}");
        let (filter_type, filter_id) = match k % 3 {
            0 => ("account_reference", None),
            1 => (
                "service_reference",
                Some(format!("PSVC00{}", (k - 1) % 5 + 1)),
            ),
            _ => ("team_reference", Some(format!("PTEAM0{}", (k / 3) % 3 + 1))),
        };
        let mut filter = json!({"type": filter_type});
        if let Some(f) = filter_id {
            filter["id"] = json!(f);
        }
        db.webhook_subscriptions.push(json!({
            "id": id,
            "type": "webhook_subscription",
            "active": k != 7,
            "delivery_method": {
                "id": format!("{id}-dm"),
                "secret": null,
                "temporarily_disabled": false,
                "type": "http_delivery_method",
                "url": format!("https://hooks.acme.example/pagerduty/{k}"),
                "custom_headers": [],
            },
            "description": format!("Chat bridge {k}"),
            "events": ["incident.triggered", "incident.acknowledged", "incident.resolved"],
            "filter": filter,
        }));
    }
}

fn extension_schemas(db: &mut Db) {
    for (id, label, key) in [
        ("PEXS001", "Generic V2 Webhook", "generic_v2_webhook"),
        ("PEXS002", "Slack", "slack"),
    ] {
        db.extension_schemas.push(json!({
            "id": id,
            "type": "extension_schema",
            "summary": label,
            "self": format!("{API}/extension_schemas/{id}"),
            "html_url": null,
            "icon_url": format!("https://assets.pagerduty.com/{key}.png"),
            "logo_url": format!("https://assets.pagerduty.com/{key}-logo.png"),
            "label": label,
            "key": key,
            "description": format!("Send incident events to {label}."),
            "guide_url": format!("https://support.pagerduty.com/docs/{key}"),
            "send_types": ["trigger", "acknowledge", "resolve"],
            "url": format!("https://hooks.pagerduty.com/{key}"),
        }));
    }
}
