//! The spec's OpenAPI 3.0 schemas as JSON Schema (2020-12), compiled once
//! per answer schema with the `jsonschema` crate.
//!
//! OpenAPI 3.0 is not JSON Schema as such; the conversion:
//! - `nullable: true` allows `null` (in `type`, in `enum`, or around a
//!   reference or a composition);
//! - `format: int32` / `int64` become the integer ranges they mean (JSON
//!   Schema checks formats on strings only); `float` and `double` are
//!   annotations;
//! - references to `#/components/schemas/X` point at `#/$defs/X`;
//! - the boolean `exclusiveMinimum`/`exclusiveMaximum` of OpenAPI 3.0 become
//!   the numeric form;
//! - OpenAPI-only keywords (`example`, `discriminator`, `xml`, `x-…`) are
//!   dropped.
//!
//! Accuro's date shapes are the `pattern`s of `AccuroDateTime`,
//! `AccuroPartialDate` and `AccuroDate`; string formats (`date`, `uuid`,
//! `email`) are checked.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

/// Compiled validators, one per answer schema, sharing the converted
/// components.
pub struct Schemas {
    defs: Value,
    compiled: HashMap<String, Arc<jsonschema::Validator>>,
    /// A component's `pattern` → its name (`AccuroDateTime`), for reports.
    pattern_names: HashMap<String, String>,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schemas")
            .field("compiled", &self.compiled.len())
            .finish_non_exhaustive()
    }
}

impl Schemas {
    /// The components of `document`, converted.
    pub fn new(document: &Value) -> Self {
        let defs = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), convert(schema)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        let pattern_names = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(name, schema)| {
                let pattern = schema.get("pattern")?.as_str()?;
                Some((pattern.to_owned(), name.clone()))
            })
            .collect();
        Self {
            defs: Value::Object(defs),
            compiled: HashMap::new(),
            pattern_names,
        }
    }

    /// The name of the component whose `pattern` this is (`AccuroDateTime`).
    pub fn pattern_name(&self, pattern: &str) -> Option<&str> {
        self.pattern_names.get(pattern).map(String::as_str)
    }

    /// The validator of `schema` (an OpenAPI schema of the spec), compiled
    /// on first use under `key`.
    pub fn validator(
        &mut self,
        key: &str,
        schema: &Value,
    ) -> Result<Arc<jsonschema::Validator>, String> {
        if let Some(v) = self.compiled.get(key) {
            return Ok(Arc::clone(v));
        }
        let mut root = match convert(schema) {
            Value::Object(map) => map,
            Value::Bool(true) => Map::new(),
            other => {
                let mut map = Map::new();
                map.insert("allOf".into(), json!([other]));
                map
            }
        };
        root.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        root.insert("$defs".into(), self.defs.clone());
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&Value::Object(root))
            .map_err(|e| format!("the spec's schema for {key} does not compile: {e}"))?;
        let validator = Arc::new(validator);
        self.compiled.insert(key.to_owned(), Arc::clone(&validator));
        Ok(validator)
    }
}

/// An OpenAPI 3.0 schema as JSON Schema 2020-12 (see the module docs).
pub fn convert(schema: &Value) -> Value {
    let Value::Object(source) = schema else {
        return schema.clone();
    };
    // OpenAPI 3.0 ignores a reference's siblings (JSON Schema would apply
    // them): only `nullable` is honoured, around the reference.
    if let Some(target) = source.get("$ref").and_then(Value::as_str) {
        let target = target
            .strip_prefix("#/components/schemas/")
            .map_or_else(|| target.to_owned(), |name| format!("#/$defs/{name}"));
        let reference = json!({"$ref": target});
        return if source.get("nullable") == Some(&Value::Bool(true)) {
            json!({"anyOf": [reference, {"type": "null"}]})
        } else {
            reference
        };
    }
    let mut out = Map::new();
    for (key, value) in source {
        match key.as_str() {
            "properties" | "patternProperties" => {
                let converted = value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), convert(s)))
                            .collect::<Map<_, _>>()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(converted));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let converted = value
                    .as_array()
                    .map(|branches| branches.iter().map(convert).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(converted));
            }
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => {}
            "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {}
            _ if key.starts_with("x-") => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    // OpenAPI 3.0's boolean exclusive bounds.
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if source.get(flag) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(flag.into(), limit);
        }
    }
    let is_integer = source.get("type").and_then(Value::as_str) == Some("integer");
    match source.get("format").and_then(Value::as_str) {
        Some("int32") if is_integer => {
            out.entry("minimum").or_insert(json!(i32::MIN));
            out.entry("maximum").or_insert(json!(i32::MAX));
            out.remove("format");
        }
        Some("int64") if is_integer => {
            out.entry("minimum").or_insert(json!(i64::MIN));
            out.entry("maximum").or_insert(json!(i64::MAX));
            out.remove("format");
        }
        Some("float" | "double" | "binary" | "byte" | "") => {
            out.remove("format");
        }
        _ => {}
    }
    if source.get("nullable") == Some(&Value::Bool(true)) {
        allow_null(&mut out);
    }
    Value::Object(out)
}

/// Lets `schema` accept `null` as OpenAPI 3.0's `nullable` does.
fn allow_null(schema: &mut Map<String, Value>) {
    if let Some(values) = schema.get_mut("enum").and_then(Value::as_array_mut)
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match schema.get("type").cloned() {
        Some(Value::String(t)) => {
            schema.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(mut types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
            schema.insert("type".into(), Value::Array(types));
        }
        _ => {
            // A reference or a composition: either it, or null.
            let inner = std::mem::take(schema);
            schema.insert(
                "anyOf".into(),
                json!([Value::Object(inner), {"type": "null"}]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(schema: Value, instance: Value) -> bool {
        let mut schemas = Schemas::new(&json!({}));
        schemas
            .validator("test", &schema)
            .map(|v| v.is_valid(&instance))
            .unwrap_or(false)
    }

    #[test]
    fn nullable_allows_null_and_only_then() {
        assert!(validate(
            json!({"type": "string", "nullable": true}),
            Value::Null
        ));
        assert!(!validate(json!({"type": "string"}), Value::Null));
        assert!(validate(
            json!({"type": "string", "enum": ["A"], "nullable": true}),
            Value::Null
        ));
        assert!(validate(
            json!({"allOf": [{"type": "integer"}], "nullable": true}),
            Value::Null
        ));
    }

    #[test]
    fn a_references_siblings_are_ignored_but_nullable() {
        let doc = json!({"components": {"schemas": {"N": {"type": "integer"}}}});
        let mut schemas = Schemas::new(&doc);
        let v = schemas
            .validator(
                "r",
                &json!({"$ref": "#/components/schemas/N", "type": "object", "nullable": true}),
            )
            .expect("compiles");
        assert!(v.is_valid(&json!(5)) && v.is_valid(&Value::Null) && !v.is_valid(&json!("x")));
    }

    #[test]
    fn int32_is_a_range() {
        assert!(validate(
            json!({"type": "integer", "format": "int32"}),
            json!(5)
        ));
        assert!(!validate(
            json!({"type": "integer", "format": "int32"}),
            json!(3_000_000_000u64)
        ));
        assert!(!validate(json!({"type": "integer"}), json!(1.5)));
    }

    #[test]
    fn string_formats_are_checked() {
        assert!(!validate(
            json!({"type": "string", "format": "date"}),
            json!("2020-13-45")
        ));
        assert!(validate(
            json!({"type": "string", "format": "date"}),
            json!("2020-02-29")
        ));
    }
}
