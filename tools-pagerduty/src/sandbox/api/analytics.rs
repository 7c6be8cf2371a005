//! Incident analytics.

use serde_json::{Value, json};

use super::common::{Reply, bad, has_ref, id_of, not_found, seconds_between, str_of};
use crate::sandbox::Db;

fn mean(values: &[i64]) -> Value {
    if values.is_empty() {
        Value::Null
    } else {
        json!(values.iter().sum::<i64>() / values.len() as i64)
    }
}

/// `POST /analytics/metrics/incidents/{all|services|teams}`: metrics of the incidents
/// created in the filter's range, for the whole account or per service or team.
pub(super) fn analytics(db: &Db, scope: &[&str], body: Option<&Value>) -> Reply {
    let empty = Value::Null;
    let body = body.unwrap_or(&empty);
    let filters = &body["filters"];
    let (Some(start), Some(end)) = (
        filters["created_at_start"].as_str(),
        filters["created_at_end"].as_str(),
    ) else {
        return bad(&["filters.created_at_start and filters.created_at_end are required"]);
    };
    let (services, teams) = (
        filter_ids(filters, "service_ids"),
        filter_ids(filters, "team_ids"),
    );
    let urgency = filters["urgency"].as_str();
    let incidents: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|i| str_of(i, "created_at") >= start && str_of(i, "created_at") < end)
        .filter(|i| services.is_empty() || services.contains(&id_of(&i["service"])))
        .filter(|i| teams.is_empty() || has_ref(i, "teams", &teams))
        .filter(|i| urgency.is_none_or(|u| str_of(i, "urgency") == u))
        .collect();
    let group = match scope {
        ["all"] => None,
        ["services"] => Some("service"),
        ["teams"] => Some("team"),
        _ => return not_found(),
    };
    let mut groups: Vec<(Option<Value>, Vec<&Value>)> = Vec::new();
    for inc in incidents {
        let keys: Vec<Option<Value>> = match group {
            None => vec![None],
            Some("service") => vec![Some(inc["service"].clone())],
            Some(_) => inc["teams"]
                .as_array()
                .into_iter()
                .flatten()
                .cloned()
                .map(Some)
                .collect(),
        };
        for key in keys {
            match groups
                .iter_mut()
                .find(|(k, _)| k.as_ref().map(id_of) == key.as_ref().map(id_of))
            {
                Some((_, list)) => list.push(inc),
                None => groups.push((key, vec![inc])),
            }
        }
    }
    let data: Vec<Value> = groups
        .into_iter()
        .map(|(key, list)| {
            let resolve: Vec<i64> = list
                .iter()
                .filter_map(|i| {
                    seconds_between(str_of(i, "created_at"), i["resolved_at"].as_str()?)
                })
                .collect();
            let ack: Vec<i64> = list
                .iter()
                .filter_map(|i| {
                    seconds_between(
                        str_of(i, "created_at"),
                        i["acknowledgements"][0]["at"].as_str()?,
                    )
                })
                .collect();
            let mut row = json!({
                "total_incident_count": list.len(),
                "total_incidents_acknowledged": ack.len(),
                "mean_seconds_to_resolve": mean(&resolve),
                "mean_seconds_to_first_ack": mean(&ack),
                "total_escalation_count": 0,
                "total_interruptions": list.len(),
            });
            if let Some(key) = key {
                let prefix = group.unwrap_or_default();
                row[format!("{prefix}_id")] = json!(id_of(&key));
                row[format!("{prefix}_name")] = key["summary"].clone();
            }
            row
        })
        .collect();
    (
        200,
        json!({
            "data": data,
            "filters": filters,
            "aggregate_unit": body.get("aggregate_unit").cloned().unwrap_or(Value::Null),
            "time_zone": body.get("time_zone").cloned().unwrap_or(json!("Etc/UTC")),
        }),
    )
}

/// The users who responded to an incident: its assignees and acknowledgers, or for
/// a resolved one (which keeps neither) the first level of its policy's on-calls.
fn responders_of(db: &Db, inc: &Value) -> Vec<String> {
    let mut users: Vec<String> = ["assignments", "acknowledgements"]
        .iter()
        .flat_map(|k| inc[*k].as_array().into_iter().flatten())
        .map(|a| id_of(a.get("assignee").unwrap_or(&a["acknowledger"])).to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    if users.is_empty() {
        users = db.oncall_users(id_of(&inc["escalation_policy"]), 1);
    }
    users.sort();
    users.dedup();
    users
}

/// The hour of day (UTC) of a time.
fn hour(t: &str) -> u8 {
    t.get(11..13).and_then(|h| h.parse().ok()).unwrap_or(12)
}

/// `POST /analytics/metrics/responders/{all|teams}`: per responder (and team) the
/// incidents created in the range that they responded to, their acknowledgements,
/// interruptions by time of day (business 9-17, sleep 22-8, UTC), and their seconds
/// on call within the range.
pub(super) fn responders(db: &Db, scope: &[&str], body: Option<&Value>) -> Reply {
    let empty = Value::Null;
    let body = body.unwrap_or(&empty);
    let filters = &body["filters"];
    let (Some(start), Some(end)) = (
        filters["date_range_start"].as_str(),
        filters["date_range_end"].as_str(),
    ) else {
        return bad(&["filters.date_range_start and filters.date_range_end are required"]);
    };
    let by_team = match scope {
        ["all"] => false,
        ["teams"] => true,
        _ => return not_found(),
    };
    let (teams, wanted) = (
        filter_ids(filters, "team_ids"),
        filter_ids(filters, "responder_ids"),
    );
    let urgency = filters["urgency"].as_str();
    let teams_of = |user: &str| -> Vec<&str> {
        db.members
            .iter()
            .filter(|(_, u, _)| u == user)
            .map(|(t, _, _)| t.as_str())
            .collect()
    };
    let incidents: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|i| str_of(i, "created_at") >= start && str_of(i, "created_at") < end)
        .filter(|i| urgency.is_none_or(|u| str_of(i, "urgency") == u))
        .collect();
    let mut rows = Vec::new();
    for user in &db.users {
        let uid = id_of(user);
        if !wanted.is_empty() && !wanted.contains(&uid) {
            continue;
        }
        let mine: Vec<&&Value> = incidents
            .iter()
            .filter(|i| responders_of(db, i).iter().any(|u| u == uid))
            .collect();
        let acks: Vec<i64> = mine
            .iter()
            .filter_map(|i| {
                let ack = i["acknowledgements"]
                    .as_array()?
                    .iter()
                    .find(|a| id_of(&a["acknowledger"]) == uid)?;
                seconds_between(str_of(i, "created_at"), str_of(ack, "at"))
            })
            .collect();
        let hours: Vec<u8> = mine.iter().map(|i| hour(str_of(i, "created_at"))).collect();
        let on_call: i64 = db
            .oncalls
            .iter()
            .filter(|o| id_of(&o["user"]) == uid)
            .filter_map(|o| {
                let from = str_of(o, "start").max(start);
                let to = match str_of(o, "end") {
                    "" => end,
                    e => e.min(end),
                };
                seconds_between(from, to).filter(|s| *s > 0)
            })
            .sum();
        let engaged: i64 = mine
            .iter()
            .filter_map(|i| {
                let done = i["resolved_at"].as_str().unwrap_or(end);
                seconds_between(str_of(i, "created_at"), done)
            })
            .sum();
        let mut row = json!({
            "responder_id": uid,
            "responder_name": user["name"],
            "total_incident_count": mine.len(),
            "total_incidents_acknowledged": acks.len(),
            "mean_time_to_acknowledge_seconds": mean(&acks),
            "total_engaged_seconds": engaged,
            "mean_engaged_seconds": mean(&[engaged / mine.len().max(1) as i64]),
            "total_notifications": mine.len() * 2,
            "total_interruptions": mine.len(),
            "total_business_hour_interruptions": hours.iter().filter(|h| (9..17).contains(*h)).count(),
            "total_off_hour_interruptions": hours.iter().filter(|h| !(9..17).contains(*h)).count(),
            "total_sleep_hour_interruptions": hours.iter().filter(|h| **h >= 22 || **h < 8).count(),
            "total_seconds_on_call": on_call,
        });
        // PagerDuty leaves out what it cannot compute (no acknowledgement, nothing engaged).
        if let Some(r) = row.as_object_mut() {
            if acks.is_empty() {
                r.remove("mean_time_to_acknowledge_seconds");
            }
            if mine.is_empty() {
                r.remove("mean_engaged_seconds");
            }
        }
        let user_teams = teams_of(uid);
        if by_team {
            for t in user_teams
                .iter()
                .filter(|t| teams.is_empty() || teams.contains(t))
            {
                let mut row = row.clone();
                row["team_id"] = json!(t);
                row["team_name"] = db
                    .teams
                    .iter()
                    .find(|x| id_of(x) == *t)
                    .map(|x| x["name"].clone())
                    .unwrap_or(Value::Null);
                rows.push(row);
            }
        } else if teams.is_empty() || user_teams.iter().any(|t| teams.contains(t)) {
            rows.push(row);
        }
    }
    let key = body["order_by"].as_str().unwrap_or("total_interruptions");
    rows.sort_by_key(|r| r[key].as_i64().unwrap_or(0));
    if body["order"] != "asc" {
        rows.reverse();
    }
    (
        200,
        json!({
            "data": rows,
            "filters": filters,
            "time_zone": body.get("time_zone").cloned().unwrap_or(json!("Etc/UTC")),
            "order": body.get("order").cloned().unwrap_or(json!("desc")),
            "order_by": key,
        }),
    )
}

/// The IDs a metrics query's `filters.<key>` lists (none when absent).
fn filter_ids<'a>(filters: &'a Value, key: &str) -> Vec<&'a str> {
    filters[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}
