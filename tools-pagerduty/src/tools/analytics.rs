//! Incident metrics from PagerDuty Analytics: how many incidents, how fast they were
//! acknowledged and resolved, for the account, per service or per team.

use arcade_tdk::{ToolContext, ToolError, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{check_time, de, path_ids};
use crate::client::Session;

/// How to group the metrics.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MetricsScope {
    /// One row for the whole account (within the filters).
    #[default]
    All,
    /// One row per service.
    Services,
    /// One row per team.
    Teams,
}

/// The period each row covers, when rows are split by time.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AggregateUnit {
    /// A row per day.
    Day,
    /// A row per week.
    Week,
    /// A row per month.
    Month,
}

/// The urgency to count.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MetricsUrgency {
    /// High-urgency incidents only.
    High,
    /// Low-urgency incidents only.
    Low,
}

/// Metrics of one group of incidents: a row as PagerDuty Analytics sends it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct MetricsRow {
    /// The service (for scope `services`).
    #[serde(default, deserialize_with = "de::text")]
    pub service_id: Option<String>,
    /// The service's name.
    #[serde(default, deserialize_with = "de::text")]
    pub service_name: Option<String>,
    /// The team (for scope `teams`).
    #[serde(default, deserialize_with = "de::text")]
    pub team_id: Option<String>,
    /// The team's name.
    #[serde(default, deserialize_with = "de::text")]
    pub team_name: Option<String>,
    /// The start of the period (with `aggregate_unit`).
    #[serde(default, deserialize_with = "de::text")]
    pub range_start: Option<String>,
    /// Incidents created.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_incident_count: Option<u64>,
    /// Incidents acknowledged.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_incidents_acknowledged: Option<u64>,
    /// Mean seconds from creation to the first acknowledgement (MTTA).
    #[serde(default, deserialize_with = "de::lenient")]
    pub mean_seconds_to_first_ack: Option<i64>,
    /// Mean seconds from creation to resolution (MTTR).
    #[serde(default, deserialize_with = "de::lenient")]
    pub mean_seconds_to_resolve: Option<i64>,
    /// Escalations.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_escalation_count: Option<u64>,
    /// Incidents resolved automatically (timeouts, integrations).
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_incidents_auto_resolved: Option<u64>,
    /// Notifications that interrupted responders.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_interruptions: Option<u64>,
    /// Interruptions outside business hours.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_off_hour_interruptions: Option<u64>,
    /// Percentage of the period the service was not in a major incident.
    #[serde(default, deserialize_with = "de::lenient")]
    pub up_time_pct: Option<f64>,
}

/// Incident metrics for a date range.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct IncidentMetrics {
    /// The range's start, as asked.
    pub since: String,
    /// The range's end, as asked.
    pub until: String,
    /// How the rows are grouped.
    pub scope: MetricsScope,
    /// One row per group (and period); empty when no incident matched.
    pub rows: Vec<MetricsRow>,
}

/// Get incident metrics (count, mean time to acknowledge, mean time to resolve,
/// escalations, interruptions) from PagerDuty Analytics for a date range, for the whole
/// account or per service or team, optionally split by day, week or month. Use it for
/// "how did the payments team do last month?" or "which service paged most this
/// week?". Analytics lag live data by a few minutes.
#[tool(preset = super::pagerduty_read, output = "Incident metrics per group")]
pub async fn get_incident_metrics(
    context: ToolContext,
    /// Start of the range (ISO 8601 with zone, e.g. 2026-01-01T00:00:00Z).
    since: String,
    /// End of the range (ISO 8601 with zone); at most a year after `since`.
    until: String,
    /// Group by `all` (one row), `services` or `teams`. Default is all.
    #[arg(default)]
    scope: MetricsScope,
    /// Only these services. Default is None.
    service_ids: Option<Vec<String>>,
    /// Only these teams. Default is None.
    team_ids: Option<Vec<String>>,
    /// Only incidents of this urgency. Default is None (both).
    urgency: Option<MetricsUrgency>,
    /// Split rows by day, week or month. Default is None (one row per group).
    aggregate_unit: Option<AggregateUnit>,
) -> Result<IncidentMetrics, ToolError> {
    let mut filters = range_filters(&since, &until, ["created_at_start", "created_at_end"])?;
    insert_ids(&mut filters, "service_ids", "service", service_ids)?;
    insert_ids(&mut filters, "team_ids", "team", team_ids)?;
    if let Some(u) = urgency {
        filters.insert("urgency".into(), json!(u));
    }
    let mut body = json!({"filters": filters, "time_zone": "Etc/UTC"});
    if let Some(unit) = aggregate_unit {
        body["aggregate_unit"] = json!(unit);
    }
    let path = match scope {
        MetricsScope::All => "/analytics/metrics/incidents/all",
        MetricsScope::Services => "/analytics/metrics/incidents/services",
        MetricsScope::Teams => "/analytics/metrics/incidents/teams",
    };
    let session = Session::from_context(&context)?;
    let response = session.post_read(path, &body).await?;
    let rows = response
        .get("data")
        .and_then(Value::as_array)
        .map(|d| d.iter().map(de::object).collect())
        .unwrap_or_default();
    Ok(IncidentMetrics {
        since,
        until,
        scope,
        rows,
    })
}

/// One responder's load: a row of PagerDuty Analytics' responder metrics.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ResponderRow {
    /// The user ID.
    #[serde(default, deserialize_with = "de::text")]
    pub responder_id: Option<String>,
    /// The user's name.
    #[serde(default, deserialize_with = "de::text")]
    pub responder_name: Option<String>,
    /// The team (with `by_team`).
    #[serde(default, deserialize_with = "de::text")]
    pub team_id: Option<String>,
    /// The team's name.
    #[serde(default, deserialize_with = "de::text")]
    pub team_name: Option<String>,
    /// Incidents they were assigned.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_incident_count: Option<u64>,
    /// Incidents they acknowledged.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_incidents_acknowledged: Option<u64>,
    /// Mean seconds to their acknowledgement.
    #[serde(default, deserialize_with = "de::lenient")]
    pub mean_time_to_acknowledge_seconds: Option<i64>,
    /// Seconds they spent engaged on incidents.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_engaged_seconds: Option<u64>,
    /// Notifications sent to them.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_notifications: Option<u64>,
    /// Interruptions (notified incidents).
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_interruptions: Option<u64>,
    /// Interruptions in business hours.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_business_hour_interruptions: Option<u64>,
    /// Interruptions outside business hours.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_off_hour_interruptions: Option<u64>,
    /// Interruptions in sleep hours (10pm-8am).
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_sleep_hour_interruptions: Option<u64>,
    /// Seconds on call in the range.
    #[serde(default, deserialize_with = "de::lenient")]
    pub total_seconds_on_call: Option<u64>,
}

/// Responder metrics for a date range.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct ResponderMetrics {
    /// The range's start, as asked.
    pub since: String,
    /// The range's end, as asked.
    pub until: String,
    /// One row per responder (per team with `by_team`); empty when nobody matched.
    pub rows: Vec<ResponderRow>,
}

/// Get responder load from PagerDuty Analytics for a date range: per responder the
/// incidents, acknowledgements, time to acknowledge, engaged time, interruptions
/// (business, off and sleep hours) and time on call, optionally per team. Use it for
/// "who is carrying the pager load?" or "was anyone woken up a lot last week?".
/// Rows come most interrupted first. Analytics lag live data by a few minutes.
#[tool(preset = super::pagerduty_read, output = "Responder metrics per responder")]
pub async fn get_responder_metrics(
    context: ToolContext,
    /// Start of the range (ISO 8601 with zone, e.g. 2026-01-01T00:00:00Z).
    since: String,
    /// End of the range (ISO 8601 with zone); at most a year after `since`.
    until: String,
    /// Only responders of these teams. Default is None.
    team_ids: Option<Vec<String>>,
    /// Only these users. Default is None.
    responder_ids: Option<Vec<String>>,
    /// Only incidents of this urgency. Default is None (both).
    urgency: Option<MetricsUrgency>,
    /// One row per responder and team instead of one per responder. Default is false.
    #[arg(default)]
    by_team: bool,
) -> Result<ResponderMetrics, ToolError> {
    let mut filters = range_filters(&since, &until, ["date_range_start", "date_range_end"])?;
    insert_ids(&mut filters, "team_ids", "team", team_ids)?;
    insert_ids(&mut filters, "responder_ids", "user", responder_ids)?;
    if let Some(u) = urgency {
        filters.insert("urgency".into(), json!(u));
    }
    let body = json!({
        "filters": filters,
        "time_zone": "Etc/UTC",
        "order": "desc",
        "order_by": "total_interruptions",
    });
    let path = if by_team {
        "/analytics/metrics/responders/teams"
    } else {
        "/analytics/metrics/responders/all"
    };
    let session = Session::from_context(&context)?;
    let response = session.post_read(path, &body).await?;
    let rows = response
        .get("data")
        .and_then(Value::as_array)
        .map(|d| d.iter().map(de::object).collect())
        .unwrap_or_default();
    Ok(ResponderMetrics { since, until, rows })
}

/// The filters of an analytics query over `since`..`until` (checked: ISO 8601, `until`
/// after `since`), under PagerDuty's names for the two ends (`keys`).
fn range_filters(
    since: &str,
    until: &str,
    keys: [&str; 2],
) -> Result<Map<String, Value>, ToolError> {
    check_time("since", &Some(since.to_owned()))?;
    check_time("until", &Some(until.to_owned()))?;
    if until <= since {
        return Err(ToolError::bad_input("`until` must be after `since`."));
    }
    let mut filters = Map::new();
    filters.insert(keys[0].into(), json!(since));
    filters.insert(keys[1].into(), json!(until));
    Ok(filters)
}

/// Adds an ID filter (at most 100 IDs of `what`) when `ids` has any.
fn insert_ids(
    filters: &mut Map<String, Value>,
    key: &str,
    what: &str,
    ids: Option<Vec<String>>,
) -> Result<(), ToolError> {
    if let Some(ids) = ids.filter(|v| !v.is_empty()) {
        filters.insert(key.into(), json!(path_ids(what, &ids, 100)?));
    }
    Ok(())
}
