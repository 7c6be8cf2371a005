//! Each client's configuration format and file.
//!
//! | client | file | servers under | stdio entry | http entry | variables without values |
//! |---|---|---|---|---|---|
//! | Claude Desktop | `<config dir>/Claude/claude_desktop_config.json` | `mcpServers` | `command`, `args`, `env` | – (remote servers are Connectors, added in its settings) | `""` (it expands nothing) |
//! | Claude Code | `.mcp.json` of the project | `mcpServers` | `type: "stdio"`, `command`, `args`, `env` | `type: "http"`, `url` | `${VAR:-}` |
//! | Cursor | `~/.cursor/mcp.json` | `mcpServers` | `command`, `args`, `env` | `url` | `${env:VAR}` |
//! | VS Code | `.vscode/mcp.json` of the workspace | `servers` | `type: "stdio"`, `command`, `args`, `env` | `type: "http"`, `url` | `${env:VAR}` |
//! | Codex | `~/.codex/config.toml` (`$CODEX_HOME`) | `[mcp_servers.NAME]` | `command`, `args`, `env_vars` / `env` | `url` | `env_vars = [...]` (forwarded from Codex's environment) |

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use super::EnvVar;

/// An MCP client `configure` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Client {
    /// Claude Desktop.
    ClaudeDesktop,
    /// Claude Code.
    ClaudeCode,
    /// Cursor.
    Cursor,
    /// VS Code.
    Vscode,
    /// OpenAI Codex.
    Codex,
}

/// How the client reaches the server.
#[derive(Debug)]
pub(super) enum Server {
    /// The client starts `command args...` with `env`.
    Stdio {
        command: String,
        args: Vec<String>,
        env: Vec<EnvVar>,
    },
    /// The client connects to a running server.
    Http { url: String },
}

/// A client's configuration holding one server.
#[derive(Debug)]
pub(super) enum Config {
    /// A JSON file: `{ key: { name: entry } }`.
    Json {
        key: &'static str,
        name: String,
        entry: Value,
    },
    /// Codex's TOML: `[mcp_servers.name]`.
    Toml {
        name: String,
        table: toml_edit::Table,
    },
}

/// Codex's table of servers.
pub(super) const CODEX_SERVERS: &str = "mcp_servers";

impl Config {
    /// The configuration as the client's file would hold it with only this server.
    pub(super) fn render(&self) -> String {
        match self {
            Self::Json { key, name, entry } => {
                let mut servers = Map::new();
                servers.insert(name.clone(), entry.clone());
                let mut doc = Map::new();
                doc.insert((*key).to_owned(), Value::Object(servers));
                serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default()
            }
            Self::Toml { name, table } => {
                let mut doc = toml_edit::DocumentMut::new();
                insert_codex(&mut doc, name, table.clone());
                doc.to_string().trim_end().to_owned()
            }
        }
    }
}

/// Puts `table` at `[mcp_servers.name]` of `doc` (`mcp_servers` must be a table or
/// absent).
pub(super) fn insert_codex(doc: &mut toml_edit::DocumentMut, name: &str, table: toml_edit::Table) {
    let servers = doc.entry(CODEX_SERVERS).or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    if let Some(servers) = servers.as_table_mut() {
        servers.insert(name, toml_edit::Item::Table(table));
    }
}

impl Client {
    /// The client's name for people.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "Claude Desktop",
            Self::ClaudeCode => "Claude Code",
            Self::Cursor => "Cursor",
            Self::Vscode => "VS Code",
            Self::Codex => "Codex",
        }
    }

    /// The client's configuration file, where it looks for it.
    pub(super) fn default_path(self) -> Result<PathBuf, String> {
        let home = || dirs::home_dir().ok_or("cannot tell the home directory: give --config-file");
        Ok(match self {
            Self::ClaudeDesktop => dirs::config_dir()
                .ok_or("cannot tell the user's config directory: give --config-file")?
                .join("Claude")
                .join("claude_desktop_config.json"),
            Self::ClaudeCode => PathBuf::from(".mcp.json"),
            Self::Cursor => home()?.join(".cursor").join("mcp.json"),
            Self::Vscode => PathBuf::from(".vscode").join("mcp.json"),
            Self::Codex => match std::env::var_os("CODEX_HOME").filter(|v| !v.is_empty()) {
                Some(dir) => PathBuf::from(dir).join("config.toml"),
                None => home()?.join(".codex").join("config.toml"),
            },
        })
    }

    /// The file, described, when its path cannot be told.
    pub(super) fn file_description(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => "claude_desktop_config.json",
            Self::ClaudeCode => "the project's .mcp.json",
            Self::Cursor => "~/.cursor/mcp.json",
            Self::Vscode => "the workspace's .vscode/mcp.json",
            Self::Codex => "~/.codex/config.toml",
        }
    }

    /// How the entry refers to a variable whose value it does not hold.
    pub(super) fn reference_description(self) -> &'static str {
        match self {
            Self::ClaudeDesktop => {
                "left empty: Claude Desktop expands no variables, fill them in or use `auth login`"
            }
            Self::ClaudeCode => "as ${VAR:-}, which Claude Code expands from its environment",
            Self::Cursor | Self::Vscode => "as ${env:VAR}, expanded from the editor's environment",
            Self::Codex => "in env_vars, which Codex forwards from its environment",
        }
    }

    /// A reference to `var` in the client's syntax.
    fn reference(self, var: &str) -> String {
        match self {
            Self::ClaudeDesktop | Self::Codex => String::new(),
            Self::ClaudeCode => format!("${{{var}:-}}"),
            Self::Cursor | Self::Vscode => format!("${{env:{var}}}"),
        }
    }

    /// The configuration with `server` as `name`.
    pub(super) fn config(self, name: &str, server: &Server) -> Result<Config, String> {
        if self == Self::Codex {
            return Ok(Config::Toml {
                name: name.to_owned(),
                table: codex_table(server),
            });
        }
        let key = if self == Self::Vscode {
            "servers"
        } else {
            "mcpServers"
        };
        let entry = match server {
            Server::Stdio { command, args, env } => {
                let mut entry = Map::new();
                if matches!(self, Self::ClaudeCode | Self::Vscode) {
                    entry.insert("type".into(), json!("stdio"));
                }
                entry.insert("command".into(), json!(command));
                entry.insert("args".into(), json!(args));
                if !env.is_empty() {
                    let vars: Map<String, Value> = env
                        .iter()
                        .map(|v| {
                            let value = v.value.clone().unwrap_or_else(|| self.reference(&v.name));
                            (v.name.clone(), Value::String(value))
                        })
                        .collect();
                    entry.insert("env".into(), Value::Object(vars));
                }
                Value::Object(entry)
            }
            Server::Http { url } => match self {
                Self::ClaudeDesktop => {
                    return Err(
                        "Claude Desktop connects to remote MCP servers as Connectors (Settings > Connectors), not through claude_desktop_config.json: add the URL there, or use --transport stdio"
                            .to_owned(),
                    );
                }
                Self::Cursor => json!({ "url": url }),
                _ => json!({ "type": "http", "url": url }),
            },
        };
        Ok(Config::Json {
            key,
            name: name.to_owned(),
            entry,
        })
    }
}

/// Codex's `[mcp_servers.NAME]` table: variables without a value go to `env_vars`
/// (Codex forwards them from its own environment), values to `env`.
fn codex_table(server: &Server) -> toml_edit::Table {
    let mut table = toml_edit::Table::new();
    match server {
        Server::Stdio { command, args, env } => {
            table.insert("command", toml_edit::value(command.as_str()));
            let args: toml_edit::Array = args.iter().map(String::as_str).collect();
            table.insert("args", toml_edit::value(args));
            let forwarded: toml_edit::Array = env
                .iter()
                .filter(|v| v.value.is_none())
                .map(|v| v.name.as_str())
                .collect();
            if !forwarded.is_empty() {
                table.insert("env_vars", toml_edit::value(forwarded));
            }
            let mut values = toml_edit::InlineTable::new();
            for var in env {
                if let Some(value) = &var.value {
                    values.insert(&var.name, value.as_str().into());
                }
            }
            if !values.is_empty() {
                table.insert("env", toml_edit::value(values));
            }
        }
        Server::Http { url } => {
            table.insert("url", toml_edit::value(url.as_str()));
        }
    }
    table
}
