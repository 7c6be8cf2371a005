//! Incident workflows: list the account's workflows and start one on an incident.

use arcade_tdk::{ToolContext, ToolError, tool};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{MAX_LIMIT, Pagination, Ref, clamp_limit, list_page, path_id, ref_at, s};
use crate::client::{Query, Session};

/// An incident workflow, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct IncidentWorkflow {
    /// The workflow ID (use it with StartIncidentWorkflow).
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// What the workflow does.
    pub description: Option<String>,
    /// Whether it is enabled; a disabled workflow cannot be started.
    pub enabled: Option<bool>,
    /// When it was created (ISO 8601 with zone).
    pub created_at: Option<String>,
    /// The workflow's web page.
    pub html_url: Option<String>,
}

// By hand, not serde (see `tools::de`): `name` falls back to `summary`.
impl IncidentWorkflow {
    /// The compact form of PagerDuty's incident workflow object.
    pub fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name").or_else(|| s(v, "summary")),
            description: s(v, "description"),
            enabled: v.get("is_enabled").and_then(Value::as_bool),
            created_at: s(v, "created_at"),
            html_url: s(v, "html_url"),
        }
    }
}

/// A page of incident workflows.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct IncidentWorkflowList {
    /// The workflows.
    pub incident_workflows: Vec<IncidentWorkflow>,
    /// Where this page sits in the list.
    #[serde(flatten)]
    pub pagination: Pagination,
}

/// List the account's incident workflows (automations such as "open a Slack channel
/// and a bridge" or "notify stakeholders") with their ID, name and description,
/// optionally filtered by name. Use it to find the workflow to run with
/// StartIncidentWorkflow. When `more` is true, call again with `offset` =
/// `next_offset`.
#[tool(preset = super::pagerduty_read, output = "Incident workflows with pagination fields")]
pub async fn list_incident_workflows(
    context: ToolContext,
    /// Only workflows whose name contains this text. Default is None.
    query: Option<String>,
    /// Maximum workflows to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// Offset for pagination (use `next_offset` from a previous call). Default is None.
    offset: Option<i64>,
) -> Result<IncidentWorkflowList, ToolError> {
    let session = Session::from_context(&context)?;
    let (incident_workflows, pagination) = list_page(
        &session,
        "/incident_workflows",
        &Query::new().opt("query", query),
        clamp_limit(limit, MAX_LIMIT),
        offset,
        IncidentWorkflow::from_api,
    )
    .await?;
    Ok(IncidentWorkflowList {
        incident_workflows,
        pagination,
    })
}

/// A started incident workflow.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct WorkflowInstance {
    /// The ID of this run of the workflow.
    pub id: Option<String>,
    /// The workflow started.
    pub workflow_id: String,
    /// The incident it runs on.
    pub incident: Ref,
}

/// Start an incident workflow on an incident: its steps run at once as PagerDuty
/// configured them, and they can act outside PagerDuty (post status updates, open
/// Slack or Teams channels, start a conference bridge, add responders, page people).
/// Each call starts a new run. Confirm the workflow and incident with the user first;
/// find workflow IDs with ListIncidentWorkflows. Returns the started run.
#[tool(preset = super::pagerduty_create, output = "The started workflow run")]
pub async fn start_incident_workflow(
    context: ToolContext,
    /// The incident workflow ID (from ListIncidentWorkflows).
    workflow_id: String,
    /// The incident to run it on.
    incident_id: String,
) -> Result<WorkflowInstance, ToolError> {
    let workflow = path_id("incident workflow", &workflow_id)?;
    let incident = path_id("incident", &incident_id)?;
    let session = Session::from_context(&context)?;
    let body = session
        .write_optional_from(
            Method::POST,
            &format!("/incident_workflows/{workflow}/instances"),
            &json!({"incident_workflow_instance": {"incident": {"id": incident, "type": "incident_reference"}}}),
        )
        .await?;
    let instance = super::answered_field(&body, "incident_workflow_instance")?;
    Ok(WorkflowInstance {
        id: s(instance, "id"),
        workflow_id: workflow,
        incident: ref_at(instance, "incident").unwrap_or(Ref {
            id: incident,
            name: None,
        }),
    })
}
