//! `#[tool(preset = path, ...)]`: hand the tool to the preset's `macro_rules!`, which
//! puts `#[tool(__preset_keys(<preset keys>), <other keys>)]` back on it (see
//! `arcade_tdk::tool_preset!`). Every token is passed on with its span, so errors in the
//! preset's keys point into the preset and errors in the tool's own keys at the tool.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use quote::quote;

/// The hidden key the preset's keys arrive in.
pub(crate) const PRESET_KEYS: &str = "__preset_keys";
/// The hidden key the preset's crate (`$crate`, the runtime however it is named)
/// arrives in: the default of `crate = "..."` for the tool.
pub(crate) const PRESET_CRATE: &str = "__preset_crate";

/// `Some(expansion)` when the attribute names a preset, `None` when it does not.
pub(crate) fn expand(attr: &TokenStream, item: &TokenStream) -> Option<TokenStream> {
    // Split at top-level commas, each key with the comma that follows it.
    let mut keys: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for tt in attr.clone() {
        let is_comma = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ',');
        keys.last_mut().expect("never empty").push(tt);
        if is_comma {
            keys.push(Vec::new());
        }
    }
    let is_preset =
        |key: &[TokenTree]| matches!(key.first(), Some(TokenTree::Ident(i)) if i == "preset");
    let mut presets = keys.iter().filter(|k| is_preset(k));
    let first = presets.next()?;
    let mut errors = TokenStream::new();
    if let Some(second) = presets.next() {
        errors.extend(
            syn::Error::new(second[0].span(), "a tool has at most one `preset`").to_compile_error(),
        );
    }
    let path = parse_preset(first)
        .map_err(|e| errors.extend(e.to_compile_error()))
        .ok();
    let Some(path) = path.filter(|_| errors.is_empty()) else {
        // Keep the function so that only the mistake is reported.
        let mut out = item.clone();
        out.extend(errors);
        return Some(out);
    };
    let rest: TokenStream = keys
        .into_iter()
        .filter(|k| !is_preset(k))
        .flatten()
        .collect();
    let rest = TokenTree::Group(Group::new(Delimiter::Bracket, rest));
    Some(quote!(#path! { #rest #item }))
}

/// `preset = some::path` (its trailing comma included), or a spanned error.
fn parse_preset(key: &[TokenTree]) -> syn::Result<syn::Path> {
    let mut tokens: Vec<TokenTree> = key.to_vec();
    if matches!(tokens.last(), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
        tokens.pop();
    }
    let expected =
        "expected `preset = path::to::preset`, a preset defined with `arcade_tdk::tool_preset!`";
    match tokens.get(1) {
        Some(TokenTree::Punct(p)) if p.as_char() == '=' => {}
        _ => return Err(syn::Error::new(tokens[0].span(), expected)),
    }
    let value: TokenStream = tokens[2..].iter().cloned().collect();
    if value.is_empty() {
        return Err(syn::Error::new(tokens[1].span(), expected));
    }
    syn::parse2::<syn::Path>(value.clone()).map_err(|_| syn::Error::new_spanned(value, expected))
}
