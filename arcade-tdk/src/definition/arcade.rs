//! Arcade's `ToolDefinition`, serialized exactly as Arcade's Python TDK does (every key,
//! nulls included, in Arcade's order).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::auth::ToolRequirements;
use crate::metadata::ToolMetadata;

/// The definition of one tool, as the Arcade Engine reads it (`GET /worker/tools`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolDefinition {
    /// The tool's name, e.g. `ListIncidents`.
    pub name: String,
    /// `Toolkit.Tool`, e.g. `PagerDuty.ListIncidents`.
    pub fully_qualified_name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// The toolkit the tool belongs to.
    pub toolkit: ToolkitDefinition,
    /// The tool's parameters.
    pub input: ToolInput,
    /// What the tool returns.
    pub output: ToolOutput,
    /// What it needs before it can run.
    pub requirements: ToolRequirements,
    /// Set when the tool is deprecated.
    pub deprecation_message: Option<String>,
    /// Classification and behaviour.
    pub metadata: Option<ToolMetadata>,
    /// Arcade's `_meta` (UI resources).
    #[serde(rename = "_meta")]
    pub meta: Option<Value>,
}

/// The toolkit part of a definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolkitDefinition {
    /// The toolkit's name, e.g. `PagerDuty`.
    pub name: String,
    /// What the toolkit is for.
    pub description: Option<String>,
    /// Its version.
    pub version: Option<String>,
}

/// The parameters of a tool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolInput {
    /// The parameters, in declaration order.
    pub parameters: Vec<InputParameter>,
}

/// One parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputParameter {
    /// The name on the wire.
    pub name: String,
    /// Whether the caller must pass it.
    pub required: bool,
    /// What it means, for the model.
    pub description: Option<String>,
    /// Its type.
    pub value_schema: ValueSchema,
    /// Whether the model may infer it from the conversation.
    pub inferrable: bool,
}

/// What a tool returns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolOutput {
    /// What the value means.
    pub description: Option<String>,
    /// `value`, `error`, and `null` when the tool may return nothing.
    pub available_modes: Vec<String>,
    /// The value's type; `None` for a tool that returns nothing.
    pub value_schema: Option<ValueSchema>,
}

/// Arcade's type description of a value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ValueSchema {
    /// `string`, `integer`, `number`, `boolean`, `json` or `array`.
    pub val_type: String,
    /// For arrays: the type of the items.
    pub inner_val_type: Option<String>,
    /// Allowed values (of the items, for arrays).
    #[serde(rename = "enum")]
    pub enum_: Option<Vec<String>>,
    /// For objects with a known shape: their properties.
    pub properties: Option<Map<String, Value>>,
    /// For arrays of objects: the items' properties.
    pub inner_properties: Option<Map<String, Value>>,
    /// What a nested property means.
    pub description: Option<String>,
    /// For objects: the required keys, sorted.
    pub required_keys: Option<Vec<String>>,
    /// For arrays of objects: the items' required keys, sorted.
    pub inner_required_keys: Option<Vec<String>>,
    /// Whether a nested property may be null.
    pub nullable: Option<bool>,
}

impl ValueSchema {
    /// Derives Arcade's value schema from a portable JSON schema. `nested` is true for
    /// properties of objects, whose `description` and nullability Arcade records.
    pub fn from_json_schema(schema: &Value, nested: bool) -> Self {
        let mut types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let nullable = types.contains(&"null");
        types.retain(|t| *t != "null");
        let primary = match types.as_slice() {
            [one] => *one,
            _ => "json",
        };
        let mut vs = ValueSchema {
            val_type: match primary {
                "string" | "integer" | "number" | "boolean" | "array" => primary.to_owned(),
                _ => "json".to_owned(),
            },
            ..ValueSchema::default()
        };
        if nested {
            vs.description = schema
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            vs.nullable = nullable.then_some(true);
        }
        match vs.val_type.as_str() {
            "array" => {
                let inner = schema
                    .get("items")
                    .map(|items| ValueSchema::from_json_schema(items, false))
                    .unwrap_or_else(|| ValueSchema {
                        val_type: "json".to_owned(),
                        ..ValueSchema::default()
                    });
                // Arcade cannot describe arrays of arrays: the items become `json`.
                vs.inner_val_type = Some(if inner.val_type == "array" {
                    "json".to_owned()
                } else {
                    inner.val_type
                });
                vs.enum_ = inner.enum_;
                vs.inner_properties = inner.properties;
                vs.inner_required_keys = inner.required_keys;
            }
            "json" => {
                if let Some(Value::Object(props)) = schema.get("properties") {
                    vs.properties = Some(
                        props
                            .iter()
                            .map(|(k, v)| {
                                let nested = ValueSchema::from_json_schema(v, true);
                                (k.clone(), serde_json::to_value(nested).unwrap_or_default())
                            })
                            .collect(),
                    );
                    let mut required: Vec<String> = crate::schema::required_names(schema)
                        .into_iter()
                        .map(str::to_owned)
                        .collect();
                    required.sort();
                    vs.required_keys = Some(required);
                }
            }
            _ => {
                vs.enum_ = schema.get("enum").and_then(Value::as_array).map(|values| {
                    values
                        .iter()
                        .filter(|v| !v.is_null())
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                });
            }
        }
        vs
    }
}
