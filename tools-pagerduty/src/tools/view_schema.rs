//! The output schemas of the one-call views (`IncidentBriefing`, `ShiftHandoff`),
//! kept small: their parts are the outputs of other tools, whose schemas already
//! describe every field. A view's schema keeps each part's structure (field names,
//! types, what is required) and its own description, which names the tool whose
//! fields these are, and leaves out the nested descriptions and
//! `additionalProperties: false`. What the views return is unchanged.

use schemars::Schema;
use serde_json::Value;

/// A `#[schemars(transform = ...)]` for a view: its parts' schemas without nested
/// descriptions.
///
/// ```
/// use serde_json::json;
///
/// let mut schema = schemars::Schema::try_from(json!({
///     "type": "object",
///     "properties": {"alerts": {
///         "description": "Its alerts (ListIncidentAlerts' fields).",
///         "type": "array",
///         "items": {"type": "object", "additionalProperties": false, "properties": {
///             "description": {"type": "string", "description": "What the alert says."}
///         }},
///     }},
/// })).unwrap();
/// tools_pagerduty::tools::view_schema::compact_parts(&mut schema);
/// assert_eq!(
///     schema.as_value()["properties"]["alerts"],
///     json!({
///         "description": "Its alerts (ListIncidentAlerts' fields).",
///         "type": "array",
///         "items": {"type": "object", "properties": {"description": {"type": "string"}}},
///     })
/// );
/// ```
pub fn compact_parts(schema: &mut Schema) {
    let Some(parts) = schema
        .as_object_mut()
        .and_then(|s| s.get_mut("properties"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for part in parts.values_mut() {
        if let Some(part) = part.as_object_mut() {
            part.remove("additionalProperties");
            for (key, sub) in part.iter_mut() {
                if key != "description" {
                    strip(key, sub);
                }
            }
        }
    }
}

/// Strips the schema (or schemas) under keyword `key`.
fn strip(key: &str, value: &mut Value) {
    match key {
        "properties" => {
            // A map of field names (a field may be called `description`) to schemas.
            if let Some(fields) = value.as_object_mut() {
                fields.values_mut().for_each(strip_schema);
            }
        }
        "items" | "additionalProperties" => strip_schema(value),
        "anyOf" | "oneOf" | "allOf" => {
            if let Some(list) = value.as_array_mut() {
                list.iter_mut().for_each(strip_schema);
            }
        }
        _ => {}
    }
}

fn strip_schema(schema: &mut Value) {
    let Some(schema) = schema.as_object_mut() else {
        return;
    };
    schema.remove("description");
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
        schema.remove("additionalProperties");
    }
    for (key, sub) in schema.iter_mut() {
        strip(key, sub);
    }
}
