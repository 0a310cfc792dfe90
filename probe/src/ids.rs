//! Identifiers for operations that need them, taken from earlier answers,
//! and the values of required query parameters.
//!
//! Every member named `…Id` (or `id`) of a 2xx answer is remembered under
//! its name, with the path template of the answer it came from. A path
//! parameter `{patientId}` takes a `patientId` seen earlier, preferring one
//! from the list of that resource (`/rest/v1/patients` for
//! `/rest/v1/patients/{patientId}`). Values are used in requests only,
//! never shown.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::spec::{Location, Operation, Parameter};

/// Parameters named differently for the same record.
const ALIASES: [(&str, &str); 3] = [
    ("physicianId", "providerId"),
    ("doctorId", "providerId"),
    ("demographicId", "patientId"),
];
/// Values kept per name and answering template.
const KEEP: usize = 8;
/// Values kept per name.
const KEEP_IN_ALL: usize = 1024;
/// The pool's key for the `id` members of a resource's own answer.
const OWN: &str = "id of ";

/// Identifiers seen in earlier answers. `Debug` shows names and counts only.
#[derive(Default, Clone)]
pub struct Pool {
    by_name: BTreeMap<String, Vec<(String, String)>>,
}

impl std::fmt::Debug for Pool {
    /// Counts only: the names come from answers too.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("names", &self.by_name.len())
            .field(
                "values",
                &self.by_name.values().map(Vec::len).sum::<usize>(),
            )
            .finish()
    }
}

impl Pool {
    /// Remembers the identifiers of an answer of the operation at `template`.
    pub fn harvest(&mut self, template: &str, answer: &Value) {
        // A search answers the records of the collection it searches.
        let template = template.strip_suffix("/search").unwrap_or(template);
        let own = resource_id_name(template);
        let mut budget = 20_000usize;
        self.walk(template, own.as_deref(), answer, 0, &mut budget);
    }

    fn walk(
        &mut self,
        template: &str,
        own: Option<&str>,
        value: &Value,
        depth: usize,
        budget: &mut usize,
    ) {
        if depth > 16 || *budget == 0 {
            return;
        }
        *budget -= 1;
        match value {
            Value::Array(items) => {
                for item in items {
                    self.walk(template, own, item, depth + 1, budget);
                }
            }
            Value::Object(members) => {
                for (key, member) in members {
                    if key == "id"
                        && depth <= 2
                        && let Some(id) = scalar_id(member)
                    {
                        // An `id` of this resource's own records, for a
                        // parameter named otherwise (`{favoriteId}`).
                        self.remember(format!("{OWN}{template}"), template, id);
                    }
                    let name = if key == "id" { own } else { Some(key.as_str()) };
                    if let Some(name) = name.filter(|n| n.ends_with("Id"))
                        && let Some(id) = scalar_id(member)
                    {
                        self.remember(name.to_owned(), template, id);
                    }
                    self.walk(template, own, member, depth + 1, budget);
                }
            }
            _ => {}
        }
    }

    /// Keeps `id` under `name`: a few per answering template, a bounded
    /// number in all.
    fn remember(&mut self, name: String, template: &str, id: String) {
        let seen = self.by_name.entry(name).or_default();
        let from_here = seen.iter().filter(|(t, _)| t == template).count();
        if from_here < KEEP
            && seen.len() < KEEP_IN_ALL
            && !seen.iter().any(|(t, v)| t == template && *v == id)
        {
            seen.push((template.to_owned(), id));
        }
    }

    /// A value for the path parameter `name` of the operation at `template`.
    pub fn pick(&self, name: &str, template: &str) -> Option<&str> {
        self.candidates(name, template).into_iter().next()
    }

    /// The distinct values for the path parameter `name` of the operation
    /// at `template`, best first: from the resource's own list, from a
    /// parent's answer, from another list of the same resource (another
    /// version or portal; the least nested first), then any.
    pub fn candidates(&self, name: &str, template: &str) -> Vec<&str> {
        let Some(wanted) = (if name == "id" {
            id_name_before(template, name)
        } else {
            Some(name.to_owned())
        }) else {
            return Vec::new();
        };
        let alias = ALIASES
            .iter()
            .find(|(from, _)| *from == wanted)
            .map(|(_, to)| *to);
        let collection = template
            .find(&format!("/{{{name}}}"))
            .map(|i| &template[..i])
            .unwrap_or(template);
        let own = format!("{OWN}{collection}");
        let resource = last_literal(collection);
        let placeholder = format!("{{{name}}}");
        let rank = |source: &str| -> (u8, usize) {
            if source == collection {
                (0, 0)
            } else if template.starts_with(&format!("{source}/")) && !source.contains(&placeholder)
            {
                // A parent that names this parameter itself only echoes it.
                (1, 0)
            } else if resource.is_some() && last_literal(source) == resource {
                (2, source.matches('{').count())
            } else {
                (3, 0)
            }
        };
        let mut ranked: Vec<(u8, usize, usize, &str)> = [Some(wanted.as_str()), alias]
            .into_iter()
            .flatten()
            .filter_map(|n| self.by_name.get(n))
            .flatten()
            .chain(self.by_name.get(&own).into_iter().flatten())
            .enumerate()
            .map(|(order, (source, value))| {
                let (class, nesting) = rank(source);
                (class, nesting, order, value.as_str())
            })
            .collect();
        ranked.sort_unstable();
        let mut out: Vec<&str> = Vec::new();
        for (_, _, _, value) in ranked {
            if !out.contains(&value) {
                out.push(value);
            }
        }
        out
    }
}

/// An identifier's text, when `value` is a plausible one: an integer, or a
/// short string of letters, digits, `-` and `_`.
fn scalar_id(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Value::String(s)
            if (1..=64).contains(&s.len())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Some(s.clone())
        }
        _ => None,
    }
}

/// The last segment of `template` that is not a parameter.
fn last_literal(template: &str) -> Option<&str> {
    template
        .rsplit('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))
}

/// `officeId` for `/rest/v1/offices` or `/rest/v1/offices/{id}`: the name
/// an `id` member of this resource goes by.
fn resource_id_name(template: &str) -> Option<String> {
    Some(format!("{}Id", singular(last_literal(template)?)))
}

/// The name of `{id}` in `template`, from the segment before it.
fn id_name_before(template: &str, name: &str) -> Option<String> {
    let before = &template[..template.find(&format!("/{{{name}}}"))?];
    resource_id_name(before)
}

fn singular(word: &str) -> String {
    let word = word.replace('-', "");
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = word.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = word.strip_suffix('s') {
        stem.to_owned()
    } else {
        word
    }
}

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn ids_come_from_the_resource_list_first() {
        let mut pool = Pool::default();
        pool.harvest(
            "/rest/v1/appointments",
            &json!([{"appointmentId": 5, "patientId": 900}]),
        );
        pool.harvest(
            "/rest/v1/patients",
            &json!({"contents": [{"patientId": 7}, {"patientId": 8}]}),
        );
        pool.harvest("/rest/v1/offices", &json!([{"id": 3, "name": "x"}]));
        assert_eq!(
            pool.pick("patientId", "/rest/v1/patients/{patientId}"),
            Some("7")
        );
        assert_eq!(
            pool.pick("patientId", "/rest/v1/patients/{patientId}/phones"),
            Some("7")
        );
        assert_eq!(pool.pick("id", "/rest/v1/offices/{id}"), Some("3"));
        assert_eq!(pool.pick("officeId", "/rest/v1/x/{officeId}"), Some("3"));
        assert_eq!(pool.pick("taskId", "/rest/v1/tasks/{taskId}"), None);
        assert!(!format!("{pool:?}").contains('7'));
    }

    #[test]
    fn singulars() {
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("classes"), "class");
        assert_eq!(singular("offices"), "office");
    }
}
