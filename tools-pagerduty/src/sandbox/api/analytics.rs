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
    let ids = |key: &str| -> Vec<&str> {
        filters[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    };
    let (services, teams) = (ids("service_ids"), ids("team_ids"));
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
