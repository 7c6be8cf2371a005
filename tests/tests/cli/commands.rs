//! The standard command line, run in-process with captured output: `tools` in every
//! format, `call` (success, tool error, unknown tool, bad input), usage errors and
//! `worker` without its secret.

use arcade_tdk::Catalog;
use arcade_tdk::cli::run_with_output;
use arcade_tdk::definition::{llm, mcp};
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

fn catalog() -> Catalog {
    Catalog::new(arcade_examples::sample_kit::toolkit()).unwrap()
}

fn json_stdout(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", run.stdout))
}

#[test]
fn tools_arcade_is_the_catalog_definitions() {
    let run = run(&["tools"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected: Vec<Value> = catalog()
        .entries()
        .iter()
        .map(|e| serde_json::to_value(e.definition()).unwrap())
        .collect();
    assert_eq!(json_stdout(&run), Value::Array(expected));
    // Pretty-printed.
    assert!(run.stdout.starts_with("[\n"));
    let explicit = self::run(&["tools", "--format", "arcade"]);
    assert_eq!(explicit.stdout, run.stdout);
}

#[test]
fn tools_in_every_format() {
    let catalog = catalog();
    let entries = catalog.entries();
    let cases: [(&str, Vec<Value>); 3] = [
        ("mcp", entries.iter().map(mcp::tool).collect()),
        ("openai", entries.iter().map(llm::openai).collect()),
        ("anthropic", entries.iter().map(llm::anthropic).collect()),
    ];
    for (format, expected) in cases {
        let run = run(&["tools", "--format", format]);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        let got = json_stdout(&run);
        assert_eq!(got, Value::Array(expected), "{format}");
        assert_eq!(got.as_array().unwrap().len(), 12, "{format}");
    }
    let run = run(&["tools", "--format", "mcp"]);
    assert_eq!(json_stdout(&run)[0]["name"], "SampleKit_AddNumbers");
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
