//! Configuring alert grouping: create, change and delete the settings that fold a
//! service's alerts into one incident.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::alert_grouping::AlertGroupingSetting;
use super::{Deleted, path_id, path_ids};
use crate::client::{Method, Query, Session};

/// How a setting groups alerts.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GroupingKind {
    /// Alerts within `timeout_minutes` of the first one.
    Time,
    /// Alerts PagerDuty's machine learning finds similar, within a time window.
    Intelligent,
    /// Alerts whose `fields` match, within a time window.
    ContentBased,
    /// Content-based, refined by machine learning.
    ContentBasedIntelligent,
}

impl GroupingKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Time => "time",
            Self::Intelligent => "intelligent",
            Self::ContentBased => "content_based",
            Self::ContentBasedIntelligent => "content_based_intelligent",
        }
    }
}

/// Whether content-based grouping needs all or any of the fields to match.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Aggregate {
    /// Every field matches.
    All,
    /// At least one field matches.
    Any,
}

/// The grouping options a tool was given.
struct Options {
    timeout_minutes: Option<i64>,
    time_window_seconds: Option<i64>,
    fields: Option<Vec<String>>,
    aggregate: Option<Aggregate>,
}

/// The `config` of a setting of `kind`: the options given over the `current` ones.
fn config(kind: &str, current: &Value, o: Options) -> Result<Value, ToolError> {
    let int = |given: Option<i64>, key: &str| given.or_else(|| current.get(key)?.as_i64());
    let window = int(o.time_window_seconds, "time_window").unwrap_or(300);
    if !(300..=3600).contains(&window) && window != 86_400 {
        return Err(ToolError::bad_input(
            "`time_window_seconds` must be 300-3600, or 86400 (a day).",
        ));
    }
    let fields = o.fields.or_else(|| {
        current.get("fields")?.as_array().map(|f| {
            f.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
    });
    match kind {
        "time" => match int(o.timeout_minutes, "timeout") {
            Some(t) if (1..=1440).contains(&t) => Ok(json!({"timeout": t})),
            _ => Err(ToolError::bad_input(
                "Time grouping needs `timeout_minutes` (1-1440): alerts within that many minutes of the first join its incident.",
            )),
        },
        "intelligent" => Ok(json!({"time_window": window})),
        _ => {
            let fields: Vec<String> = fields
                .unwrap_or_default()
                .into_iter()
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect();
            if fields.is_empty() || fields.len() > 20 {
                return Err(ToolError::bad_input(
                    "Content-based grouping needs `fields` (1-20), e.g. [\"source\", \"summary\"].",
                ));
            }
            let aggregate = o
                .aggregate
                .map(|a| if a == Aggregate::All { "all" } else { "any" })
                .or_else(|| current.get("aggregate")?.as_str())
                .unwrap_or("all");
            Ok(json!({"aggregate": aggregate, "fields": fields, "time_window": window}))
        }
    }
}

fn service_refs(ids: &[String]) -> Vec<Value> {
    ids.iter()
        .map(|id| json!({"id": id, "type": "service_reference"}))
        .collect()
}

fn answered(answer: &Value) -> Result<AlertGroupingSetting, ToolError> {
    super::answered_field(answer, "alert_grouping_setting").map(AlertGroupingSetting::from_api)
}

/// Create an alert grouping setting for services: `time` (alerts within
/// `timeout_minutes` of the first), `intelligent` (similar alerts, by machine
/// learning), `content_based` (alerts whose `fields` match) or
/// `content_based_intelligent`. A service has at most one setting.
#[tool(preset = super::pagerduty_create, output = "The created setting")]
pub async fn create_alert_grouping_setting(
    context: ToolContext,
    /// The setting's name.
    name: String,
    /// `time`, `intelligent`, `content_based` or `content_based_intelligent`.
    kind: GroupingKind,
    /// The services it applies to.
    service_ids: Vec<String>,
    /// For `time`: minutes after the first alert (1-1440). Default is None.
    timeout_minutes: Option<i64>,
    /// For the other kinds: seconds alerts may be apart (300-3600 or 86400). Default is None (300).
    time_window_seconds: Option<i64>,
    /// For content-based kinds: the alert fields compared, e.g. `source`, `summary`. Default is None.
    fields: Option<Vec<String>>,
    /// For content-based kinds: `all` or `any` of the fields must match. Default is None (all).
    aggregate: Option<Aggregate>,
) -> Result<AlertGroupingSetting, ToolError> {
    if name.trim().is_empty() || name.len() > 255 {
        return Err(ToolError::bad_input("`name` must be 1-255 characters."));
    }
    let services = path_ids("service", &service_ids, 50)?;
    let config = config(
        kind.as_str(),
        &Value::Null,
        Options {
            timeout_minutes,
            time_window_seconds,
            fields,
            aggregate,
        },
    )?;
    let body = json!({"alert_grouping_setting": {
        "name": name.trim(),
        "type": kind.as_str(),
        "config": config,
        "services": service_refs(&services),
    }});
    let session = Session::from_context(&context)?;
    let answer = session
        .write_optional_from(Method::POST, "/alert_grouping_settings", &body)
        .await?;
    answered(&answer)
}

/// Change an alert grouping setting: its name, kind, services or grouping options.
/// What is left out stays as it is (the setting is read, changed and written whole).
#[tool(preset = super::pagerduty_update, output = "The updated setting")]
pub async fn update_alert_grouping_setting(
    context: ToolContext,
    /// The setting ID (from ListAlertGroupingSettings).
    alert_grouping_setting_id: String,
    /// A new name. Default is None (unchanged).
    name: Option<String>,
    /// A new kind. Default is None (unchanged).
    kind: Option<GroupingKind>,
    /// The services it applies to instead. Default is None (unchanged).
    service_ids: Option<Vec<String>>,
    /// For `time`: minutes after the first alert (1-1440). Default is None (unchanged).
    timeout_minutes: Option<i64>,
    /// For the other kinds: seconds alerts may be apart. Default is None (unchanged).
    time_window_seconds: Option<i64>,
    /// For content-based kinds: the fields compared. Default is None (unchanged).
    fields: Option<Vec<String>>,
    /// For content-based kinds: `all` or `any`. Default is None (unchanged).
    aggregate: Option<Aggregate>,
) -> Result<AlertGroupingSetting, ToolError> {
    let id = path_id("alert grouping setting", &alert_grouping_setting_id)?;
    let services = service_ids
        .map(|s| path_ids("service", &s, 50))
        .transpose()?;
    if let Some(n) = &name
        && (n.trim().is_empty() || n.len() > 255)
    {
        return Err(ToolError::bad_input("`name` must be 1-255 characters."));
    }
    let session = Session::from_context(&context)?;
    let path = format!("/alert_grouping_settings/{id}");
    let current = session
        .get_object(&path, "alert_grouping_setting", &Query::new())
        .await?;
    let kind = kind.map_or_else(
        || super::s(&current, "type").unwrap_or_default(),
        |k| k.as_str().to_owned(),
    );
    let config = config(
        &kind,
        current.get("config").unwrap_or(&Value::Null),
        Options {
            timeout_minutes,
            time_window_seconds,
            fields,
            aggregate,
        },
    )?;
    let mut setting = json!({
        "name": name.map(|n| n.trim().to_owned()).or_else(|| super::s(&current, "name")),
        "type": kind,
        "config": config,
        "services": current.get("services").cloned().unwrap_or_else(|| json!([])),
    });
    if let Some(services) = services {
        setting["services"] = json!(service_refs(&services));
    }
    let answer = session
        .write_optional_from(
            Method::PUT,
            &path,
            &json!({ "alert_grouping_setting": setting }),
        )
        .await?;
    answered(&answer)
}

/// Delete an alert grouping setting: its services stop grouping alerts, so every
/// alert opens its own incident (and pages). It cannot be restored. Confirm with the
/// user first.
#[tool(preset = super::pagerduty_delete, output = "What was deleted")]
pub async fn delete_alert_grouping_setting(
    context: ToolContext,
    /// The setting ID (from ListAlertGroupingSettings).
    alert_grouping_setting_id: String,
) -> Result<Deleted, ToolError> {
    let id = path_id("alert grouping setting", &alert_grouping_setting_id)?;
    super::confirm::confirm(
        &context,
        format!("Delete alert grouping setting {id}? Its services' alerts stop being grouped (each opens its own incident); this cannot be undone."),
    )
    .await?;
    let session = Session::from_context(&context)?;
    session
        .delete(&format!("/alert_grouping_settings/{id}"), &Query::new())
        .await?;
    Ok(Deleted {
        kind: "alert_grouping_setting".into(),
        id,
    })
}
