//! The shift-based (v3) schedule writes against the sandbox: a schedule created and
//! renamed, rotation events (a new rotation made for the first) whose members
//! GetShiftSchedule then shows on call week by week with the gaps between, an update
//! asked about first, custom shifts and overrides created, changed and deleted, parts
//! deleted (a "no" deletes nothing), bad input, PagerDuty's own v3 refusals and its
//! errors.

use crate::common;

use arcade_tdk::TokenKind;
use arcade_tdk::interaction::Elicitation;
use common::{call, call_err, harness, ids, utc_in};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

/// `(start, end, member)` of each on-call entry.
fn on_call(detail: &Value) -> Vec<(String, String, String)> {
    detail["on_call"]
        .as_array()
        .unwrap_or_else(|| panic!("no on_call: {detail}"))
        .iter()
        .map(|e| {
            (
                e["start"].as_str().unwrap()[5..16].to_owned(),
                e["end"].as_str().unwrap()[5..16].to_owned(),
                e["member"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn row(a: &str, b: &str, who: &str) -> (String, String, String) {
    (a.into(), b.into(), who.into())
}

fn weekends(schedule: &str) -> Value {
    json!({"schedule_id": schedule, "name": "Weekends", "start": "2026-06-06T08:00:00Z",
        "end": "2026-06-08T08:00:00Z", "recurrence": ["RRULE:FREQ=WEEKLY"],
        "member_ids": ["PUSR003", "PUSR004"], "time_zone": "Europe/Berlin"})
}

fn june(schedule: &str) -> Value {
    json!({"schedule_id": schedule, "since": "2026-06-06T00:00:00Z", "until": "2026-06-20T00:00:00Z"})
}

#[tokio::test]
async fn a_rotation_event_puts_its_members_on_call_week_by_week_and_leaves_gaps() {
    let sb = Sandbox::start().await;
    let created = call(
        &sb,
        "CreateShiftSchedule",
        json!({"name": "Checkout weekends", "time_zone": "Europe/Berlin", "team_ids": ["PTEAM02"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["teams"][0]["name"], "Payments");
    let renamed = call(
        &sb,
        "UpdateShiftSchedule",
        json!({"schedule_id": id, "name": "Checkout weekend cover"}),
    )
    .await;
    assert_eq!(renamed["name"], "Checkout weekend cover");
    assert_eq!(renamed["time_zone"], "Europe/Berlin", "kept");

    let event = call(&sb, "CreateShiftRotationEvent", weekends(&id)).await;
    assert_eq!(event["rotation_created"], true);
    let rotation = event["rotation_id"].as_str().unwrap().to_owned();
    assert_eq!(event["name"], "Weekends");
    assert_eq!(event["time_zone"], "Europe/Berlin");
    assert_eq!(
        event["effective_since"], "2026-06-06T08:00:00Z",
        "the start"
    );
    assert_eq!(event["members"], json!(["PUSR003", "PUSR004"]));
    let posts: Vec<String> = sb
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        posts[1..],
        [
            format!("/v3/schedules/{id}/rotations"),
            format!("/v3/schedules/{id}/rotations/{rotation}/events"),
        ]
    );

    // Two weekends of 48 hours in a 14-day window, Carla then Dmitri.
    let detail = call(&sb, "GetShiftSchedule", june(&id)).await;
    assert_eq!(
        on_call(&detail),
        [
            row("06-06T08:00", "06-08T08:00", "PUSR003"),
            row("06-13T08:00", "06-15T08:00", "PUSR004"),
        ]
    );
    let gaps: Vec<(&str, &str)> = detail["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                &g["start"].as_str().unwrap()[5..16],
                &g["end"].as_str().unwrap()[5..16],
            )
        })
        .collect();
    assert_eq!(
        gaps,
        [
            ("06-06T00:00", "06-06T08:00"),
            ("06-08T08:00", "06-13T08:00"),
            ("06-15T08:00", "06-20T00:00"),
        ]
    );
    assert_eq!(detail["coverage_percent"], 28.6);

    // A second event in the same rotation: every member, every day at noon for an hour.
    let mut daily = weekends(&id);
    daily["rotation_id"] = json!(rotation);
    daily["name"] = json!("Noon check");
    daily["start"] = json!("2026-06-09T12:00:00Z");
    daily["end"] = json!("2026-06-09T13:00:00Z");
    daily["recurrence"] = json!(["RRULE:FREQ=DAILY;COUNT=2"]);
    daily["strategy"] = json!("every_member");
    let noon = call(&sb, "CreateShiftRotationEvent", daily).await;
    assert!(noon.get("rotation_created").is_none(), "{noon}");
    assert_eq!(noon["strategy"], "every_member");
    let detail = call(&sb, "GetShiftSchedule", june(&id)).await;
    assert_eq!(detail["on_call"].as_array().unwrap().len(), 6, "{detail}");
    assert_eq!(
        detail["rotations"][0]["events"].as_array().unwrap().len(),
        2
    );
}

#[tokio::test]
async fn an_event_update_is_asked_about_and_keeps_what_it_is_not_given() {
    let sb = Sandbox::start().await;
    let event = call(&sb, "CreateShiftRotationEvent", weekends("PSHS002")).await;
    let (rotation, event_id) = (
        event["rotation_id"].as_str().unwrap().to_owned(),
        event["id"].as_str().unwrap().to_owned(),
    );
    let change = json!({"schedule_id": "PSHS002", "rotation_id": rotation, "event_id": event_id,
        "member_ids": ["PUSR005"], "shifts_per_member": 2});

    // A "no" writes nothing.
    let before = sb.requests().len();
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    assert!(
        !h.call("UpdateShiftRotationEvent", change.clone())
            .await
            .is_success()
    );
    assert!(sb.requests()[before..].iter().all(|r| r.method == "GET"));

    let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
    let updated = h.call("UpdateShiftRotationEvent", change).await.value();
    let asked = h.client_script().requests()[0].params()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        asked.contains(&event_id) && asked.contains("PSHS002"),
        "{asked}"
    );
    assert_eq!(updated["members"], json!(["PUSR005"]));
    assert_eq!(updated["shifts_per_member"], 2);
    assert_eq!(updated["name"], "Weekends", "kept");
    assert_eq!(updated["time_zone"], "Europe/Berlin", "kept");
    assert_eq!(updated["recurrence"], json!(["RRULE:FREQ=WEEKLY"]), "kept");
    let put = sb
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(
        put.body.unwrap()["event"]["start_time"],
        json!({"date_time": "2026-06-06T08:00:00Z", "time_zone": "Europe/Berlin"})
    );
    let detail = call(&sb, "GetShiftSchedule", june("PSHS002")).await;
    assert_eq!(
        on_call(&detail),
        [
            row("06-06T08:00", "06-08T08:00", "PUSR005"),
            row("06-13T08:00", "06-15T08:00", "PUSR005"),
        ]
    );
}

#[tokio::test]
async fn custom_shifts_and_overrides_are_created_changed_and_deleted() {
    let sb = Sandbox::start().await;
    let (a, b, c) = (utc_in(1), utc_in(3), utc_in(5));
    let shifts = call(
        &sb,
        "CreateCustomShifts",
        json!({"schedule_id": "PSHS002", "shifts": [{"start": a, "end": b, "member": "PUSR005"}, {"start": b, "end": c, "member": "empty"}]}),
    )
    .await;
    assert_eq!(shifts["schedule_id"], "PSHS002");
    let created = shifts["custom_shifts"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    assert_eq!(
        (created[0]["member"].as_str(), created[1]["member"].as_str()),
        (Some("PUSR005"), Some("empty"))
    );
    let (first, second) = (
        created[0]["id"].as_str().unwrap().to_owned(),
        created[1]["id"].as_str().unwrap().to_owned(),
    );
    // The empty slot is a gap until someone takes it.
    let detail = call(
        &sb,
        "GetShiftSchedule",
        json!({"schedule_id": "PSHS002", "since": a, "until": c}),
    )
    .await;
    assert_eq!(detail["gaps"], json!([{"start": b, "end": c}]));
    let taken = call(
        &sb,
        "UpdateCustomShift",
        json!({"schedule_id": "PSHS002", "custom_shift_id": second, "member": "PUSR006"}),
    )
    .await;
    assert_eq!(
        (taken["member"].as_str(), taken["start"].as_str()),
        (Some("PUSR006"), Some(b.as_str()))
    );

    let overrides = call(
        &sb,
        "CreateShiftOverrides",
        json!({"schedule_id": "PSHS002", "overrides": [{"custom_shift_id": first, "start": utc_in(2), "end": b, "overridden": "PUSR005", "overriding": "PUSR007"}]}),
    )
    .await;
    let override_id = overrides["overrides"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(overrides["overrides"][0]["overriding"], "PUSR007");
    let detail = call(
        &sb,
        "GetShiftSchedule",
        json!({"schedule_id": "PSHS002", "since": a, "until": c}),
    )
    .await;
    let who: Vec<String> = detail["on_call"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["member"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(who, ["PUSR005", "PUSR007", "PUSR006"]);
    assert_eq!(detail["gaps"], json!([]));
    let moved = call(
        &sb,
        "UpdateShiftOverride",
        json!({"schedule_id": "PSHS002", "override_id": override_id, "overriding": "PUSR008"}),
    )
    .await;
    assert_eq!(
        (moved["overridden"].as_str(), moved["overriding"].as_str()),
        (Some("PUSR005"), Some("PUSR008"))
    );
    let listed = call(&sb, "ListShiftOverrides", json!({"schedule_id": "PSHS002"})).await;
    assert_eq!(ids(&listed["overrides"]), [override_id.as_str()]);

    let gone = call(
        &sb,
        "DeleteShiftSchedulePart",
        json!({"schedule_id": "PSHS002", "part": "override", "part_id": override_id}),
    )
    .await;
    assert_eq!(gone, json!({"kind": "override", "id": override_id}));
    call(
        &sb,
        "DeleteShiftSchedulePart",
        json!({"schedule_id": "PSHS002", "part": "custom_shift", "part_id": first}),
    )
    .await;
    let listed = call(&sb, "ListShiftOverrides", json!({"schedule_id": "PSHS002"})).await;
    assert_eq!(listed["overrides"], json!([]));
    let listed = call(&sb, "ListCustomShifts", json!({"schedule_id": "PSHS002"})).await;
    assert_eq!(ids(&listed["custom_shifts"]), [second]);
}

#[tokio::test]
async fn parts_are_deleted_only_when_the_user_agrees() {
    let sb = Sandbox::start().await;
    let delete = |part: &str, id: Option<&str>| {
        let mut args = json!({"schedule_id": "PSHS001", "part": part});
        if let Some(id) = id {
            args["part_id"] = json!(id);
        }
        args
    };
    let before = sb.requests().len();
    let h = harness(&sb).answer_elicitation(Elicitation::Decline);
    let out = h
        .call(
            "DeleteShiftSchedulePart",
            delete("rotation", Some("PSHR001N")),
        )
        .await;
    assert!(!out.is_success());
    assert_eq!(sb.requests().len(), before, "nothing sent");

    let h = harness(&sb).answer_elicitation(Elicitation::Accept(json!({"confirm": true})));
    let mut event = delete("event", Some("PSHE001D"));
    event["rotation_id"] = json!("PSHR001D");
    assert_eq!(
        h.call("DeleteShiftSchedulePart", event).await.value()["kind"],
        "event"
    );
    let asked = h.client_script().requests()[0].params()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        asked.contains("event PSHE001D of v3 schedule PSHS001"),
        "{asked}"
    );
    call(
        &sb,
        "DeleteShiftSchedulePart",
        delete("rotation", Some("PSHR001N")),
    )
    .await;
    let detail = call(&sb, "GetShiftSchedule", json!({"schedule_id": "PSHS001"})).await;
    assert_eq!(ids(&detail["rotations"]), ["PSHR001D"]);
    assert_eq!(detail["rotations"][0]["events"], json!([]));

    // A custom shift's overrides go with it.
    call(
        &sb,
        "DeleteShiftSchedulePart",
        delete("custom_shift", Some("PSCS001")),
    )
    .await;
    let window = json!({"schedule_id": "PSHS001", "since": common::midnight_in(0, 0), "until": common::midnight_in(4, 0)});
    let left = call(&sb, "ListShiftOverrides", window).await;
    assert_eq!(ids(&left["overrides"]), ["PSOV001"]);

    let gone = call(&sb, "DeleteShiftSchedulePart", delete("schedule", None)).await;
    assert_eq!(gone, json!({"kind": "schedule", "id": "PSHS001"}));
    let ctx = sb.context("t", TokenKind::OAuth2);
    let err = call_err(
        "GetShiftSchedule",
        json!({"schedule_id": "PSHS001"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 404);
    let err = call_err(
        "DeleteShiftSchedulePart",
        delete("override", Some("PSOV001")),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404, "went with the schedule");
}

#[tokio::test]
async fn bad_v3_writes_are_refused_before_or_by_pagerduty() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("t", TokenKind::OAuth2);
    let with = |key: &str, value: Value| {
        let mut args = weekends("PSHS002");
        args[key] = value;
        args
    };
    let shift = |member: &str| json!({"schedule_id": "PSHS002", "shifts": [{"start": "2026-06-01T00:00:00Z", "end": "2026-06-01T08:00:00Z", "member": member}]});
    let over = json!({"start": "2026-06-01T00:00:00Z", "end": "2026-06-01T01:00:00Z", "overridden": "PUSR001", "overriding": "PUSR002"});
    let mut both = over.clone();
    both["rotation_id"] = json!("PSHR001D");
    both["custom_shift_id"] = json!("PSCS001");
    for (tool, args, names) in [
        (
            "CreateShiftRotationEvent",
            with("recurrence", json!(["FREQ=DAILY"])),
            "recurrence",
        ),
        (
            "CreateShiftRotationEvent",
            with("end", json!("2026-06-06T07:00:00Z")),
            "after `start`",
        ),
        (
            "CreateShiftRotationEvent",
            with("member_ids", json!([])),
            "member_ids",
        ),
        (
            "CreateShiftRotationEvent",
            with("member_ids", json!(["a/b"])),
            "empty",
        ),
        (
            "CreateShiftRotationEvent",
            with("time_zone", json!("Mars Standard")),
            "time_zone",
        ),
        (
            "CreateShiftRotationEvent",
            with("shifts_per_member", json!(0)),
            "shifts_per_member",
        ),
        (
            "CreateShiftRotationEvent",
            with("effective_until", json!("2026-01-01T00:00:00Z")),
            "effective_until",
        ),
        (
            "CreateCustomShifts",
            json!({"schedule_id": "PSHS002", "shifts": []}),
            "shifts",
        ),
        ("CreateCustomShifts", shift("nobody?"), "member"),
        (
            "CreateShiftOverrides",
            json!({"schedule_id": "PSHS001", "overrides": [over]}),
            "rotation_id",
        ),
        (
            "CreateShiftOverrides",
            json!({"schedule_id": "PSHS001", "overrides": [both]}),
            "exactly one",
        ),
        (
            "UpdateShiftOverride",
            json!({"schedule_id": "PSHS001", "override_id": "PSOV001"}),
            "field",
        ),
        (
            "UpdateCustomShift",
            json!({"schedule_id": "PSHS001", "custom_shift_id": "PSCS001", "start": "2026-06-02T00:00:00Z", "end": "2026-06-01T00:00:00Z"}),
            "after `start`",
        ),
        (
            "UpdateShiftRotationEvent",
            json!({"schedule_id": "PSHS001", "rotation_id": "PSHR001D", "event_id": "PSHE001D"}),
            "field",
        ),
        (
            "UpdateShiftSchedule",
            json!({"schedule_id": "PSHS001"}),
            "field",
        ),
        (
            "CreateShiftSchedule",
            json!({"name": " ", "time_zone": "UTC"}),
            "name",
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "override"}),
            "part_id",
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "event", "part_id": "PSHE001D"}),
            "rotation_id",
        ),
    ] {
        let err = call_err(tool, args.clone(), ctx.clone()).await;
        assert_eq!(
            err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE",
            "{tool} {args}: {err}"
        );
        assert!(
            err["message"].as_str().unwrap().contains(names),
            "{tool} {args}: {err}"
        );
    }
    assert!(
        sb.requests().iter().all(|r| !r.path.starts_with("/v3")),
        "nothing sent"
    );

    // PagerDuty's (the sandbox's) own checks, in the v3 error shape: a recurrence the
    // sandbox does not model, an unknown user, an override of a rotation the schedule
    // lacks; the new rotation is named so it can be reused.
    let err = call_err(
        "CreateShiftRotationEvent",
        with("recurrence", json!(["RRULE:FREQ=MONTHLY"])),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains(
            "event.recurrence: FREQ=MONTHLY: the sandbox models FREQ=DAILY and FREQ=WEEKLY only"
        ),
        "{message}"
    );
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("retry with rotation_id PSHR"),
        "{err}"
    );
    let err = call_err(
        "CreateShiftRotationEvent",
        with("member_ids", json!(["PUSR099"])),
        ctx.clone(),
    )
    .await;
    assert!(
        err["message"].as_str().unwrap().contains("user not found"),
        "{err}"
    );
    let mut stray = over.clone();
    stray["rotation_id"] = json!("PSHR001D");
    let err = call_err(
        "CreateShiftOverrides",
        json!({"schedule_id": "PSHS002", "overrides": [stray]}),
        ctx.clone(),
    )
    .await;
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("rotation_id or custom_shift_id"),
        "{err}"
    );
    let err = call_err(
        "UpdateCustomShift",
        json!({"schedule_id": "PSHS001", "custom_shift_id": "PNOPE99", "member": "PUSR001"}),
        ctx,
    )
    .await;
    assert_eq!(err["status_code"], 404, "{err}");

    // A read-only credential: PagerDuty's 403 names the v3 write scope.
    let err = call_err(
        "DeleteShiftSchedulePart",
        json!({"schedule_id": "PSHS001", "part": "schedule"}),
        sb.context("ro-key", TokenKind::ApiKey),
    )
    .await;
    assert_eq!(err["status_code"], 403, "{err}");
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("schedules.write"),
        "{err}"
    );
}

#[tokio::test]
async fn shift_schedule_writes_map_pagerdutys_errors() {
    let v3 = Some("/v3/schedules");
    let over = json!({"rotation_id": "PSHR001D", "start": "2030-01-01T08:00:00Z", "end": "2030-01-01T09:00:00Z", "overridden": "PUSR001", "overriding": "PUSR002"});
    super::errors_are_mapped(&[
        ("CreateShiftSchedule", json!({"name": "x", "time_zone": "UTC"}), v3, "schedules.write"),
        ("UpdateShiftSchedule", json!({"schedule_id": "PSHS001", "name": "x"}), v3, "schedules.write"),
        ("CreateShiftRotationEvent", weekends("PSHS002"), v3, "schedules.write"),
        (
            "UpdateShiftRotationEvent",
            json!({"schedule_id": "PSHS001", "rotation_id": "PSHR001D", "event_id": "PSHE001D", "name": "x"}),
            v3,
            "schedules.",
        ),
        (
            "CreateCustomShifts",
            json!({"schedule_id": "PSHS002", "shifts": [{"start": "2030-01-01T00:00:00Z", "end": "2030-01-01T01:00:00Z", "member": "PUSR001"}]}),
            v3,
            "schedules.write",
        ),
        (
            "UpdateCustomShift",
            json!({"schedule_id": "PSHS001", "custom_shift_id": "PSCS001", "member": "PUSR002"}),
            v3,
            "schedules.write",
        ),
        ("CreateShiftOverrides", json!({"schedule_id": "PSHS001", "overrides": [over]}), v3, "schedules.write"),
        (
            "UpdateShiftOverride",
            json!({"schedule_id": "PSHS001", "override_id": "PSOV001", "overriding": "PUSR002"}),
            v3,
            "schedules.write",
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS001", "part": "override", "part_id": "PSOV001"}),
            v3,
            "schedules.write",
        ),
    ])
    .await;
}

#[tokio::test]
async fn every_confirmed_v3_write_sends_nothing_when_the_user_says_no() {
    let sb = Sandbox::start().await;
    let over = json!({"rotation_id": "PSHR001D", "start": utc_in(1), "end": utc_in(2), "overridden": "PUSR001", "overriding": "PUSR002"});
    for (tool, args, named) in [
        (
            "CreateShiftOverrides",
            json!({"schedule_id": "PSHS001", "overrides": [over]}),
            "PUSR002 for PUSR001",
        ),
        (
            "UpdateShiftOverride",
            json!({"schedule_id": "PSHS001", "override_id": "PSOV001", "overriding": "PUSR002"}),
            "PSOV001",
        ),
        (
            "UpdateCustomShift",
            json!({"schedule_id": "PSHS001", "custom_shift_id": "PSCS001", "member": "PUSR002"}),
            "PSCS001",
        ),
        (
            "DeleteShiftSchedulePart",
            json!({"schedule_id": "PSHS002", "part": "schedule"}),
            "v3 schedule PSHS002",
        ),
    ] {
        let before = sb.requests().len();
        let h = harness(&sb).answer_elicitation(Elicitation::Cancel);
        let out = h.call(tool, args).await;
        assert!(!out.is_success(), "{tool}");
        assert_eq!(sb.requests().len(), before, "{tool}: nothing sent");
        let asked = h.client_script().requests()[0].params()["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(asked.contains(named), "{tool}: {asked}");
    }
}
