//! The `#[tool]` attribute of [arcade-tdk](https://docs.rs/arcade-tdk). Use it through
//! `arcade_tdk::tool`; this crate is an implementation detail whose generated code
//! names the runtime only through `::arcade_tdk::__private` (or `<crate>::__private`
//! with `#[tool(crate = "...")]`).

use proc_macro::TokenStream;

mod tool;

/// Turns a function into a tool: `name::tool()` returns it, with its definition, its JSON
/// schemas and a callable wrapper. The function's doc comment is its description.
///
/// Attribute keys, each at most once:
///
/// - `name = "..."`, `desc = "..."`, `output = "..."` (the output's description),
///   `deprecated = "..."`;
/// - `requires_auth = OAuth2(provider_id = "...", id = "...", scopes = [...])` or a
///   built-in provider's shorthand such as `PagerDuty(scopes = ["read"])`;
/// - `requires_secrets = ["..."]`, `requires_metadata = ["..."]`;
/// - `read_only`, `destructive`, `idempotent`, `open_world` (each also `= true|false`),
///   `operations = [read, create, update, delete, opaque]`,
///   `service_domains = [incident_management, ...]`, `extras(key = literal, ...)`;
/// - `crate = "path"`: the runtime's path when `arcade-tdk` is a renamed dependency or
///   re-exported (as `#[serde(crate = "...")]`); `::arcade_tdk` by default. A tool made
///   with a preset names the preset's crate unless it says otherwise;
/// - `preset = path::to::preset`: the keys of a preset defined with
///   `arcade_tdk::tool_preset!`, followed by the tool's own keys. A key the preset
///   already sets cannot be set again (the "specified more than once" error, at the
///   tool's key): presets are not overridden.
///
/// Parameters are documented by their doc comments; `#[arg(name = "...", desc = "...",
/// default = ..., inferrable = false, header = "...")]` adjusts one (each key at most once,
/// over all of a parameter's `#[arg]` attributes; `header = "Region"` marks the property
/// `x-mcp-header`, so that 2026-07-28 clients also send it as `Mcp-Param-Region`). A `ToolContext` parameter (by value or by
/// reference, anywhere) is not an input. Every mistake is a compile error at the
/// offending token, once: a key given twice is `` `key` is specified more than once ``
/// at the second, and a parameter or return type without the traits it needs is one
/// error at that type.
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    tool::tool(attr.into(), item.into()).into()
}
