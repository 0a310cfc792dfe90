//! `x-accuro-phi`: which fields of the spec's schemas may hold health data.
//!
//! Every property that is printed as a value of its own carries
//! `x-accuro-phi: true` (it may hold health data or a secret: printed as
//! `[redacted]`) or `x-accuro-phi: false` (an id, a code, an enum, a boolean,
//! a count, a record's date or a lookup name: printed). A property that is a
//! `$ref` to a generated type (an object, an enum) carries none: that type's
//! own fields decide. Accuro's date and number shapes (`AccuroDate`, ...) are
//! values: a `$ref` to one carries the decision beside it (the generator reads
//! it; OpenAPI 3.0 tools ignore `$ref` siblings).
//!
//! The rules ([`check`]) refuse a property that needs a decision and has none,
//! so a new field is never printed by accident; `cargo xtask import` writes
//! `true` on every property it adds. A schema that is not an object (a string
//! with open enum values, a `oneOf` of a string and an object, a map) carries
//! its decision at the schema level; without one, its values are redacted.

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::Violation;

/// The extension: `true` (health data or a secret, redacted) or `false` (safe to print).
pub const PHI: &str = "x-accuro-phi";

/// The schemas replaced by handwritten value types (dates, times, numbers):
/// a property referring to one is a value, and needs its own decision.
pub const VALUE_SHAPES: &[&str] = &[
    "AccuroDateTime",
    "AccuroDate",
    "AccuroPartialDate",
    "HhmmTime",
    "LenientInt",
];

/// Whether a property schema needs its own `x-accuro-phi` decision: every
/// property but a `$ref` (or an array of `$ref`s) to a generated type, and
/// an inline object with properties of its own (those are decided one by one).
pub fn needs_decision(property: &Value) -> bool {
    let target = |schema: &Value| {
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned())
    };
    if let Some(name) = target(property) {
        return VALUE_SHAPES.contains(&name.as_str());
    }
    if let Some(items) = property.get("items")
        && let Some(name) = target(items)
    {
        return VALUE_SHAPES.contains(&name.as_str());
    }
    !(property.get("type").and_then(Value::as_str) == Some("object")
        && property.get("properties").is_some())
}

/// The decisions of the spec, by generated Rust type name.
#[derive(Debug, Default, Clone)]
pub struct Classification {
    /// `type name -> JSON property name -> health data?`, the properties of
    /// `allOf` members (and of the schemas they refer to) included.
    pub fields: BTreeMap<String, BTreeMap<String, bool>>,
    /// Schema-level decisions of non-object schemas (`TerminationReason`).
    pub types: BTreeMap<String, bool>,
}

impl Classification {
    /// Whether `property` of the type `type_name` may be printed. Unknown
    /// (no decision) is health data: fail closed.
    pub fn field_is_safe(&self, type_name: &str, property: &str) -> bool {
        self.decision(type_name, property).is_some_and(|phi| !phi)
    }

    /// The decision of `property` of `type_name`: `Some(true)` health data,
    /// `Some(false)` safe, `None` none written (a `$ref` to a generated type).
    pub fn decision(&self, type_name: &str, property: &str) -> Option<bool> {
        self.fields
            .get(type_name)
            .and_then(|f| f.get(property))
            .copied()
    }

    /// Whether the values of the non-object type `type_name` may be printed.
    pub fn type_is_safe(&self, type_name: &str) -> bool {
        self.types.get(type_name).is_some_and(|phi| !phi)
    }
}

/// Reads every decision of the document's `components.schemas`.
pub fn classify(document: &Value) -> Classification {
    let mut out = Classification::default();
    let Some(schemas) = schemas(document) else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(name) = name.as_str() else { continue };
        if let Some(phi) = schema.get(PHI).and_then(Value::as_bool) {
            out.types.insert(name.to_owned(), phi);
        }
        let mut fields = BTreeMap::new();
        collect(schema, schemas, name, &mut fields, &mut out, 0);
        if schema.get("properties").is_some() || schema.get("allOf").is_some() {
            out.fields.insert(name.to_owned(), fields);
        }
    }
    out
}

/// The properties of `schema` (its `allOf` members and their `$ref`s
/// included) into `fields`; inline objects become types of their own, named
/// as typify names them (`ColorComponents` + `colorSpace` = `ColorComponentsColorSpace`).
fn collect(
    schema: &Value,
    schemas: &serde_yaml::Mapping,
    type_name: &str,
    fields: &mut BTreeMap<String, bool>,
    out: &mut Classification,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    if let Some(Value::Mapping(properties)) = schema.get("properties") {
        for (key, property) in properties {
            let Some(key) = key.as_str() else { continue };
            // The schema's own properties come first: an `allOf` member's
            // decision never overrides them.
            if let Some(phi) = property.get(PHI).and_then(Value::as_bool) {
                fields.entry(key.to_owned()).or_insert(phi);
            }
            if let Some((inline, inner_name)) = inline_object(type_name, key, property) {
                let mut inner = BTreeMap::new();
                collect(inline, schemas, &inner_name, &mut inner, out, depth + 1);
                let known = out.fields.entry(inner_name).or_default();
                for (field, phi) in inner {
                    known.entry(field).or_insert(phi);
                }
            }
        }
    }
    if let Some(Value::Sequence(members)) = schema.get("allOf") {
        for member in members {
            match member.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let target = reference.rsplit('/').next().unwrap_or(reference);
                    if let Some(target) = schemas.get(target) {
                        collect(target, schemas, type_name, fields, out, depth + 1);
                    }
                }
                None => collect(member, schemas, type_name, fields, out, depth + 1),
            }
        }
    }
}

/// The inline object of property `key` of type `type_name` (the property
/// itself, or its `items`), with the name typify gives its type:
/// `ColorComponents` + `colorSpace` = `ColorComponentsColorSpace`.
pub(crate) fn inline_object<'a>(
    type_name: &str,
    key: &str,
    property: &'a Value,
) -> Option<(&'a Value, String)> {
    let inline = if property.get("properties").is_some() {
        Some(property)
    } else {
        property
            .get("items")
            .filter(|i| i.get("properties").is_some())
    }?;
    Some((inline, format!("{type_name}{}", pascal(key))))
}

/// `colorSpace` -> `ColorSpace`, `file_name` -> `FileName`.
fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

pub(crate) fn schemas(document: &Value) -> Option<&serde_yaml::Mapping> {
    document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
}

/// The per-schema table of the endpoint reference (`docs/endpoints.md`): for each schema with properties,
/// how many are decided, and which are printed as `[redacted]`.
pub fn markdown_table(document: &Value) -> String {
    let classification = classify(document);
    let mut out = String::from(
        "\n## Health data, by schema (`x-accuro-phi`)\n\n\
         Fields printed as `[redacted]` by the generated types' `Debug`; the others are \
         printed, and fields of another generated type follow that type's own row.\n\n\
         | schema | fields decided | redacted | redacted fields |\n| --- | --- | --- | --- |\n",
    );
    for (name, fields) in &classification.fields {
        let redacted: Vec<&str> = fields
            .iter()
            .filter(|(_, phi)| **phi)
            .map(|(field, _)| field.as_str())
            .collect();
        let list = if redacted.is_empty() {
            "-".to_owned()
        } else {
            redacted
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "| `{name}` | {} | {} | {list} |\n",
            fields.len(),
            redacted.len()
        ));
    }
    for (name, phi) in &classification.types {
        let how = if *phi {
            "its values redacted"
        } else {
            "its values printed"
        };
        out.push_str(&format!("| `{name}` | (schema) | - | {how} |\n"));
    }
    out
}

/// Every property that needs a decision and has none (or a value that is
/// not a boolean), as violations naming the schema and the property.
pub fn check(document: &Value) -> Vec<Violation> {
    fn walk(schema: &Value, at: &str, out: &mut Vec<Violation>) {
        if let Some(Value::Mapping(properties)) = schema.get("properties") {
            for (key, property) in properties {
                let key = key.as_str().unwrap_or("?");
                let location = format!("components.schemas.{at}.{key}");
                match property.get(PHI) {
                    Some(Value::Bool(_)) => {}
                    Some(_) => out.push(Violation {
                        location,
                        message: format!("`{PHI}` must be `true` or `false`"),
                    }),
                    None if needs_decision(property) => out.push(Violation {
                        location,
                        message: format!(
                            "a property must say whether it may hold health data: add \
                             `{PHI}: true` (names, dates of a person, numbers such as a PHN, \
                             free text, clinical values, secrets: printed as [redacted]) or \
                             `{PHI}: false` (ids, codes, enums, booleans, counts, a record's \
                             dates, lookup names: printed)"
                        ),
                    }),
                    None => {}
                }
                walk(property, &format!("{at}.{key}"), out);
                if let Some(items) = property.get("items") {
                    walk(items, &format!("{at}.{key}[]"), out);
                }
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Sequence(members)) = schema.get(key) {
                for member in members {
                    walk(member, at, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Some(schemas) = schemas(document) {
        for (name, schema) in schemas {
            let name = name.as_str().unwrap_or("?");
            if let Some(value) = schema.get(PHI)
                && !value.is_bool()
            {
                out.push(Violation {
                    location: format!("components.schemas.{name}"),
                    message: format!("`{PHI}` must be `true` or `false`"),
                });
            }
            walk(schema, name, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    const SPEC: &str = r##"
components:
  schemas:
    Base:
      type: object
      properties:
        id: {type: integer, x-accuro-phi: false}
        note: {type: string, x-accuro-phi: true}
    Item:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties:
            code: {type: string, x-accuro-phi: false}
            born: {$ref: "#/components/schemas/AccuroDate", x-accuro-phi: true}
            base: {$ref: "#/components/schemas/Base"}
            space:
              type: object
              properties:
                kind: {type: integer, x-accuro-phi: false}
    Reason:
      type: string
      x-accuro-phi: false
"##;

    #[test]
    fn decisions_are_read_through_all_of_and_inline_objects() {
        let c = classify(&doc(SPEC));
        assert!(c.field_is_safe("Item", "id"));
        assert!(c.field_is_safe("Item", "code"));
        assert!(!c.field_is_safe("Item", "note"));
        assert!(!c.field_is_safe("Item", "born"));
        assert!(!c.field_is_safe("Item", "unknown"), "fail closed");
        assert!(c.field_is_safe("ItemSpace", "kind"));
        assert!(c.type_is_safe("Reason"));
        assert!(!c.type_is_safe("Item"));
        assert_eq!(c.decision("Item", "born"), Some(true));
        assert_eq!(c.decision("Item", "base"), None);
        assert!(check(&doc(SPEC)).is_empty());
    }

    #[test]
    fn a_property_without_a_decision_is_refused_by_name() {
        let spec = SPEC.replace(
            "code: {type: string, x-accuro-phi: false}",
            "code: {type: string}",
        );
        let violations = check(&doc(&spec));
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].location, "components.schemas.Item.code");
        let spec = SPEC.replace("x-accuro-phi: true}", "x-accuro-phi: maybe}");
        assert_eq!(check(&doc(&spec)).len(), 2);
        // A reference to a generated type needs none; one to a value shape does.
        let spec = SPEC.replace(", x-accuro-phi: true}", "}");
        let located: Vec<_> = check(&doc(&spec)).into_iter().map(|v| v.location).collect();
        assert_eq!(
            located,
            [
                "components.schemas.Base.note",
                "components.schemas.Item.born"
            ]
        );
    }
}
