//! Alert grouping settings: how a service folds alerts into one incident.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MAX_LIMIT, Ref, clamp_limit, path_ids, refs_at, s};
use crate::client::{Query, Session};

/// An alert grouping setting, compactly.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AlertGroupingSetting {
    /// The setting ID.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// `time`, `intelligent`, `content_based` or `content_based_intelligent`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// How it groups (PagerDuty's `config`, e.g. `{"timeout": 60}` or the fields compared).
    pub config: Option<Value>,
    /// The services it applies to.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub services: Vec<Ref>,
}

impl AlertGroupingSetting {
    pub(crate) fn from_api(v: &Value) -> Self {
        Self {
            id: s(v, "id").unwrap_or_default(),
            name: s(v, "name"),
            kind: s(v, "type"),
            config: v.get("config").filter(|c| !c.is_null()).cloned(),
            services: refs_at(v, "services"),
        }
    }
}

/// A page of alert grouping settings (cursor pagination).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AlertGroupingSettingList {
    /// The settings.
    pub alert_grouping_settings: Vec<AlertGroupingSetting>,
    /// The page size used.
    pub limit: u32,
    /// Whether more settings exist after this page.
    pub more: bool,
    /// Pass this as `after` to get the next page; `null` when there is none.
    #[serialize_always]
    pub next_cursor: Option<String>,
}

/// List alert grouping settings (how alerts are folded into one incident: by time,
/// intelligently or by content), optionally for some services. Use it to explain why
/// alerts did or did not join an incident. When `more` is true, call again with
/// `after` = `next_cursor`.
#[tool(preset = super::pagerduty_read, output = "Alert grouping settings with pagination fields")]
pub async fn list_alert_grouping_settings(
    context: ToolContext,
    /// Only settings that apply to these services. Default is None.
    service_ids: Option<Vec<String>>,
    /// Maximum settings to return (1-50). Default is 10.
    #[arg(default = 10)]
    limit: i64,
    /// The cursor of the next page (from `next_cursor`). Default is None.
    after: Option<String>,
) -> Result<AlertGroupingSettingList, ToolError> {
    let services = service_ids
        .map(|ids| path_ids("service", &ids, 50))
        .transpose()?;
    if let Some(cursor) = &after
        && (cursor.is_empty() || cursor.len() > 512)
    {
        return Err(ToolError::bad_input(
            "`after` must be the `next_cursor` of an earlier page.",
        ));
    }
    let limit = clamp_limit(limit, MAX_LIMIT);
    let q = Query::new()
        .list("service_ids", services.unwrap_or_default())
        .set("limit", limit)
        .opt("after", after);
    let session = Session::from_context(&context)?;
    let answer = session.get("/alert_grouping_settings", &q).await?;
    let alert_grouping_settings: Vec<_> = answer
        .get("alert_grouping_settings")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(AlertGroupingSetting::from_api).collect())
        .unwrap_or_default();
    let next_cursor = s(&answer, "after");
    Ok(AlertGroupingSettingList {
        alert_grouping_settings,
        limit,
        more: next_cursor.is_some(),
        next_cursor,
    })
}
