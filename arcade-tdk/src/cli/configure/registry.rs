//! `configure registry`: the MCP registry's `server.json` for the toolkit, in the
//! format of the registry's schema [`SCHEMA`].
//!
//! The package entry describes the crate as `cargo install` gets it (`registryType`
//! `cargo`, crates.io) and how to start it (`serve stdio`, and the variables the tools
//! need, all secret). The official registry's `mcp-publisher` verifies the ownership of
//! npm, PyPI, NuGet, OCI and MCPB packages only: to publish there, add such a package
//! (e.g. an OCI image of the binary) or a remote (`--remote`).

use clap::Args;
use serde_json::{Map, Value, json};

use super::super::builder::Cli;
use super::super::output::{CliError, CliResult, Output};
use super::needed_env;

/// The `$schema` of the generated `server.json`.
pub(crate) const SCHEMA: &str =
    "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/// The registry's limit on `description` and `title`.
const MAX_DESCRIPTION: usize = 100;

/// `configure registry`'s options.
#[derive(Debug, Args)]
pub(crate) struct RegistryArgs {
    /// The server's name in the registry, in reverse-DNS form with one `/`
    /// (e.g. io.github.OWNER/tools-acme).
    #[arg(long, value_name = "NAME")]
    name: String,
    /// The description (at most 100 characters) [default: the toolkit's].
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// A display name (at most 100 characters).
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// The crate to install with cargo [default: this binary's name].
    #[arg(long, value_name = "CRATE")]
    package: Option<String>,
    /// The source repository's URL.
    #[arg(long, value_name = "URL")]
    repository: Option<String>,
    /// The project's web site.
    #[arg(long, value_name = "URL")]
    website: Option<String>,
    /// The URL of a hosted Streamable HTTP endpoint of this server (repeatable).
    #[arg(long = "remote", value_name = "URL")]
    remotes: Vec<String>,
}

fn https_or_http(flag: &str, url: &str) -> Result<(), CliError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(CliError::usage(format_args!(
            "{flag} {url:?} is not an http:// or https:// URL"
        )))
    }
}

fn valid_name(name: &str) -> bool {
    let Some((namespace, server)) = name.split_once('/') else {
        return false;
    };
    let ok = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || extra.contains(&c))
    };
    (3..=200).contains(&name.len()) && ok(namespace, &['.']) && ok(server, &['.', '_'])
}

pub(super) fn run(cli: &Cli, args: RegistryArgs, io: &mut Output<'_>) -> CliResult {
    let toolkit = &cli.toolkit;
    if !valid_name(&args.name) {
        return Err(CliError::usage(format_args!(
            "--name {:?} is not a registry name: reverse-DNS with exactly one `/`, e.g. io.github.OWNER/{}",
            args.name,
            super::default_name(toolkit)
        )));
    }
    let description = match args.description.as_deref().or(toolkit.get_description()) {
        Some(d) if d.trim().is_empty() => {
            return Err(CliError::usage("--description must not be empty"));
        }
        Some(d) if d.chars().count() > MAX_DESCRIPTION => {
            return Err(CliError::usage(format_args!(
                "the description has {} characters and the registry allows {MAX_DESCRIPTION}: give a shorter --description",
                d.chars().count()
            )));
        }
        Some(d) => d.to_owned(),
        None => {
            return Err(CliError::usage(
                "the toolkit has no description: give --description",
            ));
        }
    };
    if let Some(title) = &args.title
        && (title.trim().is_empty() || title.chars().count() > MAX_DESCRIPTION)
    {
        return Err(CliError::usage(format_args!(
            "--title must have 1 to {MAX_DESCRIPTION} characters"
        )));
    }
    let Some(version) = toolkit.get_version() else {
        return Err(CliError::usage(
            "the toolkit has no version (set it with Toolkit::version or toolkit!())",
        ));
    };
    let package = match args.package {
        Some(p) => p,
        None => std::env::current_exe()
            .ok()
            .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .ok_or_else(|| CliError::failure("cannot tell this binary's name: give --package"))?,
    };
    for (flag, url) in [
        ("--repository", &args.repository),
        ("--website", &args.website),
    ] {
        if let Some(url) = url {
            https_or_http(flag, url)?;
        }
    }
    for url in &args.remotes {
        https_or_http("--remote", url)?;
    }

    let env: Vec<Value> = needed_env(toolkit)
        .into_iter()
        .map(|v| {
            json!({
                "name": v.name,
                "description": v.description,
                "isRequired": false,
                "isSecret": true,
                "format": "string",
            })
        })
        .collect();
    let mut server = Map::new();
    server.insert("$schema".into(), json!(SCHEMA));
    server.insert("name".into(), json!(args.name));
    if let Some(title) = &args.title {
        server.insert("title".into(), json!(title));
    }
    server.insert("description".into(), json!(description));
    server.insert("version".into(), json!(version));
    if let Some(url) = &args.repository {
        let source = ["github", "gitlab"]
            .into_iter()
            .find(|host| url.contains(&format!("://{host}.com/")))
            .unwrap_or("git");
        server.insert("repository".into(), json!({ "url": url, "source": source }));
    }
    if let Some(url) = &args.website {
        server.insert("websiteUrl".into(), json!(url));
    }
    let mut package_entry = json!({
        "registryType": "cargo",
        "registryBaseUrl": "https://crates.io",
        "identifier": package,
        "version": version,
        "transport": { "type": "stdio" },
        "packageArguments": [
            { "type": "positional", "value": "serve" },
            { "type": "positional", "value": "stdio" },
        ],
    });
    if !env.is_empty() {
        package_entry["environmentVariables"] = Value::Array(env);
    }
    server.insert("packages".into(), json!([package_entry]));
    if !args.remotes.is_empty() {
        let remotes: Vec<Value> = args
            .remotes
            .iter()
            .map(|url| json!({ "type": "streamable-http", "url": url }))
            .collect();
        server.insert("remotes".into(), Value::Array(remotes));
    }
    io.json(&Value::Object(server), true)?;
    let _ = writeln!(
        io.err,
        "The package is described as a crate (registryType \"cargo\"); the official registry's mcp-publisher verifies npm, PyPI, NuGet, OCI and MCPB packages only: add one of those or a --remote to publish there."
    );
    Ok(())
}
