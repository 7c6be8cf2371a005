//! Property tests over the sample kit: values generated from each tool's input schema
//! are accepted, decoded and run (never a bad-input error); the same values with one
//! field replaced by a value of the wrong type, or with an extra key, are rejected with
//! a bad-input error that names the field and never echoes the value.

use arcade_tdk::context::TokenKind;
use arcade_tdk::executor::{self, ToolCallOutput};
use arcade_tdk::{Catalog, CatalogEntry, ToolContext};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Number, Value, json};

fn catalog() -> Catalog {
    Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap()
}

/// A context with every secret, metadata value and the token the sample kit needs.
fn context() -> ToolContext {
    ToolContext::builder()
        .token("prop-token-abcdef", TokenKind::OAuth2)
        .secret("MY_API_KEY", "prop-secret-1111")
        .secret("my_api_key", "prop-secret-2222")
        .secret("OTHER_SECRET", "prop-secret-3333")
        .metadata("client_id", "c")
        .metadata("coordinator_url", "u")
        .metadata("Region", "r")
        .user_id("prop@example.com")
        .build()
}

fn run(entry: &CatalogEntry, args: Map<String, Value>) -> ToolCallOutput {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(executor::execute(entry, args, context()))
        .into_output()
}

fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ]
    .boxed()
}

/// Values the schema accepts, including the lax forms Arcade coerces.
fn accepted(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(Value::Array(allowed)) = schema.get("enum") {
        return proptest::sample::select(allowed.clone()).boxed();
    }
    let types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => return leaf(),
    };
    let strategies: Vec<BoxedStrategy<Value>> = types.iter().map(|t| of_type(t, schema)).collect();
    proptest::strategy::Union::new(strategies).boxed()
}

fn of_type(ty: &str, schema: &Value) -> BoxedStrategy<Value> {
    match ty {
        "string" => any::<String>().prop_map(Value::String).boxed(),
        "integer" => prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<i32>().prop_map(|i| Value::String(i.to_string())),
            any::<i32>().prop_map(|i| json!(f64::from(i))),
        ]
        .boxed(),
        "number" => prop_oneof![
            any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
            any::<i64>().prop_map(Value::from),
            (-1e9f64..1e9).prop_map(|f| Value::String(f.to_string())),
        ]
        .boxed(),
        "boolean" => prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            proptest::sample::select(vec!["true", "false", "yes", "no", "1", "0"])
                .prop_map(|s| Value::String(s.to_owned())),
        ]
        .boxed(),
        "null" => Just(Value::Null).boxed(),
        "array" => {
            let item = schema.get("items").map_or_else(leaf, accepted);
            proptest::collection::vec(item, 0..4)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" => object(schema),
        _ => leaf(),
    }
}

fn object(schema: &Value) -> BoxedStrategy<Value> {
    let properties = schema.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = properties else {
        // A free-form object.
        return proptest::collection::btree_map("[a-z]{1,6}", leaf(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed();
    };
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (name, prop) in properties {
        let name = name.clone();
        let value = accepted(prop);
        if required.contains(&name.as_str()) {
            fields.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
        } else {
            fields.push(
                proptest::option::of(value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed(),
            );
        }
    }
    fields
        .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
        .boxed()
}

/// Every place in `value` a property schema describes: (path as the validator names
/// it, JSON pointer, the property's schema).
fn fields(
    schema: &Value,
    value: &Value,
    path: &str,
    pointer: &str,
    out: &mut Vec<(String, String, Value)>,
) {
    match value {
        Value::Object(map) => {
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            for (key, item) in map {
                if let Some(prop) = props.get(key) {
                    let p = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    let ptr = format!("{pointer}/{key}");
                    out.push((p.clone(), ptr.clone(), prop.clone()));
                    fields(prop, item, &p, &ptr, out);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let p = format!("{path}[{i}]");
                    let ptr = format!("{pointer}/{i}");
                    out.push((p.clone(), ptr.clone(), item_schema.clone()));
                    fields(item_schema, item, &p, &ptr, out);
                }
            }
        }
        _ => {}
    }
}

/// A value of the wrong type for `schema` that no lax coercion accepts, carrying
/// `marker`; None when the schema accepts anything.
fn poison(schema: &Value, marker: &str) -> Option<Value> {
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    if types.contains(&"string") && schema.get("enum").is_none() {
        return Some(json!({ "v": marker }));
    }
    if types.contains(&"object") {
        return Some(json!([marker]));
    }
    Some(Value::String(marker.to_owned()))
}

fn config() -> Config {
    Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn whatever_the_schema_accepts_runs() {
    let catalog = catalog();
    for entry in catalog.entries() {
        let schema = entry.tool().spec().input_schema().clone();
        let mut runner = TestRunner::new(config());
        let name = entry.mcp_name().to_owned();
        runner
            .run(&accepted(&schema), |args| {
                let Value::Object(args) = args else {
                    unreachable!()
                };
                let output = run(entry, args.clone());
                if let Some(error) = &output.error {
                    // Fail raises by design; nothing may be refused as bad input.
                    prop_assert_ne!(
                        serde_json::to_value(error.kind).unwrap(),
                        json!("TOOL_RUNTIME_BAD_INPUT_VALUE"),
                        "{} rejected {:?}: {:?}",
                        name,
                        args,
                        error
                    );
                    prop_assert_eq!(&name, "SampleKit_Fail", "{:?}", error);
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", entry.mcp_name()));
    }
}

#[test]
fn wrong_types_and_extra_keys_are_named_and_never_echoed() {
    let catalog = catalog();
    for entry in catalog.entries() {
        let schema = entry.tool().spec().input_schema().clone();
        let mut runner = TestRunner::new(config());
        let strategy = (
            accepted(&schema),
            any::<Index>(),
            "[a-z]{10}",
            any::<bool>(),
        );
        runner
            .run(&strategy, |(args, index, tail, extra)| {
                let marker = format!("pv_{tail}");
                let mut args = args;
                let mut targets = Vec::new();
                fields(&schema, &args, "", "", &mut targets);
                let field = if extra || targets.is_empty() {
                    let key = format!("xk_{}", &tail[..4]);
                    args.as_object_mut()
                        .unwrap()
                        .insert(key.clone(), json!(marker));
                    key
                } else {
                    let (path, pointer, prop) = index.get(&targets).clone();
                    let Some(bad) = poison(&prop, &marker) else {
                        return Ok(());
                    };
                    *args.pointer_mut(&pointer).unwrap() = bad;
                    path
                };
                let Value::Object(map) = &args else {
                    unreachable!()
                };
                let output = run(entry, map.clone());
                let error = output.error.as_ref();
                prop_assert!(error.is_some(), "{:?} accepted", args);
                let error = error.unwrap();
                prop_assert_eq!(
                    serde_json::to_value(error.kind).unwrap(),
                    json!("TOOL_RUNTIME_BAD_INPUT_VALUE")
                );
                prop_assert!(
                    error.message.contains(&field),
                    "message does not name {}: {}",
                    field,
                    error.message
                );
                let whole = serde_json::to_string(&output).unwrap();
                prop_assert!(!whole.contains(&marker), "value echoed: {}", whole);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", entry.mcp_name()));
    }
}
