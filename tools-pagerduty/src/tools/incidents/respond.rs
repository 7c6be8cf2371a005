//! Incident response (writes): acknowledge, resolve, reassign, snooze, update,
//! create, notes, status updates, responders, escalate and merge.

use arcade_tdk::{ToolContext, ToolError, tool};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Incident, IncidentStatus, Note, Urgency};
use crate::client::{Query, Session};
use crate::tools::confirm::confirm;
use crate::tools::{Ref, kind_of, path_id, path_ids, ref_at, s};

/// The incidents a bulk change touched.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangedIncidents {
    /// The incidents as they are after the change.
    pub incidents: Vec<Incident>,
}

async fn bulk_update(
    context: &ToolContext,
    incident_ids: &[String],
    fields: Map<String, Value>,
) -> Result<ChangedIncidents, ToolError> {
    let ids = path_ids("incident", incident_ids, 100)?;
    let session = Session::from_context(context)?;
    let incidents: Vec<Value> = ids
        .iter()
        .map(|id| {
            let mut obj = Map::new();
            obj.insert("id".into(), json!(id));
            obj.insert("type".into(), json!("incident_reference"));
            obj.extend(fields.clone());
            Value::Object(obj)
        })
        .collect();
    let body = session
        .write(
            Method::PUT,
            "/incidents",
            &json!({ "incidents": incidents }),
        )
        .await?;
    Ok(ChangedIncidents {
        incidents: body
            .get("incidents")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(Incident::from_api).collect())
            .unwrap_or_default(),
    })
}

/// Acknowledge one or more PagerDuty incidents as the authorized user: stops their
/// escalation and tells the team someone is on it. Acknowledging an acknowledged
/// incident changes nothing. Returns the incidents after the change.
#[tool(preset = crate::tools::pagerduty_update, output = "The acknowledged incidents")]
pub async fn acknowledge_incidents(
    context: ToolContext,
    /// IDs of the incidents to acknowledge (1-100).
    incident_ids: Vec<String>,
) -> Result<ChangedIncidents, ToolError> {
    let mut fields = Map::new();
    fields.insert("status".into(), json!("acknowledged"));
    bulk_update(&context, &incident_ids, fields).await
}

/// Resolve one or more PagerDuty incidents as the authorized user, with an optional
/// resolution note recorded in the incident's timeline. Confirm with the user before
/// resolving incidents they did not name. Returns the incidents after the change.
#[tool(preset = crate::tools::pagerduty_update, output = "The resolved incidents")]
pub async fn resolve_incidents(
    context: ToolContext,
    /// IDs of the incidents to resolve (1-100).
    incident_ids: Vec<String>,
    /// What fixed it, recorded as the resolution in the timeline. Default is None.
    resolution: Option<String>,
) -> Result<ChangedIncidents, ToolError> {
    let mut fields = Map::new();
    fields.insert("status".into(), json!("resolved"));
    if let Some(r) = resolution.filter(|r| !r.trim().is_empty()) {
        fields.insert("resolution".into(), json!(r));
    }
    let ids = path_ids("incident", &incident_ids, 100)?;
    confirm(
        &context,
        format!(
            "Resolve PagerDuty incident(s) {}? Their responders stop being paged.",
            ids.join(", ")
        ),
    )
    .await?;
    bulk_update(&context, &incident_ids, fields).await
}

/// Reassign one or more incidents to specific users, or hand them to an escalation
/// policy (which restarts escalation from its first level). Give exactly one of
/// `user_ids` and `escalation_policy_id`; find IDs with SearchUsers or
/// ListEscalationPolicies. Returns the incidents after the change.
#[tool(preset = crate::tools::pagerduty_update, output = "The reassigned incidents")]
pub async fn reassign_incidents(
    context: ToolContext,
    /// IDs of the incidents to reassign (1-100).
    incident_ids: Vec<String>,
    /// Users to assign the incidents to. Default is None.
    user_ids: Option<Vec<String>>,
    /// Escalation policy to assign the incidents to. Default is None.
    escalation_policy_id: Option<String>,
) -> Result<ChangedIncidents, ToolError> {
    let mut fields = Map::new();
    match (user_ids.filter(|u| !u.is_empty()), escalation_policy_id) {
        (Some(users), None) => {
            let users = path_ids("user", &users, 20)?;
            let assignments: Vec<Value> = users
                .iter()
                .map(|u| json!({"assignee": {"id": u, "type": "user_reference"}}))
                .collect();
            fields.insert("assignments".into(), Value::Array(assignments));
        }
        (None, Some(ep)) => {
            let ep = path_id("escalation policy", &ep)?;
            fields.insert(
                "escalation_policy".into(),
                json!({"id": ep, "type": "escalation_policy_reference"}),
            );
        }
        _ => {
            return Err(ToolError::bad_input(
                "Give exactly one of `user_ids` and `escalation_policy_id`.",
            ));
        }
    }
    let ids = path_ids("incident", &incident_ids, 100)?;
    confirm(
        &context,
        format!(
            "Reassign PagerDuty incident(s) {}? The new assignees are paged.",
            ids.join(", ")
        ),
    )
    .await?;
    bulk_update(&context, &incident_ids, fields).await
}

/// The changed incident.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ChangedIncident {
    /// The incident as it is after the change.
    pub incident: Incident,
}

/// Snooze an acknowledged incident: it returns to triggered (and notifies again) when
/// the snooze ends. Only acknowledged incidents can be snoozed; acknowledge first.
#[tool(
    requires_auth = PagerDuty(scopes = ["write"]),
    open_world,
    destructive = false,
    operations = [update],
    service_domains = [incident_management],
    output = "The snoozed incident"
)]
pub async fn snooze_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// How long to snooze, in minutes (1-10080, i.e. up to a week).
    duration_minutes: i64,
) -> Result<ChangedIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if !(1..=10_080).contains(&duration_minutes) {
        return Err(ToolError::bad_input(
            "`duration_minutes` must be between 1 and 10080 (one week).",
        ));
    }
    confirm(&context, format!("Snooze PagerDuty incident {id} for {duration_minutes} minutes? Nobody is paged for it until then.")).await?;
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::POST,
            &format!("/incidents/{id}/snooze"),
            &json!({"duration": duration_minutes * 60}),
        )
        .await?;
    changed(&body)
}

fn changed(body: &Value) -> Result<ChangedIncident, ToolError> {
    let raw = crate::tools::answered_field(body, "incident")?;
    Ok(ChangedIncident {
        incident: Incident::from_api(raw),
    })
}

/// Change one incident's title, urgency, priority, status or escalation level.
/// Give only the fields to change. Escalating to a higher level notifies that
/// level's on-call responders. Find priority IDs with ListPriorities.
#[tool(preset = crate::tools::pagerduty_update, output = "The updated incident")]
pub async fn update_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// New title. Default is None.
    title: Option<String>,
    /// New urgency. Default is None.
    urgency: Option<Urgency>,
    /// New status (`acknowledged` or `resolved`). Default is None.
    status: Option<IncidentStatus>,
    /// New priority ID (from ListPriorities). Default is None.
    priority_id: Option<String>,
    /// Escalate (or de-escalate) to this level of its escalation policy. Default is None.
    escalation_level: Option<i64>,
    /// Resolution note, when resolving. Default is None.
    resolution: Option<String>,
) -> Result<ChangedIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    let mut incident = Map::new();
    incident.insert("type".into(), json!("incident_reference"));
    if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
        incident.insert("title".into(), json!(t));
    }
    if let Some(u) = urgency {
        incident.insert("urgency".into(), json!(u.as_str()));
    }
    if let Some(st) = status {
        if st == IncidentStatus::Triggered {
            return Err(ToolError::bad_input(
                "An incident cannot be set back to `triggered`; use `acknowledged` or `resolved`.",
            ));
        }
        incident.insert("status".into(), json!(st.as_str()));
    }
    if let Some(p) = priority_id {
        let p = path_id("priority", &p)?;
        incident.insert(
            "priority".into(),
            json!({"id": p, "type": "priority_reference"}),
        );
    }
    if let Some(level) = escalation_level {
        if level < 1 {
            return Err(ToolError::bad_input("`escalation_level` starts at 1."));
        }
        incident.insert("escalation_level".into(), json!(level));
    }
    if let Some(r) = resolution.filter(|r| !r.trim().is_empty()) {
        incident.insert("resolution".into(), json!(r));
    }
    if incident.len() == 1 {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::PUT,
            &format!("/incidents/{id}"),
            &json!({ "incident": incident }),
        )
        .await?;
    changed(&body)
}

/// Open a new PagerDuty incident on a service, which pages the service's on-call
/// responders. Use it when a human reports a problem; monitoring tools should use
/// SendEvent instead. Give an `incident_key` to avoid opening a duplicate. Find the
/// service with ListServices.
#[tool(preset = crate::tools::pagerduty_create, output = "The created incident")]
pub async fn create_incident(
    context: ToolContext,
    /// A short title that says what is wrong.
    title: String,
    /// The ID of the affected service.
    service_id: String,
    /// Urgency. Default is None (the service's default).
    urgency: Option<Urgency>,
    /// Longer description: symptoms, impact, links. Default is None.
    details: Option<String>,
    /// De-duplication key: a second incident with the same key is refused. Default is None.
    incident_key: Option<String>,
    /// Priority ID (from ListPriorities). Default is None.
    priority_id: Option<String>,
    /// Escalation policy to use instead of the service's. Default is None.
    escalation_policy_id: Option<String>,
    /// Users to assign directly instead of escalating. Default is None.
    assignee_user_ids: Option<Vec<String>>,
) -> Result<ChangedIncident, ToolError> {
    if title.trim().is_empty() {
        return Err(ToolError::bad_input("`title` must not be empty."));
    }
    let service = path_id("service", &service_id)?;
    let mut incident = Map::new();
    incident.insert("type".into(), json!("incident"));
    incident.insert("title".into(), json!(title.trim()));
    incident.insert(
        "service".into(),
        json!({"id": service, "type": "service_reference"}),
    );
    if let Some(u) = urgency {
        incident.insert("urgency".into(), json!(u.as_str()));
    }
    if let Some(d) = details.filter(|d| !d.trim().is_empty()) {
        incident.insert(
            "body".into(),
            json!({"type": "incident_body", "details": d}),
        );
    }
    if let Some(k) = incident_key.filter(|k| !k.trim().is_empty()) {
        incident.insert("incident_key".into(), json!(k));
    }
    if let Some(p) = priority_id {
        let p = path_id("priority", &p)?;
        incident.insert(
            "priority".into(),
            json!({"id": p, "type": "priority_reference"}),
        );
    }
    let users = assignee_user_ids.unwrap_or_default();
    match (escalation_policy_id, users.is_empty()) {
        (Some(_), false) => {
            return Err(ToolError::bad_input(
                "Give either `escalation_policy_id` or `assignee_user_ids`, not both.",
            ));
        }
        (Some(ep), true) => {
            let ep = path_id("escalation policy", &ep)?;
            incident.insert(
                "escalation_policy".into(),
                json!({"id": ep, "type": "escalation_policy_reference"}),
            );
        }
        (None, false) => {
            let users = path_ids("user", &users, 20)?;
            incident.insert(
                "assignments".into(),
                Value::Array(
                    users
                        .iter()
                        .map(|u| json!({"assignee": {"id": u, "type": "user_reference"}}))
                        .collect(),
                ),
            );
        }
        (None, true) => {}
    }
    confirm(
        &context,
        format!(
            "Open a PagerDuty incident \"{}\" on service {}? Its on-call responders are paged.",
            title.trim(),
            service_id.trim()
        ),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let body = session
        .write(Method::POST, "/incidents", &json!({ "incident": incident }))
        .await?;
    changed(&body)
}

/// The created note.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct CreatedNote {
    /// The incident ID.
    pub incident_id: String,
    /// The note.
    pub note: Note,
}

/// Add a note to an incident's timeline as the authorized user: findings, status
/// updates for other responders, hand-off context. Notes cannot be edited or deleted
/// afterwards.
#[tool(preset = crate::tools::pagerduty_create, output = "The created note")]
pub async fn add_incident_note(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// The note's text.
    content: String,
) -> Result<CreatedNote, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if content.trim().is_empty() {
        return Err(ToolError::bad_input("`content` must not be empty."));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::POST,
            &format!("/incidents/{id}/notes"),
            &json!({"note": {"content": content}}),
        )
        .await?;
    let note = crate::tools::answered_field(&body, "note")?;
    Ok(CreatedNote {
        incident_id: id,
        note: Note::from_api(note),
    })
}

/// The posted status update.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct StatusUpdate {
    /// The incident ID.
    pub incident_id: String,
    /// The status update ID.
    pub id: Option<String>,
    /// The message sent.
    pub message: String,
    /// Who sent it.
    pub sender: Option<Ref>,
    /// When.
    pub created_at: Option<String>,
}

/// Post a status update on an incident: it is sent to the incident's stakeholders and
/// subscribers (email, Slack, status page) as the authorized user. Use AddIncidentNote
/// for internal notes that notify nobody. Confirm the wording with the user first.
#[tool(preset = crate::tools::pagerduty_create, output = "The posted status update")]
pub async fn create_status_update(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// The update for stakeholders: impact, progress, next update time.
    message: String,
) -> Result<StatusUpdate, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if message.trim().is_empty() {
        return Err(ToolError::bad_input("`message` must not be empty."));
    }
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::POST,
            &format!("/incidents/{id}/status_updates"),
            &json!({ "message": message }),
        )
        .await?;
    let u = body.get("status_update").cloned().unwrap_or_default();
    Ok(StatusUpdate {
        incident_id: id,
        id: s(&u, "id"),
        message: s(&u, "message").unwrap_or(message),
        sender: ref_at(&u, "sender"),
        created_at: s(&u, "created_at"),
    })
}

/// Whom a responder request went to.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct RequestedResponder {
    /// `user` or `escalation_policy`.
    pub kind: String,
    /// The target's ID.
    pub id: String,
    /// The users paged and their state (`pending`, `joined`, `declined`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub responders: Vec<ResponderState>,
}

/// A paged responder's state.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ResponderState {
    /// The user.
    pub user: Ref,
    /// `pending`, `joined` or `declined`.
    pub state: Option<String>,
}

/// The result of a responder request.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ResponderRequest {
    /// The incident ID.
    pub incident_id: String,
    /// The message sent with the request.
    pub message: String,
    /// Who was asked.
    pub requested: Vec<RequestedResponder>,
}

/// Ask more people to join an incident (a responder request): users or whole
/// escalation policies are paged with your message, e.g. "DB team, join the bridge".
/// Needs a user token (the request is made as the authorized user). Find IDs with
/// SearchUsers or ListEscalationPolicies.
#[tool(preset = crate::tools::pagerduty_create, output = "Who was asked to respond")]
pub async fn add_responders(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// What you need from them (bridge link, what to look at).
    message: String,
    /// Users to page. Default is None.
    user_ids: Option<Vec<String>>,
    /// Escalation policies to page. Default is None.
    escalation_policy_ids: Option<Vec<String>>,
) -> Result<ResponderRequest, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if message.trim().is_empty() {
        return Err(ToolError::bad_input("`message` must not be empty."));
    }
    let users = user_ids.unwrap_or_default();
    let policies = escalation_policy_ids.unwrap_or_default();
    if users.is_empty() && policies.is_empty() {
        return Err(ToolError::bad_input(
            "Give `user_ids`, `escalation_policy_ids` or both.",
        ));
    }
    let mut targets: Vec<Value> = Vec::new();
    if !users.is_empty() {
        for u in path_ids("user", &users, 20)? {
            targets.push(json!({"responder_request_target": {"id": u, "type": "user_reference"}}));
        }
    }
    if !policies.is_empty() {
        for p in path_ids("escalation policy", &policies, 10)? {
            targets.push(json!({"responder_request_target": {"id": p, "type": "escalation_policy_reference"}}));
        }
    }
    confirm(&context, format!("Page more responders for PagerDuty incident {id} ({} user(s), {} escalation polic(ies))?", users.len(), policies.len())).await?;
    let session = Session::from_context(&context)?;
    let me = session.current_user(&[]).await.map_err(|err| {
        if err.status_code() == Some(400) {
            ToolError::context_required(
                "A responder request is made as a PagerDuty user, and this credential is an account-level API key with no user.",
                "Ask the user to authorize PagerDuty with their own account (OAuth or a user API key).",
            )
        } else {
            err
        }
    })?;
    let body = json!({
        "requester_id": s(&me, "id").unwrap_or_default(),
        "message": message,
        "responder_request_targets": targets,
    });
    let answer = session
        .write_optional_from(
            Method::POST,
            &format!("/incidents/{id}/responder_requests"),
            &body,
        )
        .await?;
    let rr = answer.get("responder_request").cloned().unwrap_or_default();
    let requested = rr
        .get("responder_request_targets")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("responder_request_target"))
                .map(|t| RequestedResponder {
                    kind: kind_of(t, &["_reference"]),
                    id: s(t, "id").unwrap_or_default(),
                    responders: t
                        .get("incidents_responders")
                        .and_then(Value::as_array)
                        .map(|r| {
                            r.iter()
                                .filter_map(|x| {
                                    Some(ResponderState {
                                        user: ref_at(x, "user")?,
                                        state: s(x, "state"),
                                    })
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ResponderRequest {
        incident_id: id,
        message: s(&rr, "message").unwrap_or(message),
        requested,
    })
}

/// Escalate an incident to a level of its escalation policy, e.g. level 2 to page the
/// secondary on-call when the primary is not responding. The responders at that level
/// are notified now. Use ReassignIncidents to hand it to another policy or person.
/// Returns the incident after the change.
#[tool(preset = crate::tools::pagerduty_update, output = "The escalated incident")]
pub async fn escalate_incident(
    context: ToolContext,
    /// The incident ID.
    incident_id: String,
    /// The escalation level to escalate to (1 is the first level of the policy).
    escalation_level: i64,
) -> Result<ChangedIncident, ToolError> {
    let id = path_id("incident", &incident_id)?;
    if !(1..=20).contains(&escalation_level) {
        return Err(ToolError::bad_input(
            "`escalation_level` must be between 1 and 20; level 1 is the policy's first level.",
        ));
    }
    confirm(&context, format!("Escalate PagerDuty incident {id} to level {escalation_level}? That level's on-call responders are paged.")).await?;
    let session = Session::from_context(&context)?;
    let body = session
        .write(
            Method::PUT,
            &format!("/incidents/{id}"),
            &json!({"incident": {"type": "incident_reference", "escalation_level": escalation_level}}),
        )
        .await?;
    changed(&body)
}

/// Merge duplicate incidents into one: the alerts of the source incidents move to the
/// target incident and the sources are resolved. Use it when several incidents are
/// the same outage. This cannot be undone: confirm the target and sources with the
/// user first. Returns the target incident after the merge.
#[tool(
    requires_auth = PagerDuty(scopes = ["write"]),
    open_world,
    destructive,
    operations = [update],
    service_domains = [incident_management],
    output = "The target incident after the merge"
)]
pub async fn merge_incidents(
    context: ToolContext,
    /// The incident to keep; it receives the sources' alerts.
    target_incident_id: String,
    /// The incidents to merge into the target (1-50); they are resolved.
    source_incident_ids: Vec<String>,
) -> Result<ChangedIncident, ToolError> {
    let target = path_id("incident", &target_incident_id)?;
    let sources = path_ids("incident", &source_incident_ids, 50)?;
    if sources.contains(&target) {
        return Err(ToolError::bad_input(
            "The target incident cannot also be a source; remove it from `source_incident_ids`.",
        ));
    }
    confirm(&context, format!("Merge PagerDuty incident(s) {} into {target}? The sources are resolved; this cannot be undone.", sources.join(", "))).await?;
    let session = Session::from_context(&context)?;
    let source_refs: Vec<Value> = sources
        .iter()
        .map(|id| json!({"id": id, "type": "incident_reference"}))
        .collect();
    session
        .write(
            Method::PUT,
            &format!("/incidents/{target}/merge"),
            &json!({ "source_incidents": source_refs }),
        )
        .await?;
    // PagerDuty answers with a reference only: fetch the merged incident.
    let body = session
        .get(&format!("/incidents/{target}"), &Query::new())
        .await?;
    changed(&body)
}
