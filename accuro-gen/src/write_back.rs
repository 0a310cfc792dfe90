//! Records written back whole: every generated struct of a schema that is
//! both read in an answer and sent in a request body keeps the JSON members
//! the spec does not know (a newer Accuro's), in a flattened
//! `extra: crate::UnknownMembers`, and writes them back unchanged. Without
//! it, `get_patient` then `replace_patient` with the same value would clear
//! every field the spec has not caught up with.
//!
//! The set is computed from the spec: the `$ref` closure of every JSON
//! request body, intersected with that of every 2xx JSON answer, kept to
//! object schemas, with their inline objects (named as typify names them).
//! Read-only answers keep dropping unknown members: nothing sends them back.

use std::collections::BTreeSet;

use quote::quote;
use serde_yaml::Value;
use syn::visit_mut::VisitMut;

use crate::error::Error;
use crate::phi::{inline_object, schemas};
use crate::syntax::module_mut;

/// The field the pass adds.
pub(crate) const FIELD: &str = "extra";

/// The generated struct names whose schemas are both read and written.
pub(crate) fn read_and_written(document: &Value) -> BTreeSet<String> {
    let Some(schemas) = schemas(document) else {
        return BTreeSet::new();
    };
    let (mut written, mut read) = (BTreeSet::new(), BTreeSet::new());
    let methods = ["get", "put", "post", "delete", "patch"];
    for item in document
        .get("paths")
        .and_then(Value::as_mapping)
        .into_iter()
        .flat_map(|paths| paths.values())
    {
        for method in methods {
            let Some(op) = item.get(method) else { continue };
            if let Some(body) = op.get("requestBody") {
                for schema in json_schemas(follow(document, body)) {
                    closure(schema, schemas, &mut written);
                }
            }
            for (status, answer) in op
                .get("responses")
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                let success = match status {
                    Value::String(s) => s.starts_with('2'),
                    Value::Number(n) => n.as_u64().is_some_and(|n| (200..300).contains(&n)),
                    _ => false,
                };
                if success {
                    for schema in json_schemas(follow(document, answer)) {
                        closure(schema, schemas, &mut read);
                    }
                }
            }
        }
    }
    let mut names = BTreeSet::new();
    for name in written.intersection(&read) {
        let Some(schema) = schemas.get(name.as_str()) else {
            continue;
        };
        if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            names.insert(name.clone());
            inline_objects(schema, name, &mut names, 0);
        }
    }
    names
}

/// A `$ref` to a shared request body or answer, followed once.
fn follow<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let Some(target) = value.get("$ref").and_then(Value::as_str) else {
        return value;
    };
    target
        .strip_prefix("#/")
        .map(|path| {
            path.split('/')
                .try_fold(document, |at, part| at.get(part))
                .unwrap_or(value)
        })
        .unwrap_or(value)
}

/// The schemas of the JSON media of a request body or an answer.
fn json_schemas(holder: &Value) -> impl Iterator<Item = &Value> {
    holder
        .get("content")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter(|(media, _)| media.as_str().is_some_and(|m| m.contains("json")))
        .filter_map(|(_, media)| media.get("schema"))
}

/// Every component schema `value` reaches through `$ref`s, into `out`.
fn closure(value: &Value, schemas: &serde_yaml::Mapping, out: &mut BTreeSet<String>) {
    match value {
        Value::Mapping(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && out.insert(name.to_owned())
                && let Some(target) = schemas.get(name)
            {
                closure(target, schemas, out);
            }
            for inner in map.values() {
                closure(inner, schemas, out);
            }
        }
        Value::Sequence(items) => {
            for inner in items {
                closure(inner, schemas, out);
            }
        }
        _ => {}
    }
}

/// The inline objects of `schema`'s properties (and of their `items`),
/// named as typify names them: `ColorComponents` + `colorSpace`.
fn inline_objects(schema: &Value, name: &str, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    for (key, property) in schema
        .get("properties")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
    {
        let Some(key) = key.as_str() else { continue };
        if let Some((inline, inner)) = inline_object(name, key, property) {
            inline_objects(inline, &inner, out, depth + 1);
            out.insert(inner);
        }
    }
}

/// Adds the flattened `extra` field to each struct of `names` in the
/// `types` module, and carries it through its builder (the `send()` of a
/// request body goes through the builder: without it, the members would be
/// lost on every write). Returns how many structs got it; every name must
/// be found.
pub(crate) fn keep_unknown_members(
    file: &mut syn::File,
    names: &BTreeSet<String>,
) -> Result<usize, Error> {
    let Some(types) = module_mut(&mut file.items, "types") else {
        return Err(Error::Format("no `types` module".into()));
    };
    let mut found = BTreeSet::new();
    for item in types.iter_mut() {
        if let syn::Item::Struct(s) = item
            && names.contains(&s.ident.to_string())
            && let syn::Fields::Named(fields) = &mut s.fields
        {
            if fields
                .named
                .iter()
                .any(|f| f.ident.as_ref().is_some_and(|i| i == FIELD))
            {
                return Err(Error::Format(format!(
                    "`{}` already has a field `{FIELD}`: the unknown members need another name",
                    s.ident
                )));
            }
            fields.named.push(syn::parse_quote! {
                /// The members of the answer the spec does not know, kept
                /// so that the record is written back whole (see
                /// [`UnknownMembers`](crate::UnknownMembers)).
                #[serde(flatten)]
                pub extra: crate::UnknownMembers
            });
            found.insert(s.ident.to_string());
        }
    }
    let missing: Vec<_> = names.difference(&found).collect();
    if !missing.is_empty() {
        return Err(Error::Format(format!(
            "schemas read and written have no generated struct: {missing:?}"
        )));
    }
    if let Some(builders) = module_mut(types, "builder") {
        for item in builders.iter_mut() {
            match item {
                syn::Item::Struct(s) if found.contains(&s.ident.to_string()) => {
                    if let syn::Fields::Named(fields) = &mut s.fields {
                        fields.named.push(syn::parse_quote! {
                            extra: ::std::result::Result<crate::UnknownMembers, ::std::string::String>
                        });
                    }
                }
                syn::Item::Impl(imp) => carry_through(imp, &found),
                _ => {}
            }
        }
    }
    Ok(found.len())
}

/// In a builder's `impl`: `Default` starts `extra` empty, `TryFrom` and
/// `From` carry it, and the inherent `impl` gets an `extra` setter.
fn carry_through(imp: &mut syn::ItemImpl, found: &BTreeSet<String>) {
    let Some(name) = last_ident(&imp.self_ty) else {
        return;
    };
    let trait_name = imp
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .map(|s| s.ident.to_string());
    let (subject, value) = match trait_name.as_deref() {
        Some("Default") => (name, quote!(Ok(Default::default()))),
        Some("TryFrom") => (name, quote!(value.extra?)),
        Some("From") => (name, quote!(Ok(value.extra))),
        None => {
            if found.contains(&name) {
                imp.items.push(syn::parse_quote! {
                    /// The members the spec does not know, written back
                    /// with the record.
                    pub fn extra(mut self, value: crate::UnknownMembers) -> Self {
                        self.extra = Ok(value);
                        self
                    }
                });
            }
            return;
        }
        Some(_) => return,
    };
    if !found.contains(&subject) {
        return;
    }
    let field: syn::FieldValue = syn::parse_quote!(extra: #value);
    AddField(field).visit_item_impl_mut(imp);
}

/// Adds a field to every `Self { .. }` expression it visits.
struct AddField(syn::FieldValue);

impl VisitMut for AddField {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        if expr.path.is_ident("Self") && expr.rest.is_none() {
            expr.fields.push(self.0.clone());
        }
        syn::visit_mut::visit_expr_struct_mut(self, expr);
    }
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_read_and_written_and_its_inline_objects_are_found() {
        let spec: Value = serde_yaml::from_str(
            r##"
paths:
  /a:
    get:
      responses:
        '200':
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Patient'}}
    put:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Patient'}
      responses:
        '204': {description: done}
  /b:
    get:
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/OnlyRead'}
components:
  schemas:
    Patient:
      type: object
      properties:
        card: {$ref: '#/components/schemas/Card'}
        colour: {type: object, properties: {space: {type: string}}}
        code: {$ref: '#/components/schemas/Code'}
    Card: {type: object, properties: {number: {type: string}}}
    Code: {type: string}
    OnlyRead: {type: object, properties: {x: {type: string}}}
"##,
        )
        .unwrap_or(Value::Null);
        let names: Vec<_> = read_and_written(&spec).into_iter().collect();
        assert_eq!(names, ["Card", "Patient", "PatientColour"]);
    }
}
