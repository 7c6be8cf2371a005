//! Checks tool arguments against the tool's portable input schema before they are
//! decoded, coercing what Arcade's Python TDK accepts in its lax mode (`"2"` for an
//! integer, `"1.5"` for a number, `"true"` for a boolean, `2.0` for an integer).
//!
//! Every problem is reported, each by the path of the field and never with the value,
//! so that a secret passed in the wrong place is not echoed back.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// One bad field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// Where: `a`, `ticket.title`, `ids[2]`.
    pub path: String,
    /// What is wrong, in plain words (never the value).
    pub message: String,
    /// A short code, as pydantic's (`int_parsing`, `missing`, `extra_forbidden`, ...).
    pub code: &'static str,
}

/// Validates (and coerces in place) the arguments of a tool call.
///
/// Null for an optional top-level parameter counts as absent, so its default applies.
pub(crate) fn validate_arguments(schema: &Value, args: &mut Map<String, Value>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let properties = schema.get("properties").and_then(Value::as_object);
    let required = super::required_names(schema);
    args.retain(|k, v| !v.is_null() || required.contains(&k.as_str()));
    check_object(
        schema,
        properties,
        &required,
        args,
        &mut String::new(),
        &mut errors,
    );
    errors
}

fn push(errors: &mut Vec<FieldError>, path: &str, code: &'static str, message: impl Into<String>) {
    errors.push(FieldError {
        path: if path.is_empty() {
            "(arguments)".to_owned()
        } else {
            path.to_owned()
        },
        message: message.into(),
        code,
    });
}

fn check_object(
    schema: &Value,
    properties: Option<&Map<String, Value>>,
    required: &[&str],
    value: &mut Map<String, Value>,
    path: &mut String,
    errors: &mut Vec<FieldError>,
) {
    let base_len = path.len();
    let additional = schema.get("additionalProperties");
    for (key, item) in value.iter_mut() {
        join(path, key);
        match properties.and_then(|p| p.get(key)) {
            Some(prop) => check(prop, item, path, errors),
            None => match additional {
                Some(Value::Bool(false)) => push(
                    errors,
                    path,
                    "extra_forbidden",
                    "Extra inputs are not permitted",
                ),
                Some(s @ Value::Object(_)) => check(s, item, path, errors),
                _ => {}
            },
        }
        path.truncate(base_len);
    }
    for key in required {
        if !value.contains_key(*key) {
            join(path, key);
            push(errors, path, "missing", "Field required");
            path.truncate(base_len);
        }
    }
}

fn join(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn types_of(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn matches_type(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.as_i64().is_some() || value.as_u64().is_some(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// Lax coercion, as pydantic's: returns the coerced value, or None.
fn coerce(ty: &str, value: &Value) -> Option<Value> {
    match (ty, value) {
        ("integer", Value::String(s)) => {
            let s = s.trim();
            s.parse::<i64>()
                .map(Value::from)
                .or_else(|_| s.parse::<u64>().map(Value::from))
                .ok()
        }
        ("integer", Value::Number(n)) => {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15).then(|| Value::from(f as i64))
        }
        ("number", Value::String(s)) => {
            let f: f64 = s.trim().parse().ok()?;
            Number::from_f64(f).map(Value::Number)
        }
        ("boolean", Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" | "t" | "y" => Some(Value::Bool(true)),
            "false" | "no" | "off" | "0" | "f" | "n" => Some(Value::Bool(false)),
            _ => None,
        },
        ("boolean", Value::Number(n)) => match n.as_u64() {
            Some(0) => Some(Value::Bool(false)),
            Some(1) => Some(Value::Bool(true)),
            _ => None,
        },
        _ => None,
    }
}

fn type_error(ty: &str) -> (&'static str, &'static str) {
    match ty {
        "string" => ("string_type", "Input should be a valid string"),
        "integer" => ("int_parsing", "Input should be a valid integer"),
        "number" => ("float_parsing", "Input should be a valid number"),
        "boolean" => ("bool_parsing", "Input should be a valid boolean"),
        "array" => ("list_type", "Input should be a valid list"),
        "object" => ("dict_type", "Input should be a valid object"),
        "null" => ("none_required", "Input should be null"),
        _ => ("type", "Input has the wrong type"),
    }
}

fn check(schema: &Value, value: &mut Value, path: &mut String, errors: &mut Vec<FieldError>) {
    let Some(obj) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            push(errors, path, "forbidden", "No value is allowed here");
        }
        return;
    };

    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = obj.get(key) {
            let mut matched = false;
            for branch in branches {
                let mut candidate = value.clone();
                let mut branch_errors = Vec::new();
                check(
                    branch,
                    &mut candidate,
                    &mut path.clone(),
                    &mut branch_errors,
                );
                if branch_errors.is_empty() {
                    *value = candidate;
                    matched = true;
                    break;
                }
            }
            if !matched {
                push(
                    errors,
                    path,
                    "union",
                    "Input does not match any of the allowed shapes",
                );
                return;
            }
        }
    }
    if let Some(Value::Array(all)) = obj.get("allOf") {
        for s in all {
            check(s, value, path, errors);
        }
    }

    let types = types_of(schema);
    if !types.is_empty() && !types.iter().any(|t| matches_type(t, value)) {
        match types.iter().find_map(|t| coerce(t, value)) {
            Some(coerced) => *value = coerced,
            None => {
                let primary = types
                    .iter()
                    .find(|t| **t != "null")
                    .copied()
                    .unwrap_or("null");
                let (code, message) = type_error(primary);
                push(errors, path, code, message);
                return;
            }
        }
    }

    if let Some(Value::Array(allowed)) = obj.get("enum")
        && !allowed.contains(value)
    {
        push(errors, path, "enum", enum_message(allowed));
        return;
    }

    if let Some(n) = value.as_f64() {
        if let Some(min) = obj.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            push(
                errors,
                path,
                "greater_than_equal",
                format!("Input should be greater than or equal to {}", fmt_num(min)),
            );
        }
        if let Some(max) = obj.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            push(
                errors,
                path,
                "less_than_equal",
                format!("Input should be less than or equal to {}", fmt_num(max)),
            );
        }
    }

    match value {
        Value::Object(map) => {
            let properties = obj.get("properties").and_then(Value::as_object);
            let required = super::required_names(schema);
            check_object(schema, properties, &required, map, path, errors);
        }
        Value::Array(items) => {
            if let Some(item_schema) = obj.get("items") {
                let base_len = path.len();
                for (i, item) in items.iter_mut().enumerate() {
                    let _ = write!(path, "[{i}]");
                    check(item_schema, item, path, errors);
                    path.truncate(base_len);
                }
            }
        }
        _ => {}
    }
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn enum_message(allowed: &[Value]) -> String {
    let names: Vec<String> = allowed
        .iter()
        .map(|v| match v {
            Value::String(s) => format!("'{s}'"),
            other => other.to_string(),
        })
        .collect();
    match names.as_slice() {
        [] => "Input is not allowed".to_owned(),
        [one] => format!("Input should be {one}"),
        [init @ .., last] => format!("Input should be {} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(schema: Value, args: Value) -> (Value, Vec<FieldError>) {
        let mut map = args.as_object().unwrap().clone();
        let errors = validate_arguments(&schema, &mut map);
        (Value::Object(map), errors)
    }

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "a": {"type": "integer"},
            "b": {"type": "number"},
            "flag": {"type": "boolean"},
            "mode": {"type": "string", "enum": ["fast", "slow"]},
            "ids": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "ticket": {"type": "object", "properties": {"title": {"type": "string"}},
                       "additionalProperties": false, "required": ["title"]},
            "note": {"type": "string"}
        }, "additionalProperties": false, "required": ["a"]})
    }

    #[test]
    fn coerces_lax_inputs_like_python() {
        let (v, errors) = run(
            schema(),
            json!({"a": "2", "b": "1.5", "flag": "true", "ids": [1.0, "3"]}),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(v, json!({"a": 2, "b": 1.5, "flag": true, "ids": [1, 3]}));
    }

    #[test]
    fn reports_every_bad_field_by_path_without_its_value() {
        let (_, errors) = run(
            schema(),
            json!({"a": "two-secret", "mode": "nope", "ids": [1, -4], "ticket": {"typo": 1}, "zzz": 1}),
        );
        let got: Vec<(String, &str)> = errors.iter().map(|e| (e.path.clone(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("a".to_owned(), "int_parsing"),
                ("mode".to_owned(), "enum"),
                ("ids[1]".to_owned(), "greater_than_equal"),
                ("ticket.typo".to_owned(), "extra_forbidden"),
                ("ticket.title".to_owned(), "missing"),
                ("zzz".to_owned(), "extra_forbidden"),
            ]
        );
        assert_eq!(errors[1].message, "Input should be 'fast' or 'slow'");
        assert!(errors.iter().all(|e| !e.message.contains("two-secret")));
    }

    #[test]
    fn missing_required_and_null_optional() {
        let (v, errors) = run(schema(), json!({"note": null}));
        assert_eq!(v, json!({}));
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].path.as_str(), errors[0].code), ("a", "missing"));
    }

    #[test]
    fn rejects_strings_for_numbers_that_do_not_parse_and_numbers_for_strings() {
        let (_, errors) = run(schema(), json!({"a": 1, "b": "x", "note": 5}));
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["float_parsing", "string_type"]);
    }
}
