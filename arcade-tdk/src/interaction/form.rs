//! The restricted form schema of MCP elicitation: a flat object whose properties are
//! strings (optionally with a `format`, an `enum`, titled `oneOf` consts or legacy
//! `enumNames`), numbers, integers, booleans, or multi-select arrays of string enums;
//! each may carry a `title`, a `description` and a `default`.

use schemars::JsonSchema;
use serde_json::{Map, Value};

use crate::error::ToolError;

/// String formats the form schema allows.
const FORMATS: &[&str] = &["email", "uri", "date", "date-time"];

/// Keywords any property may carry.
const COMMON: &[&str] = &["type", "title", "description", "default"];

/// The form schema of `T`, derived with schemars and checked: an error names the type
/// and the field that MCP's restricted form cannot express.
pub(crate) fn form_schema_for<T: JsonSchema>() -> Result<Value, ToolError> {
    let mut schema = crate::schema::generator()
        .into_root_schema_for::<T>()
        .to_value();
    let type_name = T::schema_name();
    simplify(&mut schema);
    if let Some(obj) = schema.as_object_mut() {
        for key in ["$schema", "$defs", "title", "additionalProperties"] {
            obj.remove(key);
        }
        if let Some(Value::Object(props)) = obj.get_mut("properties") {
            for prop in props.values_mut() {
                simplify(prop);
            }
        }
    }
    check_form_schema(&schema).map_err(|err| {
        ToolError::fatal(format!(
            "The elicitation form type `{type_name}` is not a valid MCP form: {}",
            err.message()
        ))
    })?;
    Ok(schema)
}

/// Folds what schemars writes for Rust types into the form's spelling: `Option<T>`'s
/// `["T", "null"]` (or `anyOf [T, null]`) becomes `T`, documented enum variants
/// (`oneOf` of consts with a description) become titled consts, and items of arrays
/// too.
fn simplify(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = obj.get("type") {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        if non_null.len() == 1 {
            obj.insert("type".into(), non_null[0].clone());
        }
    }
    if let Some(Value::Array(any)) = obj.get("anyOf")
        && any.len() == 2
        && let Some(inner) = any
            .iter()
            .find(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .cloned()
        && any
            .iter()
            .any(|s| s.get("type").and_then(Value::as_str) == Some("null"))
        && let Value::Object(inner) = inner
    {
        obj.remove("anyOf");
        for (k, v) in inner {
            obj.entry(k).or_insert(v);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(items)) = obj.get_mut(key) {
            for item in items.iter_mut().filter_map(Value::as_object_mut) {
                item.remove("type");
                if let Some(description) = item.remove("description") {
                    item.entry("title").or_insert(description);
                }
            }
        }
    }
    // schemars' `int64`, `double`, ... mean nothing to a form.
    if matches!(
        obj.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    ) {
        obj.remove("format");
    }
    if obj.contains_key("oneOf") {
        obj.entry("type").or_insert_with(|| "string".into());
    }
    // schemars writes plain unit enums as `enum`; keep them so.
    if let Some(items) = obj.get_mut("items") {
        simplify(items);
    }
}

/// Checks that `schema` is MCP's restricted elicitation form schema.
pub(crate) fn check_form_schema(schema: &Value) -> Result<(), ToolError> {
    let bad = |why: String| Err(ToolError::fatal(why));
    let Some(obj) = schema.as_object() else {
        return bad("the form schema must be a JSON object".into());
    };
    if obj.get("type").and_then(Value::as_str) != Some("object") {
        return bad("the form schema must have `\"type\": \"object\"` (a struct)".into());
    }
    let Some(Value::Object(props)) = obj.get("properties") else {
        return bad("the form schema must have `properties`".into());
    };
    for (name, prop) in props {
        check_property(name, prop).map_err(|why| {
            ToolError::fatal(format!(
                "field `{name}`: {why} (forms allow only strings, numbers, integers, \
                 booleans, string enums and multi-select string arrays)"
            ))
        })?;
    }
    if let Some(required) = obj.get("required") {
        let ok = required.as_array().is_some_and(|r| {
            r.iter()
                .all(|k| k.as_str().is_some_and(|k| props.contains_key(k)))
        });
        if !ok {
            return bad("`required` must list properties of the form".into());
        }
    }
    Ok(())
}

fn check_property(name: &str, prop: &Value) -> Result<(), String> {
    let _ = name;
    let Some(obj) = prop.as_object() else {
        return Err("its schema must be an object".into());
    };
    let ty = obj.get("type").and_then(Value::as_str);
    let allowed: &[&str] = match ty {
        Some("string") => &[
            "minLength",
            "maxLength",
            "format",
            "enum",
            "enumNames",
            "oneOf",
        ],
        Some("number" | "integer") => &["minimum", "maximum"],
        Some("boolean") => &[],
        Some("array") => &["items", "minItems", "maxItems"],
        Some(other) => return Err(format!("type `{other}` is not allowed")),
        None => {
            return Err(
                "it has no single `type` (nested or untagged types are not allowed)".into(),
            );
        }
    };
    if let Some(key) = obj
        .keys()
        .find(|k| !COMMON.contains(&k.as_str()) && !allowed.contains(&k.as_str()))
    {
        return Err(format!("keyword `{key}` is not allowed here"));
    }
    if let Some(format) = obj.get("format").and_then(Value::as_str)
        && !FORMATS.contains(&format)
    {
        return Err(format!(
            "format `{format}` is not allowed (only {FORMATS:?})"
        ));
    }
    if let Some(consts) = obj.get("oneOf") {
        check_titled_consts(consts)?;
    }
    if ty == Some("array") {
        let items = obj
            .get("items")
            .and_then(Value::as_object)
            .ok_or("a multi-select needs `items`")?;
        match (items.get("enum"), items.get("anyOf")) {
            (Some(Value::Array(values)), None) if values.iter().all(Value::is_string) => {}
            (None, Some(consts)) => check_titled_consts(consts)?,
            _ => {
                return Err(
                    "an array must be a multi-select: items with a string `enum` or titled `anyOf` consts"
                        .into(),
                );
            }
        }
    }
    Ok(())
}

fn check_titled_consts(consts: &Value) -> Result<(), String> {
    let ok = consts.as_array().is_some_and(|items| {
        items.iter().all(|item| {
            item.get("const").is_some_and(Value::is_string)
                && item
                    .as_object()
                    .is_some_and(|o| o.keys().all(|k| matches!(k.as_str(), "const" | "title")))
        })
    });
    if ok {
        Ok(())
    } else {
        Err("titled options must be `{\"const\": string, \"title\": string}`".into())
    }
}

/// The JSON object of an accepted form (`{}` when the client sent none).
pub(crate) fn content_object(content: Option<Value>) -> Result<Map<String, Value>, ToolError> {
    match content {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(other) => Err(ToolError::execution(format!(
            "The client accepted the form but sent {other} instead of an object."
        ))),
    }
}
