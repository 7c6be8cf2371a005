//! The keys of `#[tool(...)]`, parsed with `parse_nested_meta` into [`ToolArgs`].

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Ident, LitStr, Token, bracketed, parenthesized};

use super::ctxt::Ctxt;
use super::preset::PRESET_KEYS;

/// The keys `#[tool(...)]` accepts, listed in errors.
const KEYS: &str = "`name`, `desc`, `output`, `requires_auth`, `requires_secrets`, `requires_metadata`, \
`read_only`, `destructive`, `idempotent`, `open_world`, `operations`, `service_domains`, `extras`, `deprecated`, `preset`";

/// Arcade's built-in OAuth providers: the shorthand and its provider id.
const PROVIDERS: &[(&str, &str)] = &[
    ("Airtable", "airtable"),
    ("Asana", "asana"),
    ("Atlassian", "atlassian"),
    ("Attio", "attio"),
    ("Calendly", "calendly"),
    ("ClickUp", "clickup"),
    ("Discord", "discord"),
    ("Dropbox", "dropbox"),
    ("Figma", "figma"),
    ("GitHub", "github"),
    ("Google", "google"),
    ("Hubspot", "hubspot"),
    ("Linear", "linear"),
    ("LinkedIn", "linkedin"),
    ("Microsoft", "microsoft"),
    ("MicrosoftPowerBI", "microsoft-powerbi"),
    ("Notion", "notion"),
    ("PagerDuty", "pagerduty"),
    ("Reddit", "reddit"),
    ("Slack", "slack"),
    ("Spotify", "spotify"),
    ("Twitch", "twitch"),
    ("X", "x"),
    ("Zoom", "zoom"),
];

/// Arcade's service domains.
pub(crate) const SERVICE_DOMAINS: &[&str] = &[
    "project_management",
    "crm",
    "contacts",
    "email",
    "calendar",
    "messaging",
    "documents",
    "cloud_storage",
    "spreadsheets",
    "presentations",
    "design",
    "source_code",
    "payments",
    "social_media",
    "video_hosting",
    "music_streaming",
    "customer_support",
    "ecommerce",
    "incident_management",
    "web_scraping",
    "code_sandbox",
    "video_conferencing",
    "geospatial",
    "financial_data",
    "travel",
    "product_analytics",
    "observability",
    "sales_intelligence",
    "survey",
    "business_intelligence",
];

/// Arcade's operations.
pub(crate) const OPERATIONS: &[&str] = &["read", "create", "update", "delete", "opaque"];

/// A value with the span it was written at.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `requires_auth = ...`.
#[derive(Clone, Default)]
pub(crate) struct AuthArgs {
    pub provider_id: Option<String>,
    pub id: Option<String>,
    pub scopes: Option<Vec<String>>,
}

/// A literal in `extras(...)`.
#[derive(Clone)]
pub(crate) enum ExtraValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// Everything `#[tool(...)]` said.
#[derive(Default)]
pub(crate) struct ToolArgs {
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
}

impl ToolArgs {
    /// Parses the attribute's arguments, recording every error in `cx`.
    pub fn parse(tokens: proc_macro2::TokenStream, cx: &Ctxt) -> Self {
        let mut args = ToolArgs::default();
        let parser = syn::meta::parser(|meta| args.parse_key(&meta, cx, false));
        if let Err(e) = syn::parse::Parser::parse2(parser, tokens) {
            cx.push(e);
        }
        args.check_consistency(cx);
        args
    }

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
        let span = key.span();
        macro_rules! once {
            ($slot:expr, $value:expr) => {{
                if $slot.is_some() {
                    return Err(syn::Error::new(
                        span,
                        format!("`{key}` is specified more than once"),
                    ));
                }
                $slot = Some($value);
            }};
        }
        match key.to_string().as_str() {
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
                once!(
                    self.name,
                    Spanned {
                        value,
                        span: lit.span()
                    }
                )
            }
            "desc" | "description" => {
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(lit.span(), "the description is empty"));
                }
                once!(
                    self.desc,
                    Spanned {
                        value: lit.value().trim().to_owned(),
                        span: lit.span()
                    }
                )
            }
            "output" => {
                let lit: LitStr = meta.value()?.parse()?;
                once!(self.output, lit.value())
            }
            "deprecated" => {
                let lit: LitStr = meta.value()?.parse()?;
                once!(self.deprecated, lit.value())
            }
            "requires_auth" => {
                let auth = parse_auth(meta)?;
                once!(self.auth, auth)
            }
            "requires_secrets" => {
                if !self.secrets.is_empty() {
                    return Err(syn::Error::new(
                        span,
                        "`requires_secrets` is specified more than once",
                    ));
                }
                self.secrets = parse_str_list(meta)?;
                for s in &self.secrets {
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
            }
            "requires_metadata" => {
                if !self.metadata_keys.is_empty() {
                    return Err(syn::Error::new(
                        span,
                        "`requires_metadata` is specified more than once",
                    ));
                }
                self.metadata_keys = parse_str_list(meta)?;
            }
            "read_only" => once!(self.read_only, parse_flag(meta, span)?),
            "destructive" => once!(self.destructive, parse_flag(meta, span)?),
            "idempotent" => once!(self.idempotent, parse_flag(meta, span)?),
            "open_world" => once!(self.open_world, parse_flag(meta, span)?),
            "preset" if in_preset => {
                return Err(syn::Error::new(
                    span,
                    "a preset cannot use another preset; list its keys instead",
                ));
            }
            "operations" => {
                if !self.operations.is_empty() {
                    return Err(syn::Error::new(
                        span,
                        "`operations` is specified more than once",
                    ));
                }
                self.operations = parse_word_list(meta)?;
                for op in &self.operations {
                    if !OPERATIONS.contains(&op.value.as_str()) {
                        cx.push(syn::Error::new(
                            op.span,
                            format!(
                                "unknown operation `{}`; expected one of {}",
                                op.value,
                                OPERATIONS.join(", ")
                            ),
                        ));
                    }
                }
            }
            "service_domains" => {
                if !self.service_domains.is_empty() {
                    return Err(syn::Error::new(
                        span,
                        "`service_domains` is specified more than once",
                    ));
                }
                self.service_domains = parse_word_list(meta)?;
                for d in &self.service_domains {
                    if !SERVICE_DOMAINS.contains(&d.value.as_str()) {
                        cx.push(syn::Error::new(
                            d.span,
                            format!(
                                "unknown service domain `{}`; expected one of {}",
                                d.value,
                                SERVICE_DOMAINS.join(", ")
                            ),
                        ));
                    }
                }
            }
            "extras" => {
                meta.parse_nested_meta(|inner| {
                    let ident = inner
                        .path
                        .get_ident()
                        .ok_or_else(|| inner.error("an extras key must be an identifier"))?;
                    let key = ident.to_string();
                    if self.extras.iter().any(|(k, _)| *k == key) {
                        cx.push(syn::Error::new(
                            ident.span(),
                            format!("the extras key `{key}` is specified more than once"),
                        ));
                    }
                    let lit: syn::Lit = inner.value()?.parse()?;
                    let value = match lit {
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
                    };
                    self.extras.push((key, value));
                    Ok(())
                })?;
            }
            other => {
                return Err(syn::Error::new(
                    span,
                    format!("unknown `#[tool]` key `{other}`; expected one of {KEYS}"),
                ));
            }
        }
        Ok(())
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

    /// Whether any behaviour key was given.
    pub fn has_behavior(&self) -> bool {
        self.read_only.is_some()
            || self.destructive.is_some()
            || self.idempotent.is_some()
            || self.open_world.is_some()
            || !self.operations.is_empty()
    }
}

/// `read_only` or `read_only = true|false`.
fn parse_flag(meta: &ParseNestedMeta<'_>, span: Span) -> syn::Result<Spanned<bool>> {
    if meta.input.peek(Token![=]) {
        let lit: syn::LitBool = meta.value()?.parse()?;
        Ok(Spanned {
            value: lit.value,
            span: lit.span(),
        })
    } else {
        Ok(Spanned { value: true, span })
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
        .map(|l| Spanned {
            value: l.value(),
            span: l.span(),
        })
        .collect())
}

/// `[read, "create"]`: identifiers or strings.
fn parse_word_list(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<Spanned<String>>> {
    let input = meta.value()?;
    let content;
    bracketed!(content in input);
    let mut out = Vec::new();
    while !content.is_empty() {
        if content.peek(LitStr) {
            let l: LitStr = content.parse()?;
            out.push(Spanned {
                value: l.value(),
                span: l.span(),
            });
        } else {
            let i: Ident = content.parse()?;
            out.push(Spanned {
                value: i.to_string(),
                span: i.span(),
            });
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(out)
}

/// `OAuth2(provider_id = "...", id = "...", scopes = [...])` or a provider shorthand
/// such as `PagerDuty(scopes = ["read"])`.
fn parse_auth(meta: &ParseNestedMeta<'_>) -> syn::Result<Spanned<AuthArgs>> {
    let input = meta.value()?;
    let ident: Ident = input.parse()?;
    let name = ident.to_string();
    let mut auth = AuthArgs::default();
    let is_generic = name == "OAuth2";
    if !is_generic {
        match PROVIDERS.iter().find(|(n, _)| *n == name) {
            Some((_, id)) => auth.provider_id = Some((*id).to_owned()),
            None => {
                let names: Vec<&str> = PROVIDERS.iter().map(|(n, _)| *n).collect();
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "unknown auth provider `{name}`; use `OAuth2(provider_id = \"...\", scopes = [...])` or one of {}",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(
            ident.span(),
            format!("expected `{name}(...)`, e.g. `{name}(scopes = [\"read\"])`"),
        ));
    }
    let content;
    parenthesized!(content in input);
    let allowed = if is_generic {
        "`provider_id`, `id` or `scopes`"
    } else {
        "`id` or `scopes`"
    };
    let parser = syn::meta::parser(|inner| {
        let key = inner
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "provider_id" if is_generic => {
                let lit: LitStr = inner.value()?.parse()?;
                if lit.value().is_empty() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "`provider_id` must not be empty",
                    ));
                }
                auth.provider_id = Some(lit.value());
            }
            "id" => {
                let lit: LitStr = inner.value()?.parse()?;
                auth.id = Some(lit.value());
            }
            "scopes" => {
                let value = inner.value()?;
                let list;
                bracketed!(list in value);
                let mut scopes = Vec::new();
                while !list.is_empty() {
                    let lookahead = list.lookahead1();
                    if lookahead.peek(LitStr) {
                        scopes.push(list.parse::<LitStr>()?.value());
                    } else {
                        return Err(syn::Error::new(
                            list.span(),
                            "scope must be a string literal",
                        ));
                    }
                    if list.is_empty() {
                        break;
                    }
                    list.parse::<Token![,]>()?;
                }
                auth.scopes = Some(scopes);
            }
            _ => {
                return Err(inner.error(format!("unknown {name} key; expected {allowed}")));
            }
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, content.parse()?)?;
    if auth.provider_id.is_none() && auth.id.is_none() {
        return Err(syn::Error::new(
            ident.span(),
            "`OAuth2(...)` needs `provider_id = \"...\"` or `id = \"...\"`",
        ));
    }
    Ok(Spanned {
        value: auth,
        span: ident.span(),
    })
}
