//! Configuring services: create a service, change its name, policy, timeouts or
//! status.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::services::Service;
use super::{path_id, path_ids};
use crate::client::{Method, Query, Session};

/// Whether a service opens incidents.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ServiceState {
    /// Opens incidents and pages.
    Active,
    /// Opens no incidents and pages nobody.
    Disabled,
}

/// Checks the optional fields both tools take and adds them to `service`.
fn put_options(
    service: &mut Map<String, Value>,
    description: Option<String>,
    acknowledgement_timeout_seconds: Option<i64>,
    auto_resolve_timeout_seconds: Option<i64>,
) -> Result<(), ToolError> {
    if let Some(d) = description {
        service.insert("description".into(), json!(d));
    }
    for (key, value) in [
        ("acknowledgement_timeout", acknowledgement_timeout_seconds),
        ("auto_resolve_timeout", auto_resolve_timeout_seconds),
    ] {
        match value {
            Some(s) if (60..=86_400 * 7).contains(&s) => {
                service.insert(key.into(), json!(s));
            }
            Some(_) => {
                return Err(ToolError::bad_input(format!(
                    "`{key}_seconds` must be 60-604800 seconds."
                )));
            }
            None => {}
        }
    }
    Ok(())
}

fn policy_ref(id: &str) -> Value {
    json!({"id": id, "type": "escalation_policy_reference"})
}

fn answered(answer: &Value) -> Result<Service, ToolError> {
    super::answered_field(answer, "service").map(Service::from_api)
}

/// Create a service (something that has incidents), paged through an escalation
/// policy. Send it events with its integration (see the web app) or SendEvent.
#[tool(preset = super::pagerduty_create, output = "The created service")]
pub async fn create_service(
    context: ToolContext,
    /// The service's name (unique in the account).
    name: String,
    /// The escalation policy that pages for it (from ListEscalationPolicies).
    escalation_policy_id: String,
    /// What it is. Default is None.
    description: Option<String>,
    /// The owning teams. Default is None.
    team_ids: Option<Vec<String>>,
    /// Seconds after which an acknowledged incident re-triggers. Default is None (PagerDuty's 1800).
    acknowledgement_timeout_seconds: Option<i64>,
    /// Seconds after which an open incident resolves itself. Default is None (PagerDuty's 14400).
    auto_resolve_timeout_seconds: Option<i64>,
) -> Result<Service, ToolError> {
    let mut service = Map::new();
    service.insert("type".into(), json!("service"));
    service.insert(
        "name".into(),
        json!(super::checked_name("service", &name, 255)?),
    );
    let policy = path_id("escalation policy", &escalation_policy_id)?;
    service.insert("escalation_policy".into(), policy_ref(&policy));
    if let Some(teams) = team_ids.filter(|t| !t.is_empty()) {
        let teams = path_ids("team", &teams, 20)?;
        service.insert(
            "teams".into(),
            json!(
                teams
                    .iter()
                    .map(|t| json!({"id": t, "type": "team_reference"}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    put_options(
        &mut service,
        description,
        acknowledgement_timeout_seconds,
        auto_resolve_timeout_seconds,
    )?;
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(Method::POST, "/services", &json!({ "service": service }))
        .await?;
    answered(&answer)
}

/// Change a service: its name, description, escalation policy, timeouts, or disable
/// it (it then opens no incidents and pages nobody) and enable it again. What is left
/// out stays as it is. Disabling or moving it to another policy changes who is
/// paged: confirm with the user first.
#[tool(preset = super::pagerduty_destructive_update, output = "The updated service")]
pub async fn update_service(
    context: ToolContext,
    /// The service ID (from ListServices).
    service_id: String,
    /// A new name. Default is None (unchanged).
    name: Option<String>,
    /// A new description. Default is None (unchanged).
    description: Option<String>,
    /// Another escalation policy to page through. Default is None (unchanged).
    escalation_policy_id: Option<String>,
    /// `active` or `disabled`. Default is None (unchanged).
    status: Option<ServiceState>,
    /// Seconds after which an acknowledged incident re-triggers. Default is None (unchanged).
    acknowledgement_timeout_seconds: Option<i64>,
    /// Seconds after which an open incident resolves itself. Default is None (unchanged).
    auto_resolve_timeout_seconds: Option<i64>,
) -> Result<Service, ToolError> {
    let id = path_id("service", &service_id)?;
    let policy = escalation_policy_id
        .map(|p| path_id("escalation policy", &p))
        .transpose()?;
    let mut changes = Map::new();
    if let Some(name) = name {
        changes.insert(
            "name".into(),
            json!(super::checked_name("service", &name, 255)?),
        );
    }
    if let Some(p) = &policy {
        changes.insert("escalation_policy".into(), policy_ref(p));
    }
    if let Some(state) = status {
        changes.insert("status".into(), json!(state));
    }
    put_options(
        &mut changes,
        description,
        acknowledgement_timeout_seconds,
        auto_resolve_timeout_seconds,
    )?;
    if changes.is_empty() {
        return Err(ToolError::bad_input("Give at least one field to change."));
    }
    let risky: Vec<String> = [
        (status == Some(ServiceState::Disabled))
            .then(|| "disable it (nobody is paged for it)".to_owned()),
        policy
            .as_ref()
            .map(|p| format!("page through escalation policy {p} instead")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !risky.is_empty() {
        super::confirm::confirm(
            &context,
            format!("Change service {id}: {}?", risky.join(" and ")),
        )
        .await?;
    }
    let session = Session::from_context(&context)?;
    let path = format!("/services/{id}");
    // PagerDuty's update takes the service with its type and policy: start from the
    // current one.
    let current = session.get_object(&path, "service", &Query::new()).await?;
    let mut service = Map::new();
    service.insert("type".into(), json!("service"));
    service.insert(
        "escalation_policy".into(),
        policy_ref(
            current
                .get("escalation_policy")
                .and_then(|p| super::s(p, "id"))
                .as_deref()
                .unwrap_or_default(),
        ),
    );
    service.extend(changes);
    let answer = session
        .write_optional_from(Method::PUT, &path, &json!({ "service": service }))
        .await?;
    answered(&answer)
}
