//! Reading OpenAPI documents (JSON or YAML) into `serde_json::Value`s.

use std::path::Path;

use serde_json::Value;

/// Reads an OpenAPI document: JSON when the file name ends in `.json`, YAML otherwise.
pub fn load_document(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_document(&text, path.extension().is_some_and(|e| e == "json"))
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))
}

/// Parses an OpenAPI document from JSON or YAML text.
pub fn parse_document(text: &str, json: bool) -> Result<Value, String> {
    if json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        Ok(yaml_to_json(yaml))
    }
}

/// A YAML value as JSON; map keys that are not strings (`200:`) become their text.
fn yaml_to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v)))
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        other => match yaml_to_json(other) {
            Value::String(s) => s,
            value => value.to_string(),
        },
    }
}
