//! `every_call.rs` for the tests: one call of every generated operation
//! through the client, each required parameter and body set from the spec.
//!
//! Values come from the spec (a parameter's or body's `example`, else one
//! built from its schema by [`crate::example`]); a path id that names a
//! record (`patientId`, `providerId`, ...) comes from the caller's fixture,
//! so the same calls run against Prism, the sandbox or a stand-in. Each
//! value is written as JSON and decoded into the exact type of its builder
//! setter, read from the generated code, so an example that does not fit
//! its type fails the test that runs it, naming the operation.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_yaml::{Mapping, Value};

use crate::Error;
use crate::builders::{builder_module, builder_names, impl_fns};
use crate::rules::{HANDWRITTEN, UUID_PARAM};

/// Path parameters that name a fixture's record, by the parameter's name.
const FIXTURE_IDS: [(&str, &str); 8] = [
    ("patientId", "patient"),
    ("providerId", "provider"),
    ("physicianId", "provider"),
    ("officeId", "office"),
    ("appointmentId", "appointment"),
    ("testId", "lab_test"),
    ("folderId", "folder"),
    ("taskId", "task"),
];

/// The Rust source of `every_call.rs`, from the spec text and the
/// generated client module it produced.
pub fn calls(spec_text: &str, generated_code: &str, spec_name: &str) -> Result<String, Error> {
    let file = syn::parse_file(generated_code).map_err(|e| Error::Format(e.to_string()))?;
    calls_in(spec_text, &file, spec_name)
}

/// [`calls`], from the generated code already parsed.
pub fn calls_in(spec_text: &str, file: &syn::File, spec_name: &str) -> Result<String, Error> {
    let spec: Value =
        serde_yaml::from_str(spec_text).map_err(|e| Error::Format(format!("{spec_name}: {e}")))?;
    let setters = setters(file);
    let type_names = type_names(file);
    let components = spec
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();

    // (method rank, document order, call): reads first, then writes, deletes
    // last, so that no call runs on a record an earlier one removed.
    let mut calls: Vec<(u8, usize, TokenStream)> = Vec::new();
    let mut count = 0usize;
    let Some(paths) = spec.get("paths").and_then(Value::as_mapping) else {
        return Err(Error::Format(format!("{spec_name}: no paths")));
    };
    for (path, item) in paths {
        if !path.as_str().is_some_and(|p| p.starts_with("/rest/")) {
            continue;
        }
        let Some(item) = item.as_mapping() else {
            continue;
        };
        for (method, op) in item.iter().filter(|(m, _)| {
            matches!(
                m.as_str(),
                Some("get" | "put" | "post" | "delete" | "patch")
            )
        }) {
            let rank: u8 = match method.as_str() {
                Some("get") => 0,
                Some("delete") => 2,
                _ => 1,
            };
            if op.get(HANDWRITTEN).is_some() {
                continue;
            }
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let Some(op_setters) = setters.get(id) else {
                return Err(Error::Format(format!("no generated builder for `{id}`")));
            };
            let mut chain = Vec::new();
            for param in parameters(&spec, item, op) {
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                let place = param.get("in").and_then(Value::as_str).unwrap_or("");
                let required = param.get("required").and_then(Value::as_bool) == Some(true);
                // Optional parameters are sent when the spec gives them an
                // example (a filter the server needs one of, a date range).
                let exemplified = param.get("example").is_some();
                if name == UUID_PARAM || !(required || exemplified || place == "path") {
                    continue;
                }
                let Some((setter, ty)) = find_setter(op_setters, name) else {
                    return Err(Error::Format(format!(
                        "`{id}`: no setter for parameter `{name}`"
                    )));
                };
                let value = match FIXTURE_IDS.iter().find(|(n, _)| *n == name) {
                    // An id the spec types as a string is sent as one.
                    Some((_, field)) if ty.to_string().contains("String") => {
                        let field = format_ident!("{field}");
                        quote!(&format!("\"{}\"", f.#field))
                    }
                    Some((_, field)) => {
                        let field = format_ident!("{field}");
                        quote!(&f.#field.to_string())
                    }
                    None => {
                        let json = json_of(&param_example(param, &components));
                        quote!(#json)
                    }
                };
                let setter = format_ident!("{setter}");
                chain.push(quote!(.#setter(v::<#ty>(#id, #value)?)));
            }
            if let Some(body) = op.get("requestBody") {
                let example = body_example(body, &components);
                if let (Some(example), Some((_, ty))) = (example, find_setter(op_setters, "body")) {
                    let json = json_of(&example);
                    chain.push(quote!(.body(v::<#ty>(#id, &with_ids(#json, f))?)));
                }
            }
            let method = format_ident!("{id}");
            // The office switch is refused on a shared token: it goes
            // through a client whose token is its own.
            let client = if id == accuro_spec::token_state::OFFICE_SWITCH {
                quote!(own_token)
            } else {
                quote!(c)
            };
            calls.push((
                rank,
                count,
                quote! {
                    call!(problems, #id, #client.#method() #(#chain)*);
                },
            ));
            count += 1;
        }
    }
    calls.sort_by_key(|(rank, order, _)| (*rank, *order));
    // Every schema that names QHR schemas, with its generated type.
    let decoders = components
        .iter()
        .filter(|(_, schema)| schema.get("x-accuro-vendor-schema").is_some())
        .filter_map(|(name, _)| name.as_str())
        .filter(|name| type_names.contains(*name))
        .map(|name| {
            let ty = format_ident!("{name}");
            quote!((#name, decode_value::<types::#ty> as Decoder))
        });
    // Every schema read and written (its type keeps unknown members).
    let written_back = crate::write_back::read_and_written(&spec)
        .into_iter()
        .filter(|name| components.contains_key(name.as_str()) && type_names.contains(name))
        .map(|name| {
            let ty = format_ident!("{name}");
            quote!((#name, round_trip::<types::#ty, types::builder::#ty> as RoundTrip))
        });
    let calls = calls.into_iter().map(|(_, _, call)| call);
    let fixture_ids = FIXTURE_IDS.iter().map(|(name, field)| {
        let field = format_ident!("{field}");
        quote!((#name, f.#field))
    });
    let tokens = quote! {
        use accuro_client::{Client, types};

        use crate::{Fixture, conforms};

        /// Each call's future is boxed: three hundred of them inline make one
        /// future too large for a test thread's stack.
        macro_rules! call {
            ($problems:ident, $op:expr, $build:expr) => {
                match (|| -> Result<_, String> { Ok($build) })() {
                    Ok(request) => {
                        if let Err(problem) = conforms($op, Box::pin(request.send()).await) {
                            $problems.push(problem);
                        }
                    }
                    Err(problem) => $problems.push(problem),
                }
            };
        }

        /// How many operations [`every_generated_operation`] calls.
        pub const GENERATED_OPERATIONS: usize = #count;

        /// A body example with its record ids (`patientId`, `providerId`, ...
        /// at its top level) replaced by the fixture's, so that a body names
        /// records the server has.
        fn with_ids(json: &str, f: &Fixture) -> String {
            let Ok(serde_json::Value::Object(mut body)) = serde_json::from_str(json) else {
                return json.to_owned();
            };
            for (name, id) in [#(#fixture_ids),*] {
                if let Some(value) = body.get_mut(name).filter(|v| v.is_number()) {
                    *value = serde_json::Value::from(id);
                }
            }
            serde_json::Value::Object(body).to_string()
        }

        /// Decodes a JSON value into one generated type, naming where it failed.
        pub type Decoder = fn(&serde_json::Value) -> Result<(), String>;

        /// Every schema of the spec that names QHR schemas
        /// (`x-accuro-vendor-schema`), with a decoder into its generated type.
        pub fn vendor_schema_decoders() -> Vec<(&'static str, Decoder)> {
            vec![#(#decoders),*]
        }

        /// A value decoded into a generated type, through its builder and back
        /// (the path of a request body), and encoded again.
        pub type RoundTrip = fn(&serde_json::Value) -> Result<serde_json::Value, String>;

        /// Every schema both read in an answer and sent in a request body
        /// (its generated type keeps the members the spec does not know),
        /// with its [`RoundTrip`].
        pub fn written_back_round_trips() -> Vec<(&'static str, RoundTrip)> {
            vec![#(#written_back),*]
        }

        /// Decodes `value` into `T`, into its builder `B` and back, and
        /// encodes it again.
        pub fn round_trip<T, B>(value: &serde_json::Value) -> Result<serde_json::Value, String>
        where
            T: serde::de::DeserializeOwned + serde::Serialize + TryFrom<B>,
            <T as TryFrom<B>>::Error: std::fmt::Display,
            B: From<T>,
        {
            let typed: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
            let rebuilt = T::try_from(B::from(typed)).map_err(|e| e.to_string())?;
            serde_json::to_value(&rebuilt).map_err(|e| e.to_string())
        }

        /// Decodes `value` into `T`, naming the path where it failed.
        pub fn decode_value<T: serde::de::DeserializeOwned>(value: &serde_json::Value) -> Result<(), String> {
            let text = value.to_string();
            let mut de = serde_json::Deserializer::from_str(&text);
            serde_path_to_error::deserialize::<_, T>(&mut de)
                .map(drop)
                .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
        }

        /// Decodes a value written in the spec into the setter's type.
        fn v<T: serde::de::DeserializeOwned>(operation: &str, json: &str) -> Result<T, String> {
            serde_json::from_str(json)
                .map_err(|e| format!("{operation}: the spec's example does not fit its type: {e}"))
        }

        /// Calls every generated operation once through the client, with its
        /// required parameters and body from the spec and record ids from
        /// `f`. Fails with every answer [`conforms`] refuses, one per line.
        pub async fn every_generated_operation(c: &Client, f: &Fixture) -> Result<usize, String> {
            let mut problems: Vec<String> = Vec::new();
            // For the office switch, which a shared token refuses.
            let own_token = c.with_own_token();
            #(#calls)*
            if problems.is_empty() {
                Ok(GENERATED_OPERATIONS)
            } else {
                Err(format!(
                    "{} of {} operations failed:\n{}",
                    problems.len(),
                    GENERATED_OPERATIONS,
                    problems.join("\n")
                ))
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))?;
    Ok(format!(
        "// @generated by accuro-gen from `{spec_name}`: one call of every generated operation.\n\
         // DO NOT EDIT: change the spec (or the generator) and run `cargo xtask regen`.\n\n\
         #![allow(clippy::redundant_closure_call, reason = \"each call is built in a closure that may fail\")]\n\n{}",
        prettyplease::unparse(&file)
    ))
}

/// The names of the structs, enums and aliases of the generated `types` module.
fn type_names(file: &syn::File) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for item in &file.items {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = &m.content
        {
            for item in items {
                match item {
                    syn::Item::Struct(s) => out.insert(s.ident.to_string()),
                    syn::Item::Enum(e) => out.insert(e.ident.to_string()),
                    syn::Item::Type(t) => out.insert(t.ident.to_string()),
                    _ => false,
                };
            }
        }
    }
    out
}

/// Operation id → setter name → the Rust type its `V: TryInto<T>` bound names.
fn setters(file: &syn::File) -> BTreeMap<String, BTreeMap<String, TokenStream>> {
    let mut by_builder: BTreeMap<String, BTreeMap<String, TokenStream>> = BTreeMap::new();
    for (self_name, fns) in impl_fns(builder_module(file)) {
        for f in fns {
            if let Some(ty) = try_into_target(&f.sig) {
                by_builder
                    .entry(self_name.clone())
                    .or_default()
                    .insert(f.sig.ident.to_string(), ty);
            }
        }
    }
    builder_names(file)
        .into_iter()
        .map(|(op, builder)| (op, by_builder.remove(&builder).unwrap_or_default()))
        .collect()
}

/// `T` of a setter's `where V: std::convert::TryInto<T>`, with paths made
/// absolute for a crate outside `accuro-client`.
fn try_into_target(sig: &syn::Signature) -> Option<TokenStream> {
    let clause = sig.generics.where_clause.as_ref()?;
    for predicate in &clause.predicates {
        let syn::WherePredicate::Type(pt) = predicate else {
            continue;
        };
        for bound in &pt.bounds {
            let syn::TypeParamBound::Trait(tb) = bound else {
                continue;
            };
            let last = tb.path.segments.last()?;
            if last.ident != "TryInto" {
                continue;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                continue;
            };
            if let Some(syn::GenericArgument::Type(ty)) = args.args.first() {
                let text = ty.to_token_stream().to_string();
                let text = text.replace("crate ::", "accuro_client ::");
                return text.parse().ok();
            }
        }
    }
    None
}

/// The setter for a parameter named `name` in the spec (progenitor's
/// snake_case of it), compared without case or separators.
fn find_setter<'a>(
    setters: &'a BTreeMap<String, TokenStream>,
    name: &str,
) -> Option<(&'a String, &'a TokenStream)> {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = plain(name);
    setters.iter().find(|(setter, _)| plain(setter) == wanted)
}

/// The operation's parameters (path item's and its own), references resolved.
fn parameters<'a>(spec: &'a Value, item: &'a Mapping, op: &'a Value) -> Vec<&'a Value> {
    let resolve = |p: &'a Value| -> &'a Value {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/components/parameters/")
                .and_then(|name| spec.get("components")?.get("parameters")?.get(name))
                .unwrap_or(p),
            None => p,
        }
    };
    let list = |v: Option<&'a Value>| -> Vec<&'a Value> {
        v.and_then(Value::as_sequence)
            .map(|s| s.iter().map(resolve).collect())
            .unwrap_or_default()
    };
    // An operation's parameter overrides the path item's of the same name and place.
    let own = list(op.get("parameters"));
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    let mut out: Vec<&Value> = list(item.get("parameters"))
        .into_iter()
        .filter(|p| !own.iter().any(|o| key(o) == key(p)))
        .collect();
    out.extend(own);
    out
}

fn param_example(param: &Value, components: &Mapping) -> Value {
    if let Some(example) = param.get("example") {
        return example.clone();
    }
    let schema = param.get("schema").cloned().unwrap_or(Value::Null);
    crate::example::example(&schema, components)
}

fn body_example(body: &Value, components: &Mapping) -> Option<Value> {
    let content = body.get("content")?.as_mapping()?;
    let (_, media) = content.iter().next()?;
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    if let Some(Value::Mapping(examples)) = media.get("examples")
        && let Some((_, first)) = examples.iter().next()
        && let Some(value) = first.get("value")
    {
        return Some(value.clone());
    }
    Some(crate::example::example(media.get("schema")?, components))
}

/// A value as a Rust string literal holding its JSON.
fn json_of(value: &Value) -> TokenStream {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    quote!(#text)
}
