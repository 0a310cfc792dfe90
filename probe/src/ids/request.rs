//! The request an operation becomes: path parameters from the [`Pool`] of
//! identifiers seen earlier, and values for required query parameters.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Pool;
use crate::spec::{Location, Operation, Parameter};

/// The request an operation becomes, or why it cannot be sent yet.
#[derive(Clone, PartialEq, Eq)]
pub enum Fill {
    /// Ready to send.
    Ready {
        /// The path's segments, values in place (not yet encoded).
        segments: Vec<String>,
        /// Query parameters (the `uuid` is added by the transport).
        query: Vec<(String, String)>,
        /// Parameters with no value seen in earlier answers: the spec's
        /// example, or a made-up value of their type.
        from_examples: Vec<String>,
    },
    /// Not sendable: why (names only).
    Missing(String),
}

impl std::fmt::Debug for Fill {
    /// Never shows a value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ready { from_examples, .. } => f
                .debug_struct("Ready")
                .field("from_examples", from_examples)
                .finish_non_exhaustive(),
            Self::Missing(why) => f.debug_tuple("Missing").field(why).finish(),
        }
    }
}

/// The request for `op`: identifiers from `pool`, the patient search's
/// last name, and (when `use_examples`) the spec's examples for the rest.
///
/// Date parameters (named `…date…`) take today, or 30 days on for an end
/// (`endDate`, `dateTo`): the spec's example dates are made up. With
/// `optional_dates`, optional date parameters are sent too (for a list that
/// answered 400 without a date range). `alternative` picks the n-th best
/// value seen for the first path parameter (after a 404).
pub fn fill(
    op: &Operation,
    pool: &Pool,
    last_name: Option<&str>,
    use_examples: bool,
    optional_dates: bool,
    alternative: usize,
) -> Fill {
    let mut from_examples = Vec::new();
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    for (i, p) in op.path_parameters().enumerate() {
        let candidates = pool.candidates(&p.name, &op.template);
        let choice = if i == 0 { alternative } else { 0 };
        if choice > 0 && choice >= candidates.len() {
            return Fill::Missing(format!("no other `{}` was seen", p.name));
        }
        let value = candidates
            .get(choice)
            .map(|v| (*v).to_owned())
            .or_else(|| first_enum(p))
            .or_else(|| {
                use_examples
                    .then(|| example(p))
                    .flatten()
                    .inspect(|_| from_examples.push(p.name.clone()))
            });
        match value {
            Some(v) => {
                values.insert(p.name.as_str(), v);
            }
            None => {
                return Fill::Missing(format!("no `{}` was found in earlier answers", p.name));
            }
        }
    }
    let mut query = Vec::new();
    for p in op
        .parameters
        .iter()
        .filter(|p| p.location == Location::Query)
    {
        let is_last_name = p.name.eq_ignore_ascii_case("lastName");
        if is_last_name && op.id.contains("search") {
            match last_name {
                Some(name) => query.push((p.name.clone(), name.to_owned())),
                None if p.required => {
                    return Fill::Missing("the patient search needs --patient-last-name".into());
                }
                None => {}
            }
            continue;
        }
        if let Some(date) = date_value(p) {
            if p.required || optional_dates {
                query.push((p.name.clone(), date));
            }
            continue;
        }
        if !p.required {
            continue;
        }
        let value = (p.name.ends_with("Id"))
            .then(|| pool.pick(&p.name, &op.template).map(str::to_owned))
            .flatten()
            .or_else(|| first_enum(p))
            .or_else(|| {
                example(p).inspect(|_| {
                    if p.name.ends_with("Id") {
                        from_examples.push(p.name.clone());
                    }
                })
            });
        match value {
            Some(v) => query.push((p.name.clone(), v)),
            None => {
                return Fill::Missing(format!(
                    "no value for the required query parameter `{}`",
                    p.name
                ));
            }
        }
    }
    let mut segments = Vec::new();
    for segment in op.template.split('/').filter(|s| !s.is_empty()) {
        let value = segment
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .and_then(|name| values.get(name));
        segments.push(value.cloned().unwrap_or_else(|| segment.to_owned()));
    }
    Fill::Ready {
        segments,
        query,
        from_examples,
    }
}

/// Today (or 30 days on, for an end) for a string parameter named `…date…`,
/// as a date-time when the spec's example is one.
fn date_value(p: &Parameter) -> Option<String> {
    let lower = p.name.to_ascii_lowercase();
    let is_string = matches!(
        p.schema.get("type").and_then(Value::as_str),
        Some("string") | None
    );
    if !lower.contains("date") || !is_string || p.schema.get("enum").is_some() {
        return None;
    }
    let end = lower.contains("end") || lower.ends_with("to") || lower.contains("until");
    let today = chrono::Utc::now().date_naive();
    let day = today
        .checked_add_days(chrono::Days::new(if end { 30 } else { 0 }))
        .unwrap_or(today);
    let example = p
        .example
        .as_ref()
        .or_else(|| p.schema.get("example"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let date_time = example.contains('T')
        || p.schema.get("format").and_then(Value::as_str) == Some("date-time");
    Some(if date_time {
        day.format("%Y-%m-%dT00:00:00.000").to_string()
    } else {
        day.format("%Y-%m-%d").to_string()
    })
}

fn first_enum(p: &Parameter) -> Option<String> {
    p.schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.iter().find(|v| !v.is_null()))
        .map(text_of)
}

/// The spec's example (or default) for `p`, else a made-up value of its
/// type: today for a date, the minimum or 1 for a number, `false`, `1`.
fn example(p: &Parameter) -> Option<String> {
    let given = p
        .example
        .as_ref()
        .or_else(|| p.schema.get("example"))
        .or_else(|| p.schema.get("default"))
        .filter(|v| !v.is_null() && !v.is_object())
        .map(text_of);
    if given.is_some() {
        return given;
    }
    let format = p.schema.get("format").and_then(Value::as_str);
    let lower = p.name.to_ascii_lowercase();
    let today = chrono::Utc::now().date_naive();
    match p.schema.get("type").and_then(Value::as_str) {
        Some("string") if format == Some("date-time") => {
            Some(format!("{}T00:00:00.000", today.format("%Y-%m-%d")))
        }
        Some("string") if format == Some("date") || lower.ends_with("date") => {
            Some(today.format("%Y-%m-%d").to_string())
        }
        Some("integer" | "number") => Some(
            p.schema
                .get("minimum")
                .filter(|m| m.is_number())
                .map_or_else(|| "1".to_owned(), text_of),
        ),
        Some("boolean") => Some("false".into()),
        Some("string") | None => Some("1".into()),
        Some(_) => None,
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}
