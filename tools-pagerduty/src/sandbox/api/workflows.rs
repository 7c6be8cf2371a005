//! Incident workflows and their instances.

use serde_json::{Value, json};

use super::super::seed::ref_of;
use super::common::{Q, Reply, bad, id_of, matches_query, not_found, paginate};
use super::incidents::find_incident;
use crate::sandbox::Db;

/// `GET /incident_workflows`.
pub(super) fn list(db: &Db, q: &Q<'_>) -> Reply {
    let items = db
        .workflows
        .iter()
        .filter(|w| matches_query(w, q, &["name"]))
        .collect();
    paginate(items, "incident_workflows", q)
}

/// `POST /incident_workflows/{id}/instances`.
pub(super) fn start(db: &mut Db, id: &str, body: &Value) -> Reply {
    let Some(workflow) = db.workflows.iter().find(|w| id_of(w) == id).cloned() else {
        return not_found();
    };
    let incident_id = body["incident_workflow_instance"]["incident"]["id"]
        .as_str()
        .unwrap_or_default();
    if incident_id.is_empty() {
        return bad(&["incident_workflow_instance.incident.id is required"]);
    }
    let Some(i) = find_incident(db, incident_id) else {
        return bad(&["Incident not found"]);
    };
    if workflow["is_enabled"] == false {
        return bad(&["Incident Workflow is disabled and cannot be started"]);
    }
    let instance = json!({
        "id": db.next("PIWI"),
        "type": "incident_workflow_instance",
        "incident": ref_of(&db.incidents[i]),
    });
    let mut stored = instance.clone();
    stored["incident_workflow"] = ref_of(&workflow);
    db.workflow_instances.push(stored);
    (201, json!({ "incident_workflow_instance": instance }))
}
