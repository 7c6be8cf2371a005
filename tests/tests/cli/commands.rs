//! The standard command line, run in-process with captured output: `tools` in every
//! format, `call` (success, tool error, unknown tool, bad input), usage errors and
//! `worker` without its secret.

use arcade_tdk::cli::run_with_output;
use serde_json::{Value, json};

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with_output(
        arcade_examples::sample_kit::toolkit(),
        std::iter::once("sample_kit").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    Run {
        code,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

fn fixture(path: &str) -> Value {
    arcade_tests::fixtures::json(&format!("arcade-wire/{path}"))
}

/// DIFFERENCES.md #1: our root `inputSchema` always has `required`, even when empty;
/// Arcade omits an empty one.
fn with_explicit_required(mut tool: Value) -> Value {
    let schema = tool["inputSchema"].as_object_mut().unwrap();
    schema.entry("required").or_insert(json!([]));
    tool
}

/// Arcade's `tools/list` entries for the sample kit (`mcp_tools.json`), with
/// DIFFERENCES.md #1 applied.
fn arcades_mcp_tools() -> Vec<Value> {
    fixture("mcp_tools.json")
        .as_array()
        .unwrap()
        .iter()
        .cloned()
        .map(with_explicit_required)
        .collect()
}

fn json_stdout(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", run.stdout))
}

#[test]
fn tools_arcade_is_arcades_worker_catalog() {
    let run = run(&["tools"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // What Python's worker lists, in our order (DIFFERENCES.md #12: by fully qualified
    // name).
    let mut expected = fixture("definitions/_catalog_worker.json")
        .as_array()
        .unwrap()
        .clone();
    expected.sort_by_key(|d| d["fully_qualified_name"].as_str().unwrap().to_owned());
    assert_eq!(expected.len(), 12);
    assert_eq!(json_stdout(&run), Value::Array(expected));
    // Pretty-printed.
    assert!(
        run.stdout
            .starts_with("[\n  {\n    \"name\": \"AddNumbers\",\n")
    );
    let explicit = self::run(&["tools", "--format", "arcade"]);
    assert_eq!(explicit.stdout, run.stdout);
}

#[test]
fn tools_mcp_is_arcades_tools_list() {
    let run = run(&["tools", "--format", "mcp"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = json_stdout(&run);
    let got = got.as_array().unwrap();
    let expected = arcades_mcp_tools();
    assert_eq!(got.len(), 12);
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e, "MCP tool {} differs", e["name"]);
    }
    assert_eq!(got[0]["name"], "SampleKit_AddNumbers");
}

/// The exact output of `tools --format openai` and `--format anthropic`: Python's
/// converters were not run for the fixtures, so the expectation is written down here
/// (`expected/`), checked against Python's rules in
/// [`expected_llm_formats_follow_arcades_converters`].
const OPENAI: &str = include_str!("expected/tools_openai.json");
const ANTHROPIC: &str = include_str!("expected/tools_anthropic.json");

#[test]
fn tools_openai_and_anthropic_are_the_expected_text() {
    for (format, expected) in [("openai", OPENAI), ("anthropic", ANTHROPIC)] {
        let run = run(&["tools", "--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert_eq!(run.stdout, expected, "{format}");
    }
}

/// The expected provider formats agree with Arcade's `tools/list` (`mcp_tools.json`)
/// and with the rules of Python's `arcade_core.converters` (fixtures' `NOTES.md`):
/// names `Toolkit_Tool`; Anthropic's `input_schema` is the MCP `inputSchema`; OpenAI's
/// strict mode lists every property as required and makes the optional ones nullable.
#[test]
fn expected_llm_formats_follow_arcades_converters() {
    let mcp_tools = arcades_mcp_tools();
    let openai: Vec<Value> = serde_json::from_str(OPENAI).unwrap();
    let anthropic: Vec<Value> = serde_json::from_str(ANTHROPIC).unwrap();
    assert_eq!(openai.len(), mcp_tools.len());
    assert_eq!(anthropic.len(), mcp_tools.len());
    for ((mcp, openai), anthropic) in mcp_tools.iter().zip(&openai).zip(&anthropic) {
        let name = &mcp["name"];
        let schema = &mcp["inputSchema"];
        assert_eq!(&anthropic["name"], name);
        assert_eq!(&anthropic["input_schema"], schema, "{name}");
        let function = &openai["function"];
        assert_eq!(openai["type"], "function", "{name}");
        assert_eq!(&function["name"], name);
        assert_eq!(function["strict"], true, "{name}");
        assert_eq!(function["description"], anthropic["description"], "{name}");
        let params = &function["parameters"];
        let properties = schema["properties"].as_object().unwrap();
        let mut all: Vec<&str> = properties.keys().map(String::as_str).collect();
        let mut listed: Vec<&str> = params["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        all.sort_unstable();
        listed.sort_unstable();
        assert_eq!(listed, all, "{name}: strict mode requires every property");
        let required = schema["required"].as_array().unwrap();
        for (key, property) in properties {
            let ty = &params["properties"][key]["type"];
            if required.contains(&json!(key)) {
                assert_eq!(ty, &property["type"], "{name}.{key}");
            } else {
                assert_eq!(ty, &json!([property["type"], "null"]), "{name}.{key}");
            }
        }
    }
}

#[test]
fn tools_can_be_filtered() {
    let run = run(&["tools", "--tools", "Echo,SampleKit.Fail"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<String> = json_stdout(&run)
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Echo", "Fail"]);

    let run = self::run(&["tools", "--read-only", "--exclude-tools", "nothing"]);
    assert_eq!(run.code, 0);
    let names: Vec<Value> = json_stdout(&run)
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].clone())
        .collect();
    assert_eq!(names, [json!("GetFlags")]);

    let run = self::run(&["tools", "--tools", "Nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("Nope"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn call_echo() {
    let run = run(&["call", "Echo", "--input", r#"{"text":"hi"}"#]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Not a terminal: one line of compact JSON.
    assert_eq!(
        run.stdout,
        "{\"value\":\"hi\",\"logs\":null,\"error\":null,\"requires_authorization\":null}\n"
    );
    // Any spelling of the name works.
    for name in ["SampleKit.Echo", "samplekit_echo", "echo"] {
        let run = self::run(&["call", name, "-i", r#"{"text":"x"}"#]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert_eq!(json_stdout(&run)["value"], "x");
    }
}

#[test]
fn call_tool_error_exits_1() {
    let run = run(&["call", "Fail", "--input", r#"{"kind":"retry"}"#]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let output = json_stdout(&run);
    assert_eq!(output["error"]["kind"], "TOOL_RUNTIME_RETRY");
    assert_eq!(output["value"], Value::Null);

    // Bad arguments are the tool's input error, reported the same way.
    let run = self::run(&["call", "AddNumbers", "--input", r#"{"a":"x"}"#]);
    assert_eq!(run.code, 1);
    assert_eq!(
        json_stdout(&run)["error"]["kind"],
        "TOOL_RUNTIME_BAD_INPUT_VALUE"
    );
}

#[test]
fn call_unknown_tool_exits_2() {
    let run = run(&["call", "Nope"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("unknown tool"), "{}", run.stderr);
    assert!(run.stderr.contains("SampleKit.Echo"), "{}", run.stderr);
}

#[test]
fn call_with_bad_input_exits_2() {
    for input in ["{not json", "[1,2]", "\"text\""] {
        let run = run(&["call", "Echo", "--input", input]);
        assert_eq!(run.code, 2, "{input}");
        assert!(run.stderr.contains("--input"), "{}", run.stderr);
    }
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let run = run(&["tools", "--format", "yaml"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("yaml"));
    assert!(run.stdout.is_empty());

    let run = self::run(&["frobnicate"]);
    assert_eq!(run.code, 2);

    let run = self::run(&[]);
    assert_eq!(run.code, 2);

    let run = self::run(&["--help"]);
    assert_eq!(run.code, 0);
    for command in ["tools", "serve", "worker", "call", "--log-level"] {
        assert!(run.stdout.contains(command), "{command}: {}", run.stdout);
    }
    assert!(run.stdout.contains("SampleKit"));

    let run = self::run(&["call", "--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("--input"));

    let run = self::run(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("1.0.0"));
}

#[test]
fn serve_rejects_an_unknown_transport() {
    let run = run(&["serve", "carrier-pigeon"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_toolkit_without_version_or_description_works() {
    let toolkit =
        || arcade_tdk::Toolkit::new("Bare").tool(arcade_examples::sample_kit::echo::tool());
    for args in [
        &["--help"][..],
        &["tools"],
        &["tools", "--help"],
        &["--version"],
    ] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run_with_output(
            toolkit(),
            std::iter::once("bare").chain(args.iter().copied()),
            &mut out,
            &mut err,
        );
        let expected = if args == ["--version"] { 2 } else { 0 };
        assert_eq!(
            code,
            expected,
            "{args:?}: {}",
            String::from_utf8_lossy(&err)
        );
    }
}
