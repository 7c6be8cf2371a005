//! The conformance fixtures about input schemas: `json_schema_2020_12_tool`, whose
//! `inputSchema` is given verbatim ([`Toolkit::tool_input_schema`]: JSON Schema 2020-12
//! keywords the parameters' types cannot say), and `test_custom_header`, whose argument
//! is also an `Mcp-Param-Region` HTTP header (`#[arg(header = "Region")]`, SEP-2243).

use arcade_tdk::{Toolkit, tool};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// A postal address.
#[derive(Deserialize, JsonSchema)]
pub struct Address {
    /// The street
    pub street: Option<String>,
    /// The city
    pub city: Option<String>,
}

/// Tool with JSON Schema 2020-12 features.
#[tool]
pub fn json_schema_2020_12_tool(
    /// The name
    name: Option<String>,
    /// The address
    address: Option<Address>,
    /// How to reach the person: `phone` or `email`
    #[arg(name = "contactMethod")]
    contact_method: Option<String>,
    /// The phone number
    phone: Option<String>,
    /// The email address
    email: Option<String>,
) -> String {
    let contact = match contact_method.as_deref() {
        Some("phone") => phone.unwrap_or_default(),
        _ => email.or(phone).unwrap_or_default(),
    };
    let city = address.and_then(|a| a.city).unwrap_or_default();
    format!(
        "{} ({contact}) in {city}",
        name.as_deref().unwrap_or("someone")
    )
}

/// The `inputSchema` of `json_schema_2020_12_tool`, as the suite's scenario writes it.
pub fn json_schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {
                    "street": { "type": "string" },
                    "city": { "type": "string" }
                }
            }
        },
        "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
        },
        "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
        "if": {
            "properties": { "contactMethod": { "const": "phone" } },
            "required": ["contactMethod"]
        },
        "then": { "required": ["phone"] },
        "else": { "required": ["email"] },
        "additionalProperties": false
    })
}

/// Echoes the region, which the client also sends as the `Mcp-Param-Region` header.
#[tool]
pub fn test_custom_header(
    /// The region to route to
    #[arg(header = "Region")]
    region: String,
) -> String {
    format!("Region: {region}")
}

/// Adds the input-schema fixtures to `toolkit`.
pub fn add_tools(toolkit: Toolkit) -> Toolkit {
    toolkit
        .tool_input_schema(json_schema_2020_12_tool::tool(), json_schema_2020_12())
        .tool(test_custom_header::tool())
}
