//! What `new` writes: the files of a scaffold, rendered from the templates, into a
//! directory that did not exist.

use std::path::{Path, PathBuf};

use crate::Failure;
use crate::name::Names;
use crate::render::render;

/// The templates, compiled in (one set per provider, and the files they share).
mod templates {
    pub(super) const CARGO_TOML: &str = include_str!("../templates/common/Cargo.toml.tmpl");
    pub(super) const MAIN_RS: &str = include_str!("../templates/common/main.rs.tmpl");
    pub(super) const README: &str = include_str!("../templates/common/README.md.tmpl");
    pub(super) const ENV_EXAMPLE: &str = include_str!("../templates/common/env.example.tmpl");
    pub(super) const GITIGNORE: &str = include_str!("../templates/common/gitignore.tmpl");
    pub(super) const CI: &str = include_str!("../templates/common/ci.yml.tmpl");
    pub(super) const GENERIC_LIB: &str = include_str!("../templates/generic/lib.rs.tmpl");
    pub(super) const GENERIC_TESTS: &str = include_str!("../templates/generic/tests.rs.tmpl");
    pub(super) const PAGERDUTY_LIB: &str = include_str!("../templates/pagerduty/lib.rs.tmpl");
    pub(super) const PAGERDUTY_TESTS: &str = include_str!("../templates/pagerduty/tests.rs.tmpl");
}

/// The arcade-tdk version the scaffold depends on: this crate's own (the workspace
/// releases them together).
const TDK_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The generated crate's `rust-version`: the TDK's.
const RUST_VERSION: &str = env!("CARGO_PKG_RUST_VERSION");

/// What to generate.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) names: Names,
    /// `--provider pagerduty`.
    pub(crate) pagerduty: bool,
    /// `--tdk-path`: the root of an arcade-tdk checkout (absolute).
    pub(crate) tdk: Option<PathBuf>,
}

/// Checks that `dir` is an arcade-tdk checkout (with `tools-pagerduty` when
/// `needs_pagerduty`) and returns it absolute.
pub(crate) fn local_tdk(dir: &Path, needs_pagerduty: bool) -> Result<PathBuf, String> {
    let root = dir
        .canonicalize()
        .map_err(|e| format!("--tdk-path {}: {e}", dir.display()))?;
    let mut crates = vec!["arcade-tdk"];
    if needs_pagerduty {
        crates.push("tools-pagerduty");
    }
    for name in crates {
        if !root.join(name).join("Cargo.toml").is_file() {
            return Err(format!(
                "--tdk-path {}: no {name}/Cargo.toml there (give the root of the arcade-tdk workspace)",
                dir.display()
            ));
        }
    }
    Ok(root)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Plan {
    /// Where a workspace crate comes from: `version = "..."`, plus `path = "..."` with
    /// `--tdk-path` (cargo uses the path locally and the version once published).
    fn source(&self, crate_dir: &str) -> String {
        let version = format!("version = {}", toml_string(TDK_VERSION));
        match &self.tdk {
            Some(root) => format!(
                "path = {}, {version}",
                toml_string(&root.join(crate_dir).to_string_lossy())
            ),
            None => version,
        }
    }

    /// The placeholders' values.
    fn vars(&self) -> Vec<(&'static str, String)> {
        let n = &self.names;
        let token_prefix = if self.pagerduty {
            "PAGERDUTY".to_owned()
        } else {
            n.provider_id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect()
        };
        let token_vars = format!("`{token_prefix}_ACCESS_TOKEN` or `{token_prefix}_API_KEY`");
        let (provider_deps, provider_dev_deps, tool_table, first_tool, first_input, test_note) =
            if self.pagerduty {
                let pd = self.source("tools-pagerduty");
                (
                    format!("tools-pagerduty = {{ {pd}, default-features = false }}\n"),
                    format!("tools-pagerduty = {{ {pd}, features = [\"sandbox\"] }}\n"),
                    format!(
                        "| `GetCurrentUser` | a PagerDuty token ({token_vars}) |\n\
                         | `SecretHint` | the secret `{}` |",
                        n.secret_name
                    ),
                    "GetCurrentUser",
                    String::new(),
                    "\n\nThe PagerDuty tests run against `tools_pagerduty::sandbox`, a fake PagerDuty \
                     on loopback seeded with a realistic account: no account and no network needed. \
                     `Sandbox::context(token, kind)` gives a `ToolContext` for calling a tool \
                     function directly."
                        .to_owned(),
                )
            } else {
                (
                    String::new(),
                    String::new(),
                    format!(
                        "| `Hello` | nothing |\n\
                         | `Whoami` | an OAuth token for `{}` ({token_vars}) |\n\
                         | `SecretHint` | the secret `{}` |",
                        n.provider_id, n.secret_name
                    ),
                    "Hello",
                    " --input '{\"name\": \"Ada\"}'".to_owned(),
                    String::new(),
                )
            };
        let ci_note = if self.tdk.is_some() {
            "\n\nThis crate was generated with `--tdk-path`: `Cargo.toml` points at a local \
             checkout of arcade-tdk, which a CI machine does not have. Remove the `path = ...` \
             parts (keeping the versions) before pushing."
                .to_owned()
        } else {
            String::new()
        };
        vec![
            ("crate_name", n.crate_name.clone()),
            ("crate_ident", n.crate_ident.clone()),
            ("toolkit_name", n.toolkit_name.clone()),
            ("provider_id", n.provider_id.clone()),
            ("secret_name", n.secret_name.clone()),
            ("token_prefix", token_prefix),
            ("rust_version", RUST_VERSION.to_owned()),
            ("tdk_source", self.source("arcade-tdk")),
            ("provider_dependencies", provider_deps),
            ("provider_dev_dependencies", provider_dev_deps),
            ("tool_table", tool_table),
            ("first_tool", first_tool.to_owned()),
            ("first_tool_input", first_input),
            ("test_note", test_note),
            ("env_names", format!("{token_vars}, `{}`", n.secret_name)),
            ("ci_note", ci_note),
        ]
    }

    /// Every file of the scaffold: its path in the crate and its content.
    pub(crate) fn files(&self) -> Result<Vec<(&'static str, String)>, String> {
        let (lib, tests) = if self.pagerduty {
            (templates::PAGERDUTY_LIB, templates::PAGERDUTY_TESTS)
        } else {
            (templates::GENERIC_LIB, templates::GENERIC_TESTS)
        };
        let vars = self.vars();
        [
            ("Cargo.toml", templates::CARGO_TOML),
            ("README.md", templates::README),
            (".env.example", templates::ENV_EXAMPLE),
            (".gitignore", templates::GITIGNORE),
            (".github/workflows/ci.yml", templates::CI),
            ("src/lib.rs", lib),
            ("src/main.rs", templates::MAIN_RS),
            ("tests/tools.rs", tests),
        ]
        .into_iter()
        .map(|(path, template)| {
            render(template, &vars)
                .map(|text| (path, text))
                .map_err(|e| format!("template {path}: {e}"))
        })
        .collect()
    }
}

/// Writes the scaffold into `dir`, which must not exist (nothing is overwritten); on a
/// failure halfway, removes what it wrote. Returns the files written.
pub(crate) fn write(plan: &Plan, dir: &Path) -> Result<Vec<&'static str>, Failure> {
    let files = plan.files().map_err(Failure::io)?;
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::io(format!("cannot create {}: {e}", parent.display())))?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Failure::usage(format!(
                "{} already exists: nothing was written (choose another NAME or --dir)",
                dir.display()
            )));
        }
        Err(e) => return Err(Failure::io(format!("cannot create {}: {e}", dir.display()))),
    }
    let written = files.iter().try_for_each(|(path, text)| {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, text)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(dir);
        return Err(Failure::io(format!(
            "cannot write into {}: {e}",
            dir.display()
        )));
    }
    Ok(files.iter().map(|(path, _)| *path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(pagerduty: bool, tdk: Option<&str>) -> Plan {
        Plan {
            names: Names::new("tools-acme").unwrap(),
            pagerduty,
            tdk: tdk.map(PathBuf::from),
        }
    }

    #[test]
    fn every_template_renders_without_a_placeholder_left() {
        for pagerduty in [false, true] {
            for tdk in [None, Some("/src/arcade \"tdk\"")] {
                for (path, text) in plan(pagerduty, tdk).files().unwrap() {
                    assert!(
                        !text.contains("{{"),
                        "{path} (pagerduty {pagerduty}): {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_manifest_depends_on_crates_io_or_the_checkout() {
        let files = plan(false, None).files().unwrap();
        let manifest = &files.iter().find(|(p, _)| *p == "Cargo.toml").unwrap().1;
        assert!(manifest.contains(&format!("arcade-tdk = {{ version = \"{TDK_VERSION}\" }}")));
        assert!(manifest.contains(&format!(
            "arcade-tdk = {{ version = \"{TDK_VERSION}\", features = [\"testing\"] }}"
        )));
        assert!(!manifest.contains("tools-pagerduty"));
        assert!(manifest.contains(&format!("rust-version = \"{RUST_VERSION}\"")));

        let files = plan(true, Some("/src/a \"b\\c")).files().unwrap();
        let manifest = &files.iter().find(|(p, _)| *p == "Cargo.toml").unwrap().1;
        assert!(
            manifest.contains(&format!(
                "arcade-tdk = {{ path = \"/src/a \\\"b\\\\c/arcade-tdk\", version = \"{TDK_VERSION}\" }}"
            )),
            "{manifest}"
        );
        assert!(
            manifest.contains("tools-pagerduty = { path = \"/src/a \\\"b\\\\c/tools-pagerduty\"")
        );
        assert!(manifest.contains("default-features = false"));
        assert!(manifest.contains("features = [\"sandbox\"]"));
    }

    #[test]
    fn the_tools_use_the_derived_names() {
        let files = plan(false, None).files().unwrap();
        let lib = &files.iter().find(|(p, _)| *p == "src/lib.rs").unwrap().1;
        assert!(lib.contains("provider_id = \"acme\""));
        assert!(lib.contains("requires_secrets = [\"ACME_SECRET\"]"));
        assert!(lib.contains("Toolkit::new(\"Acme\")"));
        let main = &files.iter().find(|(p, _)| *p == "src/main.rs").unwrap().1;
        assert!(main.contains("tools_acme::cli().run()"));
        let env = &files.iter().find(|(p, _)| *p == ".env.example").unwrap().1;
        assert!(env.contains("ACME_ACCESS_TOKEN=") && env.contains("ACME_SECRET="));

        let files = plan(true, None).files().unwrap();
        let lib = &files.iter().find(|(p, _)| *p == "src/lib.rs").unwrap().1;
        assert!(lib.contains("requires_auth = PagerDuty(scopes = [\"read\"])"));
        let env = &files.iter().find(|(p, _)| *p == ".env.example").unwrap().1;
        assert!(env.contains("PAGERDUTY_ACCESS_TOKEN="));
    }
}
