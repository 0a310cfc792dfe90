//! Example values built from the schemas: `cargo xtask import` gives every
//! imported 2xx body one (the sandbox and Prism answer with them), and the
//! generated calls of the tests (`calls`) send them as parameters and bodies.
//!
//! A property's own `example` is used when its JSON type fits the schema
//! (QHR's file has `"5"` for integers in places); otherwise a synthetic
//! value of the right shape. Accuro's date shapes get their real forms.
//! References are followed until one would repeat a schema already being
//! built (a cycle), which ends there; a depth cap guards the rest.

use serde_yaml::{Mapping, Value};

/// How deep nesting is followed at most (cycles end earlier).
const MAX_DEPTH: usize = 24;

/// An example of `schema`; `schemas` are the components it may refer to.
pub fn example(schema: &Value, schemas: &Mapping) -> Value {
    build(schema, schemas, 0, &mut Vec::new())
}

fn build<'a>(
    schema: &'a Value,
    schemas: &'a Mapping,
    depth: usize,
    stack: &mut Vec<&'a str>,
) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or("");
        if stack.contains(&name) {
            return Value::Null;
        }
        return match name {
            "AccuroDateTime" => "2024-02-14T18:00:18.490Z".into(),
            "AccuroDate" => "2024-02-14".into(),
            "AccuroPartialDate" => "2024-02".into(),
            "HhmmTime" => 900.into(),
            "LenientInt" => 1.into(),
            _ => match schemas.get(name) {
                Some(target) => {
                    stack.push(name);
                    let value = build(target, schemas, depth + 1, stack);
                    stack.pop();
                    value
                }
                None => Value::Null,
            },
        };
    }
    let own = schema.get("example");
    let kind = schema.get("type").and_then(Value::as_str);
    if let Some(own) = own
        && fits(own, kind)
    {
        return own.clone();
    }
    if let Some(Value::Sequence(values)) = schema.get("x-accuro-enum")
        && let Some(first) = values.first()
    {
        return first.clone();
    }
    // One of several shapes: the first stands for them all.
    for combinator in ["oneOf", "anyOf"] {
        if let Some(Value::Sequence(parts)) = schema.get(combinator)
            && let Some(first) = parts.first()
        {
            return build(first, schemas, depth + 1, stack);
        }
    }
    // All of several: objects merge; a single part (a `$ref` given a
    // description) is that part.
    if let Some(Value::Sequence(parts)) = schema.get("allOf") {
        let built: Vec<Value> = parts
            .iter()
            .map(|part| build(part, schemas, depth + 1, stack))
            .collect();
        if let [single] = built.as_slice() {
            return single.clone();
        }
        let mut merged = Mapping::new();
        for part in built {
            if let Value::Mapping(m) = part {
                merged.extend(m);
            }
        }
        return Value::Mapping(merged);
    }
    match kind {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("binary" | "byte") => "AAAA".into(),
            Some("uuid") => "00000000-0000-4000-8000-000000000001".into(),
            Some("email") => "front-desk@clinic.example".into(),
            Some("uri" | "url") => "https://clinic.example/".into(),
            _ => "string".into(),
        },
        Some("integer") => 1.into(),
        Some("number") => 1.5.into(),
        Some("boolean") => true.into(),
        Some("array") => match schema.get("items") {
            Some(items) => match build(items, schemas, depth + 1, stack) {
                Value::Null => Value::Sequence(Vec::new()),
                item => Value::Sequence(vec![item]),
            },
            None => Value::Sequence(Vec::new()),
        },
        _ => object(schema, schemas, depth, stack),
    }
}

fn object<'a>(
    schema: &'a Value,
    schemas: &'a Mapping,
    depth: usize,
    stack: &mut Vec<&'a str>,
) -> Value {
    let mut out = Mapping::new();
    if let Some(Value::Mapping(properties)) = schema.get("properties") {
        for (name, property) in properties {
            let value = build(property, schemas, depth + 1, stack);
            if !value.is_null() {
                out.insert(name.clone(), value);
            }
        }
    } else if let Some(values) = schema
        .get("additionalProperties")
        .filter(|v| v.is_mapping())
    {
        let value = build(values, schemas, depth + 1, stack);
        if !value.is_null() {
            out.insert("1".into(), value);
        }
    }
    Value::Mapping(out)
}

/// Whether a vendor example has the JSON type its schema says.
fn fits(example: &Value, kind: Option<&str>) -> bool {
    match kind {
        Some("string") => example.is_string(),
        Some("integer") => example.as_i64().is_some(),
        Some("number") => example.is_number(),
        Some("boolean") => example.is_bool(),
        Some("array") => example.is_sequence(),
        Some("object") | None => example.is_mapping(),
        Some(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn examples_follow_refs_keep_fitting_examples_and_replace_wrong_ones() {
        let schemas = yaml(
            r##"{"Phone":{"type":"object","properties":{
                  "order":{"type":"integer","example":"5"},
                  "number":{"type":"string","example":"(250) 555-0100"},
                  "at":{"$ref":"#/components/schemas/AccuroDateTime"},
                  "kind":{"type":"string","x-accuro-enum":["HomePhone","CellPhone"]},
                  "self":{"$ref":"#/components/schemas/Phone"}}}}"##,
        );
        let schemas = schemas.as_mapping().cloned().unwrap_or_default();
        let out = example(
            &yaml(r##"{"type":"array","items":{"$ref":"#/components/schemas/Phone"}}"##),
            &schemas,
        );
        let first = &out[0];
        assert_eq!(first["order"], Value::from(1));
        assert_eq!(first["number"], Value::from("(250) 555-0100"));
        assert_eq!(first["at"], Value::from("2024-02-14T18:00:18.490Z"));
        assert_eq!(first["kind"], Value::from("HomePhone"));
        assert!(
            first.get("self").is_none(),
            "a cycle ends where it would repeat"
        );
    }
}
