//! `#[tool]`: parse the attribute and the signature, collecting every error, then
//! expand. Parse → validate → expand, with `quote!` only in [`expand`].

mod args;
mod attr;
mod auth;
mod ctxt;
mod doc;
mod expand;
mod preset;
mod signature;
mod vocabulary;

use proc_macro2::TokenStream;

use ctxt::Ctxt;

pub(crate) fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    if let Some(out) = preset::expand(&attr, &item) {
        return out;
    }
    let mut func: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let err =
                syn::Error::new_spanned(&item, "`#[tool]` goes on a function (`fn` or `async fn`)");
            let mut out = item;
            out.extend(err.to_compile_error());
            return out;
        }
    };
    let cx = Ctxt::default();
    let args = args::ToolArgs::parse(attr, &cx);
    let analyzed = signature::analyze(&mut func, &cx);
    let description = match args
        .desc
        .as_ref()
        .map(|d| d.value.clone())
        .or_else(|| doc::doc_text(&func.attrs))
    {
        Some(d) => d,
        None => {
            cx.error(
                &func.sig.ident,
                format!(
                    "tool `{}` is missing a description; add a doc comment (`/// ...`) above the function or `#[tool(desc = \"...\")]`",
                    func.sig.ident
                ),
            );
            String::new()
        }
    };
    if let Err(error) = cx.check() {
        return expand::expand_error(&func, &args.krate, error);
    }
    let generated = expand::expand(&func, &args, &analyzed, &description);
    // A tool's parameters are its schema: many of them is normal, not a smell.
    func.attrs
        .push(syn::parse_quote!(#[allow(clippy::too_many_arguments)]));
    quote::quote! {
        #func
        #generated
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn expand(attr: proc_macro2::TokenStream) -> String {
        let item = quote! {
            /// Echo.
            fn echo(
                /// Text
                text: String,
            ) -> String {
                text
            }
        };
        super::tool(attr, item).to_string()
    }

    #[test]
    fn generated_code_names_the_runtime_by_the_crate_key() {
        let out = expand(quote!(crate = "renamed_tdk", read_only));
        assert!(out.contains("renamed_tdk :: __private"), "{out}");
        assert!(!out.contains("arcade_tdk ::"), "{out}");
    }

    #[test]
    fn a_presets_crate_is_the_default_and_the_crate_key_wins() {
        let out = expand(quote!(
            __preset_crate(::from_preset),
            __preset_keys(read_only)
        ));
        assert!(out.contains(":: from_preset :: __private"), "{out}");
        assert!(!out.contains("arcade_tdk ::"), "{out}");
        let out = expand(quote!(
            __preset_crate(::from_preset),
            __preset_keys(read_only),
            crate = "mine"
        ));
        assert!(out.contains("mine :: __private"), "{out}");
        assert!(!out.contains("from_preset"), "{out}");
    }

    #[test]
    fn without_the_crate_key_it_is_arcade_tdk() {
        let out = expand(quote!());
        assert!(out.contains(":: arcade_tdk :: __private"), "{out}");
    }
}
