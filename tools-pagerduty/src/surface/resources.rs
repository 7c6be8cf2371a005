//! Incidents, services and schedules as MCP resources: `pagerduty://incidents/{id}`,
//! `pagerduty://services/{id}` and `pagerduty://schedules/{id}`, each the compact JSON
//! of the matching Get tool (`GetIncident`, `GetService`, `GetSchedule` with its
//! default window, the next 7 days), read with the caller's PagerDuty token and
//! declaring the same `read` scope as those tools.

use arcade_tdk::auth::ToolAuthorization;
use arcade_tdk::resource::ResourceResult;
use arcade_tdk::{ErrorKind, ResourceContents, ResourceError, ResourceTemplate, Tool, ToolError};
use serde::Serialize;

use crate::tools::{incidents, schedules, services};

/// The URI template of an incident.
pub const INCIDENT_URI: &str = "pagerduty://incidents/{id}";
/// The URI template of a service.
pub const SERVICE_URI: &str = "pagerduty://services/{id}";
/// The URI template of a schedule.
pub const SCHEDULE_URI: &str = "pagerduty://schedules/{id}";

/// The OAuth requirement of `tool` (a Get tool): the resource asks for what it does.
fn auth_of(tool: &'static dyn Tool) -> ToolAuthorization {
    tool.spec()
        .requirements()
        .authorization
        .clone()
        .unwrap_or_else(|| ToolAuthorization::oauth2(Some("pagerduty"), None, Some(&["read"])))
}

/// The contents: `value` as compact JSON; a tool error as the resource error it means
/// (a 404 is this URI not found).
fn contents<T: Serialize>(uri: &str, value: Result<T, ToolError>) -> ResourceResult {
    let value = value.map_err(|e| match e.kind() {
        ErrorKind::UpstreamRuntimeNotFound => ResourceError::not_found(uri),
        _ => ResourceError::from(e),
    })?;
    let text = serde_json::to_string(&value)
        .map_err(|e| ResourceError::failed(format!("the answer could not be encoded: {e}")))?;
    Ok(vec![ResourceContents::text(uri, "application/json", text)])
}

/// `pagerduty://incidents/{id}`: what `GetIncident` returns.
///
/// ```
/// let template = tools_pagerduty::surface::resources::incident();
/// assert_eq!(template.get_uri_template(), "pagerduty://incidents/{id}");
/// assert_eq!(template.requirements().authorization.as_ref().unwrap().scopes(), ["read"]);
/// ```
pub fn incident() -> ResourceTemplate {
    ResourceTemplate::new(INCIDENT_URI, "incident", |request| async move {
        let id = request.param("id").unwrap_or_default().to_owned();
        let context = request.context().clone();
        contents(request.uri(), incidents::get_incident(context, id).await)
    })
    .title("PagerDuty incident")
    .description("One incident by ID, as GetIncident returns it (compact JSON).")
    .mime_type("application/json")
    .requires_auth(auth_of(incidents::get_incident::tool()))
}

/// `pagerduty://services/{id}`: what `GetService` returns.
pub fn service() -> ResourceTemplate {
    ResourceTemplate::new(SERVICE_URI, "service", |request| async move {
        let id = request.param("id").unwrap_or_default().to_owned();
        let context = request.context().clone();
        contents(request.uri(), services::get_service(context, id).await)
    })
    .title("PagerDuty service")
    .description("One service by ID, as GetService returns it (compact JSON).")
    .mime_type("application/json")
    .requires_auth(auth_of(services::get_service::tool()))
}

/// `pagerduty://schedules/{id}`: what `GetSchedule` returns for the next 7 days.
pub fn schedule() -> ResourceTemplate {
    ResourceTemplate::new(SCHEDULE_URI, "schedule", |request| async move {
        let id = request.param("id").unwrap_or_default().to_owned();
        let context = request.context().clone();
        let detail = schedules::get_schedule(context, id, None, None, None).await;
        contents(request.uri(), detail)
    })
    .title("PagerDuty schedule")
    .description(
        "One schedule by ID with who is on call over the next 7 days, as GetSchedule returns it \
         (compact JSON).",
    )
    .mime_type("application/json")
    .requires_auth(auth_of(schedules::get_schedule::tool()))
}
