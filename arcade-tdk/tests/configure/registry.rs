//! `configure registry`: the MCP registry's `server.json`, validated against the
//! registry's published schema (`tests/fixtures/mcp-registry/`, see its README).

use serde_json::{Value, json};

use crate::{run, run_with};

const SCHEMA: &str = include_str!("../fixtures/mcp-registry/server.schema.json");

fn schema_errors(instance: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn manifest(args: &[&str]) -> Value {
    let mut argv = vec!["configure", "registry"];
    argv.extend_from_slice(args);
    let run = run(&argv);
    assert_eq!(run.code, 0, "{}", run.err);
    serde_json::from_str(&run.out).unwrap()
}

#[test]
fn the_manifest_is_valid_against_the_registry_schema() {
    let server = manifest(&[
        "--name",
        "io.github.acme/tools-acme",
        "--package",
        "tools-acme",
    ]);
    assert_eq!(schema_errors(&server), Vec::<String>::new());
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    assert_eq!(server["$schema"], schema["$id"]);
    assert_eq!(server["name"], "io.github.acme/tools-acme");
    assert_eq!(server["description"], "Acme tools for tests.");
    assert_eq!(server["version"], "1.2.3");
    let package = &server["packages"][0];
    assert_eq!(package["registryType"], "cargo");
    assert_eq!(package["identifier"], "tools-acme");
    assert_eq!(package["version"], "1.2.3");
    assert_eq!(package["transport"], json!({"type": "stdio"}));
    assert_eq!(
        package["packageArguments"],
        json!([{"type": "positional", "value": "serve"}, {"type": "positional", "value": "stdio"}])
    );
    let vars = package["environmentVariables"].as_array().unwrap();
    let names: Vec<&str> = vars.iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["ACME_ACCESS_TOKEN", "ACME_API_KEY", "ACME_SIGNING_SECRET"]
    );
    assert!(
        vars.iter()
            .all(|v| v["isSecret"] == true && v.get("value").is_none())
    );
    assert!(
        vars[2]["description"]
            .as_str()
            .unwrap()
            .contains("Sign, Verify")
    );
}

#[test]
fn every_option_stays_valid() {
    let server = manifest(&[
        "--name",
        "com.example/acme",
        "--title",
        "Acme",
        "--description",
        "Acme's tickets for LLMs.",
        "--repository",
        "https://github.com/acme/tools-acme",
        "--website",
        "https://acme.example.com",
        "--remote",
        "https://mcp.acme.example.com/mcp",
    ]);
    assert_eq!(schema_errors(&server), Vec::<String>::new());
    assert_eq!(
        server["repository"],
        json!({"url": "https://github.com/acme/tools-acme", "source": "github"})
    );
    assert_eq!(
        server["remotes"],
        json!([{"type": "streamable-http", "url": "https://mcp.acme.example.com/mcp"}])
    );
    assert_eq!(server["title"], "Acme");
}

#[test]
fn the_fixture_rejects_what_the_registry_rejects() {
    // The schema is not vacuous: the checks the command makes are the schema's.
    let mut server = manifest(&["--name", "io.github.acme/tools-acme"]);
    server["name"] = json!("no-slash");
    assert!(!schema_errors(&server).is_empty());
    server["name"] = json!("io.github.acme/tools-acme");
    server["description"] = json!("x".repeat(101));
    assert!(!schema_errors(&server).is_empty());
}

#[test]
fn what_the_registry_would_refuse_is_a_usage_error() {
    let long = "x".repeat(101);
    let cases: [(&[&str], &str); 5] = [
        (&["--name", "tools-acme"], "not a registry name"),
        (&["--name", "a/b/c"], "not a registry name"),
        (
            &["--name", "io.github.acme/x", "--description", &long],
            "allows 100",
        ),
        (
            &["--name", "io.github.acme/x", "--remote", "mcp.acme.com"],
            "not an http",
        ),
        (&["--name", "io.github.acme/x", "--title", ""], "--title"),
    ];
    for (args, message) in cases {
        let mut argv = vec!["configure", "registry"];
        argv.extend_from_slice(args);
        let run = run(&argv);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.err.contains(message), "{args:?}: {}", run.err);
        assert!(run.out.is_empty());
    }
    let unversioned = arcade_tdk::Toolkit::new("Acme")
        .description("d")
        .tool(crate::ping::tool());
    let run = run_with(
        unversioned,
        &["configure", "registry", "--name", "io.github.acme/x"],
    );
    assert_eq!(run.code, 2);
    assert!(run.err.contains("no version"), "{}", run.err);
    let undescribed = arcade_tdk::Toolkit::new("Acme")
        .version("1.0.0")
        .tool(crate::ping::tool());
    let run = run_with(
        undescribed,
        &["configure", "registry", "--name", "io.github.acme/x"],
    );
    assert_eq!(run.code, 2);
    assert!(run.err.contains("no description"), "{}", run.err);
}
