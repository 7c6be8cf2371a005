//! The only place that writes code. Beside the user's function (left as written, less
//! the parameter attributes) it adds a struct of the same name whose `tool()` is the
//! handle to register, and, in an anonymous const, a hidden arguments struct (serde +
//! schemars through `<crate>::__private`, `::arcade_tdk` unless `crate = "..."`), the
//! tool's spec (built once) and its `Tool` impl.
//!
//! A trait bound on a user's type is checked in one place, spanned at that type (the
//! parameters' in `__instance`, the return type's in `__returns`), so that a wrong type
//! is one error at the type; the rest of the generated code is generic over the
//! parameters' types or uses fn pointers, and does not depend on the bound holding.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::args::{ExtraValue, ToolArgs};
use super::attr::Spanned as SpannedValue;
use super::signature::{Analyzed, Arg, ContextArg, DefaultValue, Return};
use super::vocabulary::variant;

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

pub(crate) fn expand(
    func: &syn::ItemFn,
    args: &ToolArgs,
    analyzed: &Analyzed,
    description: &str,
) -> TokenStream {
    let krate = &args.krate;
    let p = quote!(#krate::__private);
    let fn_ident = &func.sig.ident;
    let vis = &func.vis;
    let fn_name = fn_ident.to_string();
    let raw_name = args
        .name
        .as_ref()
        .map_or(fn_name.clone(), |n| n.value.clone());

    // The arguments struct is generic over the parameters' types (`__T0`, ...), and so
    // is all code that needs their traits: it is instantiated with the user's types in
    // one place only (`__fns`), each spanned at its type, so that a wrong parameter type
    // is one error there and no derive or call cascades.
    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    let mut generics = Vec::new();
    let mut type_args = Vec::new();
    let mut de_bounds = Vec::new();
    let mut schema_bounds = Vec::new();
    let mut params = Vec::new();
    let mut unpack = Vec::new();
    let mut call_args = Vec::new();
    for arg in &analyzed.args {
        match arg {
            Arg::Context(kind) => call_args.push(match kind {
                ContextArg::Owned => quote!(__context),
                ContextArg::Shared => quote!(&__context),
                ContextArg::Exclusive => quote!(&mut __context),
            }),
            Arg::Input(input) => {
                let ident = &input.ident;
                let ty = &input.ty;
                let wire = &input.wire_name;
                let desc = &input.description;
                let inferrable = input.inferrable;
                let header = opt_str(input.header.as_deref());
                let t = format_ident!("__T{}", generics.len());
                let t_str = t.to_string();
                // A default is a trait of the field's own, implemented for the user's
                // type, so that the generic code can ask for it by a bound.
                let default_value = match &input.default {
                    Some(DefaultValue::Trait) => Some(quote!(::core::default::Default::default())),
                    Some(DefaultValue::Expr(expr)) => Some(match &**expr {
                        // A string literal default works for `String` parameters too.
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(_),
                            ..
                        }) => quote_spanned!(expr.span()=> ::core::convert::From::from(#expr)),
                        _ => quote_spanned!(expr.span()=> #expr),
                    }),
                    None if input.is_option => Some(quote!(::core::option::Option::None)),
                    None => None,
                };
                let mut bound = quote!(#p::ToolParam + #p::Is<#ty>);
                let mut de_bound =
                    format!("{t_str}: __arcade_tdk_private::serde::Deserialize<'de>");
                let mut schema_bound =
                    format!("{t_str}: __arcade_tdk_private::schemars::JsonSchema");
                let serde_default = match default_value {
                    Some(value) => {
                        let trait_ident = format_ident!("__Default_{}", ident);
                        // `__T0::__default`: a path both derives can call with the
                        // field's type known.
                        let f_str = format!("{t_str}::__default");
                        defaults.push(quote! {
                            #[allow(non_camel_case_types)]
                            trait #trait_ident {
                                fn __default() -> Self;
                            }
                            impl #trait_ident for #ty {
                                fn __default() -> Self {
                                    #value
                                }
                            }
                        });
                        bound.extend(quote!(+ #trait_ident));
                        de_bound.push_str(&format!(" + {trait_ident}"));
                        schema_bound.push_str(&format!(" + {trait_ident}"));
                        quote!(#[serde(default = #f_str)])
                    }
                    None => quote!(),
                };
                fields.push(quote! {
                    #[serde(rename = #wire)]
                    #serde_default
                    #ident: #t,
                });
                generics.push(quote!(#t: #bound));
                type_args.push(quote_spanned!(ty.span()=> #ty));
                de_bounds.push(de_bound);
                schema_bounds.push(schema_bound);
                params.push(quote! {
                    #p::ParamAttrs { name: #wire, description: #desc, inferrable: #inferrable, header: #header },
                });
                // Not the parameter's own name, which may be the function's.
                let local = format_ident!("__arg{}", type_args.len() - 1);
                unpack.push(quote!(let #local: #ty = #p::Is::into_is(__args.#ident);));
                call_args.push(quote!(#local));
            }
        }
    }
    let type_params: Vec<_> = (0..generics.len())
        .map(|i| format_ident!("__T{}", i))
        .collect();
    // The derives' own bounds would not know the defaults' traits.
    let bounds = if de_bounds.is_empty() {
        quote!()
    } else {
        let de_bound = de_bounds.join(", ");
        let schema_bound = schema_bounds.join(", ");
        quote! {
            #[serde(bound(deserialize = #de_bound))]
            #[schemars(bound = #schema_bound)]
        }
    };

    let awaited = if analyzed.is_async {
        quote!(.await)
    } else {
        quote!()
    };
    // The one place the return type's bound is checked: a `fn`, so that the rest
    // uses a `Returns<R>`, which has no bound, and a wrong type is one error.
    let returns = match &analyzed.ret {
        Return::Unit => quote!(#p::returns::<()>()),
        Return::Value(ty) => quote_spanned!(ty.span()=> #p::returns::<#ty>()),
        Return::Result(ty) => quote_spanned!(ty.span()=> #p::returns_result::<#ty>()),
    };
    let ret_ty = match &analyzed.ret {
        Return::Unit => quote!(()),
        Return::Value(ty) | Return::Result(ty) => quote!(#ty),
    };

    let auth = match &args.auth {
        Some(a) => {
            let provider_id = opt_str(a.value.provider_id.as_deref());
            let id = opt_str(a.value.id.as_deref());
            let scopes = match &a.value.scopes {
                Some(s) => quote!(::core::option::Option::Some(&[#(#s),*])),
                None => quote!(::core::option::Option::None),
            };
            quote!(::core::option::Option::Some(#p::ToolAuthorization::oauth2(#provider_id, #id, #scopes)))
        }
        None => quote!(::core::option::Option::None),
    };

    let metadata = metadata_tokens(args, &p);
    let secrets: Vec<&String> = args.secrets.iter().map(|s| &s.value).collect();
    let metadata_keys: Vec<&String> = args.metadata_keys.iter().map(|s| &s.value).collect();
    let output_desc = opt_str(args.output.as_deref());
    let deprecated = opt_str(args.deprecated.as_deref());
    let ui = opt_str(args.ui.as_deref());
    let task_support = args.task_support.map(|variant| {
        let variant = syn::Ident::new(variant, proc_macro2::Span::call_site());
        quote!(.with_task_support(#p::TaskSupport::#variant))
    });
    let defer_task = args
        .defer_task
        .as_ref()
        .filter(|d| d.value)
        .map(|_| quote!(.with_deferred_task(true)));
    let handle_doc = format!(
        "The tool made by `#[tool]` from [`{fn_name}()`](fn@{fn_name}). Register it with `Toolkit::tool({fn_name}::tool())`."
    );

    // A braced struct lives in the type namespace only, so it can share the function's
    // name: `echo(..)` is the function and `echo::tool()` its tool. Everything else is
    // inside an anonymous const, in the same scope as the function (which may be a
    // function body), so every type of the signature resolves as the user wrote it.
    quote! {
        #[doc = #handle_doc]
        #[allow(non_camel_case_types)]
        #vis struct #fn_ident {
            _private: (),
        }

        const _: () = {
            // The derives name their crates by a path in a string: this alias makes it
            // the same path whatever the runtime is called.
            #[allow(unused_imports)]
            use #p as __arcade_tdk_private;

            #[derive(#p::serde::Deserialize, #p::schemars::JsonSchema)]
            #[serde(crate = "__arcade_tdk_private::serde", deny_unknown_fields)]
            #[schemars(crate = "__arcade_tdk_private::schemars")]
            #bounds
            #[allow(non_camel_case_types, dead_code)]
            struct __Args<#(#type_params),*> {
                #(#fields)*
            }

            #(#defaults)*

            fn __returns() -> #p::Returns<#ret_ty> {
                #returns
            }

            fn __spec<#(#generics),*>() -> #p::ToolSpec {
                #p::build_spec::<__Args<#(#type_params),*>>(
                    &#p::ToolAttrs {
                        name: #raw_name,
                        fn_name: #fn_name,
                        description: #description,
                        params: &[#(#params)*],
                        output_description: #output_desc,
                        secrets: &[#(#secrets),*],
                        metadata_keys: &[#(#metadata_keys),*],
                        deprecated: #deprecated,
                        ui: #ui,
                    },
                    __returns().schema,
                    #auth,
                    #metadata,
                )
                #task_support
                #defer_task
            }

            #[allow(unused_variables, unused_mut)]
            fn __call<#(#generics),*>(
                __spec: &#p::ToolSpec,
                mut __context: #p::ToolContext,
                __arguments: #p::serde_json::Map<::std::string::String, #p::serde_json::Value>,
            ) -> #p::ToolFuture {
                let __args: __Args<#(#type_params),*> = match #p::decode_args(__spec, __arguments) {
                    ::core::result::Result::Ok(a) => a,
                    ::core::result::Result::Err(e) => {
                        return #p::boxed(async move { ::core::result::Result::Err(e) });
                    }
                };
                #(#unpack)*
                #p::boxed(async move {
                    let __out = #fn_ident(#(#call_args),*)#awaited;
                    (__returns().into_value)(__out)
                })
            }

            fn __fns<#(#generics),*>() -> #p::ToolFns {
                #p::ToolFns {
                    spec: __spec::<#(#type_params),*>,
                    call: __call::<#(#type_params),*>,
                }
            }

            /// The one place the parameters' types meet their bounds.
            fn __instance() -> #p::ToolFns {
                __fns::<#(#type_args),*>()
            }

            struct __Tool;

            impl #p::Tool for __Tool {
                fn spec(&self) -> &#p::ToolSpec {
                    static SPEC: #p::SpecCell = #p::SpecCell::new();
                    SPEC.get_or_init(__instance().spec)
                }

                fn call(
                    &self,
                    __context: #p::ToolContext,
                    __arguments: #p::serde_json::Map<::std::string::String, #p::serde_json::Value>,
                ) -> #p::ToolFuture {
                    (__instance().call)(self.spec(), __context, __arguments)
                }
            }

            impl #fn_ident {
                /// The tool, to register in a `Toolkit` or call directly.
                #[allow(dead_code)]
                pub fn tool() -> &'static dyn #p::Tool {
                    &__Tool
                }
            }
        };
    }
}

fn metadata_tokens(args: &ToolArgs, p: &TokenStream) -> TokenStream {
    let classification = if args.service_domains.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        let domains = args.service_domains.iter().map(|d| {
            let v = format_ident!("{}", variant(&d.value));
            quote!(#p::ServiceDomain::#v)
        });
        quote!(::core::option::Option::Some(#p::Classification {
            service_domains: ::core::option::Option::Some(::std::vec![#(#domains),*]),
        }))
    };
    let behavior = if args.has_behavior() {
        let ops = args.operations.iter().map(|o| {
            let v = format_ident!("{}", variant(&o.value));
            quote!(#p::Operation::#v)
        });
        let flag = |f: &Option<SpannedValue<bool>>| match f {
            Some(s) => {
                let v = s.value;
                quote!(::core::option::Option::Some(#v))
            }
            None => quote!(::core::option::Option::None),
        };
        let (ro, de, id, ow) = (
            flag(&args.read_only),
            flag(&args.destructive),
            flag(&args.idempotent),
            flag(&args.open_world),
        );
        quote!(::core::option::Option::Some(#p::Behavior {
            operations: ::std::vec![#(#ops),*],
            read_only: #ro,
            destructive: #de,
            idempotent: #id,
            open_world: #ow,
        }))
    } else {
        quote!(::core::option::Option::None)
    };
    let extras = if args.extras.is_empty() {
        quote!(::core::option::Option::None)
    } else {
        let inserts = args.extras.iter().map(|(k, v)| {
            let v = match v {
                ExtraValue::Str(s) => quote!(#p::serde_json::Value::from(#s)),
                ExtraValue::Int(i) => quote!(#p::serde_json::Value::from(#i)),
                ExtraValue::Float(f) => quote!(#p::serde_json::Value::from(#f)),
                ExtraValue::Bool(b) => quote!(#p::serde_json::Value::from(#b)),
            };
            quote!(__m.insert(::std::string::String::from(#k), #v);)
        });
        quote!({
            let mut __m = #p::serde_json::Map::new();
            #(#inserts)*
            ::core::option::Option::Some(__m)
        })
    };
    if args.service_domains.is_empty() && !args.has_behavior() && args.extras.is_empty() {
        return quote!(::core::option::Option::None);
    }
    quote!(::core::option::Option::Some(#p::ToolMetadata {
        classification: #classification,
        behavior: #behavior,
        extras: #extras,
    }))
}

/// On error: the user's function as written (so the IDE keeps working), the errors,
/// and a stub module so that `name::tool()` at registration sites does not cascade.
pub(crate) fn expand_error(
    func: &syn::ItemFn,
    krate: &TokenStream,
    error: syn::Error,
) -> TokenStream {
    let p = quote!(#krate::__private);
    let fn_ident = &func.sig.ident;
    let vis = &func.vis;
    let errors = error.to_compile_error();
    let in_impl = matches!(func.sig.inputs.first(), Some(syn::FnArg::Receiver(_)));
    if in_impl {
        return quote!(#func #errors);
    }
    quote! {
        #func
        #errors
        #[allow(non_camel_case_types)]
        #vis struct #fn_ident {
            _private: (),
        }
        impl #fn_ident {
            #[allow(dead_code)]
            pub fn tool() -> &'static dyn #p::Tool {
                ::core::unimplemented!()
            }
        }
    }
}
