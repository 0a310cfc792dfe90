//! An example decoded through the type our spec gives its body, and what
//! counts as an example.

use accuro_client::types;
use accuro_tests::decode_value as decode;
use serde_json::Value;

use crate::decoders;
use crate::docs::Docs;

/// Decodes `value` through the type our spec gives `schema`.
pub(crate) fn decode_as(ours: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
    {
        return match decoders().get(name) {
            Some(decode) => decode(value),
            None => decode_as(ours, Docs::resolve(ours, schema), value),
        };
    }
    match (schema.get("type").and_then(Value::as_str), value) {
        (Some("array"), Value::Array(items)) => {
            items.iter().enumerate().try_for_each(|(i, item)| {
                decode_as(ours, &schema["items"], item).map_err(|e| format!("[{i}] {e}"))
            })
        }
        (Some("string"), v) => decode::<String>(v),
        (Some("integer"), v) => decode::<i64>(v),
        (Some("boolean"), v) => decode::<bool>(v),
        (Some("object"), v) if schema.get("additionalProperties").is_some() => {
            decode::<types::IdNameMap>(v)
        }
        (Some("object"), v) => decode::<serde_json::Map<String, Value>>(v),
        (kind, _) => Err(format!("no decoder for a body of type {kind:?}")),
    }
}

pub(crate) fn examples_of(media: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    if let Some(example) = media.get("example") {
        out.push(("example".to_owned(), example.clone()));
    }
    for (name, example) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(value) = example.get("value") {
            out.push((name.clone(), value.clone()));
        }
    }
    out
}

pub(crate) fn json_type_matches(schema: &Value, value: &Value) -> bool {
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    }
}
