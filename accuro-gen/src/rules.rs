//! The project's own rules, checked before progenitor runs.
//!
//! progenitor either rejects these cases with a terse message or panics on
//! them; checking first lets every broken rule be reported at once, naming the
//! operation and what to change.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, Operation, ReferenceOr};

use crate::{Error, Violation};

mod io;

pub(crate) use io::resolve_parameter;
use io::{check_parameters, check_request_body, check_responses};

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
/// On a write that creates a record: `true` when Accuro may answer its new
/// id in more than one way (201 with the id, 200, or 204 with the id only in
/// `Location`); the client then returns the id whichever came.
pub const NEW_ID: &str = "x-accuro-new-id";

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
            match op.extensions.get(NEW_ID) {
                None => {}
                Some(serde_json::Value::Bool(true)) if is_write(method) => {}
                Some(_) => push(format!(
                    "`{NEW_ID}` is `true` on a write that creates a record, or absent"
                )),
            }
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
