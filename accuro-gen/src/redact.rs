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

use crate::Error;
use crate::phi::Classification;
use crate::syntax::module_mut;

mod debug_impls;
#[cfg(test)]
mod tests;

use debug_impls::{enum_impl, named_impl, tuple_impl};

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
    let local: BTreeSet<String> = crate::syntax::type_names(types);
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
                                // Its own `Debug` prints member names only.
                                _ if is_unknown_members(&field.ty) => Shown::Value,
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

/// Whether `ty` is the unknown members' type (or a builder's `Result` of it).
fn is_unknown_members(ty: &syn::Type) -> bool {
    quote::quote!(#ty).to_string().contains("UnknownMembers")
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
