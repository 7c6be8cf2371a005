//! Each client's entry as `configure CLIENT` prints it.

use serde_json::{Value, json};

use crate::{SECRET_VALUE, TOKEN_VALUE, exe, run};

fn printed(args: &[&str]) -> Value {
    let run = run(args);
    assert_eq!(run.code, 0, "{}", run.err);
    serde_json::from_str(&run.out).unwrap_or_else(|e| panic!("{e}: {}", run.out))
}

const VARS: [&str; 3] = ["ACME_ACCESS_TOKEN", "ACME_API_KEY", "ACME_SIGNING_SECRET"];

/// `env` with each variable of the tools as `value(name)`.
fn env(value: impl Fn(&str) -> String) -> Value {
    Value::Object(
        VARS.iter()
            .map(|v| (v.to_string(), json!(value(v))))
            .collect(),
    )
}

#[test]
fn claude_desktop_runs_the_binary_with_empty_variables() {
    let expected = json!({"mcpServers": {"acme": {
        "command": exe(),
        "args": ["serve", "stdio"],
        "env": env(|_| String::new()),
    }}});
    assert_eq!(printed(&["configure", "claude-desktop"]), expected);
    let run = run(&["configure", "claude-desktop"]);
    assert!(
        run.err.contains("claude_desktop_config.json"),
        "{}",
        run.err
    );
    assert!(
        run.err.contains("Claude Desktop expands no variables"),
        "{}",
        run.err
    );
}

#[test]
fn claude_code_refers_to_its_environment() {
    let expected = json!({"mcpServers": {"acme": {
        "type": "stdio",
        "command": exe(),
        "args": ["serve", "stdio"],
        "env": env(|v| format!("${{{v}:-}}")),
    }}});
    assert_eq!(printed(&["configure", "claude-code"]), expected);
    let run = run(&["configure", "claude-code"]);
    assert!(
        run.err.contains(&format!(
            "claude mcp add --scope project acme -- {} serve stdio",
            exe()
        )),
        "{}",
        run.err
    );
    let http =
        json!({"mcpServers": {"acme": {"type": "http", "url": "http://127.0.0.1:8000/mcp"}}});
    assert_eq!(
        printed(&["configure", "claude-code", "--transport", "http"]),
        http
    );
}

#[test]
fn cursor_uses_env_interpolation_and_a_bare_url() {
    let expected = json!({"mcpServers": {"acme": {
        "command": exe(),
        "args": ["serve", "stdio"],
        "env": env(|v| format!("${{env:{v}}}")),
    }}});
    assert_eq!(printed(&["configure", "cursor"]), expected);
    let http = json!({"mcpServers": {"acme": {"url": "https://tools.example.com/mcp"}}});
    let args = [
        "configure",
        "cursor",
        "--transport",
        "http",
        "--url",
        "https://tools.example.com/mcp",
    ];
    assert_eq!(printed(&args), http);
}

#[test]
fn vscode_puts_servers_under_servers() {
    let expected = json!({"servers": {"acme": {
        "type": "stdio",
        "command": exe(),
        "args": ["serve", "stdio"],
        "env": env(|v| format!("${{env:{v}}}")),
    }}});
    assert_eq!(printed(&["configure", "vscode"]), expected);
    let http = json!({"servers": {"acme": {"type": "http", "url": "http://127.0.0.1:8000/mcp"}}});
    assert_eq!(
        printed(&["configure", "vs-code", "--transport", "http"]),
        http
    );
}

#[test]
fn codex_forwards_the_variables_by_name() {
    let run = run(&["configure", "codex"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let doc: toml_edit::DocumentMut = run.out.parse().unwrap();
    let server = &doc["mcp_servers"]["acme"];
    assert_eq!(server["command"].as_str(), Some(exe().as_str()));
    let strings = |item: &toml_edit::Item| -> Vec<String> {
        item.as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(strings(&server["args"]), ["serve", "stdio"]);
    assert_eq!(strings(&server["env_vars"]), VARS);
    assert!(server.get("env").is_none());
    assert!(run.out.starts_with("[mcp_servers.acme]"), "{}", run.out);

    let run = crate::run(&["configure", "codex", "--transport", "http"]);
    let doc: toml_edit::DocumentMut = run.out.parse().unwrap();
    assert_eq!(
        doc["mcp_servers"]["acme"]["url"].as_str(),
        Some("http://127.0.0.1:8000/mcp")
    );
}

#[test]
fn secret_values_appear_only_when_asked_for() {
    for client in ["claude-desktop", "claude-code", "cursor", "vscode", "codex"] {
        let run = run(&["configure", client]);
        assert_eq!(run.code, 0, "{client}: {}", run.err);
        for value in [TOKEN_VALUE, SECRET_VALUE] {
            assert!(!run.out.contains(value), "{client}: {}", run.out);
            assert!(!run.err.contains(value), "{client}: {}", run.err);
        }
    }
    let with = printed(&["configure", "cursor", "--include-secret-values"]);
    let env = &with["mcpServers"]["acme"]["env"];
    assert_eq!(env["ACME_ACCESS_TOKEN"], TOKEN_VALUE);
    assert_eq!(env["ACME_SIGNING_SECRET"], SECRET_VALUE);
    // Not set in the environment: left as a reference, and said so.
    assert_eq!(env["ACME_API_KEY"], "${env:ACME_API_KEY}");
    let run = run(&["configure", "cursor", "--include-secret-values"]);
    assert!(
        run.err
            .contains("Not set here, left as a reference: ACME_API_KEY."),
        "{}",
        run.err
    );
    assert!(!run.err.contains(TOKEN_VALUE), "{}", run.err);

    let run = crate::run(&["configure", "codex", "--include-secret-values"]);
    let doc: toml_edit::DocumentMut = run.out.parse().unwrap();
    let server = &doc["mcp_servers"]["acme"];
    assert_eq!(
        server["env"]["ACME_ACCESS_TOKEN"].as_str(),
        Some(TOKEN_VALUE)
    );
    assert_eq!(server["env_vars"].as_array().unwrap().len(), 1);
}

#[test]
fn serve_arguments_and_the_name_can_be_given() {
    let out = printed(&[
        "configure",
        "cursor",
        "--name",
        "acme-rw",
        "--",
        "--enable-write-tools",
    ]);
    assert_eq!(
        out["mcpServers"]["acme-rw"]["args"],
        json!(["serve", "stdio", "--enable-write-tools"])
    );
}

#[test]
fn a_toolkit_that_needs_nothing_gets_no_env() {
    let bare = arcade_tdk::Toolkit::new("x")
        .name("Bare Kit")
        .tool(crate::ping::tool());
    let run = crate::run_with(bare, &["configure", "claude-desktop"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let out: Value = serde_json::from_str(&run.out).unwrap();
    assert_eq!(
        out,
        json!({"mcpServers": {"bare-kit": {"command": exe(), "args": ["serve", "stdio"]}}})
    );
}

#[test]
fn usage_errors() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["configure", "claude-desktop", "--transport", "http"],
            "Connectors",
        ),
        (
            &[
                "configure",
                "cursor",
                "--transport",
                "http",
                "--url",
                "ftp://x",
            ],
            "not an http",
        ),
        (
            &["configure", "cursor", "--config-file", "x.json"],
            "--write",
        ),
        (
            &["configure", "cursor", "--name", " "],
            "--name must not be empty",
        ),
        (&["configure", "emacs"], "unrecognized subcommand"),
    ];
    for (args, message) in cases {
        let run = run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.err);
        assert!(run.err.contains(message), "{args:?}: {}", run.err);
        assert!(run.out.is_empty(), "{args:?}: {}", run.out);
    }
    let run = run(&["configure", "cursor", "--transport", "http", "--", "--x"]);
    assert_eq!(run.code, 2, "{}", run.err);
}
