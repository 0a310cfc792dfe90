//! The redaction pass: the generated types print their safe fields and
//! `[redacted]` for the rest (see [`crate::phi`]).
//!
//! In the `types` module, every struct and enum that derives `Debug` loses
//! the derive and gets an `impl Debug` that follows the spec's decisions:
//!
//! - a field whose property says `x-accuro-phi: true` is `[redacted]`
//!   whatever its type, and one that says `false` is printed;
//! - a field without a decision whose type is another generated type
//!   (alone, or in an `Option`, `Vec` or `Box`) is printed through that
//!   type's own `Debug`, which follows its own decisions;
//! - any other field is printed only when its property says
//!   `x-accuro-phi: false`; otherwise `[redacted]` (unknown is health data);
//! - a newtype or an enum carrying values (`Color`, `TerminationReason`,
//!   the constrained query parameters) prints them only when its schema says
//!   `x-accuro-phi: false`; enums of unit variants keep their derive;
//! - the type builders (`types::builder::Patient`) follow the type they build.
//!
//! A type whose every field would be printed keeps its derive. `Serialize`
//! is untouched: writing JSON is the user's explicit act.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;

use crate::Error;
use crate::phi::Classification;

/// How a field is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// Its value (safe by the spec, or a generated type that redacts itself).
    Value,
    /// `[redacted]`.
    Redacted,
}

/// What the pass did, for the endpoint table and the tests.
#[derive(Debug, Default, Clone)]
pub struct Redactions {
    /// `type name -> (redacted fields, all fields)` of every named struct.
    pub per_type: BTreeMap<String, (usize, usize)>,
}

/// Rewrites the `Debug` of the generated types in `file` by `classification`.
/// Fails when a struct with named fields matches no schema (a naming change
/// in typify would otherwise redact everything silently, or nothing).
pub(crate) fn redact(
    file: &mut syn::File,
    classification: &Classification,
) -> Result<Redactions, Error> {
    let Some(types) = module_mut(&mut file.items, "types") else {
        return Err(Error::Format("no `types` module to redact".into()));
    };
    let local: BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut decisions: BTreeMap<String, BTreeMap<String, Shown>> = BTreeMap::new();
    let mut added = Vec::new();
    let mut unmatched = Vec::new();
    let mut report = Redactions::default();
    for item in types.iter_mut() {
        match item {
            syn::Item::Struct(s) if derives_debug(&s.attrs) => {
                let name = s.ident.to_string();
                match &s.fields {
                    syn::Fields::Named(named) => {
                        if !classification.fields.contains_key(&name)
                            && named.named.iter().any(|f| !is_local(&f.ty, &local))
                        {
                            unmatched.push(name.clone());
                        }
                        let mut shown = BTreeMap::new();
                        for field in &named.named {
                            let Some(ident) = &field.ident else { continue };
                            let property = serde_name(field).unwrap_or_else(|| unraw(ident));
                            // The property's own decision first (a `true`
                            // beside a `$ref` redacts the nested value whole);
                            // without one, a generated type prints through
                            // its own `Debug`, anything else is redacted.
                            let how = match classification.decision(&name, &property) {
                                Some(true) => Shown::Redacted,
                                Some(false) => Shown::Value,
                                None if is_local(&field.ty, &local) => Shown::Value,
                                None => Shown::Redacted,
                            };
                            shown.insert(unraw(ident), how);
                        }
                        let redacted = shown.values().filter(|s| **s == Shown::Redacted).count();
                        report
                            .per_type
                            .insert(name.clone(), (redacted, shown.len()));
                        if redacted > 0 {
                            drop_debug(&mut s.attrs);
                            added.push(named_impl(&s.ident, &s.attrs, &named.named, &shown));
                        }
                        decisions.insert(name, shown);
                    }
                    syn::Fields::Unnamed(fields) => {
                        let values_safe = classification.type_is_safe(&name)
                            || fields.unnamed.iter().all(|f| is_local(&f.ty, &local));
                        if !values_safe {
                            drop_debug(&mut s.attrs);
                            added.push(tuple_impl(&s.ident, &s.attrs, fields.unnamed.len()));
                        }
                    }
                    syn::Fields::Unit => {}
                }
            }
            syn::Item::Enum(e) if derives_debug(&e.attrs) => {
                let name = e.ident.to_string();
                let values_safe = classification.type_is_safe(&name)
                    || e.variants
                        .iter()
                        .all(|v| v.fields.iter().all(|f| is_local(&f.ty, &local)));
                if !values_safe {
                    drop_debug(&mut e.attrs);
                    added.push(enum_impl(e, &local));
                }
            }
            _ => {}
        }
    }
    if !unmatched.is_empty() {
        return Err(Error::Format(format!(
            "the redaction pass found no schema for the generated structs {unmatched:?}: \
             their fields would all be redacted; name them as typify does in `phi::classify`"
        )));
    }
    if let Some(builders) = module_mut(types, "builder") {
        for item in builders.iter_mut() {
            if let syn::Item::Struct(s) = item
                && derives_debug(&s.attrs)
                && let syn::Fields::Named(named) = &s.fields
                && let Some(shown) = decisions.get(&s.ident.to_string())
                && shown.values().any(|s| *s == Shown::Redacted)
            {
                drop_debug(&mut s.attrs);
                added.push(named_impl(&s.ident, &s.attrs, &named.named, shown));
            }
        }
    }
    let (for_builders, for_types): (Vec<_>, Vec<_>) =
        added.into_iter().partition(|(is_builder, _)| *is_builder);
    if let Some(builders) = module_mut(types, "builder") {
        builders.extend(for_builders.into_iter().map(|(_, item)| item));
    }
    types.extend(for_types.into_iter().map(|(_, item)| item));
    Ok(report)
}

/// The items of the inline module `name` among `items`.
fn module_mut<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn derives_debug(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(derive_list)
                .is_ok_and(|paths| paths.iter().any(is_debug))
    })
}

fn derive_list(
    input: syn::parse::ParseStream<'_>,
) -> syn::Result<syn::punctuated::Punctuated<syn::Path, syn::Token![,]>> {
    syn::punctuated::Punctuated::parse_terminated(input)
}

fn is_debug(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|s| s.ident == "Debug")
}

/// Removes `Debug` from the type's derive list.
fn drop_debug(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        if let Ok(paths) = attr.parse_args_with(derive_list) {
            let kept: Vec<_> = paths.into_iter().filter(|p| !is_debug(p)).collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
}

/// The `cfg` attributes of a type, for its `impl`.
fn cfgs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("cfg")).collect()
}

/// The JSON name of a field (`#[serde(rename = "...")]`), if renamed.
fn serde_name(field: &syn::Field) -> Option<String> {
    let mut found = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.parse_nested_meta(|_| Ok(()));
            }
            Ok(())
        });
    }
    found
}

fn unraw(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map_or(s.clone(), str::to_owned)
}

/// Whether `ty` is a generated type of the `types` module, alone or in an
/// `Option`, a `Vec`, a `Box` or a builder's `Result<_, String>`: it then
/// prints through its own (redacting) `Debug`.
fn is_local(ty: &syn::Type, local: &BTreeSet<String>) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(last) = path.path.segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    let in_types = path.path.segments.len() == 1
        || (path.path.segments.len() == 2 && path.path.segments[0].ident == "super");
    if in_types && local.contains(&name) {
        return true;
    }
    if !["Option", "Vec", "Box", "Result"].contains(&name.as_str()) {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return false;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    // `Result<T, String>`: the error is a message of the builder ("no value
    // supplied for ..."), never a value.
    types.next().is_some_and(|inner| is_local(inner, local))
}

/// `impl Debug` for a struct with named fields (a type or its builder).
/// Returns `(is_builder, item)`.
fn named_impl(
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
fn tuple_impl(ident: &syn::Ident, attrs: &[syn::Attribute], len: usize) -> (bool, syn::Item) {
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
fn enum_impl(e: &syn::ItemEnum, local: &BTreeSet<String>) -> (bool, syn::Item) {
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

/// The generated `Debug` of a struct, for the tests.
#[cfg(test)]
fn tokens_of(item: &syn::Item) -> proc_macro2::TokenStream {
    quote! { #item }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classification() -> Classification {
        let mut c = Classification::default();
        c.fields.insert(
            "Patient".into(),
            [
                ("patientId".to_owned(), false),
                ("phn".to_owned(), true),
                ("reason".to_owned(), true),
            ]
            .into_iter()
            .collect(),
        );
        c.types.insert("Code".into(), false);
        c
    }

    #[test]
    fn fields_follow_the_spec_and_nested_types_their_own() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug)]
                pub struct Patient {
                    #[serde(rename = "patientId", skip_serializing_if = "Option::is_none")]
                    pub patient_id: Option<i64>,
                    pub phn: Option<String>,
                    pub unknown: Option<String>,
                    pub code: Option<Code>,
                    pub reason: Option<Kind>,
                }
                #[derive(Clone, Debug)]
                pub struct Code(pub String);
                #[derive(Clone, Debug)]
                pub struct Name(pub String);
                #[derive(Clone, Debug)]
                pub enum Either { Text(String), Code(Code), None }
                #[derive(Clone, Debug)]
                pub enum Kind { A, B }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct Patient {
                        patient_id: Result<Option<i64>, String>,
                        phn: Result<Option<String>, String>,
                        unknown: Result<Option<String>, String>,
                        code: Result<Option<super::Code>, String>,
                        reason: Result<Option<super::Kind>, String>,
                    }
                }
            }
        };
        let report = redact(&mut file, &classification()).unwrap();
        assert_eq!(report.per_type.get("Patient"), Some(&(3, 5)));
        let text = file
            .items
            .iter()
            .map(|i| tokens_of(i).to_string())
            .collect::<String>();
        let squeezed: String = text.split_whitespace().collect();
        assert!(
            squeezed.contains(r#".field("patient_id",&self.patient_id)"#),
            "{text}"
        );
        assert!(squeezed.contains(r#".field("phn",&::std::format_args!("[redacted]"))"#));
        assert!(squeezed.contains(r#".field("unknown",&::std::format_args!("[redacted]"))"#));
        assert!(squeezed.contains(r#".field("code",&self.code)"#));
        // A `true` beside a generated type redacts it whole.
        assert!(squeezed.contains(r#".field("reason",&::std::format_args!("[redacted]"))"#));
        assert!(
            squeezed.contains(r#"f.debug_tuple("Name").field(&::std::format_args!("[redacted]"))"#)
        );
        assert!(!squeezed.contains("DebugforCode"), "Code is safe: derived");
        assert!(squeezed.contains(r#"Self::Code(v0)=>f.debug_tuple("Code").field(v0)"#));
        assert!(squeezed.contains(r#"impl::std::fmt::DebugforPatient"#));
        // The builder follows its type, inside `builder`.
        assert_eq!(
            squeezed.matches("impl::std::fmt::DebugforPatient").count(),
            2
        );
        assert!(squeezed.contains("#[derive(Clone,Debug)]pubenumKind"));
    }

    #[test]
    fn a_struct_without_a_schema_is_refused() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Debug)]
                pub struct Renamed { pub a: String }
            }
        };
        let e = redact(&mut file, &classification())
            .unwrap_err()
            .to_string();
        assert!(e.contains("Renamed"), "{e}");
    }
}
