//! Tool formats of LLM providers: OpenAI function tools in strict mode and Anthropic
//! tools, named `Toolkit_Tool` as Arcade's converters name them.

use serde_json::{Value, json};

use crate::catalog::CatalogEntry;

/// OpenAI's strict function tool: every property listed in `required`, optional ones
/// nullable, `additionalProperties: false` on every object with known properties.
pub fn openai(entry: &CatalogEntry) -> Value {
    let spec = entry.tool().spec();
    let mut parameters = without_mcp_headers(spec.input_schema());
    strictify(&mut parameters);
    json!({
        "type": "function",
        "function": {
            "name": entry.mcp_name(),
            "description": spec.description(),
            "parameters": parameters,
            "strict": true,
        }
    })
}

/// Anthropic's tool: the portable input schema as `input_schema`.
pub fn anthropic(entry: &CatalogEntry) -> Value {
    let spec = entry.tool().spec();
    json!({
        "name": entry.mcp_name(),
        "description": spec.description(),
        "input_schema": without_mcp_headers(spec.input_schema()),
    })
}

/// The schema less MCP's `x-mcp-header` annotations (`#[arg(header = "...")]`), which
/// are about HTTP transport and mean nothing to a model provider.
fn without_mcp_headers(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        for prop in props.values_mut() {
            if let Some(prop) = prop.as_object_mut() {
                prop.remove("x-mcp-header");
            }
        }
    }
    schema
}

fn strictify(schema: &mut Value) {
    let required: Vec<String> = crate::schema::required_names(schema)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(items) = obj.get_mut("items") {
        strictify(items);
    }
    if !obj.get("properties").is_some_and(Value::is_object) {
        return;
    }

    let mut all = Vec::new();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            strictify(prop);
            if !required.contains(name) {
                add_null(prop);
            }
            all.push(Value::String(name.clone()));
        }
    }
    obj.insert("required".into(), Value::Array(all));
    obj.insert("additionalProperties".into(), Value::Bool(false));
}

fn add_null(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    match obj.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            obj.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
}
