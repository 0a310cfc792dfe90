//! The operations of the spec, as the stand-ins, the probe and the checks
//! read them.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::routes::{self, Resolution};

/// The REST operations of a spec (every path under `/rest/`), read once.
#[derive(Debug, Clone)]
pub struct Spec {
    pub(crate) document: Value,
    pub(crate) operations: Vec<Operation>,
}

/// One operation: its method and path template, what it needs and what it
/// answers.
#[derive(Debug, Clone)]
pub struct Operation {
    pub(crate) id: String,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) parameters: Vec<Parameter>,
    pub(crate) answers: Vec<(String, Answer)>,
    pub(crate) handwritten: bool,
    pub(crate) line: Option<usize>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header, or a cookie.
    Other,
}

/// One parameter of an operation (the path item's and its own; its own win
/// when both name one).
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name in the spec.
    pub name: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the operation needs it (path parameters always do).
    pub required: bool,
    /// Its schema, a `$ref` at the top followed (`null`: none).
    pub schema: Value,
    /// The spec's example, if any.
    pub example: Option<Value>,
}

/// What one status of an operation may carry.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Each documented media type, in the spec's order.
    pub media: Vec<Media>,
}

/// One media type of an answer.
#[derive(Debug, Clone)]
pub struct Media {
    /// The media type as the spec writes it (`application/json`).
    pub media_type: String,
    /// Its schema as written (`$ref`s kept), if any.
    pub schema: Option<Value>,
    /// Its example: `example`, else the first of `examples`, else the
    /// schema's `example` (`null`: none).
    pub example: Value,
}

/// An operation's first 2xx answer.
#[derive(Debug, Clone, Copy)]
pub struct Success<'a> {
    /// Its status (`2XX` reads as 200).
    pub status: u16,
    /// Its body (`application/json` first), or `None` for an answer without
    /// one.
    pub body: Option<&'a Media>,
}

impl Spec {
    /// The whole document, as JSON (map keys such as `200` as text), for
    /// reading schemas.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Every operation under `/rest/`, in the spec's order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// Every scope an operation names, sorted, once each.
    pub fn scopes(&self) -> Vec<String> {
        let all: BTreeSet<&String> = self.operations.iter().flat_map(|op| &op.scopes).collect();
        all.into_iter().cloned().collect()
    }

    /// The operation a request's method and path (without its query) is,
    /// by [`routes::resolve`].
    pub fn resolve(&self, method: &str, path: &str) -> Resolution<&Operation> {
        routes::resolve(
            &self.operations,
            |op: &Operation| (op.method.as_str(), op.path.as_str()),
            method,
            path,
        )
    }

    /// `value`, or what its `$ref` (within the document) points at, followed
    /// until it is not a reference (at most 16 steps: a cycle stops there).
    pub fn follow<'a>(&'a self, value: &'a Value) -> &'a Value {
        crate::load::follow(&self.document, value)
    }
}

impl Operation {
    /// Its `operationId`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its method, upper case (`GET`).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Its path template (`/rest/v1/providers/{providerId}`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The scopes any one of which allows it (`x-accuro-scopes`; empty: any
    /// token).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Its parameters: the path item's and its own.
    pub fn parameters(&self) -> &[Parameter] {
        &self.parameters
    }

    /// The names of its required query parameters (`uuid` among them).
    pub fn required_query(&self) -> impl Iterator<Item = &str> {
        self.parameters
            .iter()
            .filter(|p| p.location == Location::Query && p.required)
            .map(|p| p.name.as_str())
    }

    /// Its answers: status as the spec writes it (`200`, `4XX`, `default`)
    /// and what each may carry, in the spec's order.
    pub fn answers(&self) -> &[(String, Answer)] {
        &self.answers
    }

    /// The documented answer for `status`: exact, then `4XX`-style, then
    /// `default`.
    pub fn answer(&self, status: u16) -> Option<&Answer> {
        let exact = status.to_string();
        let class = format!("{}XX", status / 100);
        let find = |key: &str| {
            self.answers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, a)| a)
        };
        find(&exact)
            .or_else(|| find(&class))
            .or_else(|| find("default"))
    }

    /// Its first 2xx answer (200 without a body if the spec gives none).
    pub fn success(&self) -> Success<'_> {
        let first = self.answers.iter().find(|(code, _)| code.starts_with('2'));
        let Some((code, answer)) = first else {
            return Success {
                status: 200,
                body: None,
            };
        };
        let body = answer
            .media
            .iter()
            .find(|m| m.media_type == "application/json")
            .or_else(|| answer.media.first());
        Success {
            status: code.parse().unwrap_or(200),
            body,
        }
    }

    /// Whether the client writes it by hand (`x-accuro-handwritten`).
    pub fn handwritten(&self) -> bool {
        self.handwritten
    }

    /// The spec's line its path item starts on (1-based), when found.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// Whether `template` (axum's or the spec's) has this operation's shape.
    pub fn has_shape(&self, template: &str) -> bool {
        routes::same_shape(&self.path, template)
    }
}
