//! Incident writes: bulk and single changes, merge, create, notes, responder
//! requests, status updates and snooze.

use serde_json::{Map, Value, json};

use super::super::super::seed::{at, ref_of};
use super::super::common::{Reply, bad, id_of, not_found, now, now_s, str_of};
use super::find_incident;
use crate::sandbox::{Db, error_body};

/// `PUT /incidents`: the same change to several incidents, all or none.
pub(in crate::sandbox::api) fn update_many(db: &mut Db, body: &Value, actor: &str) -> Reply {
    let Some(list) = body.get("incidents").and_then(Value::as_array) else {
        return bad(&["incidents is required"]);
    };
    if list.len() > 250 {
        return (413, error_body("Request Entity Too Large", 2001, &[]));
    }
    let mut idx = Vec::new();
    for change in list {
        match find_incident(db, id_of(change)) {
            Some(i) => idx.push(i),
            None => return bad(&["Incident not found"]),
        }
    }
    for (change, &i) in list.iter().zip(&idx) {
        if let Err(reply) = db.change(i, change, actor) {
            return reply;
        }
    }
    let incidents: Vec<Value> = idx.iter().map(|&i| db.incidents[i].clone()).collect();
    (
        200,
        json!({"incidents": incidents, "limit": incidents.len(), "offset": 0, "more": false, "total": null}),
    )
}

/// `PUT /incidents/{id}`.
pub(in crate::sandbox::api) fn update(db: &mut Db, id: &str, body: &Value, actor: &str) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let Some(change) = body.get("incident") else {
        return bad(&["incident is required"]);
    };
    match db.change(i, change, actor) {
        Ok(()) => (200, json!({"incident": db.incidents[i]})),
        Err(reply) => reply,
    }
}

/// `PUT /incidents/{id}/merge`: moves the sources' alerts to the target and resolves the sources.
pub(in crate::sandbox::api) fn merge(db: &mut Db, id: &str, body: &Value, actor: &str) -> Reply {
    let Some(target) = find_incident(db, id) else {
        return not_found();
    };
    let Some(sources) = body.get("source_incidents").and_then(Value::as_array) else {
        return bad(&["source_incidents is required"]);
    };
    let mut idx = Vec::new();
    for source in sources {
        match find_incident(db, id_of(source)) {
            Some(i) if i == target => {
                return bad(&["An incident cannot be merged into itself"]);
            }
            Some(i) => idx.push(i),
            None => return bad(&["Incident not found"]),
        }
    }
    if idx.is_empty() {
        return bad(&["source_incidents cannot be empty"]);
    }
    let target_ref = json!({"id": id_of(&db.incidents[target]), "type": "incident_reference"});
    for &i in &idx {
        let source_id = id_of(&db.incidents[i]).to_owned();
        for alert in db
            .alerts
            .iter_mut()
            .filter(|a| id_of(&a["incident"]) == source_id)
        {
            alert["incident"] = target_ref.clone();
        }
        if str_of(&db.incidents[i], "status") != "resolved"
            && let Err(reply) = db.change(i, &json!({"status": "resolved"}), actor)
        {
            return reply;
        }
    }
    let inc = &db.incidents[target];
    (
        200,
        json!({"incident": {
            "id": id_of(inc),
            "type": "incident_reference",
            "summary": inc["summary"],
            "self": inc["self"],
            "html_url": inc["html_url"],
        }}),
    )
}

/// `POST /incidents`.
pub(in crate::sandbox::api) fn create(db: &mut Db, body: &Value, actor: &str) -> Reply {
    let Some(spec) = body.get("incident") else {
        return bad(&["incident is required"]);
    };
    match db.create_incident(spec, Some(actor)) {
        Ok(i) => (201, json!({"incident": db.incidents[i]})),
        Err(reply) => reply,
    }
}

/// `POST /incidents/{id}/notes`.
pub(in crate::sandbox::api) fn add_note(db: &mut Db, id: &str, body: &Value, actor: &str) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let content = body["note"]["content"].as_str().unwrap_or_default();
    if content.trim().is_empty() {
        return bad(&["Note content cannot be empty"]);
    }
    let nid = db.next("PNOTE");
    let note = json!({
        "id": nid,
        "user": db.user_ref(actor),
        "channel": {"summary": "The PagerDuty website or APIs"},
        "content": content,
        "created_at": now_s(),
    });
    let iid = id_of(&db.incidents[i]).to_owned();
    db.notes.entry(iid).or_default().push(note.clone());
    let agent = db.user_ref(actor);
    let mut extra = Map::new();
    extra.insert("note".into(), json!(content));
    db.log(i, "annotate_log_entry", agent, "note", extra);
    (200, json!({"note": note}))
}

/// `POST /incidents/{id}/responder_requests`.
pub(in crate::sandbox::api) fn request_responders(db: &mut Db, id: &str, body: &Value) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let requester = str_of(body, "requester_id").to_owned();
    if !db.users.iter().any(|u| id_of(u) == requester) {
        return bad(&["Requester not found"]);
    }
    let Some(targets) = body
        .get("responder_request_targets")
        .and_then(Value::as_array)
    else {
        return bad(&["responder_request_targets is required"]);
    };
    let now = now_s();
    let inc_ref = ref_of(&db.incidents[i]);
    let mut out = Vec::new();
    for t in targets {
        let target = &t["responder_request_target"];
        let tid = id_of(target).to_owned();
        let (kind, users) = match str_of(target, "type") {
            "user_reference" if db.users.iter().any(|u| id_of(u) == tid) => {
                ("user", vec![tid.clone()])
            }
            "escalation_policy_reference" if db.policies.iter().any(|p| id_of(p) == tid) => {
                ("escalation_policy", db.oncall_users(&tid, 1))
            }
            _ => return bad(&["Responder request target not found"]),
        };
        let responders: Vec<Value> = users
            .iter()
            .map(|u| {
                json!({"state": "pending", "user": db.user_ref(u), "incident": inc_ref,
                       "updated_at": now, "message": body["message"],
                       "requester": db.user_ref(&requester), "requested_at": now})
            })
            .collect();
        out.push(json!({"responder_request_target": {"type": kind, "id": tid, "incidents_responders": responders}}));
    }
    let rr = json!({
        "incident": inc_ref,
        "requester": db.user_ref(&requester),
        "requested_at": now,
        "message": body["message"],
        "responder_request_targets": out,
    });
    db.responder_requests.push(rr.clone());
    (200, json!({"responder_request": rr}))
}

/// `POST /incidents/{id}/status_updates`.
pub(in crate::sandbox::api) fn status_update(
    db: &mut Db,
    id: &str,
    body: &Value,
    actor: &str,
) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    let message = str_of(body, "message");
    if message.trim().is_empty() {
        return bad(&["message is required"]);
    }
    let update = json!({
        "id": db.next("PSTU"),
        "message": message,
        "sender": db.user_ref(actor),
        "created_at": now_s(),
    });
    db.status_updates
        .push(json!({"incident": id_of(&db.incidents[i]), "status_update": update}));
    (200, json!({"status_update": update}))
}

/// `POST /incidents/{id}/snooze`.
pub(in crate::sandbox::api) fn snooze(db: &mut Db, id: &str, body: &Value, actor: &str) -> Reply {
    let Some(i) = find_incident(db, id) else {
        return not_found();
    };
    if str_of(&db.incidents[i], "status") != "acknowledged" {
        return bad(&["Incident must be acknowledged to snooze"]);
    }
    let Some(duration) = body.get("duration").and_then(Value::as_i64) else {
        return bad(&["duration is required"]);
    };
    let until = at(now(), duration);
    db.incidents[i]["pending_actions"] = json!([{"type": "unacknowledge", "at": until}]);
    db.incidents[i]["updated_at"] = json!(now_s());
    let agent = db.user_ref(actor);
    let mut extra = Map::new();
    extra.insert(
        "changed_actions".into(),
        json!([{"type": "unacknowledge", "at": until}]),
    );
    db.log(i, "snooze_log_entry", agent, "api", extra);
    (201, json!({"incident": db.incidents[i]}))
}
