//! Hostile input to the `call` command, in-process: malformed, truncated and oversized
//! `--input`, invalid UTF-8 arguments, deep nesting, wrong shapes, wrong types and extra
//! keys. Every run ends with exit code 1 (a tool error) or 2 (a usage error), a clear
//! message, no panic, and never the offending value echoed back.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use arcade_tdk::cli::run_with_output;
use serde_json::Value;

const MARK: &str = "zz-hostile-value-zz";

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn run(args: Vec<OsString>) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with_output(
        arcade_examples::sample_kit::toolkit(),
        std::iter::once(OsString::from("sample_kit")).chain(args),
        &mut out,
        &mut err,
    );
    Run {
        code,
        stdout: String::from_utf8(out).expect("UTF-8 stdout"),
        stderr: String::from_utf8(err).expect("UTF-8 stderr"),
    }
}

fn call(tool: &str, input: impl Into<OsString>) -> Run {
    run(vec![
        "call".into(),
        tool.into(),
        "--input".into(),
        input.into(),
    ])
}

#[test]
fn malformed_inputs_are_usage_errors_without_echo() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let deep_arg = format!("{{\"text\":{deep}}}");
    let huge = format!("[\"{}\"]", MARK.repeat(10 * 1024 * 1024 / MARK.len()));
    let cases: Vec<(&str, OsString)> = vec![
        ("truncated", r#"{"text":"#.into()),
        ("not json", format!("{MARK} please").into()),
        ("array", format!("[\"{MARK}\"]").into()),
        ("string", format!("\"{MARK}\"").into()),
        ("number", "12345678".into()),
        ("boolean", "true".into()),
        ("nul", "\0".into()),
        (
            "invalid utf-8",
            OsString::from_vec(b"{\"text\":\"\xff\xfe\"}".to_vec()),
        ),
        ("lone surrogate", r#"{"text":"\ud800"}"#.into()),
        ("deeply nested (100k)", deep.into()),
        ("deeply nested argument (100k)", deep_arg.into()),
        ("10 MB array", huge.into()),
    ];
    for (label, input) in cases {
        let run = call("Echo", input);
        assert_eq!(run.code, 2, "{label}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{label}: {}", run.stdout);
        assert!(!run.stderr.is_empty(), "{label}");
        assert!(
            run.stderr.len() < 4096,
            "{label}: {} bytes of stderr",
            run.stderr.len()
        );
        assert!(
            !run.stderr.contains(MARK),
            "{label}: echoed: {}",
            run.stderr
        );
    }
}

#[test]
fn invalid_utf8_tool_names_and_flags_are_usage_errors() {
    let run = self::run(vec![
        "call".into(),
        OsString::from_vec(b"Ech\xffo".to_vec()),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = self::run(vec![OsString::from_vec(b"--\xff".to_vec())]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = call(&"x".repeat(100_000), "{}");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown tool"),
        "{}",
        &run.stderr[..200.min(run.stderr.len())]
    );
}

#[test]
fn wrong_types_and_extra_keys_are_bad_input_tool_errors() {
    let cases: Vec<(&str, String, &str)> = vec![
        ("Echo", format!(r#"{{"text":["{MARK}"]}}"#), "text"),
        (
            "Echo",
            format!(r#"{{"text":"x","bogus_key":"{MARK}"}}"#),
            "bogus_key",
        ),
        ("AddNumbers", format!(r#"{{"a":"{MARK}"}}"#), "a"),
        ("GetFlags", format!(r#"{{"verbose":"{MARK}"}}"#), "verbose"),
        ("GetFlags", format!(r#"{{"mode":"{MARK}"}}"#), "mode"),
        (
            "TagItems",
            format!(r#"{{"tags":["a"],"ids":["{MARK}"],"priority":"low"}}"#),
            "ids[0]",
        ),
        (
            "CreateTicket",
            format!(
                r#"{{"ticket":{{"title":{{"x":"{MARK}"}},"labels":[]}},"assignee":{{"user_id":"u"}}}}"#
            ),
            "ticket.title",
        ),
    ];
    for (tool, input, field) in cases {
        let run = call(tool, input);
        assert_eq!(run.code, 1, "{tool}: {}", run.stderr);
        let output: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(output["error"]["kind"], "TOOL_RUNTIME_BAD_INPUT_VALUE");
        assert!(
            output["error"]["message"].as_str().unwrap().contains(field),
            "{field}: {}",
            run.stdout
        );
        assert!(
            !run.stdout.contains(MARK) && !run.stderr.contains(MARK),
            "{tool}: echoed"
        );
    }
}

#[test]
fn a_panicking_tool_is_exit_1_with_a_fatal_error() {
    let run = call("Fail", r#"{"kind":"valueerror"}"#);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["error"]["kind"], "TOOL_RUNTIME_FATAL");
}
