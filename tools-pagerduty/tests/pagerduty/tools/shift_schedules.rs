//! The shift-based (v3) schedule reads against the sandbox's seeded PSHS001-003: the
//! list (pages, name and team filters), one schedule's rotations and who is on call
//! tomorrow shift by shift (custom shifts and overrides applied, no gaps), an empty
//! schedule's gap, custom shifts and overrides in a window (pages), bad input, a v3 ID
//! given to GetSchedule, the v3 error shape, and PagerDuty's errors.

use crate::common;

use arcade_tdk::TokenKind;
use common::{call, call_err, ids, midnight_in};
use serde_json::{Value, json};
use tools_pagerduty::sandbox::Sandbox;

/// `(start, end, member, source, source_id)` of each on-call entry, times as `HH:MM`
/// (`24:00` for the window's end).
fn on_call(detail: &Value) -> Vec<(String, String, String, String, String)> {
    let end = detail["until"].as_str().unwrap().to_owned();
    let hm = |t: &str| {
        if t == end {
            "24:00".to_owned()
        } else {
            t[11..16].to_owned()
        }
    };
    detail["on_call"]
        .as_array()
        .unwrap_or_else(|| panic!("no on_call: {detail}"))
        .iter()
        .map(|e| {
            (
                hm(e["start"].as_str().unwrap()),
                hm(e["end"].as_str().unwrap()),
                e["member"].as_str().unwrap().to_owned(),
                e["source"].as_str().unwrap().to_owned(),
                e["source_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn row(
    a: &str,
    b: &str,
    who: &str,
    source: &str,
    id: &str,
) -> (String, String, String, String, String) {
    (a.into(), b.into(), who.into(), source.into(), id.into())
}

#[tokio::test]
async fn shift_schedules_are_listed_page_by_page_and_filtered() {
    let sb = Sandbox::start().await;
    let first = call(&sb, "ListShiftSchedules", json!({"limit": 2})).await;
    assert_eq!(ids(&first["schedules"]), ["PSHS001", "PSHS002"]);
    assert_eq!(first["schedules"][0]["name"], "Platform follow-the-sun");
    assert!(first["schedules"][0]["html_url"].is_string());
    assert_eq!(first["more"], true);
    assert_eq!(first["next_offset"], 2);
    let rest = call(&sb, "ListShiftSchedules", json!({"limit": 2, "offset": 2})).await;
    assert_eq!(ids(&rest["schedules"]), ["PSHS003"]);
    assert_eq!(rest["more"], false);
    assert!(rest["next_offset"].is_null());
    let named = call(&sb, "ListShiftSchedules", json!({"query": "weekend"})).await;
    assert_eq!(ids(&named["schedules"]), ["PSHS002"]);
    let team = call(&sb, "ListShiftSchedules", json!({"team_ids": ["PTEAM03"]})).await;
    assert_eq!(ids(&team["schedules"]), ["PSHS003"]);
    let sent = sb.requests().last().unwrap().clone();
    assert_eq!(sent.path, "/v3/schedules");
    assert!(
        sent.query
            .contains(&("team_ids[]".into(), "PTEAM03".into()))
    );
}

#[tokio::test]
async fn a_shift_schedule_shows_its_rotations_and_who_is_on_call_shift_by_shift() {
    let sb = Sandbox::start().await;
    let detail = call(
        &sb,
        "GetShiftSchedule",
        json!({"schedule_id": "PSHS001", "since": midnight_in(1, 0), "until": midnight_in(2, 0)}),
    )
    .await;
    assert_eq!(detail["name"], "Platform follow-the-sun");
    assert_eq!(detail["time_zone"], "UTC");
    assert_eq!(detail["teams"][0]["name"], "Platform");
    let rotations = detail["rotations"].as_array().unwrap();
    assert_eq!(ids(&detail["rotations"]), ["PSHR001D", "PSHR001N"]);
    let day = &rotations[0]["events"][0];
    assert_eq!(day["name"], "Day shift");
    assert_eq!(day["members"], json!(["PUSR001", "PUSR002"]));
    assert_eq!(day["strategy"], "rotating_member");
    assert_eq!(day["recurrence"], json!(["RRULE:FREQ=DAILY;INTERVAL=1"]));
    // Tomorrow: Dmitri's night ends at 08:00, Gus covers Alice's day shift until noon,
    // Erin's custom shift (Hana its last hour) runs beside Alice's, Carla has the night.
    assert_eq!(
        on_call(&detail),
        [
            row("00:00", "08:00", "PUSR004", "rotation", "PSHR001N"),
            row("08:00", "12:00", "PUSR007", "override", "PSOV001"),
            row("12:00", "13:00", "PUSR005", "custom_shift", "PSCS001"),
            row("12:00", "20:00", "PUSR001", "rotation", "PSHR001D"),
            row("13:00", "14:00", "PUSR008", "override", "PSOV002"),
            row("20:00", "24:00", "PUSR003", "rotation", "PSHR001N"),
        ]
    );
    assert_eq!(detail["gaps"], json!([]));
    assert_eq!(detail["coverage_percent"], 100.0);
    let sent = sb.requests().last().unwrap().clone();
    assert_eq!(sent.path, "/v3/schedules/PSHS001");
    assert!(
        sent.query
            .contains(&("include[]".into(), "final_schedule".into()))
    );

    // An empty schedule: nobody on call, the whole window a gap. The default window
    // is the next 7 days.
    let empty = call(&sb, "GetShiftSchedule", json!({"schedule_id": "PSHS002"})).await;
    assert_eq!(empty["on_call"], json!([]));
    assert_eq!(empty["coverage_percent"], 0.0);
    assert_eq!(
        empty["gaps"],
        json!([{"start": empty["since"], "end": empty["until"]}])
    );
    assert!(empty.get("teams").is_some());
}

#[tokio::test]
async fn custom_shifts_and_overrides_are_listed_in_a_window_page_by_page() {
    let sb = Sandbox::start().await;
    let window = json!({"schedule_id": "PSHS001", "since": midnight_in(0, 0), "until": midnight_in(4, 0), "limit": 1});
    let first = call(&sb, "ListCustomShifts", window.clone()).await;
    assert_eq!(ids(&first["custom_shifts"]), ["PSCS001"]);
    assert_eq!(first["custom_shifts"][0]["member"], "PUSR005");
    assert_eq!(first["custom_shifts"][0]["start"], midnight_in(1, 12));
    assert_eq!(
        (first["more"].clone(), first["next_offset"].clone()),
        (json!(true), json!(1))
    );
    let mut next = window.clone();
    next["offset"] = json!(1);
    let second = call(&sb, "ListCustomShifts", next.clone()).await;
    assert_eq!(ids(&second["custom_shifts"]), ["PSCS002"]);
    assert_eq!(second["more"], false);

    let overrides = call(&sb, "ListShiftOverrides", window).await;
    assert_eq!(ids(&overrides["overrides"]), ["PSOV001"]);
    let o = &overrides["overrides"][0];
    assert_eq!(o["rotation_id"], "PSHR001D");
    assert_eq!(
        (o["overridden"].as_str(), o["overriding"].as_str()),
        (Some("PUSR001"), Some("PUSR007"))
    );
    let second = call(&sb, "ListShiftOverrides", next).await;
    assert_eq!(second["overrides"][0]["custom_shift_id"], "PSCS001");
    assert_eq!(second["more"], false);

    // A window with none of them; the default window (the next 7 days) has both.
    let later = call(
        &sb,
        "ListCustomShifts",
        json!({"schedule_id": "PSHS001", "since": midnight_in(10, 0), "until": midnight_in(11, 0)}),
    )
    .await;
    assert_eq!(later["custom_shifts"], json!([]));
    let default = call(&sb, "ListCustomShifts", json!({"schedule_id": "PSHS001"})).await;
    assert_eq!(ids(&default["custom_shifts"]), ["PSCS001", "PSCS002"]);
    let sent = sb.requests().last().unwrap().clone();
    assert!(sent.query.iter().any(|(k, _)| k == "since"));
    assert!(sent.query.iter().any(|(k, _)| k == "until"));
}

#[tokio::test]
async fn bad_windows_and_ids_are_refused_and_unknown_schedules_are_not_found() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("t", TokenKind::OAuth2);
    for (tool, args, names) in [
        (
            "GetShiftSchedule",
            json!({"schedule_id": "PSHS001", "since": "tomorrow"}),
            "since",
        ),
        (
            "ListCustomShifts",
            json!({"schedule_id": "PSHS001", "since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}),
            "until",
        ),
        ("ListShiftOverrides", json!({"schedule_id": "a/b"}), "a/b"),
    ] {
        let err = call_err(tool, args.clone(), ctx.clone()).await;
        assert_eq!(err["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE", "{args}: {err}");
        assert!(err["message"].as_str().unwrap().contains(names), "{err}");
    }
    assert!(sb.requests().iter().all(|r| !r.path.starts_with("/v3")));
    for tool in ["GetShiftSchedule", "ListCustomShifts", "ListShiftOverrides"] {
        let err = call_err(tool, json!({"schedule_id": "PNOPE99"}), ctx.clone()).await;
        assert_eq!(err["status_code"], 404, "{tool}: {err}");
    }
}

#[tokio::test]
async fn get_schedule_points_a_shift_based_schedule_to_get_shift_schedule() {
    let sb = Sandbox::start().await;
    let ctx = sb.context("t", TokenKind::OAuth2);
    let err = call_err(
        "GetSchedule",
        json!({"schedule_id": "PSHS001"}),
        ctx.clone(),
    )
    .await;
    assert_eq!(err["status_code"], 400, "{err}");
    let hint = err["additional_prompt_content"].as_str().unwrap();
    assert!(
        hint.contains("corrected arguments"),
        "the 400 hint is kept: {hint}"
    );
    assert!(
        hint.contains("PSHS001 is a shift-based (v3) schedule")
            && hint.contains("use GetShiftSchedule"),
        "{hint}"
    );
    let err = call_err("GetSchedule", json!({"schedule_id": "PNOPE99"}), ctx).await;
    assert!(
        err["additional_prompt_content"]
            .as_str()
            .unwrap()
            .contains("GetShiftSchedule"),
        "{err}"
    );
}

#[tokio::test]
async fn the_sandbox_answers_v3_errors_in_pagerdutys_v3_shape() {
    let sb = Sandbox::start().await;
    let answer = reqwest::Client::new()
        .get(format!("{}/v3/schedules/PSHS001/overrides", sb.base_url()))
        .header("authorization", "Token token=lib")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], 2001);
    assert_eq!(body["error"]["errors"]["since"], json!(["is required"]));
}

#[tokio::test]
async fn shift_schedule_reads_map_pagerdutys_errors() {
    let v3 = Some("/v3/schedules");
    super::errors_are_mapped(&[
        ("ListShiftSchedules", json!({}), v3, "schedules.read"),
        (
            "GetShiftSchedule",
            json!({"schedule_id": "PSHS001"}),
            v3,
            "schedules.read",
        ),
        (
            "ListCustomShifts",
            json!({"schedule_id": "PSHS001"}),
            v3,
            "schedules.read",
        ),
        (
            "ListShiftOverrides",
            json!({"schedule_id": "PSHS001"}),
            v3,
            "schedules.read",
        ),
    ])
    .await;
}
