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
