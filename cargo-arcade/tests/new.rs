//! `cargo arcade new` as a user runs it: the files it writes, and what it refuses.
//! (That a scaffold builds, passes its tests, clippy and `cargo package` is checked by
//! `scripts/scaffold-check.sh` in CI.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system's temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cargo-arcade-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cargo_arcade(args: &[&str], cwd: &Path) -> Output {
    // As cargo runs a subcommand: `cargo-arcade arcade new ...`.
    Command::new(env!("CARGO_BIN_EXE_cargo-arcade"))
        .arg("arcade")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The workspace root (a checkout with `arcade-tdk/` and `tools-pagerduty/`).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

const FILES: [&str; 8] = [
    "Cargo.toml",
    "README.md",
    ".env.example",
    ".gitignore",
    ".github/workflows/ci.yml",
    "src/lib.rs",
    "src/main.rs",
    "tests/tools.rs",
];

#[test]
fn new_writes_a_crate_into_name() {
    let tmp = TempDir::new();
    let out = cargo_arcade(&["new", "tools-acme"], &tmp.0);
    assert!(out.status.success(), "{}", stderr(&out));
    let root = tmp.0.join("tools-acme");
    for file in FILES {
        assert!(root.join(file).is_file(), "{file} missing");
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"tools-acme\""));
    assert!(!manifest.contains("path ="), "{manifest}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Created `tools-acme`"), "{stdout}");
}

#[test]
fn new_without_the_subcommand_name_works_too() {
    let tmp = TempDir::new();
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-arcade"))
        .args(["new", "weather"])
        .current_dir(&tmp.0)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(tmp.0.join("weather/src/lib.rs").is_file());
}

#[test]
fn tdk_path_and_provider_point_the_dependencies_at_the_checkout() {
    let tmp = TempDir::new();
    let dir = tmp.0.join("nested/pd");
    let ws = workspace();
    let out = cargo_arcade(
        &[
            "new",
            "tools-my-pd",
            "--provider",
            "pagerduty",
            "--tdk-path",
            ws.to_str().unwrap(),
            "--dir",
            dir.to_str().unwrap(),
        ],
        &tmp.0,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let ws = ws.canonicalize().unwrap();
    assert!(manifest.contains(&format!("path = \"{}\"", ws.join("arcade-tdk").display())));
    assert!(manifest.contains(&format!(
        "path = \"{}\"",
        ws.join("tools-pagerduty").display()
    )));
    let tests = std::fs::read_to_string(dir.join("tests/tools.rs")).unwrap();
    assert!(tests.contains("Sandbox::start().await"));
}

#[test]
fn an_existing_directory_is_never_overwritten() {
    let tmp = TempDir::new();
    let root = tmp.0.join("tools-acme");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("Cargo.toml"), "mine").unwrap();
    let out = cargo_arcade(&["new", "tools-acme"], &tmp.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already exists: nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("Cargo.toml")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1);
}

#[test]
fn a_bad_name_is_a_usage_error_and_writes_nothing() {
    let tmp = TempDir::new();
    for name in ["1abc", "my tools", "Tools", "self", "serde"] {
        let out = cargo_arcade(&["new", name], &tmp.0);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).contains("not a valid crate name"),
            "{name}: {}",
            stderr(&out)
        );
    }
    assert_eq!(std::fs::read_dir(&tmp.0).unwrap().count(), 0);
}

#[test]
fn a_tdk_path_without_the_tdk_is_refused() {
    let tmp = TempDir::new();
    let out = cargo_arcade(
        &["new", "tools-acme", "--tdk-path", tmp.0.to_str().unwrap()],
        &tmp.0,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no arcade-tdk/Cargo.toml there"),
        "{}",
        stderr(&out)
    );
    let missing = tmp.0.join("missing");
    let out = cargo_arcade(
        &["new", "tools-acme", "--tdk-path", missing.to_str().unwrap()],
        &tmp.0,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!tmp.0.join("tools-acme").exists());
}

#[test]
fn an_unknown_provider_is_a_usage_error() {
    let tmp = TempDir::new();
    let out = cargo_arcade(&["new", "tools-acme", "--provider", "jira"], &tmp.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("pagerduty"), "{}", stderr(&out));
}
