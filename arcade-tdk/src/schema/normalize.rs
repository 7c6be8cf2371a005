//! Turns schemars output into portable JSON Schema: inlined, no `$ref`/`$defs`, no
//! non-standard `format`, string enums as `enum`, `additionalProperties: false` and an
//! explicit `required` on every object with known properties.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// Formats every JSON Schema validator knows; others (`int64`, `uint8`, `double`, ...)
/// are schemars' own and make AJV-based clients warn.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

pub(crate) fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator()
}

/// The portable schema of `T`, for a tool's input (`required` always explicit).
pub(crate) fn input_schema_for<T: JsonSchema>() -> Value {
    let mut schema = generator().into_root_schema_for::<T>().to_value();
    // A tool without parameters still gets `properties: {}` (some clients need it).
    if let Some(obj) = schema.as_object_mut() {
        obj.entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
    }
    normalize(&mut schema, true);
    strip_root_annotations(&mut schema);
    schema
}

/// The portable schema of `T`, for a tool's output (`required` only when non-empty).
pub(crate) fn output_schema_for<T: JsonSchema>() -> Value {
    let mut schema = generator().into_root_schema_for::<T>().to_value();
    normalize(&mut schema, false);
    strip_root_annotations(&mut schema);
    schema
}

fn strip_root_annotations(schema: &mut Value) {
    if let Some(obj) = schema.as_object_mut() {
        obj.remove("title");
        obj.remove("description");
        obj.remove("$defs");
    }
}

/// Normalizes one schema in place, recursively.
pub(crate) fn normalize(schema: &mut Value, explicit_required: bool) {
    if let Value::Bool(true) = schema {
        *schema = json!({});
        return;
    }
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    obj.remove("title");
    obj.remove("default");
    obj.remove("examples");
    obj.remove("$schema");
    if let Some(Value::String(f)) = obj.get("format")
        && !STANDARD_FORMATS.contains(&f.as_str())
    {
        obj.remove("format");
    }

    // `Option<T>` of a non-primitive: anyOf [T, null] → T with null in its type.
    fold_nullable_any_of(obj);
    // Unit enums with documented variants: oneOf of consts → enum.
    fold_const_one_of(obj);
    // A lone `const` → a one-value enum (some clients ignore const).
    if let Some(c) = obj.remove("const") {
        let ty = match &c {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(ty) = ty {
            obj.entry("type").or_insert_with(|| json!(ty));
        }
        obj.insert("enum".into(), Value::Array(vec![c]));
    }

    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(items)) = obj.get_mut(key) {
            for item in items {
                normalize(item, explicit_required);
            }
        }
    }
    if let Some(items) = obj.get_mut("items") {
        normalize(items, explicit_required);
        if let Some(items) = items.as_object_mut() {
            items.remove("description");
        }
    }
    match obj.get_mut("additionalProperties") {
        Some(ap @ Value::Object(_)) => normalize(ap, explicit_required),
        // `true` is the default; some clients mis-handle it.
        Some(Value::Bool(true)) => {
            obj.remove("additionalProperties");
        }
        _ => {}
    }
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (_, prop) in props.iter_mut() {
            normalize(prop, explicit_required);
        }
        // A known shape: unknown keys are rejected, and `required` is explicit, sorted
        // as Arcade sorts `required_keys` (the root's order is set by the tool). Keys in
        // the order Arcade writes them: type, properties, additionalProperties, required.
        let mut required: Vec<Value> = match obj.remove("required") {
            Some(Value::Array(r)) => r,
            _ => Vec::new(),
        };
        required.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        obj.remove("additionalProperties");
        let mut ordered = Map::with_capacity(obj.len() + 2);
        for key in ["type", "properties"] {
            if let Some(v) = obj.remove(key) {
                ordered.insert(key.into(), v);
            }
        }
        ordered.insert("additionalProperties".into(), Value::Bool(false));
        if explicit_required || !required.is_empty() {
            ordered.insert("required".into(), Value::Array(required));
        }
        ordered.append(obj);
        *obj = ordered;
    }
}

fn fold_nullable_any_of(obj: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = obj.get("anyOf") else {
        return;
    };
    if branches.len() != 2 {
        return;
    }
    let is_null = |v: &Value| v.get("type") == Some(&json!("null"));
    let (Some(null_at), Some(other_at)) = (
        branches.iter().position(is_null),
        branches.iter().position(|v| !is_null(v)),
    ) else {
        return;
    };
    debug_assert_ne!(null_at, other_at);
    let Some(Value::Array(mut branches)) = obj.remove("anyOf") else {
        return;
    };
    let mut inner = branches.swap_remove(other_at);
    if let Value::Bool(true) = inner {
        inner = json!({});
    }
    if let Some(inner) = inner.as_object_mut() {
        match inner.get_mut("type") {
            Some(Value::String(t)) => {
                let t = std::mem::take(t);
                inner.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(types)) if !types.contains(&json!("null")) => {
                types.push(json!("null"));
            }
            _ => {}
        }
        // Sibling annotations (description) win over the inner ones.
        for (k, v) in std::mem::take(obj) {
            inner.insert(k, v);
        }
        *obj = std::mem::take(inner);
    }
}

fn fold_const_one_of(obj: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = obj.get("oneOf") else {
        return;
    };
    let values: Option<Vec<Value>> = branches
        .iter()
        .map(|b| {
            match b.get("const").or_else(|| {
                b.get("enum")
                    .and_then(Value::as_array)
                    .filter(|e| e.len() == 1)
                    .map(|e| &e[0])
            }) {
                Some(v @ Value::String(_)) => Some(v.clone()),
                _ => None,
            }
        })
        .collect();
    if let Some(values) = values
        && !values.is_empty()
    {
        obj.remove("oneOf");
        obj.insert("type".into(), json!("string"));
        obj.insert("enum".into(), Value::Array(values));
    }
}

/// Removes `null` from a schema's type (and enum), returning whether it was there.
/// Used for top-level parameters, where Arcade does not mark `Option` as nullable.
pub(crate) fn strip_null(schema: &mut Value) -> bool {
    let Some(obj) = schema.as_object_mut() else {
        return false;
    };
    let mut nullable = false;
    match obj.get_mut("type") {
        Some(Value::Array(types)) => {
            let before = types.len();
            types.retain(|t| t != "null");
            nullable = types.len() != before;
            if types.len() == 1 {
                let t = types.remove(0);
                obj.insert("type".into(), t);
            }
        }
        Some(Value::String(t)) if t == "null" => nullable = true,
        _ => {}
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    nullable
}
