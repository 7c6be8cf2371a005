//! The sample kit's definitions are the same JSON as Arcade's Python TDK emits for the
//! Python originals (`fixtures/arcade-wire/`), except for the deliberate differences in
//! `fixtures/DIFFERENCES.md`, each applied here by number (`DIFFERENCES.md #N`).

use arcade_examples::sample_kit;
use arcade_tdk::definition::{llm, mcp};
use arcade_tdk::{Catalog, ToolFilter};
use serde_json::{Value, json};

fn fixture(path: &str) -> Value {
    arcade_tests::fixtures::json(&format!("arcade-wire/{path}"))
}

fn catalog() -> Catalog {
    Catalog::filtered([sample_kit::toolkit()], &ToolFilter::default()).expect("no duplicates")
}

#[test]
fn every_sample_tool_has_arcades_definition() {
    let catalog = catalog();
    assert_eq!(catalog.len(), 12);
    for entry in catalog.entries() {
        let name = &entry.definition().name;
        let expected = fixture(&format!("definitions/{name}.json"));
        let actual = serde_json::to_value(entry.definition()).unwrap();
        assert_eq!(
            actual,
            expected,
            "definition of {name} differs:\n ours: {}\n python: {}",
            serde_json::to_string(&actual).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }
}

#[test]
fn worker_catalog_lists_the_same_definitions() {
    let expected = fixture("definitions/_catalog_worker.json");
    let mut expected: Vec<Value> = expected.as_array().unwrap().clone();
    // DIFFERENCES.md #12: our listing is sorted by fully qualified name.
    expected.sort_by_key(|d| d["fully_qualified_name"].as_str().unwrap().to_owned());
    let actual: Vec<Value> = catalog()
        .entries()
        .iter()
        .map(|e| serde_json::to_value(e.definition()).unwrap())
        .collect();
    assert_eq!(actual, expected);
}

/// DIFFERENCES.md #1: our root `inputSchema` always has `required`, even
/// when empty; Arcade omits an empty one.
fn with_explicit_required(mut tool: Value) -> Value {
    let schema = tool["inputSchema"].as_object_mut().unwrap();
    schema.entry("required").or_insert(json!([]));
    tool
}

#[test]
fn mcp_tools_match_arcades_tools_list() {
    let expected: Vec<Value> = fixture("mcp_tools.json")
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(with_explicit_required)
        .collect();
    let actual: Vec<Value> = catalog().entries().iter().map(mcp::tool).collect();
    assert_eq!(actual.len(), expected.len());
    for (a, e) in actual.iter().zip(&expected) {
        assert_eq!(a, e, "MCP tool {} differs", e["name"]);
    }
}

fn walk(schema: &Value, visit: &mut dyn FnMut(&serde_json::Map<String, Value>)) {
    match schema {
        Value::Object(obj) => {
            visit(obj);
            obj.values().for_each(|v| walk(v, visit));
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, visit)),
        _ => {}
    }
}

#[test]
fn schemas_are_portable_and_valid_2020_12() {
    let meta = jsonschema::draft202012::meta::validator();
    for entry in catalog().entries() {
        let name = entry.mcp_name();
        let tool = mcp::tool(entry);
        let inputs = [
            tool["inputSchema"].clone(),
            llm::openai(entry)["function"]["parameters"].clone(),
            llm::anthropic(entry)["input_schema"].clone(),
        ];
        if let Some(output) = tool.get("outputSchema") {
            assert!(
                meta.validate(output).is_ok(),
                "{name}: output schema is not valid 2020-12"
            );
        }
        for schema in &inputs {
            if let Err(e) = meta.validate(schema) {
                panic!("{name}: schema is not valid JSON Schema 2020-12: {e}\n{schema}");
            }
            walk(schema, &mut |obj| {
                assert!(
                    !obj.contains_key("$ref") && !obj.contains_key("$defs"),
                    "{name}: $ref/$defs"
                );
                if let Some(f) = obj.get("format").and_then(Value::as_str) {
                    assert!(
                        !f.starts_with("int")
                            && !f.starts_with("uint")
                            && f != "double"
                            && f != "float",
                        "{name}: non-standard format {f}"
                    );
                }
                if obj.contains_key("properties") {
                    assert_eq!(
                        obj.get("additionalProperties"),
                        Some(&json!(false)),
                        "{name}: open object {obj:?}"
                    );
                }
            });
        }
        let input = &tool["inputSchema"];
        assert_eq!(input["type"], "object", "{name}");
        assert!(
            input["required"].is_array(),
            "{name}: root `required` must be explicit"
        );
    }
}

#[test]
fn openai_strict_lists_every_property_as_required() {
    let catalog = catalog();
    let tag_items = llm::openai(catalog.get("SampleKit.TagItems").unwrap());
    let params = &tag_items["function"]["parameters"];
    assert_eq!(tag_items["function"]["strict"], true);
    assert_eq!(
        params["required"],
        json!(["tags", "ids", "priority", "note", "wire_ref", "priorities"])
    );
    assert_eq!(
        params["properties"]["note"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(params["properties"]["tags"]["type"], json!("array"));
    let anthropic = llm::anthropic(catalog.get("SampleKit.TagItems").unwrap());
    assert_eq!(anthropic["name"], "SampleKit_TagItems");
    assert_eq!(
        anthropic["input_schema"]["required"],
        json!(["tags", "ids", "priority"])
    );
}

/// Arguments a schema accepts also deserialize, and the tool runs on them; among them
/// the renamed `wire_ref`, which Python advertises but rejects (DIFFERENCES.md #5).
#[tokio::test]
async fn accepted_sample_arguments_decode_and_run() {
    let catalog = catalog();
    let samples = [
        ("SampleKit.Echo", json!({"text": "hi"})),
        ("SampleKit.AddNumbers", json!({"a": 2})),
        ("SampleKit.GetFlags", json!({})),
        (
            "SampleKit.TagItems",
            json!({"tags": ["a"], "ids": [1, 2], "priority": "high", "note": "n",
                                      "wire_ref": "r", "priorities": ["low", "urgent"]}),
        ),
        (
            "SampleKit.CreateTicket",
            json!({"ticket": {"title": "t", "labels": []},
                                          "assignee": {"user_id": "u", "email": null},
                                          "extra": {"any": [1, {"x": null}]},
                                          "tickets": [{"title": "u", "body": "b", "labels": ["l"]}]}),
        ),
    ];
    for (name, args) in samples {
        let entry = catalog.get(name).unwrap();
        let schema = mcp::tool(entry)["inputSchema"].clone();
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(validator.is_valid(&args), "{name}: schema rejects {args}");
        let out = arcade_tdk::executor::execute(
            entry,
            args.as_object().unwrap().clone(),
            arcade_tdk::ToolContext::default(),
        )
        .await;
        assert!(out.is_success(), "{name}: {:?}", out.outcome);
    }
}
