//! Turning PagerDuty's error responses into tool errors a model can act on.

use arcade_tdk::ToolError;
use arcade_tdk::http::HeaderMap;
use serde_json::Value;

/// The parts of PagerDuty's error body `{"error":{"message","code","errors":[...]}}`
/// (the v3 schedules API sends `errors` as a map of field to messages instead).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ApiErrorBody {
    /// `error.message`.
    pub message: Option<String>,
    /// `error.code` (PagerDuty's numeric error code).
    pub code: Option<i64>,
    /// `error.errors`: the detailed reasons (a v3 map's entries as `field: message`).
    pub errors: Vec<String>,
}

impl ApiErrorBody {
    /// Parses an error body; anything unparseable gives an empty value.
    pub fn parse(body: &str) -> Self {
        let Ok(value) = serde_json::from_str::<Value>(body) else {
            return Self::default();
        };
        let err = value.get("error").unwrap_or(&value);
        // The Events API answers `{"status","message","errors"}` instead.
        let message = err
            .get("message")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let code = err.get("code").and_then(|c| {
            c.as_i64()
                .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
        });
        let as_text = |e: &Value| match e {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let errors = match err.get("errors") {
            Some(Value::Array(a)) => a.iter().map(as_text).collect(),
            // v3: `{"event.effective_since": ["Date cannot be ..."]}`.
            Some(Value::Object(fields)) => fields
                .iter()
                .flat_map(|(field, messages)| {
                    let messages = match messages {
                        Value::Array(m) => m.iter().map(as_text).collect(),
                        other => vec![as_text(other)],
                    };
                    messages.into_iter().map(move |m| format!("{field}: {m}"))
                })
                .collect(),
            _ => Vec::new(),
        };
        Self {
            message,
            code,
            errors,
        }
    }
}

/// The Scoped-OAuth scope PagerDuty requires for `method` on `path`, for the operations
/// this crate calls (used to make 403 messages actionable).
pub fn required_scope(method: &str, path: &str) -> Option<&'static str> {
    let write = !method.eq_ignore_ascii_case("GET");
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    // The v3 schedules API (`/v3/schedules...`): the spec names no scope; PagerDuty's
    // schedule scopes are the ones that fit.
    if segments.first() == Some(&"v3") {
        return match (segments.get(1).copied()?, write) {
            ("schedules", false) => Some("schedules.read"),
            ("schedules", true) => Some("schedules.write"),
            _ => None,
        };
    }
    let scope = match (segments.first().copied()?, write) {
        ("incidents" | "log_entries", false) => "incidents.read",
        ("incidents", true) => "incidents.write",
        ("oncalls", _) => "oncalls.read",
        ("schedules", false) => "schedules.read",
        ("schedules", true) => "schedules.write",
        ("services" | "maintenance_windows", false) => "services.read",
        ("services" | "maintenance_windows", true) => "services.write",
        ("teams", false) => "teams.read",
        ("teams", true) => "teams.write",
        ("escalation_policies", false) => "escalation_policies.read",
        ("escalation_policies", true) => "escalation_policies.write",
        ("priorities", _) => "priorities.read",
        ("incident_workflows", false) => "incident_workflows.read",
        ("incident_workflows", true) if segments.get(2) == Some(&"instances") => {
            "incident_workflows:instances.write"
        }
        ("incident_workflows", true) => "incident_workflows.write",
        ("change_events", false) => "change_events.read",
        ("change_events", true) => "change_events.write",
        // Analytics reads are POSTs; PagerDuty files them under `analytics.write`.
        ("analytics", _) => "analytics.write",
        ("users", false) if segments.get(2).is_some_and(|s| s.contains("contact")) => {
            "users:contact_methods.read"
        }
        ("users", false) if segments.get(2) == Some(&"notification_rules") => {
            "users:contact_methods.read"
        }
        ("users", false) => "users.read",
        ("status_pages", false) => "status_pages.read",
        ("status_pages", true) => "status_pages.write",
        ("event_orchestrations", false) if segments.get(1) == Some(&"services") => "services.read",
        ("event_orchestrations", true) if segments.get(1) == Some(&"services") => "services.write",
        ("event_orchestrations", false) => "event_orchestrations.read",
        ("event_orchestrations", true) => "event_orchestrations.write",
        ("business_services" | "service_dependencies" | "alert_grouping_settings", false) => {
            "services.read"
        }
        ("business_services" | "service_dependencies" | "alert_grouping_settings", true) => {
            "services.write"
        }
        ("webhook_subscriptions", false) => "webhook_subscriptions.read",
        ("webhook_subscriptions", true) => "webhook_subscriptions.write",
        ("extension_schemas", _) => "extension_schemas.read",
        ("users", true) => "users.write",
        _ => return None,
    };
    Some(scope)
}

/// The tool error for an HTTP error status from the REST API.
pub fn api_error(
    status: u16,
    headers: &HeaderMap,
    body: &str,
    method: &str,
    path: &str,
) -> ToolError {
    let parsed = ApiErrorBody::parse(body);
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut message = format!(
        "PagerDuty returned {status} {reason} for {method} {path}: {}",
        parsed.message.as_deref().unwrap_or("(no error message)")
    );
    if let Some(code) = parsed.code {
        message.push_str(&format!(" (PagerDuty error code {code})"));
    }
    if !parsed.errors.is_empty() {
        message.push_str(&format!(". Details: {}", parsed.errors.join("; ")));
    }
    let hint = match status {
        400 => Some(
            "PagerDuty rejected the request as invalid; check the arguments against the details above (IDs, enum values, ISO 8601 times with a zone) and call the tool again with corrected arguments."
                .to_owned(),
        ),
        401 => Some(
            "The PagerDuty credential was rejected. It may be expired or revoked, or it belongs to an account in another region: EU accounts must use api.eu.pagerduty.com (set PAGERDUTY_REGION=eu). Ask the user to re-authorize PagerDuty."
                .to_owned(),
        ),
        402 => Some(format!(
            "This PagerDuty account's plan does not include the ability needed for {method} {path}{}. Tell the user the feature is unavailable on their plan; retrying will not help.",
            parsed
                .message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        )),
        403 => Some(format!(
            "The credential is not allowed to do this. It may lack the required scope{} (a read-only OAuth grant or a read-only API key cannot make changes), or the user's role forbids it. Ask the user to grant the scope or use a credential with write access.",
            required_scope(method, path)
                .map(|s| format!(" `{s}` (or classic `{}`)", if s.ends_with(".read") { "read" } else { "write" }))
                .unwrap_or_default()
        )),
        404 => Some(
            "No such PagerDuty object. Check the ID (IDs look like `PABC123`); use a List or Search tool to find the right one."
                .to_owned(),
        ),
        _ => None,
    };
    let mut error = ToolError::upstream(status, message)
        .with_developer_message(format!(
            "HTTP {status} from {method} {path}; body: {}",
            truncate(body, 500)
        ))
        .with_extra("service", "pagerduty")
        .with_extra("endpoint", path);
    if let Some(code) = parsed.code {
        error = error.with_extra("pagerduty_error_code", code);
    }
    if let Some(id) = headers.get("x-request-id").and_then(|v| v.to_str().ok()) {
        error = error.with_extra("request_id", id);
    }
    if let Some(hint) = hint {
        error = error.with_additional_prompt_content(hint);
    }
    error
}

/// At most `max` bytes of `s`, cut on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_error_body() {
        let body = r#"{"error":{"message":"Invalid Input Provided","code":2001,"errors":["Limit must be <= 100"]}}"#;
        let parsed = ApiErrorBody::parse(body);
        assert_eq!(parsed.message.as_deref(), Some("Invalid Input Provided"));
        assert_eq!(parsed.code, Some(2001));
        assert_eq!(parsed.errors, vec!["Limit must be <= 100"]);
    }

    #[test]
    fn parses_the_v3_error_map() {
        let body = r#"{"error":{"message":"Invalid Request","code":2001,"errors":{"event.effective_since":["Date cannot be more than 12 months in the future"],"event.name":["is too long","is blank"]}}}"#;
        let parsed = ApiErrorBody::parse(body);
        assert_eq!(parsed.message.as_deref(), Some("Invalid Request"));
        assert_eq!(
            parsed.errors,
            vec![
                "event.effective_since: Date cannot be more than 12 months in the future",
                "event.name: is too long",
                "event.name: is blank",
            ]
        );
    }

    #[test]
    fn scopes() {
        assert_eq!(
            required_scope("GET", "/v3/schedules/PSHS001/overrides"),
            Some("schedules.read")
        );
        assert_eq!(
            required_scope("DELETE", "/v3/schedules/PSHS001"),
            Some("schedules.write")
        );
        assert_eq!(required_scope("GET", "/v3/other"), None);
        assert_eq!(required_scope("PUT", "/incidents"), Some("incidents.write"));
        assert_eq!(required_scope("GET", "/oncalls"), Some("oncalls.read"));
        assert_eq!(
            required_scope("POST", "/incident_workflows/PIWF001/instances"),
            Some("incident_workflows:instances.write")
        );
        assert_eq!(
            required_scope("GET", "/incident_workflows"),
            Some("incident_workflows.read")
        );
        assert_eq!(
            required_scope("GET", "/users/P1/contact_methods"),
            Some("users:contact_methods.read")
        );
    }

    #[test]
    fn truncates_on_char_boundary() {
        assert_eq!(truncate("héllo", 2), "h");
    }
}
