//! The spec's read operations, as the probe needs them: path template,
//! parameters, and the answers each status may carry.

use std::collections::BTreeMap;

use serde_json::Value;

/// The spec the probe was built with (`spec/accuro.yaml`).
pub const EMBEDDED_SPEC: &str = include_str!("../../spec/accuro.yaml");

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header, or a cookie: never filled by the probe.
    Other,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name in the spec.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the operation needs it.
    pub required: bool,
    /// Its schema (references resolved at the top level).
    pub schema: Value,
    /// The spec's example, if any.
    pub example: Option<Value>,
}

/// What one status code of an operation may carry: media type → schema.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Each documented media type with its schema (`None`: no schema).
    pub media: Vec<(String, Option<Value>)>,
}

/// One `GET` operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operation id (the client's method name).
    pub id: String,
    /// The path template (`/rest/v1/patients/{patientId}`).
    pub template: String,
    /// Path and query parameters, the shared `uuid` left out.
    pub parameters: Vec<Parameter>,
    /// Status code (`200`, `4XX`, `default`) → what it may carry.
    pub answers: BTreeMap<String, Answer>,
    /// Written by hand in the client rather than generated.
    pub handwritten: bool,
}

impl Operation {
    /// The documented answer for `status`: exact, then `4XX`-style, then `default`.
    pub fn answer(&self, status: u16) -> Option<&Answer> {
        let class = format!("{}XX", status / 100);
        self.answers
            .get(&status.to_string())
            .or_else(|| self.answers.get(&class))
            .or_else(|| self.answers.get(&class.to_ascii_lowercase()))
            .or_else(|| self.answers.get("default"))
    }

    /// Its path parameters, in order.
    pub fn path_parameters(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters
            .iter()
            .filter(|p| p.location == Location::Path)
    }
}

/// The spec read for probing.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The whole document, as JSON.
    pub document: Value,
    /// Every `GET` under `/rest/`, in document order.
    pub operations: Vec<Operation>,
}

impl Spec {
    /// Reads a spec from its YAML (or JSON) text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| format!("the spec does not parse: {e}"))?;
        let document = yaml_to_json(yaml);
        let mut operations = Vec::new();
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the spec has no paths")?;
        for (template, item) in paths {
            if !template.starts_with("/rest/") {
                continue;
            }
            let Some(op) = item.get("get") else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("GET {template} has no operationId"))?;
            let mut parameters: Vec<Parameter> = Vec::new();
            let declared = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for raw in declared {
                let p = resolve(&document, raw);
                let Some(name) = p.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let location = match p.get("in").and_then(Value::as_str) {
                    Some("path") => Location::Path,
                    Some("query") => Location::Query,
                    _ => Location::Other,
                };
                if location == Location::Query && name == "uuid" {
                    continue;
                }
                let parameter = Parameter {
                    name: name.to_owned(),
                    location,
                    required: location == Location::Path
                        || p.get("required").and_then(Value::as_bool) == Some(true),
                    schema: p
                        .get("schema")
                        .map(|s| resolve(&document, s).clone())
                        .unwrap_or(Value::Null),
                    example: p.get("example").cloned(),
                };
                // An operation's own parameter replaces the path item's.
                parameters.retain(|q| !(q.name == parameter.name && q.location == location));
                parameters.push(parameter);
            }
            let mut answers = BTreeMap::new();
            for (status, raw) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let response = resolve(&document, raw);
                let media = response
                    .get("content")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(media, body)| (media.to_ascii_lowercase(), body.get("schema").cloned()))
                    .collect();
                answers.insert(status.clone(), Answer { media });
            }
            operations.push(Operation {
                id: id.to_owned(),
                template: template.clone(),
                parameters,
                answers,
                handwritten: op.get("x-accuro-handwritten").is_some(),
            });
        }
        Ok(Self {
            document,
            operations,
        })
    }

    /// The spec built into the probe.
    pub fn embedded() -> Result<Self, String> {
        Self::parse(EMBEDDED_SPEC)
    }
}

/// `value`, or what its `$ref` (within the document) points at, followed
/// until it is not a reference (at most 16 steps).
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        let Some(target) = current.get("$ref").and_then(Value::as_str) else {
            return current;
        };
        let Some(pointer) = target.strip_prefix('#') else {
            return current;
        };
        match document.pointer(pointer) {
            Some(next) => current = next,
            None => return current,
        }
    }
    current
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
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}
