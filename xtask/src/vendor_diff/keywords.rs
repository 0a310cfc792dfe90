//! Reading the keywords of one schema: its type, format, enum values,
//! properties and so on, with generator quirks tolerated.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::doc::{Resolved, resolve};
use super::model::{Difference, Kind};

/// Enum values shown in a detail before the list is cut short.
const SHOWN_ENUM_VALUES: usize = 8;

/// The composition keywords, compared only against the same keyword.
const COMPOSITIONS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

/// Follows `$ref`s and single-member `allOf`s (`allOf: [$ref]`, a generator's way
/// of adding a description to a reference).
pub(crate) fn unwrap_schema<'a>(doc: &'a Value, node: &'a Value) -> Result<Resolved<'a>, String> {
    let mut resolved = resolve(doc, node)?;
    for _ in 0..8 {
        let single = match resolved.value.get("allOf").and_then(Value::as_array) {
            Some(members) if members.len() == 1 && resolved.value.get("properties").is_none() => {
                &members[0]
            }
            _ => break,
        };
        let next = resolve(doc, single)?;
        resolved = Resolved {
            value: next.value,
            schema_name: next.schema_name.or(resolved.schema_name),
        };
    }
    Ok(resolved)
}

/// The first composition keyword of a schema, with its members.
pub(crate) fn composition(schema: &Value) -> Option<(&'static str, &Vec<Value>)> {
    COMPOSITIONS
        .into_iter()
        .find_map(|k| schema.get(k).and_then(Value::as_array).map(|m| (k, m)))
}

/// The schema's type: `type`, or what its keywords imply (`properties`:
/// object, `items`: array); `None` for a schema that accepts anything.
pub(crate) fn effective_type(schema: &Value) -> Result<Option<&str>, String> {
    match schema.get("type") {
        Some(Value::String(t)) => Ok(Some(t)),
        Some(other) => Err(format!("type {other}")),
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            Ok(Some("object"))
        }
        None if schema.get("items").is_some() => Ok(Some("array")),
        None => Ok(None),
    }
}

/// A short description of a schema for `shape` details.
pub(crate) fn describe(schema: &Value) -> String {
    if !schema.is_object() {
        return format!("non-schema {schema}");
    }
    if let Some((keyword, members)) = composition(schema) {
        return format!("{keyword} of {}", members.len());
    }
    match effective_type(schema) {
        Err(e) => e,
        Ok(Some("object")) => describe_object(schema),
        Ok(Some(t)) => t.to_owned(),
        Ok(None) => "any".to_owned(),
    }
}

pub(crate) fn format_of(schema: &Value) -> Option<String> {
    schema.get("format").map(|f| match f {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

pub(crate) fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// The enumerated values, as text: `enum`, and on our side also `x-accuro-enum`
/// (an open enum: the documented values, new ones accepted).
pub(crate) fn enum_values(schema: &Value, ours: bool) -> Option<BTreeSet<String>> {
    let keywords: &[&str] = if ours {
        &["enum", "x-accuro-enum"]
    } else {
        &["enum"]
    };
    let lists: Vec<&Vec<Value>> = keywords
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .collect();
    if lists.is_empty() {
        return None;
    }
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(lists.into_iter().flatten().map(text).collect())
}

pub(crate) fn enum_difference(
    location: &str,
    ours: Option<BTreeSet<String>>,
    vendor: Option<BTreeSet<String>>,
) -> Option<Difference> {
    if ours == vendor {
        return None;
    }
    let joined = |set: &Option<BTreeSet<String>>| match set {
        Some(values) => values.iter().cloned().collect::<Vec<_>>().join(", "),
        None => "none".to_owned(),
    };
    let difference = Difference::values(Kind::Enum, location, joined(&ours), joined(&vendor));
    let detail = match (&ours, &vendor) {
        (Some(a), Some(b)) => {
            let only = |x: &BTreeSet<String>, y: &BTreeSet<String>| {
                shorten(&x.difference(y).cloned().collect::<Vec<_>>())
            };
            let mut parts = Vec::new();
            if a.difference(b).next().is_some() {
                parts.push(format!("ours only: {}", only(a, b)));
            }
            if b.difference(a).next().is_some() {
                parts.push(format!("vendor only: {}", only(b, a)));
            }
            parts.join("; ")
        }
        (a, b) => {
            let shown = |set: &Option<BTreeSet<String>>| match set {
                Some(values) => shorten(&values.iter().cloned().collect::<Vec<_>>()),
                None => "none".to_owned(),
            };
            format!("{} (ours) vs {} (vendor)", shown(a), shown(b))
        }
    };
    Some(difference.with_detail(detail))
}

/// `a, b, c`, or the first values and how many more.
fn shorten(values: &[String]) -> String {
    if values.len() <= SHOWN_ENUM_VALUES {
        return values.join(", ");
    }
    let rest = values.len() - SHOWN_ENUM_VALUES;
    format!(
        "{}, ... ({rest} more)",
        values[..SHOWN_ENUM_VALUES].join(", ")
    )
}

/// The schema's properties, when it has at least one.
pub(crate) fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .filter(|p| !p.is_empty())
}

pub(crate) fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// What an object says of properties it does not name.
pub(crate) enum Extra<'a> {
    /// Nothing (or `false`).
    Absent,
    /// `true` or `{}`: any value.
    Any,
    /// A map whose values follow this schema.
    Schema(&'a Value),
}

impl Extra<'_> {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Extra::Absent => "none",
            Extra::Any => "any value",
            Extra::Schema(_) => "a schema",
        }
    }
}

pub(crate) fn extra(schema: &Value) -> Extra<'_> {
    match schema.get("additionalProperties") {
        None | Some(Value::Bool(false)) => Extra::Absent,
        Some(value @ Value::Object(m)) if !m.is_empty() => Extra::Schema(value),
        Some(_) => Extra::Any,
    }
}

/// `object with 3 properties`, `map`, `free-form object`...
pub(crate) fn describe_object(schema: &Value) -> String {
    let map = match extra(schema) {
        Extra::Absent => None,
        Extra::Any | Extra::Schema(_) => Some("map"),
    };
    match (properties(schema).map(Map::len), map) {
        (Some(n), None) => format!("object with {n} properties"),
        (Some(n), Some(_)) => format!("object with {n} properties and additionalProperties"),
        (None, Some(m)) => m.to_owned(),
        (None, None) => "free-form object".to_owned(),
    }
}
