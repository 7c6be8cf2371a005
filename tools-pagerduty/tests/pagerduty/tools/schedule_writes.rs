//! Schedules written from their rotations (CreateSchedule, UpdateSchedule) against the
//! sandbox: who GetSchedule then shows on call, turn by turn, with layers stacked and
//! overrides on top; updates that keep or replace the layers; bad input, PagerDuty's
//! own checks and its errors.

use crate::common;

use arcade_tdk::TokenKind;
use arcade_tdk::interaction::Elicitation;
use common::{call, call_err, harness, ids};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

/// `(start, end, user)` of each on-call entry.
fn on_call(schedule: &Value) -> Vec<(String, String, String)> {
    schedule["on_call"]
        .as_array()
        .unwrap_or_else(|| panic!("no on_call: {schedule}"))
        .iter()
        .map(|e| {
            (
                e["start"].as_str().unwrap().to_owned(),
                e["end"].as_str().unwrap().to_owned(),
                e["user"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn entry(start: &str, end: &str, user: &str) -> (String, String, String) {
    (
        format!("2026-06-01T{start}:00Z"),
        format!("2026-06-01T{end}:00Z"),
        user.to_owned(),
    )
}

#[tokio::test]
async fn a_created_schedule_rotates_its_users_and_stacks_its_layers() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateSchedule",
        json!({"name": "Checkout on-call", "time_zone": "Europe/Berlin", "description": "Checkout", "layers": [
            // 8-hour turns from 2026-05-31 00:00 UTC (given in +02:00): PUSR001, PUSR002, PUSR003.
            {"user_ids": ["PUSR001", "PUSR002", "PUSR003"], "turn_length_hours": 8, "start": "2026-05-31T02:00:00+02:00", "name": "Follow the sun"},
            // From 2026-06-01 10:00, PUSR004 covers until 14:00 (the layer ends).
            {"user_ids": ["PUSR004"], "turn_length_hours": 24, "start": "2026-06-01T10:00:00Z", "end": "2026-06-01T14:00:00Z"},
        ]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "Checkout on-call");
    assert_eq!(created["time_zone"], "Europe/Berlin");
    assert_eq!(
        ids(&created["users"]),
        ["PUSR001", "PUSR002", "PUSR003", "PUSR004"]
    );
    let layers = created["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2, "{created}");
    assert_eq!(layers[0]["name"], "Follow the sun");
    assert_eq!(layers[0]["start"], "2026-05-31T00:00:00Z", "in UTC");
    assert_eq!(layers[0]["rotation_start"], "2026-05-31T00:00:00Z");
    assert_eq!(layers[0]["turn_length_hours"], 8.0);
    assert_eq!(layers[1]["name"], "Layer 2");
    assert_eq!(layers[1]["end"], "2026-06-01T14:00:00Z");
    assert!(layers[0]["id"].is_string() && layers[1]["id"].is_string());

    let read = call(
        &sb,
        "GetSchedule",
        json!({"schedule_id": id, "since": "2026-06-01T04:00:00Z", "until": "2026-06-01T20:00:00Z"}),
    )
    .await;
    // Turn 3 (PUSR001) started at 00:00; layer 2 covers 10:00-14:00.
    assert_eq!(
        on_call(&read),
        [
            entry("04:00", "08:00", "PUSR001"),
            entry("08:00", "10:00", "PUSR002"),
            entry("10:00", "14:00", "PUSR004"),
            entry("14:00", "16:00", "PUSR002"),
            entry("16:00", "20:00", "PUSR003"),
        ]
    );

    // An override covers every layer, and shows among the overrides.
    call(
        &sb,
        "CreateScheduleOverride",
        json!({"schedule_id": id, "user_id": "PUSR005", "start": "2026-06-01T15:00:00Z", "end": "2026-06-01T17:00:00Z"}),
    )
    .await;
    let read = call(
        &sb,
        "GetSchedule",
        json!({"schedule_id": id, "since": "2026-06-01T14:00:00Z", "until": "2026-06-01T20:00:00Z"}),
    )
    .await;
    assert_eq!(
        on_call(&read),
        [
            entry("14:00", "15:00", "PUSR002"),
            entry("15:00", "17:00", "PUSR005"),
            entry("17:00", "20:00", "PUSR003"),
        ]
    );
    assert_eq!(read["overrides"].as_array().unwrap().len(), 1, "{read}");
    let listed = call(&sb, "ListSchedules", json!({"limit": 50})).await;
    assert!(ids(&listed["schedules"]).contains(&id));
}

#[tokio::test]
async fn an_update_keeps_the_layers_unless_it_replaces_them_and_asks_first() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateSchedule",
        json!({"name": "Payments", "time_zone": "UTC", "layers": [
            {"user_ids": ["PUSR001", "PUSR002"], "turn_length_hours": 12, "start": "2026-06-01T00:00:00Z"},
        ]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let layer_id = created["layers"][0]["id"].clone();

    // A rename sends the layers back as they are (their IDs too) and is not asked about.
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    let renamed = h
        .call(
            "UpdateSchedule",
            json!({"schedule_id": id, "name": "Payments primary", "time_zone": "America/New_York"}),
        )
        .await
        .value();
    assert_eq!(renamed["name"], "Payments primary");
    assert_eq!(renamed["time_zone"], "America/New_York");
    assert_eq!(renamed["layers"][0]["id"], layer_id, "{renamed}");
    assert_eq!(ids(&renamed["layers"][0]["users"]), ["PUSR001", "PUSR002"]);
    assert!(h.client_script().requests().is_empty());
    let put = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PUT")
        .unwrap();
    let sent = &put.body.unwrap()["schedule"]["schedule_layers"][0];
    assert_eq!(sent["id"], layer_id);
    assert!(sent.get("rendered_schedule_entries").is_none());

    // New layers are asked about (naming the schedule), and replace the old ones.
    let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
    let replaced = h
        .call(
            "UpdateSchedule",
            json!({"schedule_id": id, "layers": [{"user_ids": ["PUSR003"], "turn_length_hours": 168, "start": "2026-06-01T00:00:00Z"}]}),
        )
        .await
        .value();
    assert_eq!(replaced["layers"].as_array().unwrap().len(), 1);
    assert_eq!(ids(&replaced["users"]), ["PUSR003"]);
    assert_eq!(replaced["name"], "Payments primary", "kept");
    let asked = h.client_script().requests()[0].params()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(asked.contains(&id), "{asked}");
    let read = call(
        &sb,
        "GetSchedule",
        json!({"schedule_id": id, "since": "2026-06-01T00:00:00Z", "until": "2026-06-01T12:00:00Z"}),
    )
    .await;
    assert_eq!(on_call(&read), [entry("00:00", "12:00", "PUSR003")]);

    // A "no" writes nothing.
    let before = sb.requests().len();
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    let out = h
        .call(
            "UpdateSchedule",
            json!({"schedule_id": id, "layers": [{"user_ids": ["PUSR001"], "turn_length_hours": 1, "start": "2026-06-01T00:00:00Z"}]}),
        )
        .await;
    assert!(!out.is_success());
    assert!(
        sb.requests()[before..].iter().all(|r| r.method == "GET"),
        "nothing written"
    );
}

#[tokio::test]
async fn bad_schedules_are_refused_before_or_by_pagerduty() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("t", TokenKind::OAuth2);
    let layer =
        json!({"user_ids": ["PUSR001"], "turn_length_hours": 24, "start": "2026-06-01T00:00:00Z"});
    let with = |key: &str, value: Value| {
        let mut l = layer.clone();
        l[key] = value;
        json!({"name": "x", "time_zone": "UTC", "layers": [l]})
    };
    for (tool, args, names) in [
        (
            "CreateSchedule",
            json!({"name": "x", "time_zone": "UTC", "layers": []}),
            "layers",
        ),
        (
            "CreateSchedule",
            with("turn_length_hours", json!(0)),
            "turn_length_hours",
        ),
        ("CreateSchedule", with("user_ids", json!([])), "user_ids"),
        ("CreateSchedule", with("user_ids", json!(["a/b"])), "a/b"),
        (
            "CreateSchedule",
            with("start", json!("next monday")),
            "start",
        ),
        (
            "CreateSchedule",
            with("end", json!("2026-05-01T00:00:00Z")),
            "end",
        ),
        (
            "CreateSchedule",
            json!({"name": " ", "time_zone": "UTC", "layers": [layer]}),
            "name",
        ),
        (
            "CreateSchedule",
            json!({"name": "x", "time_zone": "Mars Standard", "layers": [layer]}),
            "time_zone",
        ),
        ("UpdateSchedule", json!({"schedule_id": "PSCH001"}), "field"),
    ] {
        let err = call_err(tool, args.clone(), ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{args}: {err}");
        assert!(
            err["message"].as_str().unwrap().contains(names),
            "{args}: {err}"
        );
    }
    // PagerDuty's own checks: an unknown user, an unknown schedule.
    let err = call_err(
        "CreateSchedule",
        with("user_ids", json!(["PUSR099"])),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let err = call_err(
        "UpdateSchedule",
        json!({"schedule_id": "PNOPE99", "name": "n"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404, "{err}");
    assert!(sb.requests().iter().all(|r| r.method != "PUT"));
}

#[tokio::test]
async fn schedule_writes_map_pagerdutys_errors() {
    let layer =
        json!({"user_ids": ["PUSR001"], "turn_length_hours": 24, "start": "2026-06-01T00:00:00Z"});
    super::errors_are_mapped(&[
        (
            "CreateSchedule",
            json!({"name": "x", "time_zone": "UTC", "layers": [layer]}),
            None,
            "schedules.write",
        ),
        (
            "UpdateSchedule",
            json!({"schedule_id": "PSCH001", "name": "renamed"}),
            None,
            "schedules.",
        ),
    ])
    .await;
}
