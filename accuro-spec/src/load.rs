//! Reading a spec's text into the model, with errors that name its line.

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

use crate::model::{Answer, Location, Media, Operation, Parameter, Spec};

/// The project's spec, `spec/accuro.yaml`, built into the crate.
pub const EMBEDDED: &str = include_str!("../../spec/accuro.yaml");

/// The prefix of the paths the model keeps (the token endpoint, `/v1/token`,
/// is not a REST operation).
const REST_PREFIX: &str = "/rest/";

/// The methods an OpenAPI path item may carry operations for.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// How deep `$ref`s are followed before giving up (a cycle).
const MAX_REF_HOPS: usize = 16;

/// Why a spec could not be read: what is wrong, and the spec's line when it
/// is known. One line when printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// What is wrong and, where it helps, what to write instead.
    pub message: String,
    /// The 1-based line of the spec it is on.
    pub line: Option<usize>,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "spec line {line}: {}", self.message),
            None => write!(f, "spec: {}", self.message),
        }
    }
}

impl std::error::Error for SpecError {}

impl Spec {
    /// The built-in spec ([`EMBEDDED`]), read on first use and kept for the
    /// life of the process.
    pub fn embedded() -> Result<&'static Spec, SpecError> {
        static SPEC: OnceLock<Result<Spec, SpecError>> = OnceLock::new();
        SPEC.get_or_init(|| Spec::parse(EMBEDDED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a spec's text (YAML or JSON): every operation under `/rest/`.
    ///
    /// Refused, with the line: text that is not YAML, a spec without
    /// `paths` or without any REST operation, an operation without an
    /// `operationId`, one not in snake_case (`holdoutProbe`: "did you mean
    /// `holdout_probe`?"), or one used twice.
    pub fn parse(text: &str) -> Result<Self, SpecError> {
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| SpecError {
            message: format!("not YAML: {e}"),
            line: e.location().map(|l| l.line()),
        })?;
        // JSON maps are sorted: the order of paths and answers is read
        // from the YAML, which keeps the spec's.
        let document = yaml_to_json(yaml.clone());
        let paths = yaml
            .get("paths")
            .and_then(serde_yaml::Value::as_mapping)
            .ok_or_else(|| SpecError {
                message: "it has no `paths`".into(),
                line: None,
            })?;
        let mut operations: Vec<Operation> = Vec::new();
        for (path, yaml_item) in paths {
            let Some(path) = path.as_str().filter(|p| p.starts_with(REST_PREFIX)) else {
                continue;
            };
            let Some(item) = document.get("paths").and_then(|p| p.get(path)) else {
                continue;
            };
            let path_line = line_of(text, 0, |l| is_key(l, path));
            let item = follow(&document, item);
            for method in METHODS {
                let Some(op) = item.get(method) else {
                    continue;
                };
                let method_line =
                    path_line.and_then(|from| line_of(text, from, |l| is_key(l, method)));
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    return Err(SpecError {
                        message: format!("{} {path} has no operationId", method.to_uppercase()),
                        line: method_line.or(path_line),
                    });
                };
                let id_line = method_line
                    .and_then(|from| line_of(text, from, |l| l.starts_with("operationId:")));
                if let Some(problem) = crate::naming::operation_id_problem(id, None) {
                    return Err(SpecError {
                        message: problem,
                        line: id_line,
                    });
                }
                if let Some(first) = operations.iter().find(|o| o.id == id) {
                    return Err(SpecError {
                        message: format!(
                            "operationId `{id}` is used twice (first by {} {}); operation ids are unique",
                            first.method, first.path
                        ),
                        line: id_line,
                    });
                }
                let order = answer_order(yaml_item, method);
                operations.push(Operation {
                    id: id.to_owned(),
                    method: method.to_uppercase(),
                    path: path.to_owned(),
                    scopes: strings(op.get("x-accuro-scopes")),
                    parameters: parameters(&document, item.get("parameters"), op.get("parameters")),
                    answers: answers(&document, op.get("responses"), &order),
                    handwritten: op.get("x-accuro-handwritten").is_some(),
                    line: path_line,
                });
            }
        }
        if operations.is_empty() {
            return Err(SpecError {
                message: format!("no operation under {REST_PREFIX}"),
                line: None,
            });
        }
        Ok(Spec {
            document,
            operations,
        })
    }
}

/// Whether a line (leading space trimmed) is the map key `key`, plain or
/// quoted.
fn is_key(line: &str, key: &str) -> bool {
    [key.to_owned(), format!("'{key}'"), format!("\"{key}\"")]
        .iter()
        .any(|k| {
            line.strip_prefix(k.as_str())
                .is_some_and(|rest| rest.starts_with(':'))
        })
}

/// The first line (1-based) after line `from` whose text, leading space
/// trimmed, satisfies `found`.
fn line_of(text: &str, from: usize, found: impl Fn(&str) -> bool) -> Option<usize> {
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| found(l.trim_start()))
        .map(|(i, _)| i + 1)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `value`, or what its `$ref` (`#/...`) within `document` points at,
/// followed until it is not a reference (at most 16 steps: a cycle stops
/// there).
pub fn follow<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_REF_HOPS {
        let Some(pointer) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            return current;
        };
        match document.pointer(pointer) {
            Some(next) => current = next,
            None => return current,
        }
    }
    current
}

/// The path item's parameters and the operation's own (its own replace the
/// path item's of the same name and place), the path item's first.
fn parameters(document: &Value, shared: Option<&Value>, own: Option<&Value>) -> Vec<Parameter> {
    let declared = shared
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(own.and_then(Value::as_array).into_iter().flatten());
    let mut parameters: Vec<Parameter> = Vec::new();
    for raw in declared {
        let p = follow(document, raw);
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            _ => Location::Other,
        };
        let parameter = Parameter {
            name: name.to_owned(),
            location,
            required: location == Location::Path
                || p.get("required").and_then(Value::as_bool) == Some(true),
            schema: p
                .get("schema")
                .map(|s| follow(document, s).clone())
                .unwrap_or(Value::Null),
            example: p.get("example").cloned(),
        };
        parameters.retain(|q| !(q.name == parameter.name && q.location == location));
        parameters.push(parameter);
    }
    parameters
}

/// The statuses of an operation's answers as the spec orders them (`200`
/// written as a number reads as text).
fn answer_order(item: &serde_yaml::Value, method: &str) -> Vec<String> {
    item.get(method)
        .and_then(|op| op.get("responses"))
        .and_then(serde_yaml::Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(status, _)| match yaml_to_json(status.clone()) {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        })
        .collect()
}

/// Every documented answer of `responses`, in the spec's order (`order`).
fn answers(document: &Value, responses: Option<&Value>, order: &[String]) -> Vec<(String, Answer)> {
    let Some(responses) = responses.and_then(Value::as_object) else {
        return Vec::new();
    };
    order
        .iter()
        .filter_map(|status| responses.get(status).map(|raw| (status, raw)))
        .map(|(status, raw)| {
            let response = follow(document, raw);
            let media = response
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(media_type, media)| {
                    let media = follow(document, media);
                    Media {
                        media_type: media_type.clone(),
                        schema: media.get("schema").cloned(),
                        example: example(document, media),
                    }
                })
                .collect();
            (status.clone(), Answer { media })
        })
        .collect()
}

/// A media type object's example: `example`, else the first of `examples`,
/// else its schema's `example`; `null` if none.
fn example(document: &Value, media: &Value) -> Value {
    media
        .get("example")
        .or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|all| all.values().next())
                .and_then(|e| follow(document, e).get("value"))
        })
        .or_else(|| {
            media
                .get("schema")
                .and_then(|s| follow(document, s).get("example"))
        })
        .cloned()
        .unwrap_or(Value::Null)
}

/// A YAML value as JSON; map keys that are not strings (`200:`) become their
/// text, tags are dropped.
pub fn yaml_to_json(yaml: serde_yaml::Value) -> Value {
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

#[cfg(test)]
#[path = "load_tests.rs"]
mod tests;
