//! Walking an answer along its schema: the report's JSON paths, and the
//! fields the answer has that the spec does not document.
//!
//! A path names only what the spec names: a documented field by its name,
//! an array element as `[]`, anything else (a map's key, an undocumented
//! field) as `*`. So no path carries a value of the answer, whatever the
//! server put in its keys.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::shape::{is_field_name, shape};
use crate::spec::resolve;

/// One step into a JSON value.
#[derive(Clone, PartialEq, Eq)]
pub enum Step {
    /// An array element.
    Index(usize),
    /// An object member.
    Key(String),
}

impl std::fmt::Debug for Step {
    /// Never shows a key: it may be a value of the answer.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Index(_) => f.write_str("[]"),
            Self::Key(_) => f.write_str("Key(..)"),
        }
    }
}

/// The steps of a JSON pointer (`/contents/0/name`).
pub fn steps_of_pointer(pointer: &str, instance: &Value) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut node = Some(instance);
    for raw in pointer.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        let step = match node {
            Some(Value::Array(_)) => token.parse().map_or(Step::Key(token), Step::Index),
            _ => Step::Key(token),
        };
        node = node.and_then(|n| match &step {
            Step::Index(i) => n.get(*i),
            Step::Key(k) => n.get(k.as_str()),
        });
        steps.push(step);
    }
    steps
}

/// The value at `steps` in `instance`.
pub fn at<'a>(instance: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    steps.iter().try_fold(instance, |node, step| match step {
        Step::Index(i) => node.get(*i),
        Step::Key(k) => node.get(k.as_str()),
    })
}

/// Whether an object's other members are allowed, and as what.
#[derive(Debug, Clone, Copy, Default)]
enum Others<'a> {
    /// Not said: members beyond `properties` are undocumented.
    #[default]
    Unsaid,
    /// A map: every other member has this schema.
    Schema(&'a Value),
    /// Allowed, of any shape (`additionalProperties: true`).
    Any,
}

/// What a schema says about the members and elements of a value, with
/// references followed and compositions merged (a field documented in any
/// branch counts as documented). Borrows the spec: nothing is copied.
#[derive(Debug, Clone, Default)]
struct View<'a> {
    properties: BTreeMap<&'a str, &'a Value>,
    others: Others<'a>,
    items: Option<&'a Value>,
    /// Says anything about an object's members at all.
    describes_members: bool,
}

/// Views of the schemas met in one walk, by address.
type Views<'a> = HashMap<usize, View<'a>>;

fn view<'a>(document: &'a Value, schema: &'a Value, depth: usize) -> View<'a> {
    let mut out = View::default();
    if depth > 32 {
        return out;
    }
    let schema = resolve(document, schema);
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.describes_members = true;
        for (name, s) in props {
            out.properties.entry(name.as_str()).or_insert(s);
        }
    }
    match schema.get("additionalProperties") {
        Some(Value::Bool(true)) => {
            out.others = Others::Any;
            out.describes_members = true;
        }
        Some(Value::Bool(false)) => out.describes_members = true,
        Some(s @ Value::Object(_)) => {
            out.others = Others::Schema(s);
            out.describes_members = true;
        }
        _ => {}
    }
    out.items = schema.get("items");
    for key in ["allOf", "anyOf", "oneOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let inner = view(document, branch, depth + 1);
            out.describes_members |= inner.describes_members;
            for (name, s) in inner.properties {
                out.properties.entry(name).or_insert(s);
            }
            if matches!(out.others, Others::Unsaid) {
                out.others = inner.others;
            }
            if out.items.is_none() {
                out.items = inner.items;
            }
        }
    }
    out
}

fn cached<'a, 'v>(
    views: &'v mut Views<'a>,
    document: &'a Value,
    schema: &'a Value,
) -> &'v View<'a> {
    views
        .entry(std::ptr::from_ref(schema) as usize)
        .or_insert_with(|| view(document, schema, 0))
}

/// The report's path of `steps` in an answer of `schema`:
/// `contents[].demographics.birthday`; the whole answer is `(answer)`.
pub fn label(document: &Value, schema: &Value, steps: &[Step]) -> String {
    let mut text = String::new();
    let mut current = Some(schema);
    for step in steps {
        let v = current.map(|s| view(document, s, 0)).unwrap_or_default();
        match step {
            Step::Index(_) => {
                text.push_str("[]");
                current = v.items;
            }
            Step::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                if let Some(s) = v.properties.get(key.as_str()) {
                    text.push_str(key);
                    current = Some(s);
                } else {
                    text.push('*');
                    current = match v.others {
                        Others::Schema(s) => Some(s),
                        _ => None,
                    };
                }
            }
        }
    }
    if text.is_empty() {
        "(answer)".into()
    } else {
        text
    }
}

/// A field the answer has and the spec does not document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Undocumented {
    /// The path of the object holding it.
    pub parent: String,
    /// Its name, when it reads as a field name (see
    /// [`crate::shape::is_field_name`]) in an object that is not all
    /// undocumented names (a map); otherwise withheld: it may be a value.
    pub name: Option<String>,
    /// Its shape.
    pub shape: String,
}

/// Every field of `instance` that `schema` does not document, once per path
/// (name and shape).
pub fn undocumented(document: &Value, schema: &Value, instance: &Value) -> Vec<Undocumented> {
    let mut found = BTreeSet::new();
    let mut views = Views::new();
    walk(document, schema, instance, "", 0, &mut views, &mut found);
    found.into_iter().collect()
}

fn walk<'a>(
    document: &'a Value,
    schema: &'a Value,
    instance: &Value,
    path: &str,
    depth: usize,
    views: &mut Views<'a>,
    found: &mut BTreeSet<Undocumented>,
) {
    if depth > 64 {
        return;
    }
    let v = cached(views, document, schema).clone();
    match instance {
        Value::Array(items) => {
            if let Some(item_schema) = v.items {
                let inner = format!("{path}[]");
                for item in items {
                    walk(document, item_schema, item, &inner, depth + 1, views, found);
                }
            }
        }
        Value::Object(members) => {
            let join = |name: &str| {
                if path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                }
            };
            let unknown = members
                .keys()
                .filter(|k| !v.properties.contains_key(k.as_str()))
                .count();
            // Every member undocumented, several of them: a map where the
            // spec has an object, keyed by values. No name is shown.
            let map_like = unknown >= 2 && unknown == members.len();
            for (key, value) in members {
                if let Some(s) = v.properties.get(key.as_str()) {
                    walk(document, s, value, &join(key), depth + 1, views, found);
                    continue;
                }
                match v.others {
                    Others::Schema(s) => {
                        walk(document, s, value, &join("*"), depth + 1, views, found);
                    }
                    Others::Any => {}
                    Others::Unsaid if v.describes_members => {
                        found.insert(Undocumented {
                            parent: if path.is_empty() {
                                "(answer)".into()
                            } else {
                                path.to_owned()
                            },
                            name: (!map_like && is_field_name(key)).then(|| key.clone()),
                            shape: shape(value),
                        });
                    }
                    Others::Unsaid => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Patient": {"type": "object", "properties": {
                "patientId": {"type": "integer"},
                "demographics": {"$ref": "#/components/schemas/Demographics"}
            }},
            "Demographics": {"type": "object", "properties": {"birthday": {"type": "string"}}},
            "Page": {"type": "object", "properties": {
                "contents": {"type": "array", "items": {"$ref": "#/components/schemas/Patient"}}
            }}
        }}})
    }

    #[test]
    fn paths_name_fields_and_hide_indexes_and_keys() {
        let d = doc();
        let schema = json!({"$ref": "#/components/schemas/Page"});
        let answer = json!({"contents": [{}, {"demographics": {"birthday": 5}}]});
        let steps = steps_of_pointer("/contents/1/demographics/birthday", &answer);
        assert_eq!(
            label(&d, &schema, &steps),
            "contents[].demographics.birthday"
        );
        let map = json!({"type": "object", "additionalProperties": {"type": "string"}});
        let steps = steps_of_pointer("/Jane Sample", &json!({"Jane Sample": 1}));
        assert_eq!(label(&d, &map, &steps), "*");
        assert_eq!(label(&d, &schema, &[]), "(answer)");
    }

    #[test]
    fn undocumented_fields_are_found_once_per_path_without_values() {
        let d = doc();
        let schema = json!({"$ref": "#/components/schemas/Page"});
        let answer = json!({"contents": [
            {"patientId": 1, "middleName": "Marker", "demographics": {"birthday": "x", "extra": 1}},
            {"patientId": 2, "middleName": "Other", "Not an id!": true, "Smith": 1}
        ]});
        let found = undocumented(&d, &schema, &answer);
        let text = format!("{found:?}");
        assert!(
            !text.contains("Marker") && !text.contains("Not an id"),
            "{text}"
        );
        assert!(!text.contains("Smith"), "{text}");
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().any(|u| u.parent == "contents[]"
            && u.name.as_deref() == Some("middleName")
            && u.shape == "string"));
        assert!(
            found.iter().any(
                |u| u.parent == "contents[].demographics" && u.name.as_deref() == Some("extra")
            )
        );
        assert!(
            found
                .iter()
                .any(|u| u.parent == "contents[]" && u.name.is_none())
        );
    }
}

#[cfg(test)]
mod map_tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_object_of_only_unknown_members_shows_no_name() {
        let d = json!({});
        let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let found = undocumented(&d, &schema, &json!({"janeSample": 1, "johnSample": 2}));
        assert!(found.iter().all(|u| u.name.is_none()), "{found:?}");
        let found = undocumented(&d, &schema, &json!({"a": "x", "middleName": "y"}));
        assert_eq!(found[0].name.as_deref(), Some("middleName"));
    }
}
