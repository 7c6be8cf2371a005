//! Typed slots for attribute keys, in the manner of serde_derive's `Attr<T>`: each key
//! of `#[tool(...)]`, `#[arg(...)]`, `requires_auth = ...(...)` and `extras(...)` is set
//! through its slot, and a slot given a second value reports it by itself, at the
//! second key, so that no parser checks "set twice" by hand.

use std::fmt::Display;

use proc_macro2::Span;
use syn::Ident;

use super::ctxt::Ctxt;

/// A value with the span it was written at.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// The error for a key given twice, at the second one.
fn duplicate(cx: &Ctxt, span: Span, what: impl Display) {
    cx.push(syn::Error::new(
        span,
        format!("{what} is specified more than once"),
    ));
}

/// A key that takes one value.
pub(crate) struct Attr<T> {
    value: Option<T>,
}

impl<T> Default for Attr<T> {
    fn default() -> Self {
        Attr { value: None }
    }
}

impl<T> Attr<T> {
    /// Sets the value of `key` (as written: `desc` and `description` are one slot), or
    /// reports `` `key` is specified more than once `` at `key`.
    pub fn set(&mut self, cx: &Ctxt, key: &Ident, value: T) {
        if self.value.is_some() {
            duplicate(cx, key.span(), format_args!("`{key}`"));
        } else {
            self.value = Some(value);
        }
    }

    pub fn get(self) -> Option<T> {
        self.value
    }
}

/// A key written as a bare flag or `= true|false`.
pub(crate) type BoolAttr = Attr<Spanned<bool>>;

/// A key whose value is a list (`requires_secrets = [...]`), given at most once.
pub(crate) type VecAttr<T> = Attr<Vec<T>>;

/// A map whose keys may each be given once, over any number of occurrences of its key
/// (`extras(a = 1)` and `extras(b = 2)` add up; `a` twice is an error).
pub(crate) struct MapAttr<T> {
    entries: Vec<(String, T)>,
}

impl<T> Default for MapAttr<T> {
    fn default() -> Self {
        MapAttr {
            entries: Vec::new(),
        }
    }
}

impl<T> MapAttr<T> {
    /// Adds `key`, or reports `` the `what` key `key` is specified more than once ``.
    pub fn insert(&mut self, cx: &Ctxt, what: &str, key: &Ident, value: T) {
        let name = key.to_string();
        if self.entries.iter().any(|(k, _)| *k == name) {
            duplicate(cx, key.span(), format_args!("the {what} key `{name}`"));
        } else {
            self.entries.push((name, value));
        }
    }

    pub fn get(self) -> Vec<(String, T)> {
        self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(cx: Ctxt) -> Vec<String> {
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_second_value_is_an_error_and_the_first_is_kept() {
        let cx = Ctxt::default();
        let mut slot = Attr::default();
        let key: Ident = syn::parse_quote!(name);
        slot.set(&cx, &key, 1);
        slot.set(&cx, &key, 2);
        assert_eq!(slot.get(), Some(1));
        assert_eq!(messages(cx), ["`name` is specified more than once"]);
    }

    #[test]
    fn a_map_key_twice_is_an_error_other_keys_add_up() {
        let cx = Ctxt::default();
        let mut map = MapAttr::default();
        map.insert(&cx, "extras", &syn::parse_quote!(team), 1);
        map.insert(&cx, "extras", &syn::parse_quote!(retries), 2);
        map.insert(&cx, "extras", &syn::parse_quote!(team), 3);
        assert_eq!(
            map.get(),
            [("team".to_owned(), 1), ("retries".to_owned(), 2)]
        );
        assert_eq!(
            messages(cx),
            ["the extras key `team` is specified more than once"]
        );
    }
}
