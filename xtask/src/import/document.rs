//! Reading an OpenAPI document (ours or the vendor's): its operations, its
//! schemas and the schemas its `$ref`s name.

use serde_yaml::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// `(path, METHOD, operation)` of a document, in document order.
pub(super) fn operations_of(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let Some(path) = path.as_str() else { continue };
            for method in METHODS {
                if let Some(op) = item.get(method).filter(|op| op.is_mapping()) {
                    out.push((path.to_owned(), method.to_ascii_uppercase(), op));
                }
            }
        }
    }
    out
}

/// `(name, schema)` of a document's `components.schemas`, in document order.
pub(super) fn schemas_of(doc: &Value) -> Vec<(String, &Value)> {
    doc.get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| k.as_str().map(|k| (k.to_owned(), v)))
                .collect()
        })
        .unwrap_or_default()
}

/// Calls `found` with the schema name of every `$ref` under `node`.
pub(super) fn collect_refs(node: &Value, found: &mut impl FnMut(&str)) {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map {
                if key.as_str() == Some("$ref")
                    && let Some(name) = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    found(name);
                }
                collect_refs(value, found);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|i| collect_refs(i, found)),
        _ => {}
    }
}

/// The text under `key` in `value`, or an empty string.
pub(super) fn text_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}
