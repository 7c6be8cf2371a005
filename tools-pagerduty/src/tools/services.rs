//! Services: the things that have incidents.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, list_page, path_id, ref_at, refs_at, s};
use crate::client::{Query, Session};

/// A service, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Service {
    /// The service ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The description.
    pub description: Option<String>,
    /// `active`, `warning` (has acknowledged incidents), `critical` (has triggered
    /// incidents), `maintenance` or `disabled`.
    pub status: Option<String>,
    /// The escalation policy that pages for it.
    pub escalation_policy: Option<Ref>,
    /// The owning teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// When its last incident was opened.
    pub last_incident_timestamp: Option<String>,
    /// Seconds after which an acknowledged incident re-triggers.
    pub acknowledgement_timeout: Option<u64>,
    /// Seconds after which an open incident auto-resolves.
    pub auto_resolve_timeout: Option<u64>,
    /// The service's web page.
    pub html_url: Option<String>,
}

// By hand, not serde (see `tools::de`): `name` falls back to `summary`.
impl Service {
    /// The compact form of PagerDuty's service object.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            description: s(v, "description"),
            status: s(v, "status"),
            escalation_policy: ref_at(v, "escalation_policy"),
            teams: refs_at(v, "teams"),
            last_incident_timestamp: s(v, "last_incident_timestamp"),
            acknowledgement_timeout: v.get("acknowledgement_timeout").and_then(Value::as_u64),
            auto_resolve_timeout: v.get("auto_resolve_timeout").and_then(Value::as_u64),
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of services.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ServiceList {
    /// The services, by name.
    pub services: Vec<Service>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List PagerDuty services with optional name search. Returns each service's ID,
/// name, status (critical = has triggered incidents), escalation policy and teams.
/// Use it to find a service ID for ListIncidents, CreateIncident or WhoIsOnCall.
#[tool(preset = super::pagerduty_read, output = "Services with pagination fields")]
pub async fn list_services(
    context: ToolContext,
    /// Search services by name. Default is None.
    query: Option<String>,
    /// Maximum services to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<ServiceList, ToolError> {
    let session = Session::from_context(&context)?;
    let q = Query::new().opt("query", query).set("sort_by", "name");
    let (services, pagination) = list_page(
        &session,
        "/services",
        &q,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        Service::from_api,
    )
    .await?;
    Ok(ServiceList {
        services,
        pagination,
    })
}

/// Get a single PagerDuty service by ID: status, escalation policy, teams, timeouts
/// and when it last had an incident.
#[tool(preset = super::pagerduty_read, output = "The service")]
pub async fn get_service(
    context: ToolContext,
    /// Service ID to fetch.
    service_id: String,
) -> Result<Service, ToolError> {
    let id = path_id("service", &service_id)?;
    let session = Session::from_context(&context)?;
    let raw = session
        .get_object(&format!("/services/{id}"), "service", &Query::new())
        .await?;
    Ok(Service::from_api(&raw))
}
