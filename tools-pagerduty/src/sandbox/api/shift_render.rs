//! The v3 schedules' shift model: checking a rotation event, expanding its recurrence
//! into shifts, and the final schedule (rotations and custom shifts, overrides on top)
//! over a window.
//!
//! Recurrence: exactly one `RRULE` with `FREQ=DAILY` or `FREQ=WEEKLY`, an optional
//! `INTERVAL` and `COUNT`; anything else (other frequencies, `BYDAY`, `EXDATE`...) is
//! refused with a 400 that says so, so that nothing is rendered wrong in silence. Shift
//! `k` starts `k` periods after the event's `start_time` and counts if it starts within
//! `effective_since`..`effective_until`; a rotating event gives it to member
//! `(k / shifts_per_member) % members`, an every-member event to each member. Times are
//! taken at their UTC offset (the event's `time_zone` is kept, daylight saving time is
//! not modelled).

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::common::{Reply, id_of, str_of};
use crate::sandbox::Db;
use crate::tools::format_utc;

/// The most shifts one event renders in a window.
const MAX_SHIFTS: usize = 10_000;

pub(super) fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// A v3 validation error: PagerDuty's shape, `errors` a map of field to messages.
pub(super) fn invalid(field: &str, message: &str) -> Reply {
    (
        400,
        json!({"error": {"message": "Invalid Request", "code": 2001, "errors": {field: [message]}}}),
    )
}

/// A recurrence rule: the period and how many shifts at most.
#[derive(Debug, PartialEq)]
struct Rule {
    period: Duration,
    count: Option<u64>,
}

fn rule(recurrence: &Value) -> Result<Rule, String> {
    let lines: Vec<&str> = recurrence
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let [line] = lines.as_slice() else {
        return Err(
            "must be exactly one RRULE (the sandbox does not model EXDATE or RDATE)".into(),
        );
    };
    let Some(parts) = line.strip_prefix("RRULE:") else {
        return Err(format!("`{line}` is not an RRULE"));
    };
    let (mut days, mut interval, mut count) = (None, 1i64, None);
    for part in parts.split(';').filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some(("FREQ", "DAILY")) => days = Some(1),
            Some(("FREQ", "WEEKLY")) => days = Some(7),
            Some(("FREQ", other)) => {
                return Err(format!(
                    "FREQ={other}: the sandbox models FREQ=DAILY and FREQ=WEEKLY only"
                ));
            }
            Some(("INTERVAL", n)) => match n.parse::<i64>() {
                Ok(n) if (1..=1000).contains(&n) => interval = n,
                _ => return Err(format!("INTERVAL={n} must be 1-1000")),
            },
            Some(("COUNT", n)) => match n.parse::<u64>() {
                Ok(n) if n >= 1 => count = Some(n),
                _ => return Err(format!("COUNT={n} must be a positive number")),
            },
            _ => {
                return Err(format!(
                    "`{part}`: the sandbox models FREQ (DAILY, WEEKLY), INTERVAL and COUNT only"
                ));
            }
        }
    }
    let days = days.ok_or("an RRULE needs FREQ")?;
    Ok(Rule {
        period: Duration::days(days * interval),
        count,
    })
}

/// Checks a rotation event as PagerDuty would (and the sandbox's recurrence limits);
/// the error is the 400 to answer.
pub(super) fn check_event(db: &Db, e: &Value) -> Result<(), Reply> {
    if str_of(e, "name").trim().is_empty() {
        return Err(invalid("event.name", "can't be blank"));
    }
    for key in ["start_time", "end_time"] {
        if parse(str_of(&e[key], "date_time")).is_none() || str_of(&e[key], "time_zone").is_empty()
        {
            return Err(invalid(
                &format!("event.{key}"),
                "must have a date_time with a zone and a time_zone",
            ));
        }
    }
    let (start, end) = (
        parse(str_of(&e["start_time"], "date_time")),
        parse(str_of(&e["end_time"], "date_time")),
    );
    if end <= start {
        return Err(invalid("event.end_time", "must be after the start time"));
    }
    let Some(since) = parse(str_of(e, "effective_since")) else {
        return Err(invalid("event.effective_since", "must be a date-time"));
    };
    match e.get("effective_until").filter(|u| !u.is_null()) {
        Some(u) if parse(u.as_str().unwrap_or_default()).is_none_or(|u| u <= since) => {
            return Err(invalid(
                "event.effective_until",
                "must be a date-time after effective_since",
            ));
        }
        _ => {}
    }
    if let Err(why) = rule(&e["recurrence"]) {
        return Err(invalid("event.recurrence", &why));
    }
    let strategy = &e["assignment_strategy"];
    if !matches!(
        str_of(strategy, "type"),
        "rotating_member_assignment_strategy" | "every_member_assignment_strategy"
    ) {
        return Err(invalid(
            "event.assignment_strategy.type",
            "is not included in the list",
        ));
    }
    if strategy
        .get("shifts_per_member")
        .is_some_and(|n| n.as_u64().is_none_or(|n| n < 1))
    {
        return Err(invalid(
            "event.assignment_strategy.shifts_per_member",
            "must be at least 1",
        ));
    }
    let members = strategy["members"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if members.is_empty() || members.len() > 20 {
        return Err(invalid(
            "event.assignment_strategy.members",
            "must have 1-20 members",
        ));
    }
    for m in members {
        check_member(db, m, "event.assignment_strategy.members")?;
    }
    Ok(())
}

/// Checks a member object: an empty slot, or a user of the account.
pub(super) fn check_member(db: &Db, m: &Value, field: &str) -> Result<(), Reply> {
    match str_of(m, "type") {
        "empty_member" => Ok(()),
        "user_member" if db.users.iter().any(|u| id_of(u) == str_of(m, "user_id")) => Ok(()),
        "user_member" => Err(invalid(field, "user not found")),
        _ => Err(invalid(field, "type must be user_member or empty_member")),
    }
}

/// One assignment of the final schedule.
#[derive(Clone, Debug)]
struct Assignment {
    from: OffsetDateTime,
    to: OffsetDateTime,
    member: Value,
    /// `schedule_rotation` / `custom_shift`, and its ID.
    source: (&'static str, String),
    /// The override that replaced the member, if any.
    by: Option<String>,
}

/// The shifts of a rotation's event overlapping `since`..`until`, clipped to it.
fn event_shifts(
    rotation: &str,
    e: &Value,
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> Vec<Assignment> {
    let (Some(first), Some(first_end), Some(eff_since), Ok(rule)) = (
        parse(str_of(&e["start_time"], "date_time")),
        parse(str_of(&e["end_time"], "date_time")),
        parse(str_of(e, "effective_since")),
        rule(&e["recurrence"]),
    ) else {
        return Vec::new();
    };
    let eff_until = parse(str_of(e, "effective_until"));
    let length = first_end - first;
    let strategy = &e["assignment_strategy"];
    let members = strategy["members"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if members.is_empty() || length <= Duration::ZERO {
        return Vec::new();
    }
    let rotating = str_of(strategy, "type") == "rotating_member_assignment_strategy";
    let per = strategy["shifts_per_member"].as_u64().unwrap_or(1).max(1);
    let period = rule.period.whole_seconds();
    // The first shift that can still overlap the window.
    let mut k = ((since - length - first).whole_seconds().div_euclid(period)).max(0) as u64;
    let mut out = Vec::new();
    while out.len() < MAX_SHIFTS && rule.count.is_none_or(|c| k < c) {
        let from = first + Duration::seconds(period * k as i64);
        if from >= until || eff_until.is_some_and(|u| from >= u) {
            break;
        }
        let to = from + length;
        if from >= eff_since && to > since {
            let on_call: Vec<&Value> = if rotating {
                vec![&members[((k / per) % members.len() as u64) as usize]]
            } else {
                members.iter().collect()
            };
            for member in on_call {
                out.push(Assignment {
                    from: from.max(since),
                    to: to.min(until),
                    member: member.clone(),
                    source: ("schedule_rotation", rotation.to_owned()),
                    by: None,
                });
            }
        }
        k += 1;
    }
    out
}

/// Whether two member objects are the same member.
fn same_member(a: &Value, b: &Value) -> bool {
    str_of(a, "type") == str_of(b, "type") && str_of(a, "user_id") == str_of(b, "user_id")
}

/// `base` with each override applied: where an override covers a shift of its source
/// (rotation or custom shift) held by its overridden member, that stretch goes to the
/// overriding member.
fn apply_overrides(base: Vec<Assignment>, overrides: &[Value]) -> Vec<Assignment> {
    let mut out = base;
    for o in overrides {
        let (Some(from), Some(to)) = (parse(str_of(o, "start_time")), parse(str_of(o, "end_time")))
        else {
            continue;
        };
        let source = match (str_of(o, "rotation_id"), str_of(o, "custom_shift_id")) {
            ("", shift) => ("custom_shift", shift),
            (rotation, _) => ("schedule_rotation", rotation),
        };
        let mut next = Vec::with_capacity(out.len());
        for a in out {
            let applies = a.by.is_none()
                && a.source.0 == source.0
                && a.source.1 == source.1
                && same_member(&a.member, &o["overridden_member"])
                && a.from < to
                && from < a.to;
            if !applies {
                next.push(a);
                continue;
            }
            let (cut_from, cut_to) = (a.from.max(from), a.to.min(to));
            if a.from < cut_from {
                next.push(Assignment {
                    to: cut_from,
                    ..a.clone()
                });
            }
            next.push(Assignment {
                from: cut_from,
                to: cut_to,
                member: o["overriding_member"].clone(),
                by: Some(id_of(o).to_owned()),
                ..a.clone()
            });
            if cut_to < a.to {
                next.push(Assignment { from: cut_to, ..a });
            }
        }
        out = next;
    }
    out
}

/// The final schedule of `schedule` over `since`..`until`: `{"type": "final_schedule",
/// "rendered_coverage_percentage", "computed_shift_assignments"}`.
pub(super) fn final_schedule(
    schedule: &Value,
    custom_shifts: &[Value],
    overrides: &[Value],
    since: OffsetDateTime,
    until: OffsetDateTime,
) -> Value {
    let mut base: Vec<Assignment> = Vec::new();
    for r in schedule["rotations"].as_array().into_iter().flatten() {
        for e in r["events"].as_array().into_iter().flatten() {
            base.extend(event_shifts(id_of(r), e, since, until));
        }
    }
    for c in custom_shifts {
        let (Some(from), Some(to)) = (parse(str_of(c, "start_time")), parse(str_of(c, "end_time")))
        else {
            continue;
        };
        if from < until && since < to {
            base.push(Assignment {
                from: from.max(since),
                to: to.min(until),
                member: c["assignments"][0]["member"].clone(),
                source: ("custom_shift", id_of(c).to_owned()),
                by: None,
            });
        }
    }
    let mut all = apply_overrides(base, overrides);
    all.sort_by_key(|a| (a.from, a.to));
    // Coverage: the share of the window someone (not an empty slot) holds.
    let mut covered: Vec<(OffsetDateTime, OffsetDateTime)> = all
        .iter()
        .filter(|a| str_of(&a.member, "type") == "user_member")
        .map(|a| (a.from, a.to))
        .collect();
    covered.sort();
    let (mut held, mut at) = (0i64, since);
    for (from, to) in covered {
        let from = from.max(at);
        if to > from {
            held += (to - from).whole_seconds();
            at = to;
        }
    }
    let window = (until - since).whole_seconds().max(1) as f64;
    let assignments: Vec<Value> = all
        .iter()
        .map(|a| {
            let source = match (&a.by, a.source.0) {
                (Some(o), "custom_shift") => {
                    json!({"type": "custom_shift_override", "shift_id": a.source.1, "override_id": o})
                }
                (Some(o), _) => {
                    json!({"type": "schedule_rotation_override", "rotation_id": a.source.1, "override_id": o})
                }
                (None, "custom_shift") => json!({"type": "custom_shift", "shift_id": a.source.1}),
                (None, _) => json!({"type": "schedule_rotation", "rotation_id": a.source.1}),
            };
            json!({
                "type": "computed_shift_assignment",
                "start_time": format_utc(a.from),
                "end_time": format_utc(a.to),
                "member": a.member,
                "source": source,
            })
        })
        .collect();
    json!({
        "type": "final_schedule",
        "rendered_coverage_percentage": (held as f64 * 1000.0 / window).round() / 10.0,
        "computed_shift_assignments": assignments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: u8, hm: &str) -> String {
        format!("2026-03-{day:02}T{hm}:00Z")
    }

    fn user(id: &str) -> Value {
        json!({"type": "user_member", "user_id": id})
    }

    fn event(start: &str, end: &str, rrule: &str, members: &[&str], per: u64) -> Value {
        json!({
            "name": "e",
            "start_time": {"date_time": start, "time_zone": "UTC"},
            "end_time": {"date_time": end, "time_zone": "UTC"},
            "effective_since": start,
            "effective_until": null,
            "recurrence": [rrule],
            "assignment_strategy": {
                "type": "rotating_member_assignment_strategy",
                "shifts_per_member": per,
                "members": members.iter().map(|m| user(m)).collect::<Vec<_>>(),
            },
        })
    }

    fn who(final_schedule: &Value) -> Vec<(String, String, String, String)> {
        final_schedule["computed_shift_assignments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["start_time"].as_str().unwrap()[8..16].to_owned(),
                    a["end_time"].as_str().unwrap()[8..16].to_owned(),
                    a["member"]["user_id"]
                        .as_str()
                        .unwrap_or("empty")
                        .to_owned(),
                    a["source"]["type"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn row(from: &str, to: &str, who: &str, source: &str) -> (String, String, String, String) {
        (from.into(), to.into(), who.into(), source.into())
    }

    #[test]
    fn only_daily_and_weekly_rules_are_modelled() {
        assert_eq!(
            rule(&json!(["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3"])),
            Ok(Rule {
                period: Duration::days(14),
                count: Some(3)
            })
        );
        assert!(
            rule(&json!(["RRULE:FREQ=MONTHLY"]))
                .unwrap_err()
                .contains("DAILY and FREQ=WEEKLY")
        );
        assert!(
            rule(&json!(["RRULE:FREQ=DAILY;BYDAY=MO"]))
                .unwrap_err()
                .contains("BYDAY")
        );
        assert!(rule(&json!(["RRULE:FREQ=DAILY", "EXDATE:20260301"])).is_err());
        assert!(rule(&json!(["RRULE:INTERVAL=2"])).is_err());
    }

    #[test]
    fn daily_turns_count_from_the_first_shift_and_rotate_in_blocks() {
        // Day shifts 08:00-20:00 from March 1st, two in a row each: A A B B A ...
        let schedule = json!({"rotations": [{"id": "R1", "events": [
            event(&t(1, "08:00"), &t(1, "20:00"), "RRULE:FREQ=DAILY", &["A", "B"], 2),
        ]}]});
        let f = final_schedule(
            &schedule,
            &[],
            &[],
            parse(&t(3, "12:00")).unwrap(),
            parse(&t(5, "12:00")).unwrap(),
        );
        assert_eq!(
            who(&f),
            [
                row("03T12:00", "03T20:00", "B", "schedule_rotation"),
                row("04T08:00", "04T20:00", "B", "schedule_rotation"),
                row("05T08:00", "05T12:00", "A", "schedule_rotation"),
            ]
        );
        // 24 of 48 hours are covered.
        assert_eq!(f["rendered_coverage_percentage"], 50.0);
    }

    #[test]
    fn weekly_shifts_custom_shifts_and_overrides_stack() {
        let schedule = json!({"rotations": [{"id": "R1", "events": [
            event(&t(2, "00:00"), &t(2, "12:00"), "RRULE:FREQ=WEEKLY", &["A", "B"], 1),
        ]}]});
        let custom = [
            json!({"id": "C1", "start_time": t(9, "12:00"), "end_time": t(9, "18:00"),
            "assignments": [{"member": user("C")}]}),
        ];
        let overrides = [
            json!({"id": "O1", "rotation_id": "R1", "start_time": t(9, "02:00"), "end_time": t(9, "04:00"),
                "overridden_member": user("B"), "overriding_member": user("D")}),
            // Names the wrong member: changes nothing.
            json!({"id": "O2", "rotation_id": "R1", "start_time": t(9, "05:00"), "end_time": t(9, "06:00"),
                "overridden_member": user("A"), "overriding_member": user("E")}),
            json!({"id": "O3", "custom_shift_id": "C1", "start_time": t(9, "17:00"), "end_time": t(9, "20:00"),
                "overridden_member": user("C"), "overriding_member": user("F")}),
        ];
        let f = final_schedule(
            &schedule,
            &custom,
            &overrides,
            parse(&t(8, "00:00")).unwrap(),
            parse(&t(10, "00:00")).unwrap(),
        );
        assert_eq!(
            who(&f),
            [
                row("09T00:00", "09T02:00", "B", "schedule_rotation"),
                row("09T02:00", "09T04:00", "D", "schedule_rotation_override"),
                row("09T04:00", "09T12:00", "B", "schedule_rotation"),
                row("09T12:00", "09T17:00", "C", "custom_shift"),
                row("09T17:00", "09T18:00", "F", "custom_shift_override"),
            ]
        );
        assert_eq!(
            f["computed_shift_assignments"][1]["source"]["override_id"],
            "O1"
        );
        assert_eq!(f["rendered_coverage_percentage"], 37.5);
    }

    #[test]
    fn effective_dates_and_count_bound_the_shifts() {
        let mut e = event(
            &t(1, "08:00"),
            &t(1, "09:00"),
            "RRULE:FREQ=DAILY;COUNT=5",
            &["A"],
            1,
        );
        e["effective_since"] = json!(t(2, "00:00"));
        let schedule = json!({"rotations": [{"id": "R1", "events": [e]}]});
        let f = final_schedule(
            &schedule,
            &[],
            &[],
            parse(&t(1, "00:00")).unwrap(),
            parse(&t(10, "00:00")).unwrap(),
        );
        let days: Vec<String> = who(&f).into_iter().map(|r| r.0[..2].to_owned()).collect();
        assert_eq!(days, ["02", "03", "04", "05"]);
    }
}
