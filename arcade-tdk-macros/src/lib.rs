//! The `#[tool]` attribute of [arcade-tdk](https://docs.rs/arcade-tdk). Use it through
//! `arcade_tdk::tool`; this crate is an implementation detail whose generated code
//! names the runtime only through `::arcade_tdk::__private`.

use proc_macro::TokenStream;

mod tool;

/// Turns a function into a tool. See the documentation of `arcade_tdk::tool`.
#[proc_macro_attribute]
pub fn tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    tool::tool(attr.into(), item.into()).into()
}
