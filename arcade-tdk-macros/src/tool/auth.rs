//! `requires_auth = OAuth2(provider_id = "...", id = "...", scopes = [...])` or a built-in
//! provider's shorthand such as `PagerDuty(scopes = ["read"])`.

use syn::meta::ParseNestedMeta;
use syn::{Ident, LitStr, Token, bracketed, parenthesized};

use super::attr::{Attr, Spanned};
use super::ctxt::Ctxt;

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

/// `requires_auth = ...`.
#[derive(Clone, Default)]
pub(crate) struct AuthArgs {
    pub provider_id: Option<String>,
    pub id: Option<String>,
    pub scopes: Option<Vec<String>>,
}

/// The value of `requires_auth`, or a spanned error; a key given twice inside it is
/// recorded in `cx`.
pub(crate) fn parse_auth(meta: &ParseNestedMeta<'_>, cx: &Ctxt) -> syn::Result<Spanned<AuthArgs>> {
    let input = meta.value()?;
    let ident: Ident = input.parse()?;
    let name = ident.to_string();
    let is_generic = name == "OAuth2";
    let mut provider_id = Attr::default();
    let mut id = Attr::default();
    let mut scopes = Attr::default();
    let shorthand = if is_generic {
        None
    } else {
        match PROVIDERS.iter().find(|(n, _)| *n == name) {
            Some((_, id)) => Some((*id).to_owned()),
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
    };
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
        let Some(key) = inner.path.get_ident() else {
            return Err(inner.error(format!("unknown {name} key; expected {allowed}")));
        };
        match key.to_string().as_str() {
            "provider_id" if is_generic => {
                let lit: LitStr = inner.value()?.parse()?;
                if lit.value().is_empty() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "`provider_id` must not be empty",
                    ));
                }
                provider_id.set(cx, key, lit.value());
            }
            "id" => {
                let lit: LitStr = inner.value()?.parse()?;
                id.set(cx, key, lit.value());
            }
            "scopes" => scopes.set(cx, key, parse_scopes(&inner)?),
            _ => {
                return Err(inner.error(format!("unknown {name} key; expected {allowed}")));
            }
        }
        Ok(())
    });
    syn::parse::Parser::parse2(parser, content.parse()?)?;
    let auth = AuthArgs {
        provider_id: shorthand.or(provider_id.get()),
        id: id.get(),
        scopes: scopes.get(),
    };
    if auth.provider_id.is_none() && auth.id.is_none() {
        return Err(syn::Error::new(
            ident.span(),
            "`OAuth2(...)` needs `provider_id = \"...\"` or `id = \"...\"`",
        ));
    }
    Ok(Spanned::new(auth, ident.span()))
}

/// `scopes = ["a", "b"]`.
fn parse_scopes(inner: &ParseNestedMeta<'_>) -> syn::Result<Vec<String>> {
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
    Ok(scopes)
}
