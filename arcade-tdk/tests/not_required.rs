//! Python's typing forms in a `TypedDict` and their Rust spellings (the README's table):
//! a field that may be absent but is never null (`NotRequired[T]`) is advertised as
//! neither required nor nullable; `Option<T>` (`T | None`) stays nullable.

use arcade_tdk::{Catalog, Toolkit, tool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A filter.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
pub struct Filter {
    /// `name: str`: required, never null.
    pub name: String,
    /// `label: NotRequired[str]`: may be absent, never null.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub label: Option<String>,
    /// `owner: str | None`: nullable.
    pub owner: Option<String>,
}

/// Uses a filter.
#[tool]
fn use_filter(
    /// The filter
    filter: Filter,
) -> String {
    format!("{filter:?}")
}

fn filter_schema() -> Value {
    let catalog = Catalog::new(Toolkit::new("Kit").tool(use_filter::tool())).unwrap();
    let tool = arcade_tdk::definition::mcp::tool(&catalog.entries()[0]);
    tool["inputSchema"]["properties"]["filter"].clone()
}

#[test]
fn not_required_is_neither_required_nor_nullable() {
    let schema = filter_schema();
    assert_eq!(
        schema["properties"]["label"]["type"],
        json!("string"),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["name"]["type"],
        json!("string"),
        "{schema}"
    );
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"name"), "{schema}");
    assert!(!required.contains(&"label"), "{schema}");
}

#[test]
fn option_stays_nullable() {
    let schema = filter_schema();
    let owner = &schema["properties"]["owner"]["type"];
    assert!(
        owner.as_array().is_some_and(|t| t.contains(&json!("null"))),
        "{schema}"
    );
}

#[test]
fn absent_label_is_not_serialized_as_null() {
    let filter = Filter {
        name: "x".into(),
        label: None,
        owner: None,
    };
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"name": "x", "owner": null})
    );
}
