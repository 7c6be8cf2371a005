//! Input schemas beyond what the parameters' types say: one given verbatim
//! (`Toolkit::tool_input_schema`) and arguments also sent as HTTP headers
//! (`#[arg(header = "...")]`, `x-mcp-header`).

use arcade_tdk::serve::mcp::McpOptions;
use arcade_tdk::testing::mcp;
use arcade_tdk::{Catalog, CatalogError, Toolkit, tool};
use serde_json::{Value, json};

/// Greets by name.
#[tool]
fn greet(
    /// Who to greet
    name: String,
    /// How many times
    times: Option<u32>,
) -> String {
    format!("Hello, {name}!").repeat(times.unwrap_or(1) as usize)
}

/// Routes by region.
#[tool]
fn route(
    /// The region, also the `Mcp-Param-Region` header
    #[arg(header = "Region")]
    region: String,
    /// A body-only note
    note: Option<String>,
) -> String {
    format!("{region} {}", note.unwrap_or_default())
}

fn verbatim() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"n": {"$anchor": "nameDef", "type": "string", "minLength": 1}},
        "properties": {"name": {"$ref": "#/$defs/n"}, "times": {"type": "integer"}},
        "allOf": [{"anyOf": [{"required": ["name"]}]}],
        "if": {"required": ["times"]}, "then": {"required": ["name"]}, "else": {},
        "required": ["name"],
        "additionalProperties": false
    })
}

async fn tools(toolkit: Toolkit) -> (mcp::McpTestClient, Vec<Value>) {
    let client = mcp::connect(toolkit, McpOptions::new("schemas", "1.0.0")).await;
    let list = client.request("tools/list", json!({})).await.unwrap();
    let tools = list["tools"].as_array().unwrap().clone();
    (client, tools)
}

#[tokio::test]
async fn a_verbatim_input_schema_is_listed_as_written_and_the_types_still_validate() {
    let toolkit = Toolkit::new("Kit").tool_input_schema(greet::tool(), verbatim());
    let (client, tools) = tools(toolkit).await;
    assert_eq!(tools[0]["inputSchema"], verbatim());

    let ok = client
        .call_tool("Kit_Greet", json!({"name": "Ada", "times": 2}))
        .await
        .unwrap();
    assert_eq!(ok.text(), "Hello, Ada!Hello, Ada!");
    // The parameters' types still decide what is accepted.
    let bad = client
        .call_tool("Kit_Greet", json!({"name": 7}))
        .await
        .unwrap();
    assert!(bad.is_error(), "{}", bad.text());
}

#[tokio::test]
async fn without_an_override_the_derived_schema_is_listed() {
    let (_, tools) = tools(Toolkit::new("Kit").tool(greet::tool())).await;
    let schema = &tools[0]["inputSchema"];
    assert!(
        schema.get("$schema").is_none() && schema.get("$defs").is_none(),
        "{schema}"
    );
    assert_eq!(schema["properties"]["name"]["type"], "string");
}

#[test]
fn a_schema_that_is_not_an_object_schema_is_refused() {
    for schema in [
        json!({"type": "string"}),
        json!([1]),
        json!({"properties": {}}),
    ] {
        let toolkit = Toolkit::new("Kit").tool_input_schema(greet::tool(), schema.clone());
        let err = Catalog::new(toolkit).unwrap_err();
        assert!(
            matches!(&err, CatalogError::InvalidInputSchema(m) if m.contains("Kit.Greet")),
            "{schema}: {err}"
        );
    }
}

#[tokio::test]
async fn a_header_argument_is_annotated_with_x_mcp_header() {
    let (_, tools) = tools(Toolkit::new("Kit").tool(route::tool())).await;
    let props = &tools[0]["inputSchema"]["properties"];
    assert_eq!(props["region"]["x-mcp-header"], "Region");
    assert!(props["note"].get("x-mcp-header").is_none(), "{props}");

    // An HTTP matter: the LLM providers' formats leave it out.
    let catalog = Catalog::new(Toolkit::new("Kit").tool(route::tool())).unwrap();
    let entry = &catalog.entries()[0];
    let openai = arcade_tdk::definition::llm::openai(entry);
    let anthropic = arcade_tdk::definition::llm::anthropic(entry);
    for schema in [
        &openai["function"]["parameters"],
        &anthropic["input_schema"],
    ] {
        assert_eq!(schema["properties"]["region"]["type"], "string", "{schema}");
        assert!(
            schema["properties"]["region"].get("x-mcp-header").is_none(),
            "{schema}"
        );
    }
}
