//! What PagerDuty relates to an incident: change events, related incidents (AIOps)
//! and similar past incidents.

use serde_json::{Value, json};

use super::super::common::{Q, Reply, bad, has_ref, id_of, not_found, seconds_between, str_of};
use super::find_incident;
use crate::sandbox::Db;

/// `GET /incidents/{id}/related_change_events`: the changes on its service before it, newest first.
pub(in crate::sandbox::api) fn related_change_events(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let inc = &db.incidents[i];
    let created = str_of(inc, "created_at");
    let service = id_of(&inc["service"]);
    let mut related: Vec<Value> = db
        .change_events
        .iter()
        .filter(|c| str_of(c, "timestamp") <= created && has_ref(c, "services", &[service]))
        .cloned()
        .collect();
    related.sort_by(|a, b| str_of(b, "timestamp").cmp(str_of(a, "timestamp")));
    let limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10);
    related.truncate(limit);
    for (n, c) in related.iter_mut().enumerate() {
        let reason = if n == 0 {
            "most_recent"
        } else {
            "related_service"
        };
        c["correlation_reason"] = json!({"reason": reason});
    }
    (200, json!({"change_events": related}))
}

/// `GET /incidents/{id}/related_incidents`.
pub(in crate::sandbox::api) fn related(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    (
        200,
        related_incidents(db, i, q.all("additional_details").contains(&"incident")),
    )
}

/// `GET /incidents/{id}/past_incidents`.
pub(in crate::sandbox::api) fn past(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let limit = match q.get("limit").map(str::parse::<usize>) {
        None => 5,
        Some(Ok(l)) if (1..=999).contains(&l) => l,
        Some(_) => return bad(&["limit must be between 1 and 999"]),
    };
    let mut past = past_incidents(db, i);
    let total = (q.get("total") == Some("true")).then_some(past.len());
    past.truncate(limit);
    (
        200,
        json!({"past_incidents": past, "total": total, "limit": limit}),
    )
}

/// A service reference as the service-dependency relationships carry it.
fn dependency_ref(id: &str) -> Value {
    json!({"id": id, "type": "technical_service_reference", "self": format!("https://api.pagerduty.com/services/{id}")})
}

/// `GET /incidents/{id}/related_incidents`: the incidents on other services created
/// within 12 hours of incident `i`, most recent first (at most 20). Incidents on
/// services with a seeded dependency are related by it; the others by "machine
/// learning" (similar contents). Without `additional_details[]=incident` the incidents
/// are the short form PagerDuty sends (id, created_at, self, title).
fn related_incidents(db: &Db, i: usize, full: bool) -> Value {
    let inc = &db.incidents[i];
    let created = str_of(inc, "created_at");
    let service = id_of(&inc["service"]);
    let mut related: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|o| id_of(&o["service"]) != service)
        .filter(|o| {
            seconds_between(created, str_of(o, "created_at")).is_some_and(|d| d.abs() <= 12 * 3600)
        })
        .collect();
    related.sort_by(|a, b| str_of(b, "created_at").cmp(str_of(a, "created_at")));
    related.truncate(20);
    let list: Vec<Value> = related
        .into_iter()
        .map(|o| {
            let other = id_of(&o["service"]);
            let dependency = db.dependencies.iter().find(|(d, s)| {
                (d == service && s == other) || (d == other && s == service)
            });
            let relationship = match dependency {
                Some((dependent, supporting)) => json!({
                    "type": "service_dependency",
                    "metadata": {
                        "dependent_services": [dependency_ref(dependent)],
                        "supporting_services": [dependency_ref(supporting)],
                    },
                }),
                None => {
                    let n = o["incident_number"].as_u64().unwrap_or(0);
                    json!({
                        "type": "machine_learning_inferred",
                        "metadata": {
                            "grouping_classification": "similar_contents",
                            "user_feedback": {"positive_feedback_count": n % 4 + 1, "negative_feedback_count": n % 2},
                        },
                    })
                }
            };
            let incident = if full {
                o.clone()
            } else {
                json!({"id": o["id"], "created_at": o["created_at"], "self": o["self"], "title": o["title"]})
            };
            json!({"incident": incident, "relationships": [relationship]})
        })
        .collect();
    json!({ "related_incidents": list })
}

/// `GET /incidents/{id}/past_incidents`: the incidents of the 6 months before incident
/// `i` on its service, most similar first. The score is higher for the same title and
/// for a more recent incident.
fn past_incidents(db: &Db, i: usize) -> Vec<Value> {
    let inc = &db.incidents[i];
    let created = str_of(inc, "created_at");
    let mut scored: Vec<(f64, &Value)> = db
        .incidents
        .iter()
        .filter(|o| id_of(o) != id_of(inc) && o["service"]["id"] == inc["service"]["id"])
        .filter_map(|o| {
            let gap = seconds_between(str_of(o, "created_at"), created)?;
            if gap <= 0 || gap > 183 * 86_400 {
                return None;
            }
            let base = if o["title"] == inc["title"] {
                80.0
            } else {
                20.0
            };
            let recency = 10.0 / (1.0 + gap as f64 / 86_400.0);
            let score = ((base + recency) * 10_000.0_f64).round() / 10_000.0;
            Some((score, o))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .map(|(score, o)| {
            json!({
                "incident": {"id": o["id"], "created_at": o["created_at"], "self": o["self"], "title": o["title"]},
                "score": score,
            })
        })
        .collect()
}

/// A title with its digits masked, as PagerDuty's mined incident templates read.
fn mined(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with("<*>") {
                out.push_str("<*>");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `GET /incidents/{id}/outlier_incident`: how often incidents of its kind (the same
/// title, digits masked) occurred on its service since `since` (default 90 days
/// before it): `outlier` when it is the only one, `rare` under a fifth of the
/// service's incidents, `frequent` above.
pub(in crate::sandbox::api) fn outlier(db: &Db, id: &str, q: &Q<'_>) -> Reply {
    use time::format_description::well_known::Rfc3339;
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let inc = &db.incidents[i];
    let created = str_of(inc, "created_at");
    let until = str_of(inc, "updated_at").max(created).to_owned();
    let since = match q.get("since") {
        Some(s) if time::OffsetDateTime::parse(s, &Rfc3339).is_ok() => s.to_owned(),
        Some(_) => return bad(&["since must be an ISO 8601 date-time"]),
        None => time::OffsetDateTime::parse(created, &Rfc3339)
            .map(|t| crate::sandbox::seed::at(t, -90 * 86_400))
            .unwrap_or_default(),
    };
    let pattern = mined(str_of(inc, "title"));
    let on_service: Vec<&Value> = db
        .incidents
        .iter()
        .filter(|o| o["service"]["id"] == inc["service"]["id"])
        .filter(|o| {
            str_of(o, "created_at") >= since.as_str() && str_of(o, "created_at") <= until.as_str()
        })
        .collect();
    let count = on_service
        .iter()
        .filter(|o| mined(str_of(o, "title")) == pattern)
        .count()
        .max(1);
    let frequency = count as f64 / on_service.len().max(1) as f64;
    let category = match (count, frequency) {
        (1, _) => "outlier",
        (_, f) if f < 0.2 => "rare",
        _ => "frequent",
    };
    let mut incident = inc.clone();
    incident["occurrence"] = json!({
        "count": count,
        "frequency": (frequency * 10_000.0).round() / 10_000.0,
        "category": category,
        "since": since,
        "until": until,
    });
    let service = id_of(&inc["service"]);
    (
        200,
        json!({"outlier_incident": {
            "incident": incident,
            "incident_template": {
                "id": format!("PTPL{}", &service[service.len().saturating_sub(3)..]),
                "cluster_id": format!("PCL{}", &service[service.len().saturating_sub(3)..]),
                "mined_text": pattern,
            },
        }}),
    )
}
