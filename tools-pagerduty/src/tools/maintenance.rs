//! Maintenance windows: silence services during planned work.

use arcade_tdk::{ToolContext, ToolError, tool};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{MAX_LIMIT, Pagination, Ref, check_time, clamp_limit, list_page, path_ids, refs_at, s};
use crate::client::{Query, Session};

/// A maintenance window.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct MaintenanceWindow {
    /// The window ID.
    pub id: String,
    /// What the work is.
    pub description: Option<String>,
    /// Start (ISO 8601 with zone).
    pub start_time: Option<String>,
    /// End (ISO 8601 with zone).
    pub end_time: Option<String>,
    /// The services that open no incidents during the window.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub services: Vec<Ref>,
    /// The teams.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub teams: Vec<Ref>,
    /// Who created it.
    pub created_by: Option<Ref>,
    /// The window's web page.
    pub html_url: Option<String>,
}

// By hand, not serde (see `tools::de`): a missing `id` reads as "" (serde would fail the
// object, and `default` on `id` would make it optional in the schema).
impl MaintenanceWindow {
    fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            description: s(v, "description"),
            start_time: s(v, "start_time"),
            end_time: s(v, "end_time"),
            services: refs_at(v, "services"),
            teams: refs_at(v, "teams"),
            created_by: super::ref_at(v, "created_by"),
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of maintenance windows.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct MaintenanceWindowList {
    /// The windows.
    pub maintenance_windows: Vec<MaintenanceWindow>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// Which windows to list.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WindowFilter {
    /// Happening now or later.
    #[default]
    Open,
    /// Happening now.
    Ongoing,
    /// Not started yet.
    Future,
    /// Over.
    Past,
    /// All.
    All,
}

impl WindowFilter {
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Ongoing => "ongoing",
            Self::Future => "future",
            Self::Past => "past",
            Self::All => "all",
        }
    }
}

/// List maintenance windows (planned work during which services open no incidents),
/// by default the ongoing and future ones. Use it to explain why a service is quiet
/// or before planning new work.
#[tool(preset = super::pagerduty_read, output = "Maintenance windows with pagination fields")]
pub async fn list_maintenance_windows(
    context: ToolContext,
    /// Only windows covering these services. Default is None.
    service_ids: Option<Vec<String>>,
    /// `open` (ongoing or future), `ongoing`, `future`, `past` or `all`. Default is open.
    #[arg(default)]
    filter: WindowFilter,
    /// Maximum windows to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination. Default is None.
    offset: Option<i64>,
) -> Result<MaintenanceWindowList, ToolError> {
    let session = Session::from_context(&context)?;
    let q = Query::new()
        .list("service_ids", service_ids.unwrap_or_default())
        .set("filter", filter.as_str());
    let (maintenance_windows, pagination) = list_page(
        &session,
        "/maintenance_windows",
        &q,
        clamp_limit(limit, MAX_LIMIT),
        offset,
        MaintenanceWindow::from_api,
    )
    .await?;
    Ok(MaintenanceWindowList {
        maintenance_windows,
        pagination,
    })
}

/// Put services into maintenance for a time window: while it lasts they open no
/// incidents and page nobody. Use it for planned work (deploys, migrations); confirm
/// services and times with the user first.
#[tool(preset = super::pagerduty_create, output = "The created maintenance window")]
pub async fn create_maintenance_window(
    context: ToolContext,
    /// The services to put into maintenance.
    service_ids: Vec<String>,
    /// Start, ISO 8601 with zone (e.g. 2026-02-01T22:00:00Z).
    start_time: String,
    /// End, ISO 8601 with zone; after the start.
    end_time: String,
    /// What the work is (shown to responders).
    description: String,
) -> Result<MaintenanceWindow, ToolError> {
    let services = path_ids("service", &service_ids, 50)?;
    check_time("start_time", &Some(start_time.clone()))?;
    check_time("end_time", &Some(end_time.clone()))?;
    super::confirm::confirm(
        &context,
        format!("Put service(s) {} into maintenance from {start_time} to {end_time}? Nobody is paged for them meanwhile.", services.join(", ")),
    )
    .await?;
    let session = Session::from_context(&context)?;
    let body = json!({"maintenance_window": {
        "type": "maintenance_window",
        "start_time": start_time,
        "end_time": end_time,
        "description": description,
        "services": services
            .iter()
            .map(|id| json!({"id": id, "type": "service_reference"}))
            .collect::<Vec<_>>(),
    }});
    let answer = session
        .write(Method::POST, "/maintenance_windows", &body)
        .await?;
    let window = super::answered_field(&answer, "maintenance_window")?;
    Ok(MaintenanceWindow::from_api(window))
}
