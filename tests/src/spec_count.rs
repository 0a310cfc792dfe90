//! The spec's operations read straight from `spec/accuro.yaml` with
//! serde_yaml, apart from `accuro-spec`, `accuro-gen` and the code they write:
//! what the tests that count operations (a run's calls, the generated
//! methods, the endpoint table) compare with, so that a count cannot agree
//! with itself.

use std::collections::BTreeSet;

use serde_yaml::Value;

/// The methods an OpenAPI path item may hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The handwritten operations [`every_operation`](crate::every_operation)
/// calls itself (`patch_patient`; `upload_document`, whose route
/// `upload_referral` shares): [`every_other_handwritten_operation`](crate::every_other_handwritten_operation)
/// calls the others.
pub const HANDWRITTEN_IN_EVERY_OPERATION: [&str; 2] = ["patch_patient", "upload_document"];

/// One operation of `spec/accuro.yaml`, as written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecOperation {
    /// Its method, lower case (`get`).
    pub method: String,
    /// Its path template.
    pub path: String,
    /// Its `operationId`.
    pub id: String,
    /// Whether it is marked `x-accuro-handwritten`.
    pub handwritten: bool,
    /// Whether a 2xx answer of it is multipart (Prism cannot serve one).
    pub multipart_answer: bool,
}

/// `spec/accuro.yaml`, parsed as plain YAML.
pub fn spec_yaml() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/accuro.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every operation of the spec, in document order.
pub fn spec_operations() -> Vec<SpecOperation> {
    let spec = spec_yaml();
    let paths = spec
        .get("paths")
        .and_then(Value::as_mapping)
        .expect("the spec has paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        let path = path.as_str().expect("a path is a string");
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            operations.push(SpecOperation {
                method: method.to_owned(),
                path: path.to_owned(),
                id: id.to_owned(),
                handwritten: op.get("x-accuro-handwritten").is_some(),
                multipart_answer: multipart_answer(&spec, op),
            });
        }
    }
    operations
}

/// The ids of the operations `every_generated_operation` must call: every
/// REST operation (under `/rest/`; the token request is the client's own)
/// not marked `x-accuro-handwritten`.
pub fn generated_rest_operations() -> BTreeSet<String> {
    spec_operations()
        .into_iter()
        .filter(|op| !op.handwritten && op.path.starts_with("/rest/"))
        .map(|op| op.id)
        .collect()
}

/// The ids of the handwritten operations of the spec that
/// [`every_other_handwritten_operation`](crate::every_other_handwritten_operation)
/// must call: all but [`HANDWRITTEN_IN_EVERY_OPERATION`], and, unless
/// `multipart_answers`, but those answered as multipart. Panics if one of
/// [`HANDWRITTEN_IN_EVERY_OPERATION`] is not a handwritten operation of the spec.
pub fn other_handwritten_operations(multipart_answers: bool) -> BTreeSet<String> {
    let handwritten: Vec<SpecOperation> = spec_operations()
        .into_iter()
        .filter(|op| op.handwritten)
        .collect();
    for id in HANDWRITTEN_IN_EVERY_OPERATION {
        assert!(
            handwritten.iter().any(|op| op.id == id),
            "{id} is not a handwritten operation of the spec"
        );
    }
    handwritten
        .into_iter()
        .filter(|op| !HANDWRITTEN_IN_EVERY_OPERATION.contains(&op.id.as_str()))
        .filter(|op| multipart_answers || !op.multipart_answer)
        .map(|op| op.id)
        .collect()
}

/// Whether a 2xx answer of `op` has a multipart body.
fn multipart_answer(spec: &Value, op: &Value) -> bool {
    let Some(responses) = op.get("responses").and_then(Value::as_mapping) else {
        return false;
    };
    responses
        .iter()
        .filter(|(status, _)| {
            let status = status
                .as_str()
                .map(str::to_owned)
                .or_else(|| status.as_u64().map(|n| n.to_string()));
            status.is_some_and(|s| s.starts_with('2'))
        })
        .any(|(_, response)| {
            resolve(spec, response)
                .get("content")
                .and_then(Value::as_mapping)
                .is_some_and(|content| {
                    content
                        .keys()
                        .any(|media| media.as_str().is_some_and(|m| m.starts_with("multipart/")))
                })
        })
}

/// `value`, or what its local `$ref` names.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/"))
        .and_then(|pointer| pointer.split('/').try_fold(spec, |node, key| node.get(key)))
        .unwrap_or(value)
}
