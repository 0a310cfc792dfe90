//! `PROPERTY_PATHS`: every field path a request can be refused at, as the
//! spec names it (`demographics.lastName`, `appointmentDetails.reasonId`,
//! `patient_id` of an upload's `details` part, a query parameter's name).
//!
//! The server's constraint violations name a `field`; the client prints it
//! only when it is one of these paths (indices such as `[0]` aside). A field
//! named after a value (`demographics.<a name>`, a map key) is not printed.
//! The list is a module of its own (`accuro-client/src/property_paths.rs`):
//! the client's error texts read it, and it depends on nothing.

use std::collections::BTreeSet;

use serde_yaml::Value;

use crate::{Error, Options};

/// The module `accuro-client/src/property_paths.rs`: `PROPERTY_PATHS`, the
/// spec's property paths, sorted, under the generated files' header.
pub fn generate_property_paths(spec_text: &str, options: &Options) -> Result<String, Error> {
    let spec = crate::parse_spec(spec_text, &options.spec_name)?;
    crate::rules::check_located(&spec, Some(spec_text), &options.spec_name)?;
    let document: Value = serde_yaml::from_str(spec_text)
        .map_err(|e| Error::Format(format!("{}: {e}", options.spec_name)))?;
    let paths = property_paths(&document);
    let paths = paths.iter();
    let tokens = quote::quote! {
        //! The spec's property paths: every field a request can be refused at
        //! (request bodies, their parts, parameters), sorted. A constraint
        //! violation's field is printed only when it is one of them (see
        //! `server_text`).

        /// Every field path of the spec's request bodies and parameters, sorted.
        pub(crate) static PROPERTY_PATHS: &[&str] = &[#(#paths),*];
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Format(e.to_string()))?;
    let (header, _) = crate::header(spec_text, options);
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// How deep a path may go (the spec's request bodies nest 5 deep at most;
/// the bound also ends a schema that refers to itself).
const MAX_DEPTH: usize = 8;

/// The sorted property paths of the spec's request bodies (each body's
/// schema, and each part of a multipart or form body, as a root) and the
/// names of its query, path and header parameters (`uuid` aside).
pub(crate) fn property_paths(document: &Value) -> BTreeSet<String> {
    let schemas = document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping);
    let walker = Walker { schemas };
    let mut paths = BTreeSet::new();
    let Some(items) = document.get("paths").and_then(Value::as_mapping) else {
        return paths;
    };
    for item in items.values() {
        let Some(item) = item.as_mapping() else {
            continue;
        };
        for (key, op) in item {
            if key.as_str() == Some("parameters") {
                walker.parameters(document, op, &mut paths);
                continue;
            }
            walker.parameters(
                document,
                op.get("parameters").unwrap_or(&Value::Null),
                &mut paths,
            );
            let contents = op
                .get("requestBody")
                .map(|b| walker.resolve(document, b))
                .and_then(|b| b.get("content"))
                .and_then(Value::as_mapping);
            for (media_type, content) in contents.into_iter().flatten() {
                let Some(schema) = content.get("schema") else {
                    continue;
                };
                walker.walk(schema, "", &mut Vec::new(), &mut paths);
                // A multipart or form body's parts are validated as objects
                // of their own: their fields are named from the part.
                let parts = media_type
                    .as_str()
                    .is_some_and(|m| m.starts_with("multipart/") || m.contains("form-urlencoded"));
                if parts {
                    for part in walker.properties(schema).into_values() {
                        walker.walk(part, "", &mut Vec::new(), &mut paths);
                    }
                }
            }
        }
    }
    paths.remove(crate::rules::UUID_PARAM);
    paths
}

struct Walker<'a> {
    schemas: Option<&'a serde_yaml::Mapping>,
}

impl<'a> Walker<'a> {
    /// The schema a `$ref` names (`#/components/schemas/X`), or `value`.
    fn schema(&self, value: &'a Value) -> &'a Value {
        let mut value = value;
        for _ in 0..MAX_DEPTH {
            let Some(name) = reference(value).and_then(|r| r.strip_prefix("#/components/schemas/"))
            else {
                break;
            };
            match self.schemas.and_then(|s| s.get(name)) {
                Some(target) => value = target,
                None => break,
            }
        }
        value
    }

    /// Any `$ref` in the document (`#/components/requestBodies/X`, ...).
    fn resolve(&self, document: &'a Value, value: &'a Value) -> &'a Value {
        let Some(pointer) = reference(value).and_then(|r| r.strip_prefix('#')) else {
            return value;
        };
        let mut at = document;
        for segment in pointer.split('/').filter(|s| !s.is_empty()) {
            match at.get(segment.replace("~1", "/").replace("~0", "~").as_str()) {
                Some(next) => at = next,
                None => return value,
            }
        }
        at
    }

    /// The parameters' names (each may be a `$ref`).
    fn parameters(&self, document: &'a Value, list: &'a Value, paths: &mut BTreeSet<String>) {
        for param in list.as_sequence().into_iter().flatten() {
            let param = self.resolve(document, param);
            if let Some(name) = param.get("name").and_then(Value::as_str) {
                paths.insert(name.to_owned());
            }
        }
    }

    /// The properties of an object schema, through `allOf`/`oneOf`/`anyOf`
    /// and array items.
    fn properties(&self, schema: &'a Value) -> std::collections::BTreeMap<&'a str, &'a Value> {
        let mut out = std::collections::BTreeMap::new();
        self.collect(schema, &mut out, 0);
        out
    }

    fn collect(
        &self,
        schema: &'a Value,
        out: &mut std::collections::BTreeMap<&'a str, &'a Value>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.schema(schema);
        for combinator in ["allOf", "oneOf", "anyOf"] {
            for inner in schema
                .get(combinator)
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
            {
                self.collect(inner, out, depth + 1);
            }
        }
        if let Some(items) = schema.get("items") {
            self.collect(items, out, depth + 1);
        }
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            if let Some(name) = name.as_str() {
                out.insert(name, property);
            }
        }
    }

    /// Adds every path below `schema` under `prefix`; `chain` holds the
    /// schemas on the way (a schema met again ends the walk).
    fn walk(
        &self,
        schema: &'a Value,
        prefix: &str,
        chain: &mut Vec<&'a str>,
        paths: &mut BTreeSet<String>,
    ) {
        if chain.len() > MAX_DEPTH {
            return;
        }
        for (name, property) in self.properties(schema) {
            let path = if prefix.is_empty() {
                name.to_owned()
            } else {
                format!("{prefix}.{name}")
            };
            paths.insert(path.clone());
            let named = named_schema(property);
            if named.is_some_and(|n| chain.contains(&n)) {
                continue;
            }
            chain.extend(named);
            self.walk(property, &path, chain, paths);
            if named.is_some() {
                chain.pop();
            }
        }
    }
}

fn reference(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The component schema a property refers to, directly, through its items
/// or through a combinator.
fn named_schema(value: &Value) -> Option<&str> {
    if let Some(r) = reference(value) {
        return r.rsplit('/').next();
    }
    if let Some(items) = value.get("items") {
        return named_schema(items);
    }
    ["allOf", "oneOf", "anyOf"].iter().find_map(|c| {
        value
            .get(*c)
            .and_then(Value::as_sequence)?
            .iter()
            .find_map(named_schema)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_parts_and_parameters_give_paths_and_recursion_ends() {
        let document: Value = serde_yaml::from_str(
            r##"
paths:
  /a:
    parameters:
      - {name: uuid, in: query}
    post:
      parameters:
        - $ref: "#/components/parameters/Last"
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Patient"}
  /b:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                details: {$ref: "#/components/schemas/Details"}
components:
  parameters:
    Last: {name: lastName, in: query}
  schemas:
    Patient:
      type: object
      properties:
        demographics:
          allOf: [{$ref: "#/components/schemas/Demographics"}]
        phones: {type: array, items: {$ref: "#/components/schemas/Phone"}}
    Demographics:
      type: object
      properties:
        lastName: {type: string}
        next: {$ref: "#/components/schemas/Demographics"}
    Phone: {type: object, properties: {number: {type: string}}}
    Details: {type: object, properties: {patient_id: {type: integer}}}
"##,
        )
        .expect("yaml");
        let paths = property_paths(&document);
        for expected in [
            "lastName",
            "demographics",
            "demographics.lastName",
            "demographics.next",
            "phones.number",
            "details.patient_id",
            "patient_id",
        ] {
            assert!(paths.contains(expected), "{expected}: {paths:?}");
        }
        assert!(!paths.contains("uuid"));
        assert!(!paths.contains("demographics.next.lastName"), "{paths:?}");
    }
}
