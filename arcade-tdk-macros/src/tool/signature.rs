//! The tool function's signature: which parameter is the context, which are inputs
//! (type, description, wire name, default, inferrable), and what it returns.

use syn::{Attribute, Expr, FnArg, Ident, LitStr, Pat, ReturnType, Type};

use super::args::parse_flag;
use super::attr::{Attr, BoolAttr};
use super::ctxt::Ctxt;
use super::doc::doc_text;

/// How the context is taken.
#[derive(Clone, Copy)]
pub(crate) enum ContextArg {
    Owned,
    Shared,
    Exclusive,
}

/// A default for an input.
pub(crate) enum DefaultValue {
    /// `#[arg(default)]`: `Default::default()`.
    Trait,
    /// `#[arg(default = expr)]`.
    Expr(Box<Expr>),
}

/// One input parameter.
pub(crate) struct Input {
    pub ident: Ident,
    pub ty: Type,
    pub wire_name: String,
    pub description: String,
    pub default: Option<DefaultValue>,
    pub inferrable: bool,
    pub is_option: bool,
    /// `#[arg(header = "Region")]`: the argument is also sent as the HTTP header
    /// `Mcp-Param-Region` (the schema's `x-mcp-header`).
    pub header: Option<String>,
}

/// One parameter of the function, in order.
pub(crate) enum Arg {
    Context(ContextArg),
    Input(Box<Input>),
}

/// What the function returns.
pub(crate) enum Return {
    /// Nothing (`()`).
    Unit,
    /// A plain value.
    Value(Type),
    /// `Result<T, E>` (any type whose last segment is `Result`).
    Result(Type),
}

pub(crate) struct Analyzed {
    pub args: Vec<Arg>,
    pub ret: Return,
    pub is_async: bool,
}

fn last_segment_is(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().is_some_and(|s| s.ident == name)
        }
        Type::Group(g) => last_segment_is(&g.elem, name),
        Type::Paren(p) => last_segment_is(&p.elem, name),
        _ => false,
    }
}

fn context_kind(ty: &Type) -> Option<ContextArg> {
    match ty {
        Type::Reference(r) if last_segment_is(&r.elem, "ToolContext") => {
            Some(if r.mutability.is_some() {
                ContextArg::Exclusive
            } else {
                ContextArg::Shared
            })
        }
        _ if last_segment_is(ty, "ToolContext") => Some(ContextArg::Owned),
        _ => None,
    }
}

/// Why a parameter type cannot be decoded from JSON, if it cannot (judged by syntax;
/// the trait check at the type's span catches the rest).
fn unsupported(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Reference(_) => Some(
            "references cannot be tool parameters; take an owned type (`String` rather than `&str`)",
        ),
        Type::ImplTrait(_) => Some("`impl Trait` cannot be a tool parameter; name a concrete type"),
        Type::TraitObject(_) => {
            Some("trait objects cannot be tool parameters; name a concrete type")
        }
        Type::FnPtr(_) => Some("function pointers cannot be tool parameters"),
        Type::Ptr(_) => Some("raw pointers cannot be tool parameters"),
        Type::Never(_) => Some("`!` cannot be a tool parameter"),
        Type::Infer(_) => Some("a tool parameter needs an explicit type"),
        Type::Slice(_) => Some("unsized slices cannot be tool parameters; use `Vec<T>`"),
        Type::Tuple(t) if !t.elems.is_empty() => Some(
            "tuples cannot be tool parameters (Arcade cannot describe them); use a struct deriving `Deserialize` and `JsonSchema`",
        ),
        Type::Tuple(_) => Some("`()` cannot be a tool parameter"),
        Type::Macro(_) => Some("a macro cannot stand for a tool parameter's type"),
        _ => None,
    }
}

pub(crate) fn analyze(func: &mut syn::ItemFn, cx: &Ctxt) -> Analyzed {
    let sig = &mut func.sig;
    if !sig.generics.params.is_empty() {
        cx.error(
            &sig.generics,
            "a `#[tool]` function cannot be generic: the catalog needs concrete types",
        );
    }
    if let Some(w) = &sig.generics.where_clause {
        cx.error(w, "a `#[tool]` function cannot have a where clause");
    }
    if let Some(v) = &sig.variadic {
        cx.error(v, "a `#[tool]` function cannot be variadic");
    }
    if let Some(abi) = &sig.abi {
        cx.error(abi, "a `#[tool]` function cannot have an `extern` ABI");
    }

    let mut args = Vec::new();
    let mut context_seen = false;
    for input in sig.inputs.iter_mut() {
        let pat_type = match input {
            FnArg::Receiver(r) => {
                cx.error(
                    &*r,
                    "a `#[tool]` function cannot take `self`: write a free function",
                );
                continue;
            }
            FnArg::Typed(p) => p,
        };
        let attrs = std::mem::take(&mut pat_type.attrs);
        let ident = match &*pat_type.pat {
            Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => p.ident.clone(),
            other => {
                cx.error(other, "a tool parameter must be a plain name (patterns cannot be described to a model)");
                continue;
            }
        };
        let ty = (*pat_type.ty).clone();

        if let Some(kind) = context_kind(&ty) {
            if context_seen {
                cx.error(
                    &pat_type.ty,
                    "a `#[tool]` function takes at most one `ToolContext` parameter",
                );
            }
            context_seen = true;
            if let Some(a) = attrs.iter().find(|a| !a.path().is_ident("doc")) {
                cx.error(a, "the `ToolContext` parameter takes no attributes");
            }
            args.push(Arg::Context(kind));
            continue;
        }
        if let Some(why) = unsupported(&ty) {
            cx.error(&ty, why);
        }

        let arg = ArgSlots::parse(&attrs, cx);
        let description = arg.desc.get().or_else(|| doc_text(&attrs));
        let wire_name = arg.name.get();
        let default = arg.default.get();
        let inferrable = arg.inferrable.get().is_none_or(|i| i.value);
        let header = arg.header.get();
        let is_option = last_segment_is(&ty, "Option");
        if is_option && default.is_some() {
            cx.error(
                &ty,
                "an `Option` parameter is optional already; `#[arg(default)]` is for other types",
            );
        }
        let description = match description {
            Some(d) => d,
            None => {
                cx.error(
                    &ident,
                    format!(
                        "parameter `{ident}` is missing a description; add a doc comment (`/// ...`) above it or `#[arg(desc = \"...\")]`"
                    ),
                );
                String::new()
            }
        };
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
        args.push(Arg::Input(Box::new(Input {
            wire_name: wire_name.unwrap_or(name),
            ident,
            ty,
            description,
            default,
            inferrable,
            is_option,
            header,
        })));
    }

    let ret = match &sig.output {
        ReturnType::Default => Return::Unit,
        ReturnType::Type(_, ty) => match &**ty {
            Type::Tuple(t) if t.elems.is_empty() => Return::Unit,
            Type::ImplTrait(_) => {
                cx.error(ty, "a `#[tool]` function cannot return `impl Trait`; name the type (an `async fn` may return it)");
                Return::Unit
            }
            t if last_segment_is(t, "Result") => Return::Result((**ty).clone()),
            _ => Return::Value((**ty).clone()),
        },
    };

    Analyzed {
        args,
        ret,
        is_async: sig.asyncness.is_some(),
    }
}

/// One slot per key of `#[arg(...)]`, over all of a parameter's `#[arg]` attributes.
#[derive(Default)]
struct ArgSlots {
    name: Attr<String>,
    desc: Attr<String>,
    default: Attr<DefaultValue>,
    inferrable: BoolAttr,
    header: Attr<String>,
}

/// Whether `c` may appear in an HTTP field name (RFC 9110's `tchar`).
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

impl ArgSlots {
    /// Parses the `#[arg(...)]` attributes among `attrs`, recording every error in `cx`.
    fn parse(attrs: &[Attribute], cx: &Ctxt) -> Self {
        let mut slots = ArgSlots::default();
        for attr in attrs {
            if attr.path().is_ident("doc") {
                continue;
            }
            if !attr.path().is_ident("arg") {
                cx.error(attr, "unsupported attribute on a tool parameter; expected `///` doc comments or `#[arg(...)]`");
                continue;
            }
            if let Err(e) = attr.parse_nested_meta(|meta| slots.parse_key(&meta, cx)) {
                cx.push(e);
            }
        }
        slots
    }

    fn parse_key(&mut self, meta: &syn::meta::ParseNestedMeta<'_>, cx: &Ctxt) -> syn::Result<()> {
        let unknown =
            "unknown `#[arg]` key; expected `name`, `desc`, `default`, `inferrable` or `header`";
        let Some(key) = meta.path.get_ident() else {
            return Err(meta.error(unknown));
        };
        match key.to_string().as_str() {
            "name" => {
                let lit: LitStr = meta.value()?.parse()?;
                let v = lit.value();
                let valid = v
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                    && v.chars().all(|c| c.is_alphanumeric() || c == '_');
                if !valid {
                    return Err(syn::Error::new(
                        lit.span(),
                        "a parameter's wire name must be an identifier",
                    ));
                }
                self.name.set(cx, key, v);
            }
            "desc" | "description" => {
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(lit.span(), "the description is empty"));
                }
                self.desc.set(cx, key, lit.value().trim().to_owned());
            }
            "default" => {
                let value = if meta.input.peek(syn::Token![=]) {
                    DefaultValue::Expr(Box::new(meta.value()?.parse()?))
                } else {
                    DefaultValue::Trait
                };
                self.default.set(cx, key, value);
            }
            "inferrable" => self.inferrable.set(cx, key, parse_flag(meta, key)?),
            "header" => {
                let lit: LitStr = meta.value()?.parse()?;
                let v = lit.value();
                if v.is_empty() || !v.chars().all(is_tchar) {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!(
                            "`header` names the HTTP header `Mcp-Param-<name>`: a non-empty HTTP token such as \"Region\", not `{v}`"
                        ),
                    ));
                }
                self.header.set(cx, key, v);
            }
            _ => return Err(meta.error(unknown)),
        }
        Ok(())
    }
}
