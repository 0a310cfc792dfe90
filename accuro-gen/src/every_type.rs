//! `every_type.rs` for the tests: every generated type, by name, as a
//! function that decodes (or parses) a value into it and prints it with
//! `{:?}` and `{:#?}`, and the same for its type builder. The health-data
//! test walks it with marked values built from the spec.
//!
//! Read from the generated code, so that a type the spec adds is walked
//! without anyone listing it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::Error;

/// The Rust source of the tests' `every_type.rs`, from the generated client.
pub fn every_type(generated_code: &str) -> Result<String, Error> {
    let file = syn::parse_file(generated_code).map_err(|e| Error::Format(e.to_string()))?;
    every_type_in(&file)
}

/// [`every_type`], from the generated code already parsed.
pub fn every_type_in(file: &syn::File) -> Result<String, Error> {
    let Some(types) = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    }) else {
        return Err(Error::Format("no `types` module".into()));
    };
    let builders: std::collections::BTreeSet<String> = types
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, i)| i),
            _ => None,
        })
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    let parsed: std::collections::BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i)
                if i.trait_.as_ref().is_some_and(|(path, _)| {
                    path.segments.last().is_some_and(|s| s.ident == "FromStr")
                }) =>
            {
                match &*i.self_ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    // Records (structs with named fields) decode through the compact
    // `impl Deserialize` the generator writes (`compact_serde`), the others
    // through serde's derive; a type with its own `Deserialize` that is not a
    // record (a constrained text) is made from text.
    let implemented = |trait_name: &str| -> std::collections::BTreeSet<String> {
        types
            .iter()
            .filter_map(|item| match item {
                syn::Item::Impl(i)
                    if i.trait_.as_ref().is_some_and(|(path, _)| {
                        path.segments.last().is_some_and(|s| s.ident == trait_name)
                    }) =>
                {
                    match &*i.self_ty {
                        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect()
    };
    let records: std::collections::BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let deserialized: std::collections::BTreeSet<String> = implemented("Deserialize")
        .intersection(&records)
        .cloned()
        .collect();
    let mut decoded: Vec<TokenStream> = Vec::new();
    let mut from_text: Vec<TokenStream> = Vec::new();
    for item in types {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => (&s.ident, &s.attrs),
            syn::Item::Enum(e) => (&e.ident, &e.attrs),
            _ => continue,
        };
        let name = ident.to_string();
        let derives = |wanted: &str| {
            attrs.iter().any(|a| {
                a.path().is_ident("derive")
                    && quote!(#a)
                        .to_string()
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w == wanted)
            })
        };
        if derives("Deserialize") || deserialized.contains(&name) {
            let builder = if builders.contains(&name) {
                quote! { Some(show_builder::<types::#ident, types::builder::#ident>) }
            } else {
                quote! { None }
            };
            decoded.push(quote! {
                TypeCase {
                    name: #name,
                    decode: show_decoded::<types::#ident>,
                    builder: #builder,
                },
            });
        } else if parsed.contains(&name) {
            from_text.push(quote! {
                (#name, show_parsed::<types::#ident> as FromText),
            });
        }
    }
    let count = decoded.len();
    let tokens = quote! {
        use accuro_client::types;

        /// How a decoded value (or its builder) prints: `{:?}`, `{:#?}`, and
        /// whole through `accuro_client::reveal` (empty for a builder).
        pub type Printed = Result<[String; 3], String>;

        /// One generated type that decodes from JSON.
        pub struct TypeCase {
            /// Its name in `accuro_client::types`.
            pub name: &'static str,
            /// Decodes a JSON value into it and prints it.
            pub decode: fn(serde_json::Value) -> Printed,
            /// Decodes it, turns it into its type builder and prints that.
            pub builder: Option<fn(serde_json::Value) -> Printed>,
        }

        /// How many types [`DECODED`] holds.
        pub const DECODED_TYPES: usize = #count;

        /// Every generated type that decodes from JSON.
        pub static DECODED: &[TypeCase] = &[#(#decoded)*];

        /// Parses a text into a type and prints it.
        pub type FromText = fn(&str) -> Printed;

        /// Every generated type made from text (constrained query values).
        pub static FROM_TEXT: &[(&str, FromText)] = &[#(#from_text)*];

        fn show_decoded<T>(value: serde_json::Value) -> Printed
        where
            T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
        {
            let value: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
            Ok([format!("{value:?}"), format!("{value:#?}"), format!("{:?}", accuro_client::reveal(&value))])
        }

        fn show_builder<T, B>(value: serde_json::Value) -> Printed
        where
            T: serde::de::DeserializeOwned,
            B: From<T> + std::fmt::Debug,
        {
            let value: T = serde_json::from_value(value).map_err(|e| e.to_string())?;
            let built = B::from(value);
            Ok([format!("{built:?}"), format!("{built:#?}"), String::new()])
        }

        fn show_parsed<T>(text: &str) -> Printed
        where
            T: std::str::FromStr + serde::Serialize + std::fmt::Debug,
        {
            let value: T = text.parse().map_err(|_| format!("`{text}` does not parse"))?;
            Ok([format!("{value:?}"), format!("{value:#?}"), format!("{:?}", accuro_client::reveal(&value))])
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))?;
    Ok(format!(
        "// @generated by accuro-gen from the generated client: every generated type, printed.\n\
         // DO NOT EDIT: change the spec (or the generator) and run `cargo xtask regen`.\n\n{}",
        prettyplease::unparse(&file)
    ))
}
