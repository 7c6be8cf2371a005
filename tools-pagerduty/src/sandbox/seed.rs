//! The seeded sandbox account: 8 users, 3 teams, 3 schedules, 3 escalation policies,
//! 5 services, 5 priorities, 30 incidents with alerts, log entries and notes, 3 incident
//! workflows (one disabled), and service dependencies for related incidents.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Db;

/// A team: id, name, description, members (user, role).
type TeamSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
/// A service: id, name, description, policy, team, status override.
type ServiceSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const WEB: &str = "https://sandbox.pagerduty.com";
const API: &str = "https://api.pagerduty.com";

fn plural(kind: &str) -> &'static str {
    match kind {
        "user" => "users",
        "team" => "teams",
        "schedule" => "schedules",
        "escalation_policy" => "escalation_policies",
        "service" => "services",
        "incident" => "incidents",
        "log_entry" => "log_entries",
        "priority" => "priorities",
        "alert" => "alerts",
        "maintenance_window" => "maintenance_windows",
        "incident_workflow" => "incident_workflows",
        _ => "objects",
    }
}

/// A reference object as PagerDuty sends it.
pub(crate) fn reference(kind: &str, id: &str, summary: &str) -> Value {
    let p = plural(kind);
    json!({
        "id": id,
        "type": format!("{kind}_reference"),
        "summary": summary,
        "self": format!("{API}/{p}/{id}"),
        "html_url": format!("{WEB}/{p}/{id}"),
    })
}

/// Common fields of a full object.
pub(crate) fn object(kind: &str, id: &str, summary: &str) -> serde_json::Map<String, Value> {
    let p = plural(kind);
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(id));
    m.insert("type".into(), json!(kind));
    m.insert("summary".into(), json!(summary));
    m.insert("self".into(), json!(format!("{API}/{p}/{id}")));
    m.insert("html_url".into(), json!(format!("{WEB}/{p}/{id}")));
    m
}

/// The summary of a full object.
pub(crate) fn summary(v: &Value) -> String {
    v.get("summary")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The reference to a full object.
pub(crate) fn ref_of(v: &Value) -> Value {
    let kind = v.get("type").and_then(Value::as_str).unwrap_or_default();
    let id = v.get("id").and_then(Value::as_str).unwrap_or_default();
    reference(kind, id, &summary(v))
}

/// A `YYYY-MM-DDTHH:MM:SSZ` time `secs` seconds from `now`.
pub(crate) fn at(now: time::OffsetDateTime, secs: i64) -> String {
    crate::tools::format_utc(now + time::Duration::seconds(secs))
}

const USERS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "PUSR001",
        "Alice Chen",
        "alice@example.com",
        "admin",
        "SRE Lead",
        "America/Los_Angeles",
    ),
    (
        "PUSR002",
        "Bob Okafor",
        "bob@example.com",
        "user",
        "Platform Engineer",
        "Europe/London",
    ),
    (
        "PUSR003",
        "Carla Mendes",
        "carla@example.com",
        "user",
        "Payments Engineer",
        "America/Sao_Paulo",
    ),
    (
        "PUSR004",
        "Dmitri Volkov",
        "dmitri@example.com",
        "user",
        "Payments Engineer",
        "Europe/Berlin",
    ),
    (
        "PUSR005",
        "Erin O'Neil",
        "erin@example.com",
        "user",
        "Data Engineer",
        "America/New_York",
    ),
    (
        "PUSR006",
        "Farah Haddad",
        "farah@example.com",
        "user",
        "Data Engineer",
        "Asia/Dubai",
    ),
    (
        "PUSR007",
        "Gus Lindqvist",
        "gus@example.com",
        "admin",
        "Engineering Manager",
        "Europe/Stockholm",
    ),
    (
        "PUSR008",
        "Hana Sato",
        "hana@example.com",
        "limited_user",
        "Support Engineer",
        "Asia/Tokyo",
    ),
];

// (team id, name, description, members (user, role))
const TEAMS: &[TeamSeed] = &[
    (
        "PTEAM01",
        "Platform",
        "Edge, API gateway and identity.",
        &[
            ("PUSR001", "manager"),
            ("PUSR002", "responder"),
            ("PUSR007", "manager"),
        ],
    ),
    (
        "PTEAM02",
        "Payments",
        "Checkout, payments and billing.",
        &[
            ("PUSR003", "responder"),
            ("PUSR004", "responder"),
            ("PUSR007", "observer"),
        ],
    ),
    (
        "PTEAM03",
        "Data",
        "Pipelines and the warehouse.",
        &[("PUSR005", "manager"), ("PUSR006", "responder")],
    ),
];

// (schedule id, name, team, rotation users, time zone)
const SCHEDULES: &[(&str, &str, &str, &[&str], &str)] = &[
    (
        "PSCH001",
        "Platform Primary",
        "PTEAM01",
        &["PUSR001", "PUSR002"],
        "America/Los_Angeles",
    ),
    (
        "PSCH002",
        "Payments Primary",
        "PTEAM02",
        &["PUSR003", "PUSR004"],
        "Europe/Berlin",
    ),
    (
        "PSCH003",
        "Data Primary",
        "PTEAM03",
        &["PUSR005", "PUSR006"],
        "America/New_York",
    ),
];

// (policy id, name, team, level-1 schedule, level-2 user)
const POLICIES: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "PEP0001",
        "Platform Escalation",
        "PTEAM01",
        "PSCH001",
        Some("PUSR007"),
    ),
    (
        "PEP0002",
        "Payments Escalation",
        "PTEAM02",
        "PSCH002",
        Some("PUSR003"),
    ),
    ("PEP0003", "Data Escalation", "PTEAM03", "PSCH003", None),
];

// (service id, name, description, policy, team, status override)
const SERVICES: &[ServiceSeed] = &[
    (
        "PSVC001",
        "api-gateway",
        "Public API edge.",
        "PEP0001",
        "PTEAM01",
        None,
    ),
    (
        "PSVC002",
        "auth-service",
        "Login and tokens.",
        "PEP0001",
        "PTEAM01",
        None,
    ),
    (
        "PSVC003",
        "payments-api",
        "Card payments.",
        "PEP0002",
        "PTEAM02",
        None,
    ),
    (
        "PSVC004",
        "billing-worker",
        "Invoices (being retired).",
        "PEP0002",
        "PTEAM02",
        Some("disabled"),
    ),
    (
        "PSVC005",
        "etl-pipeline",
        "Nightly warehouse loads.",
        "PEP0003",
        "PTEAM03",
        None,
    ),
];

const TITLES: &[&str] = &[
    "High 5xx rate on /v1/orders",
    "p99 latency above 2s",
    "TLS certificate expires in 3 days",
    "Token signing key rotation failed",
    "Card authorization errors above 5%",
    "Disk usage 95% on db-1",
    "Nightly load did not finish",
    "Kafka consumer lag above 1M",
    "Login success rate dropped",
    "Webhook deliveries failing",
];

/// The routing (integration) key of a service's Events API v2 integration.
pub fn routing_key(service_id: &str) -> String {
    format!("{:0<32}", format!("R{}", service_id.to_lowercase()))
}

/// Builds the seeded account around `now`.
pub(crate) fn seed(now: time::OffsetDateTime) -> Db {
    let mut db = Db::default();
    let user_name = |id: &str| {
        USERS
            .iter()
            .find(|u| u.0 == id)
            .map(|u| u.1)
            .unwrap_or_default()
    };
    let team_name = |id: &str| {
        TEAMS
            .iter()
            .find(|t| t.0 == id)
            .map(|t| t.1)
            .unwrap_or_default()
    };
    let schedule_name = |id: &str| {
        SCHEDULES
            .iter()
            .find(|s| s.0 == id)
            .map(|s| s.1)
            .unwrap_or_default()
    };
    let policy_name = |id: &str| {
        POLICIES
            .iter()
            .find(|p| p.0 == id)
            .map(|p| p.1)
            .unwrap_or_default()
    };
    let user_ref = |id: &str| reference("user", id, user_name(id));
    let team_ref = |id: &str| reference("team", id, team_name(id));
    let policy_ref = |id: &str| reference("escalation_policy", id, policy_name(id));

    for (id, name, email, role, title, tz) in USERS {
        let teams: Vec<Value> = TEAMS
            .iter()
            .filter(|t| t.3.iter().any(|(u, _)| u == id))
            .map(|t| team_ref(t.0))
            .collect();
        let n = &id[4..];
        let cms = vec![
            {
                let mut m = object("email_contact_method", &format!("PCM{n}E"), "Work");
                m.insert("type".into(), json!("email_contact_method"));
                m.insert("label".into(), json!("Work"));
                m.insert("address".into(), json!(email));
                Value::Object(m)
            },
            {
                let mut m = object("phone_contact_method", &format!("PCM{n}P"), "Mobile");
                m.insert("label".into(), json!("Mobile"));
                m.insert("address".into(), json!(format!("555010{n}")));
                m.insert("country_code".into(), json!(1));
                Value::Object(m)
            },
        ];
        let rules = vec![
            json!({"id": format!("PNR{n}H"), "type": "assignment_notification_rule", "summary": "0 minutes: channel", "start_delay_in_minutes": 0, "urgency": "high", "contact_method": cms[1].clone()}),
            json!({"id": format!("PNR{n}L"), "type": "assignment_notification_rule", "summary": "0 minutes: channel", "start_delay_in_minutes": 0, "urgency": "low", "contact_method": cms[0].clone()}),
        ];
        let mut u = object("user", id, name);
        u.insert("name".into(), json!(name));
        u.insert("email".into(), json!(email));
        u.insert("time_zone".into(), json!(tz));
        u.insert("color".into(), json!("purple"));
        u.insert("role".into(), json!(role));
        u.insert("job_title".into(), json!(title));
        u.insert(
            "avatar_url".into(),
            json!(format!("{WEB}/avatars/{id}.png")),
        );
        u.insert("description".into(), json!(""));
        u.insert("invitation_sent".into(), json!(false));
        u.insert("teams".into(), Value::Array(teams));
        u.insert(
            "contact_methods".into(),
            Value::Array(
                cms.iter()
                    .map(|c| {
                        let mut r = ref_of(c);
                        r["type"] = json!(format!(
                            "{}_reference",
                            c["type"].as_str().unwrap_or_default()
                        ));
                        r
                    })
                    .collect(),
            ),
        );
        u.insert(
            "notification_rules".into(),
            Value::Array(
                rules
                    .iter()
                    .map(|r| {
                        let mut x = ref_of(r);
                        x["type"] = json!("assignment_notification_rule_reference");
                        x
                    })
                    .collect(),
            ),
        );
        db.users.push(Value::Object(u));
        db.contact_methods.insert((*id).to_owned(), cms);
        db.notification_rules.insert((*id).to_owned(), rules);
    }

    for (id, name, desc, members) in TEAMS {
        let mut t = object("team", id, name);
        t.insert("name".into(), json!(name));
        t.insert("description".into(), json!(desc));
        t.insert("parent".into(), Value::Null);
        db.teams.push(Value::Object(t));
        for (u, role) in members.iter() {
            db.members
                .push(((*id).to_owned(), (*u).to_owned(), (*role).to_owned()));
        }
    }

    for (id, name, team, users, tz) in SCHEDULES {
        let policies: Vec<Value> = POLICIES
            .iter()
            .filter(|p| p.3 == *id)
            .map(|p| policy_ref(p.0))
            .collect();
        let mut s = object("schedule", id, name);
        s.insert("name".into(), json!(name));
        s.insert("time_zone".into(), json!(tz));
        s.insert(
            "description".into(),
            json!(format!("Weekly rotation for {}", team_name(team))),
        );
        s.insert(
            "users".into(),
            Value::Array(users.iter().map(|u| user_ref(u)).collect()),
        );
        s.insert("escalation_policies".into(), Value::Array(policies));
        s.insert("teams".into(), json!([team_ref(team)]));
        db.schedules.push(Value::Object(s));
    }

    for (id, name, team, schedule, level2) in POLICIES {
        let services: Vec<Value> = SERVICES
            .iter()
            .filter(|s| s.3 == *id)
            .map(|s| reference("service", s.0, s.1))
            .collect();
        let mut rules = vec![json!({
            "id": format!("PER{}1", &id[3..]),
            "escalation_delay_in_minutes": 30,
            "targets": [reference("schedule", schedule, schedule_name(schedule))],
        })];
        if let Some(u) = level2 {
            rules.push(json!({
                "id": format!("PER{}2", &id[3..]),
                "escalation_delay_in_minutes": 15,
                "targets": [user_ref(u)],
            }));
        }
        let mut p = object("escalation_policy", id, name);
        p.insert("name".into(), json!(name));
        p.insert(
            "description".into(),
            json!(format!("Pages {} on call", team_name(team))),
        );
        p.insert("num_loops".into(), json!(2));
        p.insert(
            "on_call_handoff_notifications".into(),
            json!("if_has_services"),
        );
        p.insert("escalation_rules".into(), Value::Array(rules));
        p.insert("services".into(), Value::Array(services));
        p.insert("teams".into(), json!([team_ref(team)]));
        db.policies.push(Value::Object(p));

        // On-calls: the schedule's current and next shift at level 1, and the
        // permanent level-2 user.
        let users = SCHEDULES
            .iter()
            .find(|s| s.0 == *schedule)
            .map(|s| s.3)
            .unwrap_or(&[]);
        for (k, (from, to)) in [
            (-36_000i64, 50_400i64),
            (50_400, 136_800),
            (136_800, 223_200),
        ]
        .iter()
        .enumerate()
        {
            let u = users[k % users.len()];
            db.oncalls.push(json!({
                "escalation_policy": policy_ref(id),
                "escalation_level": 1,
                "schedule": reference("schedule", schedule, schedule_name(schedule)),
                "user": user_ref(u),
                "start": at(now, *from),
                "end": at(now, *to),
            }));
        }
        if let Some(u) = level2 {
            db.oncalls.push(json!({
                "escalation_policy": policy_ref(id),
                "escalation_level": 2,
                "schedule": Value::Null,
                "user": user_ref(u),
                "start": Value::Null,
                "end": Value::Null,
            }));
        }
    }

    for (id, name, desc, policy, team, status) in SERVICES {
        let mut s = object("service", id, name);
        s.insert("name".into(), json!(name));
        s.insert("description".into(), json!(desc));
        s.insert("status".into(), json!(status.unwrap_or("active")));
        s.insert("escalation_policy".into(), policy_ref(policy));
        s.insert("teams".into(), json!([team_ref(team)]));
        s.insert("created_at".into(), json!(at(now, -86_400 * 400)));
        s.insert("last_incident_timestamp".into(), Value::Null);
        s.insert("acknowledgement_timeout".into(), json!(1800));
        s.insert("auto_resolve_timeout".into(), json!(14_400));
        s.insert(
            "alert_creation".into(),
            json!("create_alerts_and_incidents"),
        );
        s.insert(
            "integrations".into(),
            json!([reference(
                "inbound_integration",
                &format!("PINT{}", &id[4..]),
                "Events API v2"
            )]),
        );
        db.services.push(Value::Object(s));
        db.routing_keys.insert(routing_key(id), (*id).to_owned());
    }

    for (i, (name, desc)) in [
        ("P1", "Critical: customer-facing outage"),
        ("P2", "High: major degradation"),
        ("P3", "Moderate"),
        ("P4", "Low"),
        ("P5", "Informational"),
    ]
    .iter()
    .enumerate()
    {
        let mut p = object("priority", &format!("PPRI00{}", i + 1), name);
        p.insert("name".into(), json!(name));
        p.insert("description".into(), json!(desc));
        db.priorities.push(Value::Object(p));
    }

    // 30 incidents, newest first in time: 6 triggered, 6 acknowledged, 18 resolved.
    let mut notes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for i in 0..30usize {
        let (svc_id, svc_name, _, policy, team, _) = SERVICES[i % SERVICES.len()];
        let number = (i + 1) as u64;
        let id = format!("PINC{:03}", number);
        let title = TITLES[i % TITLES.len()];
        let age = (30 - i as i64) * 5 * 3600 + 1800;
        let created = at(now, -age);
        let status = match i {
            0..=17 => "resolved",
            18..=23 => "acknowledged",
            _ => "triggered",
        };
        let urgency = if i % 3 == 0 { "low" } else { "high" };
        let oncall_user = db
            .oncalls
            .iter()
            .find(|o| o["escalation_policy"]["id"] == policy && o["escalation_level"] == 1)
            .map(|o| o["user"]["id"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        db.push_incident(json!({
            "id": id,
            "number": number,
            "title": title,
            "status": status,
            "urgency": urgency,
            "created_at": created,
            "service": reference("service", svc_id, svc_name),
            "escalation_policy": policy_ref(policy),
            "team": team_ref(team),
            "priority": if i % 4 == 0 { Some(db.priorities[(i / 4) % 3].clone()) } else { None },
            "user": user_ref(&oncall_user),
            "incident_key": format!("seed-{id}"),
        }), now, age);
        if i % 3 == 1 {
            notes.entry(id.clone()).or_default().push(json!({
                "id": format!("PNOTE{:03}", number),
                "user": user_ref(&oncall_user),
                "channel": {"summary": "The PagerDuty website or APIs"},
                "content": format!("Looking into it: {}", title.to_lowercase()),
                "created_at": at(now, -age + 600),
            }));
        }
    }
    db.notes = notes;

    // Deploys: two per service per day over the seeded period.
    for (k, (svc_id, svc_name, ..)) in SERVICES.iter().enumerate() {
        for n in 0..12i64 {
            let when = at(now, -(n * 43_200 + 7_200 + k as i64 * 600));
            db.change_events.push(json!({
                "id": format!("CHG{}{:02}", &svc_id[4..], n),
                "type": "change_event",
                "summary": format!("Deploy {svc_name} v1.{}", 40 - n),
                "timestamp": when,
                "source": "ci-pipeline",
                "services": [reference("service", svc_id, svc_name)],
                "integration": {"id": "PINTCI1", "type": "inbound_integration_reference"},
                "custom_details": {"commit": format!("{:07x}", 0xabc000 + n * 17 + k as i64), "author": "deploy-bot"},
                "links": [{"href": format!("https://ci.example.com/{svc_name}/{}", 40 - n), "text": "Build"}],
            }));
        }
    }

    // Incident workflows (an Incident Workflows feature); the last is disabled.
    for (k, (name, desc, enabled)) in [
        (
            "Major incident kickoff",
            "Opens a Slack channel and a conference bridge, and adds the incident commander.",
            true,
        ),
        (
            "Notify stakeholders",
            "Posts a status update to the stakeholders of the impacted business services.",
            true,
        ),
        (
            "Database failover runbook",
            "Runs the automated failover of the primary database (retired).",
            false,
        ),
    ]
    .iter()
    .enumerate()
    {
        let id = format!("PIWF00{}", k + 1);
        let mut w = object("incident_workflow", &id, name);
        w.insert("name".into(), json!(name));
        w.insert("description".into(), json!(desc));
        w.insert("is_enabled".into(), json!(enabled));
        w.insert(
            "created_at".into(),
            json!(at(now, -86_400 * (200 - k as i64 * 30))),
        );
        db.workflows.push(Value::Object(w));
    }
    // The API gateway depends on auth and payments.
    db.dependencies = vec![
        ("PSVC001".into(), "PSVC002".into()),
        ("PSVC001".into(), "PSVC003".into()),
    ];
    super::seed_areas::seed_areas(&mut db, now);
    super::seed_shifts::seed_shifts(&mut db, now);
    db
}
