//! The seeded shift-based (v3) schedules: PSHS001 "Platform follow-the-sun" with a day
//! rotation (08:00-20:00 UTC daily, Alice and Bob in turn) and a night rotation
//! (20:00-08:00 daily, Carla and Dmitri), both from a week before the seed's day, two
//! custom shifts (tomorrow and the day after, 12:00-14:00, Erin and Farah) and two
//! overrides (Gus covers tomorrow's day shift 08:00-12:00 for Alice; Hana covers the
//! first custom shift's last hour); PSHS002 and PSHS003 are empty.

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time};

use super::Db;
use super::seed::reference;
use crate::tools::format_utc;

const API: &str = "https://api.pagerduty.com/v3/schedules";
const WEB: &str = "https://sandbox.pagerduty.com/schedules";

/// Sets a v3 schedule's `self` and `html_url`.
pub(crate) fn schedule_links(s: &mut Value) {
    let id = s["id"].as_str().unwrap_or_default().to_owned();
    s["self"] = json!(format!("{API}/{id}"));
    s["html_url"] = json!(format!("{WEB}/{id}"));
}

/// Sets the `self` of a part of a v3 schedule at `path` (`{schedule}/rotations/{id}`...).
pub(crate) fn sub_links(v: &mut Value, path: &str) {
    v["self"] = json!(format!("{API}/{path}"));
}

fn user(id: &str) -> Value {
    json!({"type": "user_member", "user_id": id})
}

fn event(id: &str, name: &str, start: OffsetDateTime, hours: i64, members: &[&str]) -> Value {
    json!({
        "id": id,
        "type": "schedule_event",
        "name": name,
        "start_time": {"date_time": format_utc(start), "time_zone": "UTC"},
        "end_time": {"date_time": format_utc(start + Duration::hours(hours)), "time_zone": "UTC"},
        "effective_since": format_utc(start),
        "effective_until": null,
        "recurrence": ["RRULE:FREQ=DAILY;INTERVAL=1"],
        "assignment_strategy": {
            "type": "rotating_member_assignment_strategy",
            "shifts_per_member": 1,
            "members": members.iter().map(|m| user(m)).collect::<Vec<_>>(),
        },
    })
}

/// Adds the v3 schedules to `db`.
pub(crate) fn seed_shifts(db: &mut Db, now: OffsetDateTime) {
    let midnight = now.replace_time(Time::MIDNIGHT);
    let first = midnight - Duration::days(7);
    let tomorrow = midnight + Duration::days(1);
    let at = |day: OffsetDateTime, h: i64| format_utc(day + Duration::hours(h));
    let mut day = json!({"id": "PSHR001D", "type": "schedule_rotation", "events": [
        event("PSHE001D", "Day shift", first + Duration::hours(8), 12, &["PUSR001", "PUSR002"]),
    ]});
    let mut night = json!({"id": "PSHR001N", "type": "schedule_rotation", "events": [
        event("PSHE001N", "Night shift", first + Duration::hours(20), 12, &["PUSR003", "PUSR004"]),
    ]});
    for r in [&mut day, &mut night] {
        let rid = r["id"].as_str().unwrap_or_default().to_owned();
        sub_links(r, &format!("PSHS001/rotations/{rid}"));
        let eid = r["events"][0]["id"].as_str().unwrap_or_default().to_owned();
        sub_links(
            &mut r["events"][0],
            &format!("PSHS001/rotations/{rid}/events/{eid}"),
        );
    }
    let users: Vec<Value> = [
        ("PUSR001", "Alice Chen"),
        ("PUSR002", "Bob Okafor"),
        ("PUSR003", "Carla Mendes"),
        ("PUSR004", "Dmitri Volkov"),
    ]
    .iter()
    .map(|(id, name)| reference("user", id, name))
    .collect();
    for (id, name, team, rotations, users) in [
        (
            "PSHS001",
            "Platform follow-the-sun",
            ("PTEAM01", "Platform"),
            vec![day, night],
            users,
        ),
        (
            "PSHS002",
            "Payments weekend cover",
            ("PTEAM02", "Payments"),
            vec![],
            vec![],
        ),
        (
            "PSHS003",
            "Data on-call (draft)",
            ("PTEAM03", "Data"),
            vec![],
            vec![],
        ),
    ] {
        let mut s = json!({
            "id": id,
            "type": "schedule_v3",
            "name": name,
            "time_zone": "UTC",
            "teams": [reference("team", team.0, team.1)],
            "escalation_policies": [],
            "users": users,
            "rotations": rotations,
        });
        schedule_links(&mut s);
        db.shift_schedules.push(s);
    }
    let custom = |id: &str, day: OffsetDateTime, who: &str| {
        let mut c = json!({
            "id": id, "type": "custom_shift", "start_time": at(day, 12), "end_time": at(day, 14),
            "assignments": [{"id": format!("{id}A"), "type": "shift_assignment", "member": user(who)}],
        });
        sub_links(&mut c, &format!("PSHS001/custom_shifts/{id}"));
        c
    };
    db.custom_shifts.insert(
        "PSHS001".into(),
        vec![
            custom("PSCS001", tomorrow, "PUSR005"),
            custom("PSCS002", tomorrow + Duration::days(1), "PUSR006"),
        ],
    );
    // Tomorrow is shift 8 of the day rotation: Alice's (members alternate from shift 0).
    let mut over = vec![
        json!({"id": "PSOV001", "type": "override_shift", "rotation_id": "PSHR001D",
            "start_time": at(tomorrow, 8), "end_time": at(tomorrow, 12),
            "overridden_member": user("PUSR001"), "overriding_member": user("PUSR007")}),
        json!({"id": "PSOV002", "type": "override_shift", "custom_shift_id": "PSCS001",
            "start_time": at(tomorrow, 13), "end_time": at(tomorrow, 14),
            "overridden_member": user("PUSR005"), "overriding_member": user("PUSR008")}),
    ];
    for o in &mut over {
        let oid = o["id"].as_str().unwrap_or_default().to_owned();
        sub_links(o, &format!("PSHS001/overrides/{oid}"));
    }
    db.shift_overrides.insert("PSHS001".into(), over);
}
