//! Which tools a command offers: the toolkit's catalog, built once, narrowed by
//! `ARCADE_DISABLED_TOOLS` / `ARCADE_DISABLED_TOOLKITS`, `--tools`, `--exclude-tools`,
//! `--read-only`, the write-tools opt-in and `--areas`; and the tool `call` names.

use super::args::FilterArgs;
use super::builder::{Cli, Extras};
use super::output::CliError;
use crate::catalog::{Catalog, CatalogEntry, ToolFilter};

impl Cli {
    /// Every tool of the toolkit (an error for duplicate names).
    pub(super) fn full_catalog(&self) -> Result<Catalog, CliError> {
        Catalog::new(self.toolkit.clone()).map_err(CliError::failure)
    }

    /// The catalog for `tools`, `serve` and `worker`: the environment's and `filter`'s
    /// narrowing, then the write opt-in (when `serving`) and the areas.
    pub(super) fn catalog(
        &self,
        filter: &FilterArgs,
        extras: &Extras,
        serving: bool,
    ) -> Result<Catalog, CliError> {
        let mut catalog = self.full_catalog()?;
        // Every name given to --tools must name a tool of the toolkit.
        let unknown: Vec<&str> = filter
            .tools
            .iter()
            .map(String::as_str)
            .filter(|name| {
                let only = ToolFilter {
                    only: Some(vec![(*name).to_owned()]),
                    ..ToolFilter::default()
                };
                !catalog.entries().iter().any(|e| only.allows(e))
            })
            .collect();
        if !unknown.is_empty() {
            return Err(CliError::usage(format_args!(
                "unknown tool(s) in --tools: {}. Available: {}",
                unknown.join(", "),
                tool_names(&catalog)
            )));
        }
        let mut narrowing = ToolFilter::from_env();
        narrowing.exclude = filter.exclude_tools.clone();
        narrowing.read_only = filter.read_only || (serving && !extras.write_tools);
        if !filter.tools.is_empty() {
            narrowing.only = Some(filter.tools.clone());
        }
        catalog.retain(&narrowing);
        if !extras.areas.is_empty() {
            let tools = self.area_tools(&extras.areas)?;
            catalog.retain(&ToolFilter {
                only: Some(tools),
                ..ToolFilter::default()
            });
        }
        Ok(catalog)
    }

    /// The tools of the areas named (case-insensitively), or a usage error naming the
    /// unknown ones.
    fn area_tools(&self, names: &[String]) -> Result<Vec<String>, CliError> {
        let mut tools = Vec::new();
        let mut unknown = Vec::new();
        for area in names {
            match self
                .areas
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(area))
            {
                Some((_, t)) => tools.extend(t.iter().cloned()),
                None => unknown.push(area.as_str()),
            }
        }
        if unknown.is_empty() {
            return Ok(tools);
        }
        let known: Vec<&str> = self.areas.iter().map(|(a, _)| a.as_str()).collect();
        Err(CliError::usage(format_args!(
            "unknown area(s) in --areas: {}. Available: {}",
            unknown.join(", "),
            known.join(", ")
        )))
    }
}

/// The tool `name` names in `catalog`: `Toolkit.Tool`, `Toolkit_Tool`, or a bare tool
/// name when it is unambiguous (case-insensitive).
#[cfg_attr(not(any(feature = "mcp", feature = "worker")), allow(dead_code))]
pub(super) fn find<'c>(catalog: &'c Catalog, name: &str) -> Result<&'c CatalogEntry, CliError> {
    let entry = catalog.get(name).or_else(|| {
        let mut matches = catalog
            .entries()
            .iter()
            .filter(|e| e.definition().name.eq_ignore_ascii_case(name));
        let first = matches.next();
        first.filter(|_| matches.next().is_none())
    });
    entry.ok_or_else(|| {
        CliError::usage(format_args!(
            "unknown tool {name:?}. Available: {}",
            tool_names(catalog)
        ))
    })
}

/// The fully-qualified names of `catalog`'s tools, for error messages.
fn tool_names(catalog: &Catalog) -> String {
    let names: Vec<&str> = catalog
        .entries()
        .iter()
        .map(|e| e.fully_qualified_name())
        .collect();
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}
