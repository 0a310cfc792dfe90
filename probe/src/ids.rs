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

mod request;

pub use request::{Fill, fill};

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
        for (plural, one) in [
            ("categories", "category"),
            ("addresses", "address"),
            ("classes", "class"),
            ("offices", "office"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }
}
