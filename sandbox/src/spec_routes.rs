//! The REST operations of `spec/accuro.yaml`, read once: for a method and a
//! request path, the operation that answers it, the scopes it needs
//! (`x-accuro-scopes`), its required query parameters, and its first 2xx
//! answer with the spec's example.
//!
//! Path templates are matched segment by segment, `{x}` matching any one
//! non-empty segment; when several templates match, the one whose first
//! differing segment is literal wins (`/patients/search` over
//! `/patients/{patientId}`), as JAX-RS (and axum) route.
//!
//! ```
//! use accuro_sandbox::spec_routes::{Resolution, SpecRoutes};
//!
//! let spec = SpecRoutes::embedded()?;
//! let Resolution::Operation(op) =
//!     spec.resolve("GET", "/rest/v1/provider-portal/patients/search")
//! else {
//!     panic!("the patient search is an operation of the spec");
//! };
//! assert_eq!(op.id(), "search_patients_v1");
//! assert!(op.scopes().iter().any(|s| s == "PATIENT_DEMOGRAPHICS_READ"));
//! # Ok::<(), accuro_sandbox::spec_routes::SpecError>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use serde_yaml::Value;

/// The spec the sandbox serves, built into the binary.
pub const SPEC: &str = include_str!("../../spec/accuro.yaml");

/// The prefix of the paths [`SpecRoutes`] keeps (the token endpoint,
/// `/v1/token`, is served on its own).
pub const REST_PREFIX: &str = "/rest/";

/// The methods an OpenAPI path item may carry operations for.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// How deep `$ref`s are followed before giving up (a cycle).
const MAX_REF_HOPS: usize = 16;

/// Why the spec could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(String);

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the spec cannot be served: {}", self.0)
    }
}

impl std::error::Error for SpecError {}

/// The REST operations of a spec, ready to match requests.
#[derive(Debug, Clone)]
pub struct SpecRoutes {
    operations: Vec<Operation>,
}

/// One operation: its method and path template, what it needs and its
/// success answer.
#[derive(Debug, Clone)]
pub struct Operation {
    id: String,
    method: String,
    path: String,
    segments: Vec<Segment>,
    scopes: Vec<String>,
    required_query: Vec<String>,
    success: Success,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

/// An operation's first 2xx answer in the spec.
#[derive(Debug, Clone)]
pub struct Success {
    status: u16,
    body: Option<Example>,
}

/// A 2xx answer's body as the spec gives it: its media type and example.
#[derive(Debug, Clone)]
pub struct Example {
    media_type: String,
    value: serde_json::Value,
}

/// What a method and path are, for the spec.
#[derive(Debug, Clone, Copy)]
pub enum Resolution<'a> {
    /// This operation.
    Operation(&'a Operation),
    /// The path is the spec's, but no operation has this method (405).
    MethodNotAllowed,
    /// No path of the spec (404).
    NotFound,
}

impl SpecRoutes {
    /// The built-in spec ([`SPEC`]), parsed on first use and kept for the
    /// life of the process.
    pub fn embedded() -> Result<&'static SpecRoutes, SpecError> {
        static ROUTES: OnceLock<Result<SpecRoutes, SpecError>> = OnceLock::new();
        ROUTES
            .get_or_init(|| SpecRoutes::parse(SPEC))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Reads a spec's text (YAML or JSON): every operation under
    /// [`REST_PREFIX`].
    pub fn parse(text: &str) -> Result<Self, SpecError> {
        let root: Value =
            serde_yaml::from_str(text).map_err(|e| SpecError(format!("not YAML: {e}")))?;
        let paths = root
            .get("paths")
            .and_then(Value::as_mapping)
            .ok_or_else(|| SpecError("it has no `paths`".into()))?;
        let mut operations = Vec::new();
        for (path, item) in paths {
            let Some(path) = path.as_str().filter(|p| p.starts_with(REST_PREFIX)) else {
                continue;
            };
            let item = follow(&root, item);
            let shared = item.get("parameters");
            for method in METHODS {
                let Some(op) = item.get(method) else {
                    continue;
                };
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        SpecError(format!(
                            "{} {path} has no operationId",
                            method.to_uppercase()
                        ))
                    })?;
                operations.push(Operation {
                    id: id.to_owned(),
                    method: method.to_uppercase(),
                    path: path.to_owned(),
                    segments: segments_of(path),
                    scopes: strings(op.get("x-accuro-scopes")),
                    required_query: required_query(&root, shared, op.get("parameters")),
                    success: success(&root, op.get("responses")),
                });
            }
        }
        if operations.is_empty() {
            return Err(SpecError(format!("no operation under {REST_PREFIX}")));
        }
        Ok(Self { operations })
    }

    /// Every operation, in the spec's order.
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

    /// The operation a request is (`path` without its query; `HEAD` is
    /// answered as `GET`).
    pub fn resolve(&self, method: &str, path: &str) -> Resolution<'_> {
        let method = if method.eq_ignore_ascii_case("HEAD") {
            "GET"
        } else {
            method
        };
        let request: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
        let mut path_known = false;
        let mut best: Option<(&Operation, Vec<bool>)> = None;
        for op in &self.operations {
            let Some(literals) = op.matches(&request) else {
                continue;
            };
            path_known = true;
            if !op.method.eq_ignore_ascii_case(method) {
                continue;
            }
            if best.as_ref().is_none_or(|(_, b)| literals > *b) {
                best = Some((op, literals));
            }
        }
        match best {
            Some((op, _)) => Resolution::Operation(op),
            None if path_known => Resolution::MethodNotAllowed,
            None => Resolution::NotFound,
        }
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

    /// The scopes any one of which allows it (`x-accuro-scopes`; empty: none
    /// needed).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The names of its required query parameters (`uuid` among them).
    pub fn required_query(&self) -> &[String] {
        &self.required_query
    }

    /// Its first 2xx answer.
    pub fn success(&self) -> &Success {
        &self.success
    }

    /// Whether `template` (axum's or the spec's) has this operation's shape:
    /// the same literal segments in the same places, parameters anywhere
    /// their names differ.
    pub fn has_shape(&self, template: &str) -> bool {
        segments_of(template) == self.segments
    }

    /// For a request path split in segments: `None` if it does not match,
    /// else which segments matched a literal.
    fn matches(&self, request: &[&str]) -> Option<Vec<bool>> {
        if request.len() != self.segments.len() {
            return None;
        }
        self.segments
            .iter()
            .zip(request)
            .map(|(segment, given)| match segment {
                Segment::Literal(literal) => (literal == given).then_some(true),
                Segment::Param => (!given.is_empty()).then_some(false),
            })
            .collect()
    }
}

impl Success {
    /// Its status code (`2XX` reads as 200).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Its body, or `None` for an answer without one.
    pub fn body(&self) -> Option<&Example> {
        self.body.as_ref()
    }
}

impl Example {
    /// The media type the spec gives it (`application/json`).
    pub fn media_type(&self) -> &str {
        &self.media_type
    }

    /// The spec's example (`null` when the spec gives none).
    pub fn value(&self) -> &serde_json::Value {
        &self.value
    }
}

fn segments_of(template: &str) -> Vec<Segment> {
    template
        .strip_prefix('/')
        .unwrap_or(template)
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Param
            } else {
                Segment::Literal(s.to_owned())
            }
        })
        .collect()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_sequence)
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `value`, or what its `$ref` (`#/components/...`) points to.
fn follow<'a>(root: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_REF_HOPS {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/"))
        else {
            return value;
        };
        let mut target = Some(root);
        for key in pointer.split('/') {
            let key = key.replace("~1", "/").replace("~0", "~");
            target = target.and_then(|t| t.get(key.as_str()));
        }
        match target {
            Some(t) => value = t,
            None => return value,
        }
    }
    value
}

/// The required query parameters of an operation: the path item's and its
/// own (its own win when both name a parameter).
fn required_query(root: &Value, shared: Option<&Value>, own: Option<&Value>) -> Vec<String> {
    fn list<'a>(root: &'a Value, v: Option<&'a Value>) -> Vec<&'a Value> {
        v.and_then(Value::as_sequence)
            .map(|items| items.iter().map(|p| follow(root, p)).collect())
            .unwrap_or_default()
    }
    let own = list(root, own);
    let key = |p: &Value| {
        (
            p.get("name").and_then(Value::as_str).map(str::to_owned),
            p.get("in").and_then(Value::as_str).map(str::to_owned),
        )
    };
    let shared: Vec<&Value> = list(root, shared)
        .into_iter()
        .filter(|p| !own.iter().any(|o| key(o) == key(p)))
        .collect();
    own.into_iter()
        .chain(shared)
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter(|p| p.get("required").and_then(Value::as_bool) == Some(true))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// The first 2xx answer of `responses` (200 without a body if there is none).
fn success(root: &Value, responses: Option<&Value>) -> Success {
    let first = responses
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .find_map(|(code, response)| {
            let code = match code {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            if !code.starts_with('2') {
                return None;
            }
            let status = code.parse().unwrap_or(200);
            Some((status, follow(root, response)))
        });
    let Some((status, response)) = first else {
        return Success {
            status: 200,
            body: None,
        };
    };
    let content = response.get("content").and_then(Value::as_mapping);
    let media = content.and_then(|c| {
        c.iter()
            .find(|(t, _)| t.as_str() == Some("application/json"))
            .or_else(|| c.iter().next())
    });
    let body = media.and_then(|(media_type, media)| {
        Some(Example {
            media_type: media_type.as_str()?.to_owned(),
            value: example(root, follow(root, media)),
        })
    });
    Success { status, body }
}

/// A media type object's example: `example`, else the first of `examples`,
/// else its schema's `example`; `null` if none (or one JSON cannot hold).
fn example(root: &Value, media: &Value) -> serde_json::Value {
    let found = media
        .get("example")
        .or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_mapping)
                .and_then(|all| all.values().next())
                .and_then(|e| follow(root, e).get("value"))
        })
        .or_else(|| {
            media
                .get("schema")
                .and_then(|s| follow(root, s).get("example"))
        });
    found
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Null)
}
