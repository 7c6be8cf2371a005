//! Business services and service dependencies: what a customer-facing capability
//! runs on, and what a technical service depends on or supports.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, list_page, path_id, ref_at, s};
use crate::client::{Query, Session};

/// A business service, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BusinessService {
    /// The business service ID (for GetServiceDependencies).
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// What it is.
    pub description: Option<String>,
    /// Who owns it (a person or group, as free text).
    pub point_of_contact: Option<String>,
    /// The owning team.
    pub team: Option<Ref>,
}

impl BusinessService {
    fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            description: s(v, "description"),
            point_of_contact: s(v, "point_of_contact"),
            team: ref_at(v, "team"),
        }
    }
}

/// A page of business services.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct BusinessServiceList {
    /// The business services.
    pub business_services: Vec<BusinessService>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List business services (customer-facing capabilities such as "Checkout" that
/// run on technical services). Use GetServiceDependencies with `kind` = `business`
/// for what one runs on. When `more` is true, call again with `offset` = `next_offset`.
#[tool(preset = super::pagerduty_read, output = "Business services with pagination fields")]
pub async fn list_business_services(
    context: ToolContext,
    /// Maximum business services to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<BusinessServiceList, ToolError> {
    let session = Session::from_context(&context)?;
    let (business_services, pagination) = list_page(
        &session,
        "/business_services",
        &Query::new(),
        clamp_limit(limit, MAX_LIMIT),
        offset,
        BusinessService::from_api,
    )
    .await?;
    Ok(BusinessServiceList {
        business_services,
        pagination,
    })
}

/// The kind of service whose dependencies are asked for.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    /// A technical service (from ListServices).
    #[default]
    Technical,
    /// A business service (from ListBusinessServices).
    Business,
}

/// A dependency between two services.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Dependency {
    /// The service that depends on the other.
    pub dependent: Option<Ref>,
    /// Its kind: `service` or `business_service`.
    pub dependent_kind: Option<String>,
    /// The service it depends on.
    pub supporting: Option<Ref>,
    /// Its kind: `service` or `business_service`.
    pub supporting_kind: Option<String>,
}

/// A service's dependencies.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct DependencyList {
    /// Every dependency the service is part of, either side.
    pub relationships: Vec<Dependency>,
}

fn kind_of_ref(v: Option<&Value>) -> Option<String> {
    v.and_then(|v| s(v, "type"))
        .map(|t| t.trim_end_matches("_reference").to_owned())
}

/// Get the dependencies of a technical or business service: the services it
/// depends on and the services that depend on it. Use it to see what else an
/// outage reaches (the blast radius) or what might have caused it.
#[tool(preset = super::pagerduty_read, output = "The service's dependencies")]
pub async fn get_service_dependencies(
    context: ToolContext,
    /// The service ID.
    service_id: String,
    /// `technical` (a service from ListServices) or `business` (from ListBusinessServices). Default is technical.
    #[arg(default)]
    kind: ServiceKind,
) -> Result<DependencyList, ToolError> {
    let id = path_id("service", &service_id)?;
    let path = match kind {
        ServiceKind::Technical => format!("/service_dependencies/technical_services/{id}"),
        ServiceKind::Business => format!("/service_dependencies/business_services/{id}"),
    };
    let session = Session::from_context(&context)?;
    let answer = session.get(&path, &Query::new()).await?;
    let relationships = answer
        .get("relationships")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|r| Dependency {
                    dependent: ref_at(r, "dependent_service"),
                    dependent_kind: kind_of_ref(r.get("dependent_service")),
                    supporting: ref_at(r, "supporting_service"),
                    supporting_kind: kind_of_ref(r.get("supporting_service")),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(DependencyList { relationships })
}
