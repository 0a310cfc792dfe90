//! The spec's read operations, as the probe needs them: path template,
//! parameters, and the answers each status may carry. Read from the one
//! model of the spec ([`accuro_spec::Spec`]), not from the YAML.

use std::collections::BTreeMap;

use serde_json::Value;

pub use accuro_spec::{Location, Parameter};

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
        let spec =
            accuro_spec::Spec::parse(text).map_err(|e| format!("the spec does not parse: {e}"))?;
        Ok(Self::from_model(&spec))
    }

    /// The spec built into the probe (`spec/accuro.yaml`).
    pub fn embedded() -> Result<Self, String> {
        let spec =
            accuro_spec::Spec::embedded().map_err(|e| format!("the spec does not parse: {e}"))?;
        Ok(Self::from_model(spec))
    }

    /// The model's `GET` operations; the shared `uuid` left out of their
    /// parameters, media types in lower case.
    fn from_model(spec: &accuro_spec::Spec) -> Self {
        let operations = spec
            .operations()
            .iter()
            .filter(|op| op.method() == "GET")
            .map(|op| Operation {
                id: op.id().to_owned(),
                template: op.path().to_owned(),
                parameters: op
                    .parameters()
                    .iter()
                    .filter(|p| !(p.location == Location::Query && p.name == "uuid"))
                    .cloned()
                    .collect(),
                answers: op
                    .answers()
                    .iter()
                    .map(|(status, answer)| {
                        let media = answer
                            .media
                            .iter()
                            .map(|m| (m.media_type.to_ascii_lowercase(), m.schema.clone()))
                            .collect();
                        (status.clone(), Answer { media })
                    })
                    .collect(),
                handwritten: op.handwritten(),
            })
            .collect();
        Self {
            document: spec.document().clone(),
            operations,
        }
    }
}

/// `value`, or what its `$ref` (within the document) points at, followed
/// until it is not a reference (at most 16 steps).
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    accuro_spec::follow(document, value)
}
