//! QHR's file and our spec side by side: `$ref`s resolved, full instances
//! of QHR's schemas built from their examples, operations keyed alike.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::EXAMPLE_IS_THE_WIRE;
use crate::decoding::json_type_matches;

pub(crate) struct Docs {
    pub(crate) ours: Value,
    pub(crate) vendor: Value,
}

impl Docs {
    pub(crate) fn vendor_schema(&self, name: &str) -> Option<&Value> {
        self.vendor.pointer(&format!("/components/schemas/{name}"))
    }

    pub(crate) fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
        let mut value = value;
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                    Some(target) => value = target,
                    None => return value,
                },
                None => return value,
            }
        }
        value
    }

    /// A full instance of a QHR schema, from its property examples.
    pub(crate) fn instance(&self, schema: &Value, depth: usize) -> Value {
        let wire = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.rsplit('/').next())
            .filter(|name| EXAMPLE_IS_THE_WIRE.iter().any(|(n, _)| n == name));
        let schema = Self::resolve(&self.vendor, schema);
        if depth > 40 {
            return Value::Null;
        }
        if let (Some(_), Some(example)) = (wire, schema.get("example")) {
            return example.clone();
        }
        // A Java attachment class marked `format: binary` is a file's bytes.
        if schema.get("format").and_then(Value::as_str) == Some("binary") {
            return json!("AAAA");
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let object = props
                .iter()
                .map(|(name, prop)| (name.clone(), self.property(prop, depth)))
                .collect();
            return Value::Object(object);
        }
        if let Some(example) = schema
            .get("example")
            .filter(|e| json_type_matches(schema, e))
        {
            return example.clone();
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                json!([self.instance(&items, depth + 1)])
            }
            Some("integer") => json!(1),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("object") => json!({}),
            _ => match schema.get("format").and_then(Value::as_str) {
                Some("date") => json!("2019-01-31"),
                Some("date-time") => json!("2019-01-31T00:00:00.000"),
                Some("uuid") => json!("00000000-0000-4000-8000-000000000000"),
                _ => json!("synthetic"),
            },
        }
    }

    fn property(&self, prop: &Value, depth: usize) -> Value {
        if prop.get("$ref").is_some() {
            return self.instance(prop, depth + 1);
        }
        // A property example of another JSON type than the property's
        // (`reactions`, an array, with the example "RashHives") says nothing
        // of the wire: an instance of the type stands in for it.
        if let Some(example) = prop.get("example").filter(|e| json_type_matches(prop, e)) {
            return example.clone();
        }
        self.instance(prop, depth + 1)
    }

    /// Our operations, keyed like QHR's: `GET /v1/offices`.
    pub(crate) fn our_operations(&self) -> BTreeMap<String, &Value> {
        let mut out = BTreeMap::new();
        for (path, item) in self.ours["paths"].as_object().into_iter().flatten() {
            let Some(vendor_path) = path.strip_prefix("/rest") else {
                continue;
            };
            for (method, op) in item.as_object().into_iter().flatten() {
                out.insert(
                    format!("{} {}", method.to_uppercase(), normalise(vendor_path)),
                    op,
                );
            }
        }
        out
    }
}

/// `{anyName}` → `{}`, so renamed path parameters still match.
pub(crate) fn normalise(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}
