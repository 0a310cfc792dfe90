//! The project's own rules, checked before progenitor runs.
//!
//! progenitor either rejects these cases with a terse message or panics on
//! them; checking first lets every broken rule be reported at once, naming the
//! operation and what to change.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, StatusCode,
};

use crate::{Error, Violation};

/// The query parameter every `/rest/` operation must declare.
pub const UUID_PARAM: &str = "uuid";

/// Vendor extension marking an operation the handwritten layer implements
/// (progenitor cannot generate it); its value is the Rust method's name.
pub const HANDWRITTEN: &str = "x-accuro-handwritten";

/// Vendor extension listing the scopes an operation needs.
pub const SCOPES: &str = "x-accuro-scopes";

/// Vendor extension saying whether an operation may be sent twice with the
/// effect of once (`true`/`false`). Every write (`POST`, `PUT`, `PATCH`,
/// `DELETE`) must state it, with [`IDEMPOTENT_REASON`]: Accuro does not
/// follow HTTP here (a `PUT` that files a letter, a `DELETE` that makes a
/// new lab group), so the method decides nothing. Reads (`GET`, `HEAD`,
/// `OPTIONS`) are idempotent without it.
pub const IDEMPOTENT: &str = "x-accuro-idempotent";

/// Vendor extension giving, in one line, why a write is or is not
/// idempotent: drawn from the operation's description, the server facts,
/// or QHR's file. `xtask import` writes "not reviewed" until a person
/// decides.
pub const IDEMPOTENT_REASON: &str = "x-accuro-idempotent-reason";

/// Vendor extension marking a write method that changes nothing on the
/// server (a `POST` that only reads, such as `list_insurers_by_ids`). It
/// requires `x-accuro-idempotent: true`. A refused resend of a safe
/// operation is no sign that an earlier attempt acted.
pub const SAFE: &str = "x-accuro-safe";

/// The methods that write: each must state [`IDEMPOTENT`] and
/// [`IDEMPOTENT_REASON`].
pub const WRITE_METHODS: [&str; 4] = ["post", "put", "patch", "delete"];

/// Whether `method` writes (see [`WRITE_METHODS`]).
pub fn is_write(method: &str) -> bool {
    WRITE_METHODS.contains(&method.to_ascii_lowercase().as_str())
}

/// Whether `op`, sent with `method`, is idempotent (see [`IDEMPOTENT`]): a
/// read is; a write only when the spec says `true` (the generator refuses
/// a write that does not say).
pub fn is_idempotent(method: &str, op: &Operation) -> bool {
    if !is_write(method) {
        return true;
    }
    op.extensions
        .get(IDEMPOTENT)
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Why `op` is or is not idempotent (see [`IDEMPOTENT_REASON`]).
pub fn idempotent_reason(op: &Operation) -> Option<&str> {
    op.extensions
        .get(IDEMPOTENT_REASON)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Whether `op`, sent with `method`, changes nothing on the server: a read,
/// or a write marked [`SAFE`].
pub fn is_safe(method: &str, op: &Operation) -> bool {
    !is_write(method) || op.extensions.get(SAFE).and_then(|v| v.as_bool()) == Some(true)
}

/// Request body media types progenitor can send.
const GENERATED_BODY_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// The Rust method the handwritten layer provides for `op`, if it is marked.
pub fn handwritten_method(op: &Operation) -> Option<&str> {
    op.extensions.get(HANDWRITTEN).and_then(|v| v.as_str())
}

/// Checks every rule and reports all violations together.
pub fn check(spec: &OpenAPI, spec_name: &str) -> Result<(), Error> {
    check_located(spec, None, spec_name)
}

/// [`check`]; an operationId that is not snake_case names its line in
/// `spec_text` when given.
pub fn check_located(
    spec: &OpenAPI,
    spec_text: Option<&str>,
    spec_name: &str,
) -> Result<(), Error> {
    let mut violations = Vec::new();
    let mut seen_ids: BTreeMap<&str, String> = BTreeMap::new();

    for (path, item) in &spec.paths.paths {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                violations.push(Violation {
                    location: path.clone(),
                    message: format!(
                        "path item is a reference ({reference}); write the operations inline"
                    ),
                });
                continue;
            }
        };
        for (method, op) in item.iter() {
            let location = match &op.operation_id {
                Some(id) => format!("{} {path} ({id})", method.to_uppercase()),
                None => format!("{} {path}", method.to_uppercase()),
            };
            let mut push = |message: String| {
                violations.push(Violation {
                    location: location.clone(),
                    message,
                })
            };
            match &op.operation_id {
                None => push("no operationId; add one in snake_case, e.g. `list_offices`".into()),
                Some(id) => {
                    let line = spec_text
                        .and_then(|text| accuro_spec::naming::line_of_operation_id(text, id));
                    if let Some(problem) = accuro_spec::naming::operation_id_problem(id, line) {
                        push(problem);
                    }
                    if let Some(first) = seen_ids.insert(id, location.clone()) {
                        push(format!(
                            "operationId `{id}` is already used by {first}; operation ids must be unique"
                        ));
                    }
                }
            }
            if op.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
                push(
                    "no summary; add a one-line `summary` (it becomes the method's rustdoc)".into(),
                );
            }
            if op
                .description
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                push(
                    "no description; add a `description` (it becomes the method's rustdoc)".into(),
                );
            }
            check_parameters(spec, path, item, op, &mut push);
            check_retry_safety(method, op, &mut push);
            match op.extensions.get(HANDWRITTEN) {
                // progenitor never sees it: only its documentation matters.
                Some(v) if v.as_str().is_some_and(is_snake_case) => continue,
                Some(_) => push(format!(
                    "`{HANDWRITTEN}` must name the handwritten Rust method in snake_case"
                )),
                None => {}
            }
            check_request_body(spec, op, &mut push);
            check_responses(spec, op, &mut push);
        }
    }

    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::Rules {
            spec: spec_name.to_owned(),
            violations,
        })
    }
}

fn check_parameters(
    spec: &OpenAPI,
    path: &str,
    item: &PathItem,
    op: &Operation,
    push: &mut impl FnMut(String),
) {
    let mut has_uuid = false;
    for param in item.parameters.iter().chain(&op.parameters) {
        match resolve_parameter(spec, param) {
            Ok(Parameter::Cookie { parameter_data, .. }) => push(format!(
                "cookie parameter `{}`: progenitor refuses cookie parameters; use a header or query parameter",
                parameter_data.name
            )),
            Ok(Parameter::Query { parameter_data, .. }) if parameter_data.name == UUID_PARAM => {
                has_uuid = true;
            }
            Ok(_) => {}
            Err(message) => push(message),
        }
    }
    if path.starts_with("/rest/") && !has_uuid {
        push(format!(
            "no `{UUID_PARAM}` query parameter; every /rest/ operation must list \
             `$ref: \"#/components/parameters/ClinicUuid\"` in its parameters"
        ));
    }
}

/// Every write states whether it may be sent twice, and why; a safe write
/// is idempotent.
fn check_retry_safety(method: &str, op: &Operation, push: &mut impl FnMut(String)) {
    let stated = op.extensions.get(IDEMPOTENT);
    if stated.is_some_and(|v| !v.is_boolean()) {
        push(format!(
            "`{IDEMPOTENT}` must be `true` or `false` (whether the operation may be sent twice)"
        ));
    }
    if op
        .extensions
        .get(IDEMPOTENT_REASON)
        .is_some_and(|v| !v.is_string())
    {
        push(format!("`{IDEMPOTENT_REASON}` must be a one-line string"));
    } else if idempotent_reason(op).is_some_and(|r| r.contains('\n')) {
        push(format!("`{IDEMPOTENT_REASON}` must be one line"));
    }
    match op.extensions.get(SAFE) {
        None => {}
        Some(v) if !v.is_boolean() => push(format!("`{SAFE}` must be `true` or `false`")),
        Some(v) if v.as_bool() == Some(true) && stated.and_then(|v| v.as_bool()) != Some(true) => {
            push(format!(
                "`{SAFE}: true` (it changes nothing) requires `{IDEMPOTENT}: true`"
            ))
        }
        Some(_) => {}
    }
    if !is_write(method) {
        return;
    }
    if stated.is_none() {
        push(format!(
            "a write must say whether it may be sent twice: add `{IDEMPOTENT}: true|false` \
             (`false` if it creates a record, a version, a copy, an id, a history entry or \
             any other side effect) and `{IDEMPOTENT_REASON}`"
        ));
    }
    if op
        .extensions
        .get(IDEMPOTENT_REASON)
        .is_none_or(|v| v.is_string())
        && idempotent_reason(op).is_none()
    {
        push(format!(
            "a write must say why it may or may not be sent twice: add \
             `{IDEMPOTENT_REASON}: <one line from its description or the server facts>`"
        ));
    }
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

fn check_request_body(spec: &OpenAPI, op: &Operation, push: &mut impl FnMut(String)) {
    let Some(body) = &op.request_body else { return };
    let body = match resolve_request_body(spec, body) {
        Ok(body) => body,
        Err(message) => return push(message),
    };
    if body.content.len() > 1 {
        push(format!(
            "request body has {} media types ({}); progenitor accepts one: keep one",
            body.content.len(),
            body.content.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    for (media_type, content) in &body.content {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        if !GENERATED_BODY_TYPES.contains(&essence) {
            push(format!(
                "progenitor cannot send a `{media_type}` body; implement the operation in \
                 accuro-client and mark it `{HANDWRITTEN}: <rust_method>`"
            ));
        } else if !content.encoding.is_empty() {
            push(format!(
                "the `{media_type}` body has an `encoding` map, which makes progenitor panic; remove it"
            ));
        }
    }
}

/// What progenitor makes of one response body; two different kinds within the
/// success group or within the error group make it panic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum BodyKind {
    None,
    Schema(String),
    SchemalessJson,
    Raw,
}

impl BodyKind {
    fn describe(&self) -> String {
        match self {
            BodyKind::None => "no body".into(),
            BodyKind::Schema(s) => s.clone(),
            BodyKind::SchemalessJson => "JSON without a schema".into(),
            BodyKind::Raw => "a non-JSON body".into(),
        }
    }
}

fn check_responses(spec: &OpenAPI, op: &Operation, push: &mut impl FnMut(String)) {
    let mut success: BTreeMap<BodyKind, Vec<String>> = BTreeMap::new();
    let mut errors: BTreeMap<BodyKind, Vec<String>> = BTreeMap::new();

    let mut classify =
        |status: String, is_success: bool, is_error: bool, resp: &ReferenceOr<Response>| {
            let kind = match resolve_response(spec, resp) {
                Ok(resp) => body_kind(resp, &status),
                Err(message) => {
                    push(message);
                    return;
                }
            };
            if is_success {
                success
                    .entry(kind.clone())
                    .or_default()
                    .push(status.clone());
            }
            if is_error {
                errors.entry(kind).or_default().push(status);
            }
        };

    if let Some(default) = &op.responses.default {
        classify("default".into(), true, true, default);
    }
    for (code, resp) in &op.responses.responses {
        let (status, is_success, is_error) = match code {
            StatusCode::Code(n) => (
                n.to_string(),
                *n == 101 || (200..300).contains(n),
                (400..600).contains(n),
            ),
            StatusCode::Range(r) => (format!("{r}XX"), *r == 2, (4..=5).contains(r)),
        };
        classify(status, is_success, is_error, resp);
    }

    for (group, kinds, fix) in [
        (
            "success",
            &success,
            "give every 2xx response the same schema, or drop the body-less one",
        ),
        (
            "error",
            &errors,
            "give every error response the same schema (one that admits both of Accuro's error shapes, `#/components/schemas/ApiError`), or none",
        ),
    ] {
        if kinds.len() > 1 {
            let detail = kinds
                .iter()
                .map(|(kind, statuses)| format!("{} → {}", statuses.join(", "), kind.describe()))
                .collect::<Vec<_>>()
                .join("; ");
            push(format!(
                "{group} responses use {} different bodies ({detail}); progenitor allows one per group: {fix}",
                kinds.len()
            ));
        }
    }
}

fn body_kind(resp: &Response, status: &str) -> BodyKind {
    if resp.content.is_empty() {
        return BodyKind::None;
    }
    // progenitor types `application/json` bodies only; anything else is raw bytes.
    let json = resp
        .content
        .iter()
        .find(|(mt, _)| mt.as_str() == "application/json" || mt.starts_with("application/json;"));
    match json.map(|(_, mt)| mt.schema.as_ref()) {
        Some(Some(ReferenceOr::Reference { reference })) => {
            BodyKind::Schema(format!("`{reference}`"))
        }
        // Inline schemas become a distinct type per response.
        Some(Some(ReferenceOr::Item(_))) => {
            BodyKind::Schema(format!("the inline schema of {status}"))
        }
        Some(None) => BodyKind::SchemalessJson,
        None => BodyKind::Raw,
    }
}

fn component_name<'a>(reference: &'a str, kind: &str) -> Option<&'a str> {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(kind))
        .and_then(|rest| rest.strip_prefix('/'))
}

/// Resolves a parameter reference against `components.parameters`.
pub(crate) fn resolve_parameter<'a>(
    spec: &'a OpenAPI,
    param: &'a ReferenceOr<Parameter>,
) -> Result<&'a Parameter, String> {
    match param {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => component_name(reference, "parameters")
            .and_then(|name| spec.components.as_ref()?.parameters.get(name))
            .and_then(|p| p.as_item())
            .ok_or_else(|| format!("parameter reference `{reference}` does not resolve to a parameter in components.parameters")),
    }
}

fn resolve_response<'a>(
    spec: &'a OpenAPI,
    resp: &'a ReferenceOr<Response>,
) -> Result<&'a Response, String> {
    match resp {
        ReferenceOr::Item(r) => Ok(r),
        ReferenceOr::Reference { reference } => component_name(reference, "responses")
            .and_then(|name| spec.components.as_ref()?.responses.get(name))
            .and_then(|r| r.as_item())
            .ok_or_else(|| format!("response reference `{reference}` does not resolve to a response in components.responses")),
    }
}

fn resolve_request_body<'a>(
    spec: &'a OpenAPI,
    body: &'a ReferenceOr<RequestBody>,
) -> Result<&'a RequestBody, String> {
    match body {
        ReferenceOr::Item(b) => Ok(b),
        ReferenceOr::Reference { reference } => component_name(reference, "requestBodies")
            .and_then(|name| spec.components.as_ref()?.request_bodies.get(name))
            .and_then(|b| b.as_item())
            .ok_or_else(|| format!("request body reference `{reference}` does not resolve to components.requestBodies")),
    }
}
