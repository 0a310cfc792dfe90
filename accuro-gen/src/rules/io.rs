//! The rules on an operation's inputs and outputs: its parameters (no
//! cookie, the `uuid` query parameter on every `/rest/` operation), its
//! request body and its responses, as progenitor can generate them; and
//! the resolution of their `$ref`s.

use std::collections::BTreeMap;

use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, StatusCode,
};

use super::{HANDWRITTEN, UUID_PARAM};

/// Request body media types progenitor can send.
const GENERATED_BODY_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

pub(super) fn check_parameters(
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

pub(super) fn check_request_body(spec: &OpenAPI, op: &Operation, push: &mut impl FnMut(String)) {
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

pub(super) fn check_responses(spec: &OpenAPI, op: &Operation, push: &mut impl FnMut(String)) {
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
