//! The `impl Debug`s the redaction pass adds: a struct's named fields, a
//! newtype's values, an enum's variants, each printed or `[redacted]`.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use super::{Shown, is_local, unraw};

/// The `cfg` attributes of a type, for its `impl`.
fn cfgs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("cfg")).collect()
}

/// `impl Debug` for a struct with named fields (a type or its builder).
/// Returns `(is_builder, item)`.
pub(super) fn named_impl(
    ident: &syn::Ident,
    attrs: &[syn::Attribute],
    fields: &syn::punctuated::Punctuated<syn::Field, syn::Token![,]>,
    shown: &BTreeMap<String, Shown>,
) -> (bool, syn::Item) {
    let is_builder = fields.iter().any(|f| is_result(&f.ty));
    let name = ident.to_string();
    let cfgs = cfgs(attrs);
    let calls = fields.iter().filter_map(|f| {
        let field = f.ident.as_ref()?;
        let label = unraw(field);
        Some(match shown.get(&label) {
            Some(Shown::Value) => quote! { .field(#label, &self.#field) },
            _ => quote! { .field(#label, &::std::format_args!("[redacted]")) },
        })
    });
    let item = syn::parse_quote! {
        #(#cfgs)*
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name) #(#calls)* .finish()
            }
        }
    };
    (is_builder, item)
}

fn is_result(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Result"))
}

/// `impl Debug` for a newtype whose values may be health data.
pub(super) fn tuple_impl(
    ident: &syn::Ident,
    attrs: &[syn::Attribute],
    len: usize,
) -> (bool, syn::Item) {
    let name = ident.to_string();
    let cfgs = cfgs(attrs);
    let fields = (0..len).map(|_| quote! { .field(&::std::format_args!("[redacted]")) });
    let item = syn::parse_quote! {
        #(#cfgs)*
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(#name) #(#fields)* .finish()
            }
        }
    };
    (false, item)
}

/// `impl Debug` for an enum whose variants carry values that may be health
/// data: variants of generated types print through them, the rest redacted.
pub(super) fn enum_impl(e: &syn::ItemEnum, local: &BTreeSet<String>) -> (bool, syn::Item) {
    let ident = &e.ident;
    let cfgs = cfgs(&e.attrs);
    let arms = e.variants.iter().map(|v| {
        let variant = &v.ident;
        let label = variant.to_string();
        match &v.fields {
            syn::Fields::Unit => quote! { Self::#variant => f.write_str(#label), },
            syn::Fields::Unnamed(fields) => {
                let binds: Vec<syn::Ident> = (0..fields.unnamed.len())
                    .map(|i| quote::format_ident!("v{i}"))
                    .collect();
                let shown = fields.unnamed.iter().zip(&binds).map(|(f, b)| {
                    if is_local(&f.ty, local) {
                        quote! { .field(#b) }
                    } else {
                        quote! { .field(&::std::format_args!("[redacted]")) }
                    }
                });
                quote! {
                    #[allow(unused_variables)]
                    Self::#variant(#(#binds),*) => f.debug_tuple(#label) #(#shown)* .finish(),
                }
            }
            syn::Fields::Named(fields) => {
                let names: Vec<&syn::Ident> = fields
                    .named
                    .iter()
                    .filter_map(|f| f.ident.as_ref())
                    .collect();
                let shown = fields.named.iter().filter_map(|f| {
                    let field = f.ident.as_ref()?;
                    let text = unraw(field);
                    Some(if is_local(&f.ty, local) {
                        quote! { .field(#text, #field) }
                    } else {
                        quote! { .field(#text, &::std::format_args!("[redacted]")) }
                    })
                });
                quote! {
                    #[allow(unused_variables)]
                    Self::#variant { #(#names),* } => f.debug_struct(#label) #(#shown)* .finish(),
                }
            }
        }
    });
    let item = syn::parse_quote! {
        #(#cfgs)*
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#arms)*
                }
            }
        }
    };
    (false, item)
}
