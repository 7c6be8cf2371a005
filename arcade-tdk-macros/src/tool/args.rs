//! The keys of `#[tool(...)]`, parsed with `parse_nested_meta` into typed slots
//! ([`attr`](super::attr)), then resolved into [`ToolArgs`].

use proc_macro2::TokenStream;
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::{Ident, LitStr, Token, bracketed, parenthesized};

use super::attr::{Attr, BoolAttr, MapAttr, Spanned, VecAttr};
use super::auth::{AuthArgs, parse_auth};
use super::ctxt::Ctxt;
use super::preset::{PRESET_CRATE, PRESET_KEYS};
use super::vocabulary::{OPERATIONS, SERVICE_DOMAINS};

/// The keys `#[tool(...)]` accepts, listed in errors.
const KEYS: &str = "`name`, `desc`, `output`, `requires_auth`, `requires_secrets`, `requires_metadata`, \
`read_only`, `destructive`, `idempotent`, `open_world`, `operations`, `service_domains`, `extras`, `deprecated`, `ui`, `task_support`, `defer_task`, `preset`";

/// A literal in `extras(...)`.
#[derive(Clone)]
pub(crate) enum ExtraValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Everything `#[tool(...)]` said.
pub(crate) struct ToolArgs {
    /// The path of the runtime crate: `crate = "..."`, else the preset's crate, else
    /// `::arcade_tdk`. Generated code names the runtime only as `#krate::__private`.
    pub krate: TokenStream,
    pub name: Option<Spanned<String>>,
    pub desc: Option<Spanned<String>>,
    pub output: Option<String>,
    pub auth: Option<Spanned<AuthArgs>>,
    pub secrets: Vec<Spanned<String>>,
    pub metadata_keys: Vec<Spanned<String>>,
    pub read_only: Option<Spanned<bool>>,
    pub destructive: Option<Spanned<bool>>,
    pub idempotent: Option<Spanned<bool>>,
    pub open_world: Option<Spanned<bool>>,
    pub operations: Vec<Spanned<String>>,
    pub service_domains: Vec<Spanned<String>>,
    pub extras: Vec<(String, ExtraValue)>,
    pub deprecated: Option<String>,
    /// `ui = "ui://..."`: the MCP App (a `ui://` resource) hosts render for the tool.
    pub ui: Option<String>,
    /// `task_support = "forbidden" | "optional" | "required"`: the variant's name.
    pub task_support: Option<&'static str>,
    /// `defer_task`: a call becomes a task only when the tool calls `start_task`.
    pub defer_task: Option<Spanned<bool>>,
}

/// One slot per key of `#[tool(...)]`.
#[derive(Default)]
struct Slots {
    krate: Attr<TokenStream>,
    preset_crate: Attr<TokenStream>,
    name: Attr<Spanned<String>>,
    desc: Attr<Spanned<String>>,
    output: Attr<String>,
    auth: Attr<Spanned<AuthArgs>>,
    secrets: VecAttr<Spanned<String>>,
    metadata_keys: VecAttr<Spanned<String>>,
    read_only: BoolAttr,
    destructive: BoolAttr,
    idempotent: BoolAttr,
    open_world: BoolAttr,
    operations: VecAttr<Spanned<String>>,
    service_domains: VecAttr<Spanned<String>>,
    extras: MapAttr<ExtraValue>,
    deprecated: Attr<String>,
    ui: Attr<String>,
    task_support: Attr<&'static str>,
    defer_task: BoolAttr,
}

impl ToolArgs {
    /// Parses the attribute's arguments, recording every error in `cx`.
    pub fn parse(tokens: TokenStream, cx: &Ctxt) -> Self {
        let mut slots = Slots::default();
        let parser = syn::meta::parser(|meta| slots.parse_key(&meta, cx, false));
        if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
            cx.push(e);
        }
        let preset_crate = slots.preset_crate.get();
        let args = ToolArgs {
            krate: slots
                .krate
                .get()
                .or(preset_crate)
                .unwrap_or_else(|| quote!(::arcade_tdk)),
            name: slots.name.get(),
            desc: slots.desc.get(),
            output: slots.output.get(),
            auth: slots.auth.get(),
            secrets: slots.secrets.get().unwrap_or_default(),
            metadata_keys: slots.metadata_keys.get().unwrap_or_default(),
            read_only: slots.read_only.get(),
            destructive: slots.destructive.get(),
            idempotent: slots.idempotent.get(),
            open_world: slots.open_world.get(),
            operations: slots.operations.get().unwrap_or_default(),
            service_domains: slots.service_domains.get().unwrap_or_default(),
            extras: slots.extras.get(),
            deprecated: slots.deprecated.get(),
            ui: slots.ui.get(),
            task_support: slots.task_support.get(),
            defer_task: slots.defer_task.get(),
        };
        args.check_consistency(cx);
        args.check_defer_task(cx);
        args
    }

    /// Arcade's consistency rules between operations and behaviour flags.
    fn check_consistency(&self, cx: &Ctxt) {
        let has_op = |name: &str| self.operations.iter().any(|o| o.value == name);
        if let Some(ro) = self.read_only.as_ref().filter(|r| r.value) {
            if ["create", "update", "delete"].iter().any(|o| has_op(o)) {
                cx.push(syn::Error::new(
                    ro.span,
                    "a tool with a mutating operation (create, update, delete) cannot be `read_only`",
                ));
            }
            if has_op("opaque") {
                cx.push(syn::Error::new(
                    ro.span,
                    "a tool with the `opaque` operation cannot be `read_only`",
                ));
            }
            if self.destructive.as_ref().is_some_and(|d| d.value) {
                cx.push(syn::Error::new(
                    ro.span,
                    "a tool cannot be both `read_only` and `destructive`",
                ));
            }
        }
        if let Some(d) = self.destructive.as_ref().filter(|d| !d.value)
            && has_op("delete")
        {
            cx.push(syn::Error::new(
                d.span,
                "a tool with the `delete` operation must be destructive",
            ));
        }
        if let Some(ow) = self.open_world.as_ref().filter(|o| !o.value)
            && !self.service_domains.is_empty()
        {
            cx.push(syn::Error::new(
                ow.span,
                "a tool with a service domain must be `open_world`",
            ));
        }
        if let Some(k) = self
            .metadata_keys
            .iter()
            .find(|k| k.value.eq_ignore_ascii_case("client_id"))
            && self.auth.is_none()
        {
            cx.push(syn::Error::new(
                k.span,
                "the `client_id` metadata key requires `requires_auth`",
            ));
        }
    }

    /// `defer_task` only on a tool that may run as a task.
    fn check_defer_task(&self, cx: &Ctxt) {
        let allows_task = matches!(self.task_support, Some("Optional" | "Required"));
        if let Some(d) = self.defer_task.as_ref().filter(|d| d.value)
            && !allows_task
        {
            cx.push(syn::Error::new(
                d.span,
                "`defer_task` is for a tool that may run as a task: add `task_support = \"optional\"` or `task_support = \"required\"`",
            ));
        }
    }

    /// Whether any behaviour key was given.
    pub fn has_behavior(&self) -> bool {
        self.read_only.is_some()
            || self.destructive.is_some()
            || self.idempotent.is_some()
            || self.open_world.is_some()
            || !self.operations.is_empty()
    }
}

impl Slots {
    /// One key, recording its error in `cx` and skipping the rest of its value so that
    /// one mistake is one error. `in_preset`: the key came from a `tool_preset!`.
    fn parse_key(
        &mut self,
        meta: &ParseNestedMeta<'_>,
        cx: &Ctxt,
        in_preset: bool,
    ) -> syn::Result<()> {
        if !in_preset && meta.path.is_ident(PRESET_KEYS) {
            // The keys of `#[tool(preset = ...)]`'s preset, put first by the preset's
            // macro, so that a key the tool sets again is reported at the tool.
            return meta.parse_nested_meta(|inner| self.parse_key(&inner, cx, true));
        }
        if let Err(e) = self.parse_one(meta, cx, in_preset) {
            cx.push(e);
            while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                meta.input.parse::<proc_macro2::TokenTree>()?;
            }
        }
        Ok(())
    }

    fn parse_one(
        &mut self,
        meta: &ParseNestedMeta<'_>,
        cx: &Ctxt,
        in_preset: bool,
    ) -> syn::Result<()> {
        let Some(key) = meta.path.get_ident() else {
            return Err(meta.error(format!("unknown `#[tool]` key; expected one of {KEYS}")));
        };
        match key.to_string().as_str() {
            // `crate = "path"`: the runtime under another name (as `#[serde(crate)]`).
            "crate" => {
                let lit: LitStr = meta.value()?.parse()?;
                let path: syn::Path = lit.parse()?;
                self.krate.set(cx, key, quote!(#path));
            }
            PRESET_CRATE if !in_preset => {
                let content;
                parenthesized!(content in meta.input);
                self.preset_crate.set(cx, key, content.parse()?);
            }
            "name" => {
                let lit: LitStr = meta.value()?.parse()?;
                let value = lit.value();
                if value.is_empty()
                    || !value
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                {
                    return Err(syn::Error::new(
                        lit.span(),
                        "a tool name must be non-empty and contain only letters, digits, `_` and `-`",
                    ));
                }
                self.name.set(cx, key, Spanned::new(value, lit.span()));
            }
            "desc" | "description" => {
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(lit.span(), "the description is empty"));
                }
                let value = lit.value().trim().to_owned();
                self.desc.set(cx, key, Spanned::new(value, lit.span()));
            }
            "output" => self
                .output
                .set(cx, key, meta.value()?.parse::<LitStr>()?.value()),
            "deprecated" => {
                let value = meta.value()?.parse::<LitStr>()?.value();
                self.deprecated.set(cx, key, value);
            }
            "ui" => {
                let lit: LitStr = meta.value()?.parse()?;
                let value = lit.value();
                let rest = value.strip_prefix("ui://").unwrap_or_default();
                if rest.is_empty() || value.chars().any(char::is_whitespace) {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!(
                            "`ui` names an MCP App resource: a `ui://` URI such as \"ui://my-kit/view.html\", not `{value}`"
                        ),
                    ));
                }
                self.ui.set(cx, key, value);
            }
            "task_support" => {
                let lit: LitStr = meta.value()?.parse()?;
                let variant = match lit.value().as_str() {
                    "forbidden" => "Forbidden",
                    "optional" => "Optional",
                    "required" => "Required",
                    other => {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!(
                                "unknown task support `{other}`; expected \"forbidden\", \"optional\" or \"required\""
                            ),
                        ));
                    }
                };
                self.task_support.set(cx, key, variant);
            }
            "defer_task" => self.defer_task.set(cx, key, parse_flag(meta, key)?),
            "requires_auth" => self.auth.set(cx, key, parse_auth(meta, cx)?),
            "requires_secrets" => {
                let secrets = parse_str_list(meta)?;
                for s in &secrets {
                    if s.value.is_empty() {
                        cx.push(syn::Error::new(s.span, "a secret key must not be empty"));
                    }
                    if s.value == "ARCADE_API_KEY" || s.value == "ARCADE_WORKER_SECRET" {
                        cx.push(syn::Error::new(
                            s.span,
                            format!(
                                "`{}` is reserved for the server and is never handed to tools",
                                s.value
                            ),
                        ));
                    }
                }
                self.secrets.set(cx, key, secrets);
            }
            "requires_metadata" => self.metadata_keys.set(cx, key, parse_str_list(meta)?),
            "read_only" => self.read_only.set(cx, key, parse_flag(meta, key)?),
            "destructive" => self.destructive.set(cx, key, parse_flag(meta, key)?),
            "idempotent" => self.idempotent.set(cx, key, parse_flag(meta, key)?),
            "open_world" => self.open_world.set(cx, key, parse_flag(meta, key)?),
            "preset" if in_preset => {
                return Err(syn::Error::new(
                    key.span(),
                    "a preset cannot use another preset; list its keys instead",
                ));
            }
            "operations" => {
                let operations = parse_word_list(meta, cx, "operation", OPERATIONS)?;
                self.operations.set(cx, key, operations);
            }
            "service_domains" => {
                let domains = parse_word_list(meta, cx, "service domain", SERVICE_DOMAINS)?;
                self.service_domains.set(cx, key, domains);
            }
            "extras" => meta.parse_nested_meta(|inner| {
                let ident = inner
                    .path
                    .get_ident()
                    .ok_or_else(|| inner.error("an extras key must be an identifier"))?;
                let value = parse_extra(&inner)?;
                self.extras.insert(cx, "extras", ident, value);
                Ok(())
            })?,
            other => {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown `#[tool]` key `{other}`; expected one of {KEYS}"),
                ));
            }
        }
        Ok(())
    }
}

/// An `extras(key = literal)` value.
fn parse_extra(inner: &ParseNestedMeta<'_>) -> syn::Result<ExtraValue> {
    let lit: syn::Lit = inner.value()?.parse()?;
    Ok(match lit {
        syn::Lit::Str(s) => ExtraValue::Str(s.value()),
        syn::Lit::Int(i) => ExtraValue::Int(i.base10_parse()?),
        syn::Lit::Float(f) => ExtraValue::Float(f.base10_parse()?),
        syn::Lit::Bool(b) => ExtraValue::Bool(b.value),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "an extras value must be a string, integer, float or bool literal",
            ));
        }
    })
}

/// `read_only` or `read_only = true|false`.
pub(crate) fn parse_flag(meta: &ParseNestedMeta<'_>, key: &Ident) -> syn::Result<Spanned<bool>> {
    if meta.input.peek(Token![=]) {
        let lit: syn::LitBool = meta.value()?.parse()?;
        Ok(Spanned::new(lit.value, lit.span()))
    } else {
        Ok(Spanned::new(true, key.span()))
    }
}

/// `["a", "b"]`.
fn parse_str_list(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<Spanned<String>>> {
    let input = meta.value()?;
    let content;
    bracketed!(content in input);
    let items = content.parse_terminated(|p| p.parse::<LitStr>(), Token![,])?;
    Ok(items
        .into_iter()
        .map(|l| Spanned::new(l.value(), l.span()))
        .collect())
}

/// `[read, "create"]`: identifiers or strings, each one of `known` (an unknown word is
/// recorded in `cx` at the word, naming `what` it should have been).
fn parse_word_list(
    meta: &ParseNestedMeta<'_>,
    cx: &Ctxt,
    what: &str,
    known: &[&str],
) -> syn::Result<Vec<Spanned<String>>> {
    let input = meta.value()?;
    let content;
    bracketed!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        let word = if content.peek(LitStr) {
            let l: LitStr = content.parse()?;
            Spanned::new(l.value(), l.span())
        } else {
            let i: Ident = content.parse()?;
            Spanned::new(i.to_string(), i.span())
        };
        if !known.contains(&word.value.as_str()) {
            cx.push(syn::Error::new(
                word.span,
                format!(
                    "unknown {what} `{}`; expected one of {}",
                    word.value,
                    known.join(", ")
                ),
            ));
        }
        out.push(word);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}
