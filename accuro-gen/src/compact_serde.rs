//! Weight: compact `Deserialize` and `Serialize` for the generated records.
//!
//! serde's derive writes, for each struct, a field-identifier enum with three
//! visitors, a `visit_seq` (a record as a JSON array) and a `visit_map` with
//! a duplicate check per member: about 350 lines per record once expanded,
//! and the largest part of what `accuro-client` took to compile. This pass
//! replaces the derive on the records of `types` (structs with named fields)
//! with one visitor over the object's members:
//!
//! - each member is matched by its JSON name (`rename`, else the field's
//!   name), read with the field type's own `Deserialize`;
//! - an `Option` field missing (or `null`) is `None`; a `default` field
//!   missing is its `Default`; any other field missing is serde's own
//!   `missing field` error;
//! - the member names are read borrowed when the input allows
//!   (`crate::member_name::MemberName`), as serde's derive does;
//! - a member the spec does not know is skipped, or kept in the record's
//!   flattened `extra: crate::UnknownMembers` when it has one
//!   ([`write_back`](crate::write_back));
//! - a member given twice: the last one counts (serde's derive refuses it;
//!   `serde_json::Value` and Accuro's own Jackson take the last);
//! - as with the derive, a record with a flattened member is read with
//!   `deserialize_map`, any other with `deserialize_struct` and its member
//!   names: flattened into another record (typify's `allOf`), it then takes
//!   only its own members.
//!
//! `Serialize` is written the same way: one `serialize_map` with an entry
//! per member, skipped when its `skip_serializing_if` says so (an absent
//! `Option`, an empty list), then the kept unknown members. The JSON is the
//! derive's, member for member. A record whose `Serialize` is behind the
//! `serialize` feature ([`slim`](crate::slim)) gets its impl under the same
//! `#[cfg]`.
//!
//! Records the pass does not cover keep serde's derives: tuple structs
//! (`transparent` newtypes), enums, and structs with a flattened member
//! other than `extra` (typify's `allOf`). A record it covers keeps no serde
//! derive, so its `#[serde(...)]` attributes go.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ext::IdentExt as _;

use crate::error::Error;
use crate::slim::SERIALIZE_FEATURE;
use crate::syntax::{derives, module_mut, remove_derive};
use crate::write_back::FIELD as EXTRA;

/// How a field is filled when its member is missing.
enum Missing {
    /// An `Option`: `None`.
    None,
    /// `#[serde(default)]`: `Default::default()`.
    Default,
    /// `#[serde(default = "path")]`: `path()`.
    DefaultWith(syn::ExprPath),
    /// Required: serde's `missing field` error.
    Error,
}

/// One field of a record, as the impls read and write it.
struct Member {
    field: syn::Ident,
    name: String,
    ty: syn::Type,
    missing: Missing,
    skip: Option<syn::ExprPath>,
}

/// What a record's fields say, or `None` when the visitor does not cover it.
struct Record {
    members: Vec<Member>,
    extra: Option<syn::Ident>,
}

/// Runs the pass over `types`. Returns how many records got a compact
/// `Deserialize`, and how many a compact `Serialize`.
pub(crate) fn compact_serde(file: &mut syn::File) -> Result<(usize, usize), Error> {
    let Some(types) = module_mut(&mut file.items, "types") else {
        return Err(Error::Format("no `types` module".into()));
    };
    let mut impls = Vec::new();
    let (mut read, mut written) = (0, 0);
    for item in types.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let de = derives(&s.attrs, "Deserialize");
        let ser = derives(&s.attrs, "Serialize");
        let gated = gated_serialize(&s.attrs);
        if !(de || ser || gated) {
            continue;
        }
        let Some(record) = record(s)? else { continue };
        let cfgs: Vec<syn::Attribute> = s
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg"))
            .cloned()
            .collect();
        let mut push = |tokens: TokenStream| -> Result<(), Error> {
            impls.push(
                syn::parse2::<syn::Item>(quote! { #(#cfgs)* #tokens }).map_err(|e| {
                    Error::Format(format!("a compact serde impl of `{}`: {e}", s.ident))
                })?,
            );
            Ok(())
        };
        if de {
            push(deserialize(&s.ident, &record))?;
            read += 1;
        }
        if ser || gated {
            let impl_ = serialize(&s.ident, &record);
            if ser {
                push(impl_)?;
            } else {
                let feature = SERIALIZE_FEATURE;
                push(quote! { #[cfg(feature = #feature)] #impl_ })?;
            }
            written += 1;
        }
        remove_derive(&mut s.attrs, "Deserialize");
        remove_derive(&mut s.attrs, "Serialize");
        s.attrs
            .retain(|a| !a.path().is_ident("serde") && !is_gated_serialize(a));
        for field in s.fields.iter_mut() {
            field.attrs.retain(|a| !a.path().is_ident("serde"));
        }
    }
    types.extend(impls);
    Ok((read, written))
}

/// `#[cfg_attr(feature = "serialize", derive(::serde::Serialize))]`.
fn is_gated_serialize(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg_attr") && {
        let text: String = attr
            .to_token_stream()
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        text.contains(&format!("feature=\"{SERIALIZE_FEATURE}\"")) && text.ends_with("Serialize))]")
    }
}

fn gated_serialize(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(is_gated_serialize)
}

/// Reads a record's fields; `None` when one of them needs serde's derive.
fn record(s: &syn::ItemStruct) -> Result<Option<Record>, Error> {
    let syn::Fields::Named(fields) = &s.fields else {
        return Ok(None);
    };
    if s.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return Ok(None);
    }
    let mut members = Vec::new();
    let mut extra = None;
    for field in &fields.named {
        let Some(ident) = &field.ident else {
            return Ok(None);
        };
        let mut name = ident.unraw().to_string();
        let mut default = None;
        let mut flatten = false;
        let mut skip = None;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            let mut unknown = false;
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    name = meta.value()?.parse::<syn::LitStr>()?.value();
                } else if meta.path.is_ident("default") {
                    default = Some(if meta.input.peek(syn::Token![=]) {
                        let path: syn::LitStr = meta.value()?.parse()?;
                        Some(path.parse::<syn::ExprPath>()?)
                    } else {
                        None
                    });
                } else if meta.path.is_ident("flatten") {
                    flatten = true;
                } else if meta.path.is_ident("skip_serializing_if") {
                    let path: syn::LitStr = meta.value()?.parse()?;
                    skip = Some(path.parse::<syn::ExprPath>()?);
                } else {
                    unknown = true;
                    // Consume whatever follows, so that parsing goes on.
                    if meta.input.peek(syn::Token![=]) {
                        let _: syn::Expr = meta.value()?.parse()?;
                    }
                }
                Ok(())
            })
            .map_err(|e| {
                Error::Format(format!(
                    "`{}`: a serde attribute of `{ident}`: {e}",
                    s.ident
                ))
            })?;
            if unknown {
                return Ok(None);
            }
        }
        if flatten {
            if *ident == EXTRA && extra.is_none() {
                extra = Some(ident.clone());
                continue;
            }
            return Ok(None);
        }
        let missing = match default {
            Some(None) => Missing::Default,
            Some(Some(path)) => Missing::DefaultWith(path),
            None if option_inner(&field.ty).is_some() => Missing::None,
            None => Missing::Error,
        };
        members.push(Member {
            field: ident.clone(),
            name,
            ty: field.ty.clone(),
            missing,
            skip,
        });
    }
    Ok(Some(Record { members, extra }))
}

/// `T` of an `Option<T>` (however the path to `Option` is written).
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The `impl Deserialize` of one record.
fn deserialize(ident: &syn::Ident, record: &Record) -> TokenStream {
    let expecting = format!("struct {ident}");
    // As serde's derive: a record with a flattened member is read as a map;
    // any other as a struct with its member names, so that a record
    // flattened into another (typify's `allOf`) takes only its own members
    // (serde's `FlatStructAccess`), as it did with the derive.
    let entry = if record.extra.is_some() {
        quote! { deserializer.deserialize_map(Members) }
    } else {
        let name = ident.to_string();
        let names = record.members.iter().map(|m| &m.name);
        quote! {
            const MEMBERS: &[&str] = &[#(#names),*];
            deserializer.deserialize_struct(#name, MEMBERS, Members)
        }
    };
    let slots: Vec<syn::Ident> = (0..record.members.len())
        .map(|i| quote::format_ident!("m{i}"))
        .collect();
    let mut declare = Vec::new();
    let mut arms = Vec::new();
    let mut build = Vec::new();
    for (member, slot) in record.members.iter().zip(&slots) {
        let (field, name, ty) = (&member.field, &member.name, &member.ty);
        match &member.missing {
            Missing::None => {
                declare.push(quote! { let mut #slot: #ty = ::std::option::Option::None; });
                arms.push(quote! { #name => #slot = map.next_value::<#ty>()?, });
                build.push(quote! { #field: #slot, });
            }
            other => {
                declare.push(quote! { let mut #slot: ::std::option::Option<#ty> = ::std::option::Option::None; });
                arms.push(quote! { #name => #slot = ::std::option::Option::Some(map.next_value::<#ty>()?), });
                let value = match other {
                    Missing::Default => quote! { #slot.unwrap_or_default() },
                    Missing::DefaultWith(path) => quote! { #slot.unwrap_or_else(#path) },
                    _ => quote! {
                        #slot.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#name))?
                    },
                };
                build.push(quote! { #field: #value, });
            }
        }
    }
    let (unknown, keep) = match &record.extra {
        Some(extra) => (
            quote! {
                _ => {
                    #extra.insert(key.into_string(), map.next_value::<::serde_json::Value>()?);
                }
            },
            (
                quote! { let mut #extra = crate::UnknownMembers::default(); },
                quote! { #extra, },
            ),
        ),
        None => (
            quote! {
                _ => {
                    map.next_value::<::serde::de::IgnoredAny>()?;
                }
            },
            (TokenStream::new(), TokenStream::new()),
        ),
    };
    let (declare_extra, build_extra) = keep;
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<__D>(deserializer: __D) -> ::std::result::Result<Self, __D::Error>
            where
                __D: ::serde::Deserializer<'de>,
            {
                struct Members;
                impl<'de> ::serde::de::Visitor<'de> for Members {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A>(self, mut map: __A) -> ::std::result::Result<#ident, __A::Error>
                    where
                        __A: ::serde::de::MapAccess<'de>,
                    {
                        #(#declare)*
                        #declare_extra
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<crate::member_name::MemberName<'de>>()?
                        {
                            match key.as_str() {
                                #(#arms)*
                                #unknown
                            }
                        }
                        ::std::result::Result::Ok(#ident { #(#build)* #build_extra })
                    }
                }
                #entry
            }
        }
    }
}

/// The `impl Serialize` of one record.
fn serialize(ident: &syn::Ident, record: &Record) -> TokenStream {
    let entries = record.members.iter().map(|m| {
        let (field, name, ty) = (&m.field, &m.name, &m.ty);
        let entry = quote! { map.serialize_entry::<str, #ty>(#name, &self.#field)?; };
        match &m.skip {
            Some(skip) => quote! { if !#skip(&self.#field) { #entry } },
            None => entry,
        }
    });
    let extra = record
        .extra
        .as_ref()
        .map(|extra| quote! { self.#extra.serialize_into(&mut map)?; });
    quote! {
        impl ::serde::Serialize for #ident {
            fn serialize<__S>(&self, serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error>
            where
                __S: ::serde::Serializer,
            {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                #extra
                map.end()
            }
        }
    }
}
