//! One vendor operation in our conventions: its name, area, rustdoc, scopes,
//! retry safety, parameters, body and responses.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use super::{Converted, Converter, NOT_REVIEWED, reference_to};

/// Request body media types progenitor cannot send (the layer implements them).
const HANDWRITTEN_BODIES: [&str; 2] = ["multipart/form-data", "application/merge-patch+json"];

impl Converter<'_> {
    /// One vendor operation in our conventions.
    pub fn operation(
        &mut self,
        op: &Value,
        method: &str,
        path: &str,
        id: &str,
        area: &str,
    ) -> Converted {
        let text = |key: &str| op.get(key).and_then(Value::as_str).map(str::trim);
        let summary = text("summary")
            .filter(|s| !s.is_empty())
            .map(one_line)
            .unwrap_or_else(|| id.replace('_', " "));
        let description = text("description")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| summary.clone());
        let mut out = Mapping::new();
        out.insert("tags".into(), Value::Sequence(vec![area.into()]));
        out.insert("operationId".into(), id.into());
        out.insert("summary".into(), summary.into());
        out.insert("description".into(), description.into());

        let scopes = scopes(op);
        if !scopes.is_empty() {
            out.insert(
                "x-accuro-scopes".into(),
                Value::Sequence(scopes.into_iter().map(Value::from).collect()),
            );
        }
        // A write's retry safety is a person's decision, read from its
        // description: until then it is never sent twice.
        if matches!(
            method.to_ascii_lowercase().as_str(),
            "post" | "put" | "patch" | "delete"
        ) {
            out.insert("x-accuro-idempotent".into(), false.into());
            out.insert("x-accuro-idempotent-reason".into(), NOT_REVIEWED.into());
        }

        let handwritten = handwritten_reason(op);
        if handwritten.is_some() {
            out.insert("x-accuro-handwritten".into(), id.into());
        }

        let mut parameters = vec![reference_to("#/components/parameters/ClinicUuid")];
        if let Some(Value::Sequence(params)) = op.get("parameters") {
            for param in params {
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                if name.trim().eq_ignore_ascii_case("authorization")
                    && param.get("in").and_then(Value::as_str) == Some("header")
                {
                    continue;
                }
                parameters.push(self.parameter(param));
            }
        }
        fix_path_parameters(path, &mut parameters);
        // QHR's file lists some parameters twice (`externalContactId` on the
        // contact search): the first wins.
        let mut seen = BTreeSet::new();
        parameters.retain(|p| {
            let name = p
                .get("name")
                .and_then(Value::as_str)
                .map(crate::import::naming::snake);
            let place = p.get("in").and_then(Value::as_str).map(str::to_owned);
            name.is_none() || seen.insert((place, name))
        });
        out.insert("parameters".into(), Value::Sequence(parameters));

        if let Some(Value::Mapping(body)) = op.get("requestBody") {
            out.insert("requestBody".into(), self.request_body(body));
        }
        out.insert("responses".into(), self.responses(op.get("responses")));
        Converted {
            operation: Value::Mapping(out),
            handwritten,
        }
    }

    fn parameter(&mut self, param: &Value) -> Value {
        let Value::Mapping(map) = param else {
            return param.clone();
        };
        let mut out = Mapping::new();
        for (key, value) in map {
            match key.as_str() {
                Some("schema") => {
                    out.insert(key.clone(), self.schema(value));
                }
                Some("example" | "examples") => {}
                // QHR's file has `externalContactId ` (a trailing space).
                Some("name") => {
                    let name = value.as_str().map(str::trim).unwrap_or("");
                    out.insert(key.clone(), name.into());
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Mapping(out)
    }
}

/// Makes the path parameters match the template: QHR's file names some
/// differently (`userId` for `{id}`) and leaves some out.
fn fix_path_parameters(path: &str, parameters: &mut Vec<Value>) {
    let vars: Vec<String> = path
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
        .collect();
    let is_path = |p: &Value| p.get("in").and_then(Value::as_str) == Some("path");
    let name_of = |p: &Value| {
        p.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let declared: Vec<String> = parameters
        .iter()
        .filter(|p| is_path(p))
        .map(name_of)
        .collect();
    let mut unmatched_vars: Vec<&String> = vars.iter().filter(|v| !declared.contains(v)).collect();
    for param in parameters.iter_mut().filter(|p| is_path(p)) {
        if vars.contains(&name_of(param)) {
            continue;
        }
        if let (Some(var), Value::Mapping(map)) = (unmatched_vars.first().copied(), &mut *param) {
            map.insert("name".into(), var.as_str().into());
            unmatched_vars.remove(0);
        }
    }
    parameters.retain(|p| !is_path(p) || vars.contains(&name_of(p)));
    for var in unmatched_vars {
        let text = format!(
            "{{\"name\":\"{var}\",\"in\":\"path\",\"required\":true,\"description\":\"The id.\",\"schema\":{{\"type\":\"integer\",\"format\":\"int64\"}}}}"
        );
        if let Ok(param) = serde_yaml::from_str(&text) {
            parameters.push(param);
        }
    }
}

/// Why an operation must be written by hand, if it must: a request body
/// progenitor cannot send, or a multipart answer.
fn handwritten_reason(op: &Value) -> Option<String> {
    let media_types = |node: Option<&Value>| -> Vec<String> {
        node.and_then(|n| n.get("content"))
            .and_then(Value::as_mapping)
            .map(|c| {
                c.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    for media_type in media_types(op.get("requestBody")) {
        if HANDWRITTEN_BODIES.contains(&media_type.as_str()) {
            return Some(format!("a `{media_type}` request body"));
        }
    }
    if let Some(Value::Mapping(responses)) = op.get("responses") {
        for (status, response) in responses {
            // A YAML file may write the status as a number (`200:`).
            let success = match status {
                Value::String(s) => s.starts_with('2'),
                Value::Number(n) => n.as_u64().is_some_and(|n| (200..300).contains(&n)),
                _ => false,
            };
            if success
                && media_types(Some(response))
                    .iter()
                    .any(|m| m.starts_with("multipart/"))
            {
                return Some("a multipart answer".into());
            }
        }
    }
    None
}

/// The OAuth2 scopes of the operation's `security`, in the file's order.
fn scopes(op: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Sequence(requirements)) = op.get("security") {
        for requirement in requirements {
            if let Value::Mapping(map) = requirement {
                for (_, list) in map {
                    if let Value::Sequence(list) = list {
                        for scope in list.iter().filter_map(Value::as_str) {
                            if !out.iter().any(|s| s == scope) {
                                out.push(scope.to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The first line of a text, trimmed, without a trailing period.
fn one_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches('.')
        .to_owned()
}
