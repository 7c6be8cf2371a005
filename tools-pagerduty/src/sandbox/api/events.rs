//! The Events API v2: alert and change events.

use serde_json::{Map, Value, json};

use super::super::seed::{object, ref_of};
use super::common::{Reply, id_of, now_s, str_of};
use crate::sandbox::Db;

fn event_error(message: &str, errors: &[&str]) -> Reply {
    (
        400,
        json!({"status": "invalid event", "message": message, "errors": errors}),
    )
}

/// Answers a request to the Events API (`/v2/...`).
pub(super) fn events(db: &mut Db, method: &str, segs: &[&str], body: Option<&Value>) -> Reply {
    if method != "POST" {
        return (404, json!({"status": "not found", "message": "Not Found"}));
    }
    let Some(body) = body else {
        return event_error("Event object is invalid", &["Body is empty"]);
    };
    let key = str_of(body, "routing_key");
    let Some(service_id) = db.routing_keys.get(key).cloned() else {
        return event_error("Event object is invalid", &["Invalid routing key"]);
    };
    match segs {
        ["v2", "change", "enqueue"] => {
            if str_of(&body["payload"], "summary").is_empty() {
                return event_error(
                    "Event object is invalid",
                    &["'payload.summary' is missing or blank"],
                );
            }
            let mut event = body.clone();
            event["routing_key"] = json!("[redacted]");
            let svc = db
                .services
                .iter()
                .find(|s| id_of(s) == service_id)
                .map(ref_of);
            let p = &body["payload"];
            let change = json!({
                "id": db.next("CHG"),
                "type": "change_event",
                "summary": p["summary"],
                "timestamp": p.get("timestamp").cloned().unwrap_or_else(|| json!(now_s())),
                "source": p.get("source").cloned().unwrap_or(Value::Null),
                "services": [svc],
                "integration": {"id": "PINT001", "type": "inbound_integration_reference"},
                "custom_details": p.get("custom_details").cloned().unwrap_or(json!({})),
                "links": body.get("links").cloned().unwrap_or(json!([])),
            });
            db.change_events.push(change);
            db.events.push(event);
            (
                202,
                json!({"status": "success", "message": "Change event processed"}),
            )
        }
        ["v2", "enqueue"] => {
            let action = str_of(body, "event_action");
            let dedup = str_of(body, "dedup_key").to_owned();
            let mut event = body.clone();
            event["routing_key"] = json!("[redacted]");
            match action {
                "trigger" => {
                    let p = &body["payload"];
                    let severity = str_of(p, "severity");
                    if str_of(p, "summary").is_empty() || str_of(p, "source").is_empty() {
                        return event_error(
                            "Event object is invalid",
                            &["'payload.summary' and 'payload.source' are required"],
                        );
                    }
                    if !["critical", "error", "warning", "info"].contains(&severity) {
                        return event_error(
                            "Event object is invalid",
                            &["'payload.severity' is invalid"],
                        );
                    }
                    let dedup = if dedup.is_empty() {
                        db.next("dedup-")
                    } else {
                        dedup
                    };
                    let open = db.incidents.iter().position(|i| {
                        str_of(i, "incident_key") == dedup
                            && str_of(i, "status") != "resolved"
                            && id_of(&i["service"]) == service_id
                    });
                    let i = match open {
                        Some(i) => i,
                        None => {
                            let urgency = if matches!(severity, "critical" | "error") {
                                "high"
                            } else {
                                "low"
                            };
                            let spec = json!({
                                "title": str_of(p, "summary"),
                                "service": {"id": service_id},
                                "incident_key": dedup,
                                "urgency": urgency,
                            });
                            match db.create_incident(&spec, None) {
                                Ok(i) => i,
                                Err(_) => {
                                    return event_error(
                                        "Event object is invalid",
                                        &["Cannot create incident"],
                                    );
                                }
                            }
                        }
                    };
                    let aid = db.next("PALR");
                    let inc = db.incidents[i].clone();
                    let mut alert = object("alert", &aid, str_of(p, "summary"));
                    alert.insert("created_at".into(), json!(now_s()));
                    alert.insert("status".into(), json!("triggered"));
                    alert.insert("alert_key".into(), json!(dedup));
                    alert.insert("service".into(), inc["service"].clone());
                    alert.insert("incident".into(), ref_of(&inc));
                    alert.insert("suppressed".into(), json!(false));
                    alert.insert("severity".into(), json!(severity));
                    alert.insert(
                        "body".into(),
                        json!({"type": "alert_body", "contexts": [], "details": p.get("custom_details").cloned().unwrap_or(Value::Null)}),
                    );
                    db.alerts.push(Value::Object(alert));
                    let counts = &mut db.incidents[i]["alert_counts"];
                    let all = counts["all"].as_u64().unwrap_or(0) + 1;
                    let trig = counts["triggered"].as_u64().unwrap_or(0) + 1;
                    *counts = json!({"all": all, "triggered": trig, "resolved": all - trig});
                    db.events.push(event);
                    (
                        202,
                        json!({"status": "success", "message": "Event processed", "dedup_key": dedup}),
                    )
                }
                "acknowledge" | "resolve" => {
                    if dedup.is_empty() {
                        return event_error(
                            "Event object is invalid",
                            &["'dedup_key' is required"],
                        );
                    }
                    let open = db.incidents.iter().position(|i| {
                        str_of(i, "incident_key") == dedup
                            && str_of(i, "status") != "resolved"
                            && id_of(&i["service"]) == service_id
                    });
                    if let Some(i) = open {
                        let status = if action == "resolve" {
                            "resolved"
                        } else {
                            "acknowledged"
                        };
                        let svc_ref = db.incidents[i]["service"].clone();
                        let inc = &mut db.incidents[i];
                        inc["status"] = json!(status);
                        inc["last_status_change_at"] = json!(now_s());
                        inc["last_status_change_by"] = svc_ref.clone();
                        if status == "resolved" {
                            inc["resolved_at"] = json!(now_s());
                            inc["assignments"] = json!([]);
                        }
                        let kind = format!("{}_log_entry", action);
                        db.log(i, &kind, svc_ref, "api", Map::new());
                    }
                    db.events.push(event);
                    (
                        202,
                        json!({"status": "success", "message": "Event processed", "dedup_key": dedup}),
                    )
                }
                _ => event_error("Event object is invalid", &["'event_action' is invalid"]),
            }
        }
        _ => (404, json!({"status": "not found", "message": "Not Found"})),
    }
}
