//! `configure CLIENT --write`: merged into the client's file, with a backup.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{SECRET_VALUE, TempDir, exe, run};

fn write(client: &str, file: &Path, extra: &[&str]) -> crate::Run {
    let mut args = vec![
        "configure",
        client,
        "--write",
        "--config-file",
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".bak-"))
        .collect();
    found.sort();
    found
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_absent_file_is_created_with_its_folders() {
    let tmp = TempDir::new();
    let file = tmp.path().join("Claude").join("claude_desktop_config.json");
    let run = write("claude-desktop", &file, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.contains("Created"), "{}", run.out);
    let doc = read_json(&file);
    assert_eq!(doc["mcpServers"]["acme"]["command"], exe());
    assert!(backups(file.parent().unwrap()).is_empty());
}

#[test]
fn other_servers_and_settings_are_kept_and_a_backup_is_made() {
    let tmp = TempDir::new();
    let file = tmp.path().join("mcp.json");
    let original = r#"{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"], "env": {"GITHUB_TOKEN": "ghp_keep_me"}},
    "zeta": {"url": "https://zeta.example.com/mcp"}
  },
  "globalShortcut": "Ctrl+Space"
}"#;
    std::fs::write(&file, original).unwrap();
    let run = write("cursor", &file, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let doc = read_json(&file);
    let servers = doc["mcpServers"].as_object().unwrap();
    let names: Vec<&str> = servers.keys().map(String::as_str).collect();
    assert_eq!(names, ["github", "zeta", "acme"]);
    let before: Value = serde_json::from_str(original).unwrap();
    assert_eq!(servers["github"], before["mcpServers"]["github"]);
    assert_eq!(servers["zeta"], before["mcpServers"]["zeta"]);
    assert_eq!(doc["globalShortcut"], "Ctrl+Space");
    assert_eq!(servers["acme"]["args"], json!(["serve", "stdio"]));

    let found = backups(tmp.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(std::fs::read_to_string(&found[0]).unwrap(), original);
    let name = found[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("mcp.json.bak-") && name.ends_with('Z'),
        "{name}"
    );
    assert!(
        run.out.contains(&found[0].display().to_string()),
        "{}",
        run.out
    );
    assert!(run.out.contains("Added the server `acme`"), "{}", run.out);
}

#[test]
fn writing_again_replaces_our_entry_and_keeps_each_backup() {
    let tmp = TempDir::new();
    let file = tmp.path().join(".mcp.json");
    assert_eq!(write("claude-code", &file, &[]).code, 0);
    let first = std::fs::read_to_string(&file).unwrap();
    let run = write("claude-code", &file, &["--transport", "http"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(
        run.out.contains("Replaced the server `acme`"),
        "{}",
        run.out
    );
    let doc = read_json(&file);
    assert_eq!(doc["mcpServers"].as_object().unwrap().len(), 1);
    assert_eq!(doc["mcpServers"]["acme"]["type"], "http");
    // Within the same second the second backup gets a number.
    let run = write("claude-code", &file, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let found = backups(tmp.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|b| std::fs::read_to_string(b).unwrap() == first)
    );
}

#[test]
fn a_file_that_is_not_json_is_refused_and_left_alone() {
    let tmp = TempDir::new();
    let cases = [
        ("{\"mcpServers\": {", "is not valid JSON"),
        ("// a comment\n{}", "is not valid JSON"),
        ("[1, 2]", "does not hold a JSON object"),
        ("{\"servers\": []}", "\"servers\" in"),
    ];
    for (text, message) in cases {
        let file = tmp.path().join("mcp.json");
        std::fs::write(&file, text).unwrap();
        let run = write("vscode", &file, &[]);
        assert_eq!(run.code, 1, "{text}: {}", run.out);
        assert!(run.err.contains(message), "{text}: {}", run.err);
        assert!(
            run.err.contains("nothing was written"),
            "{text}: {}",
            run.err
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        assert!(backups(tmp.path()).is_empty());
    }
}

#[test]
fn an_empty_file_is_an_empty_configuration() {
    let tmp = TempDir::new();
    let file = tmp.path().join("mcp.json");
    std::fs::write(&file, "\n").unwrap();
    let run = write("vscode", &file, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(read_json(&file)["servers"]["acme"]["type"], "stdio");
}

#[test]
fn codex_keeps_the_rest_of_config_toml_with_its_comments() {
    let tmp = TempDir::new();
    let file = tmp.path().join("config.toml");
    let original =
        "# my settings\nmodel = \"o3\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\" # keep\n";
    std::fs::write(&file, original).unwrap();
    let run = write("codex", &file, &[]);
    assert_eq!(run.code, 0, "{}", run.err);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(original), "{text}");
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    assert_eq!(
        doc["mcp_servers"]["docs"]["command"].as_str(),
        Some("docs-mcp")
    );
    assert_eq!(
        doc["mcp_servers"]["acme"]["command"].as_str(),
        Some(exe().as_str())
    );
    assert_eq!(
        std::fs::read_to_string(&backups(tmp.path())[0]).unwrap(),
        original
    );

    let bad = "model = \"o3\"\n[mcp_servers\n";
    std::fs::write(&file, bad).unwrap();
    let run = write("codex", &file, &[]);
    assert_eq!(run.code, 1);
    assert!(run.err.contains("is not valid TOML"), "{}", run.err);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), bad);

    let inline = "mcp_servers = 3\n";
    std::fs::write(&file, inline).unwrap();
    let run = write("codex", &file, &[]);
    assert_eq!(run.code, 1);
    assert!(run.err.contains("is not a table"), "{}", run.err);
}

#[cfg(unix)]
#[test]
fn a_new_file_with_secret_values_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new();
    let file = tmp.path().join("mcp.json");
    let run = write("cursor", &file, &["--include-secret-values"]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        read_json(&file)["mcpServers"]["acme"]["env"]["ACME_SIGNING_SECRET"],
        SECRET_VALUE
    );
    assert!(!run.out.contains(SECRET_VALUE) && !run.err.contains(SECRET_VALUE));
}
