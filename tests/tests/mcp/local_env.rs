//! `LocalEnvironment`: the `.env` lookup, secret injection and its error messages.

#![allow(clippy::result_large_err)] // tools return `Result<_, ToolError>` by design.

use std::path::PathBuf;

use arcade_tdk::serve::local::LocalEnvironment;
use arcade_tdk::{Catalog, ErrorKind, ToolContext, ToolError, Toolkit, tool};

/// Read two secrets.
#[tool(requires_secrets = ["DOTENV_ONLY_SECRET_7f3a", "HOME"])]
fn two_secrets(context: ToolContext) -> Result<String, ToolError> {
    Ok(format!(
        "{}|{}",
        context.get_secret("DOTENV_ONLY_SECRET_7f3a")?,
        context.get_secret("HOME")?
    ))
}

/// Need nothing.
#[tool]
fn plain(context: ToolContext) -> String {
    context.secret_keys().collect::<Vec<_>>().join(",")
}

fn catalog() -> Catalog {
    Catalog::new(
        Toolkit::new("EnvKit")
            .tool(two_secrets::tool())
            .tool(plain::tool()),
    )
    .unwrap()
}

/// `<tmp>/<name>/project/{Cargo.toml,.env}` and `<tmp>/<name>/project/src/deep` as cwd.
fn project(name: &str, dotenv: Option<&str>, above: Option<&str>) -> PathBuf {
    let root = std::env::temp_dir().join(format!("arcade-mcp-env-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("project");
    let deep = project.join("src/deep");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(project.join("Cargo.toml"), "[package]\n").unwrap();
    if let Some(text) = dotenv {
        std::fs::write(project.join(".env"), text).unwrap();
    }
    if let Some(text) = above {
        std::fs::write(root.join(".env"), text).unwrap();
    }
    deep
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn dotenv_is_found_up_to_the_crate_root_and_never_overrides_the_environment() {
    let cwd = project(
        "found",
        Some("DOTENV_ONLY_SECRET_7f3a=\"from dotenv\"\nHOME=/not/the/real/home\n"),
        None,
    );
    let env = LocalEnvironment::from_env_in(&cwd);
    assert!(env.dotenv_path().unwrap().ends_with("project/.env"));
    let catalog = catalog();
    let context = block_on(env.context_for(catalog.get("EnvKit.TwoSecrets").unwrap())).unwrap();
    assert_eq!(
        context.get_secret("DOTENV_ONLY_SECRET_7f3a").unwrap(),
        "from dotenv"
    );
    let real_home = std::env::var("HOME").expect("HOME is set");
    assert_eq!(context.get_secret("HOME").unwrap(), real_home);
    // Only the declared secrets are injected.
    assert_eq!(context.secret_keys().count(), 2);
    let plain = block_on(env.context_for(catalog.get("EnvKit_Plain").unwrap())).unwrap();
    assert_eq!(plain.secret_keys().count(), 0);
    assert_eq!(plain.user_id.as_deref(), Some(env.user_id()));
}

#[test]
fn dotenv_above_the_crate_root_is_ignored() {
    let cwd = project("above", None, Some("DOTENV_ONLY_SECRET_7f3a=x\n"));
    let env = LocalEnvironment::from_env_in(&cwd);
    assert!(env.dotenv_path().is_none());
    assert!(!env.has_secret("DOTENV_ONLY_SECRET_7f3a"));
}

#[test]
fn missing_secret_names_the_variable_and_the_dotenv_file() {
    let cwd = project("missing", Some("# nothing here\n"), None);
    let env = LocalEnvironment::from_env_in(&cwd);
    let catalog = catalog();
    let err = block_on(env.context_for(catalog.get("EnvKit.TwoSecrets").unwrap())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ToolRequirementsNotMet);
    assert!(
        err.message().contains("export DOTENV_ONLY_SECRET_7f3a="),
        "{}",
        err.message()
    );
    assert!(err.message().contains("project/.env"), "{}", err.message());
    assert!(
        err.additional_prompt_content()
            .unwrap()
            .contains("DOTENV_ONLY_SECRET_7f3a")
    );
}

#[test]
fn reserved_secrets_are_never_available_and_values_never_leak() {
    // `#[tool]` refuses to declare them at compile time; the environment refuses too.
    let env = LocalEnvironment::from_vars([
        ("ARCADE_API_KEY", "arc_supersecret"),
        ("ARCADE_WORKER_SECRET", "worker_supersecret"),
    ]);
    assert!(!env.has_secret("ARCADE_API_KEY"));
    assert!(!env.has_secret("ARCADE_WORKER_SECRET"));
    assert!(!format!("{env:?}").contains("supersecret"));
    assert_eq!(env.user_id(), "anonymous");
    assert_eq!(
        LocalEnvironment::from_vars([("ARCADE_USER_ID", "me@example.com")]).user_id(),
        "me@example.com"
    );
}

#[test]
fn the_token_chain_reads_the_dotenv_file_too() {
    // Only the .env file configures an OAuth app and the Arcade Engine here.
    let cwd = project(
        "chain",
        Some(
            "EXAMPLEAPP_OAUTH_CLIENT_ID=cid\nEXAMPLEAPP_OAUTH_AUTHORIZE_URL=http://127.0.0.1:9/a\n\
             EXAMPLEAPP_OAUTH_TOKEN_URL=http://127.0.0.1:9/t\nARCADE_API_KEY=arc_from_dotenv_k3y\n",
        ),
        None,
    );
    let env = LocalEnvironment::from_env_in(&cwd);
    let names = env.tokens().source_names();
    assert_eq!(names[0], "env", "{names:?}");
    assert!(names.contains(&"oauth"), "{names:?}");
    assert_eq!(names.last(), Some(&"arcade"), "{names:?}");
    // The Arcade key is still never a secret tools can read.
    assert!(!env.has_secret("ARCADE_API_KEY"));
    assert!(!format!("{env:?}").contains("arc_from_dotenv_k3y"));
}
