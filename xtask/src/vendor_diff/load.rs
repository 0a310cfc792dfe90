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
        Ok(accuro_spec::yaml_to_json(yaml))
    }
}
