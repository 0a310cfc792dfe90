//! Schemas in our conventions: `$ref`s renamed, Accuro's date shapes, open
//! enums, constraints dropped, every property health data until decided.

use serde_yaml::{Mapping, Value};

use super::{Converter, PAGE_PREFIX, reference_to};

/// Schema keywords dropped on import: constraints that would make the
/// generated types refuse what a real server writes (typify turns `pattern`
/// and lengths into checked newtypes, `minimum: 1` into `NonZero`,
/// `uniqueItems` into sets) or that only the server enforces, and `required`,
/// because the server leaves null fields out of its answers.
const DROPPED: [&str; 15] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "required",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
];

/// The types a schema may have in OpenAPI 3.0.
const VALID_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

impl Converter<'_> {
    /// The vendor's schema `name`, converted (its `$ref`s noted in `referenced`).
    pub fn schema_component(&mut self, name: &str) -> Option<Value> {
        let defined = self
            .vendor
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .cloned();
        // QHR's file refers to pages it does not define (`EnvelopeDtoAppointmentDto`).
        let node = match defined {
            Some(node) => node,
            None => page_of(name.strip_prefix(PAGE_PREFIX)?)?,
        };
        let converted = self.schema(&node);
        let mut out = Mapping::new();
        out.insert(
            "x-accuro-vendor-schema".into(),
            Value::Sequence(vec![name.into()]),
        );
        if let Value::Mapping(map) = converted {
            out.extend(map);
        }
        Some(Value::Mapping(out))
    }

    /// A schema rewritten: `$ref`s renamed, Accuro's date shapes for
    /// `date`/`date-time` strings, open enums, constraints dropped.
    pub fn schema(&mut self, node: &Value) -> Value {
        let Value::Mapping(map) = node else {
            return node.clone();
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            let target = match reference.strip_prefix("#/components/schemas/") {
                Some(name) if self.is_binary(name) => return binary(),
                Some(name) => {
                    self.referenced.insert(name.to_owned());
                    format!("#/components/schemas/{}", self.our_name(name))
                }
                None => reference.to_owned(),
            };
            return reference_to(&target);
        }
        let text = |key: &str| map.get(key).and_then(Value::as_str);
        if text("format") == Some("binary") {
            // A Java attachment class (CXF's `Attachment`) stands for a file's bytes.
            return binary();
        }
        if text("type").is_some_and(|t| t.eq_ignore_ascii_case("string")) {
            match text("format") {
                Some("date-time") => return reference_to("#/components/schemas/AccuroDateTime"),
                Some("date") => return reference_to("#/components/schemas/AccuroDate"),
                _ => {}
            }
        }
        let mut out = Mapping::new();
        for (key, value) in map {
            let Some(name) = key.as_str() else {
                continue;
            };
            if DROPPED.contains(&name) {
                continue;
            }
            let value = match name {
                // QHR's file writes `String` in places: a type name is lower case.
                "type" => match value.as_str().map(str::to_ascii_lowercase) {
                    Some(t) if VALID_TYPES.contains(&t.as_str()) => Value::String(t),
                    _ => continue,
                },
                "enum" => {
                    out.insert("x-accuro-enum".into(), value.clone());
                    continue;
                }
                // Every imported property is health data until someone
                // decides otherwise (`x-accuro-phi: false`).
                "properties" => match value {
                    Value::Mapping(props) => Value::Mapping(
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), undecided(self.schema(v))))
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "items" | "additionalProperties" | "not" => self.schema(value),
                "allOf" | "oneOf" | "anyOf" => match value {
                    Value::Sequence(items) => {
                        Value::Sequence(items.iter().map(|v| self.schema(v)).collect())
                    }
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), value);
        }
        Value::Mapping(out)
    }

    /// Whether the vendor's schema `name` is a file's bytes (`format: binary`).
    fn is_binary(&self, name: &str) -> bool {
        self.vendor
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .and_then(|s| s.get("format"))
            .and_then(Value::as_str)
            == Some("binary")
    }
}

/// A page of the vendor's schema `item`, as the server writes every page.
fn page_of(item: &str) -> Option<Value> {
    let text = format!(
        r##"{{"type":"object","description":"A page of results.","properties":{{
            "contents":{{"type":"array","items":{{"$ref":"#/components/schemas/{item}"}}}},
            "count":{{"type":"integer","format":"int32"}},
            "total":{{"type":"integer","format":"int32"}},
            "lastId":{{"type":"integer","format":"int64"}}}}}}"##
    );
    serde_yaml::from_str(&text).ok()
}

/// A file's bytes.
fn binary() -> Value {
    let mut map = Mapping::new();
    map.insert("type".into(), "string".into());
    map.insert("format".into(), "binary".into());
    Value::Mapping(map)
}

/// `property` with `x-accuro-phi: true` when it needs a decision (see
/// [`accuro_gen::phi`]): an imported field is printed only once reviewed.
fn undecided(property: Value) -> Value {
    if !accuro_gen::phi::needs_decision(&property) {
        return property;
    }
    match property {
        Value::Mapping(mut map) => {
            map.insert(accuro_gen::phi::PHI.into(), Value::Bool(true));
            Value::Mapping(map)
        }
        other => other,
    }
}
