//! Request bodies and responses in our conventions: one success type, the
//! shared error responses.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};

use super::{Converter, reference_to};

/// Error statuses and the shared response each one uses.
const ERROR_RESPONSES: [(&str, &str); 7] = [
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("403", "Forbidden"),
    ("404", "NotFound"),
    ("409", "Conflict"),
    ("413", "TooLarge"),
    ("500", "ServerError"),
];

/// Statuses every imported operation lists: a missing or wrong `uuid` and an
/// unset clinic timezone are 400 on every call, a missing scope or role 401,
/// a provider permission 403, and any call can fail with 500.
const ALWAYS: [&str; 4] = ["400", "401", "403", "500"];

impl Converter<'_> {
    pub(super) fn request_body(&mut self, body: &Mapping) -> Value {
        let mut out = Mapping::new();
        if let Some(description) = body.get("description") {
            out.insert("description".into(), description.clone());
        }
        out.insert(
            "required".into(),
            body.get("required").cloned().unwrap_or(Value::Bool(true)),
        );
        out.insert("content".into(), self.content(body.get("content")));
        Value::Mapping(out)
    }

    fn content(&mut self, content: Option<&Value>) -> Value {
        let mut out = Mapping::new();
        if let Some(Value::Mapping(content)) = content {
            for (media_type, entry) in content {
                let mut converted = Mapping::new();
                // No schema says nothing of the body: any JSON value (progenitor needs one).
                let schema = match entry.get("schema") {
                    Some(schema) => self.schema(schema),
                    None => Value::Mapping(Mapping::new()),
                };
                converted.insert("schema".into(), schema);
                out.insert(media_type.clone(), Value::Mapping(converted));
            }
        }
        Value::Mapping(out)
    }

    /// The vendor's success statuses (only the first with a body, when
    /// several differ: progenitor takes one success type), then the shared
    /// error responses for the vendor's error statuses and [`ALWAYS`].
    pub(super) fn responses(&mut self, responses: Option<&Value>) -> Value {
        let mut statuses: BTreeMap<String, Value> = BTreeMap::new();
        let mut success_body_seen = false;
        if let Some(Value::Mapping(responses)) = responses {
            for (status, response) in responses {
                let status = match status {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                if status.starts_with('2') {
                    let has_body = response
                        .get("content")
                        .and_then(Value::as_mapping)
                        .is_some_and(|c| !c.is_empty());
                    if has_body && success_body_seen {
                        continue;
                    }
                    success_body_seen |= has_body;
                    let mut out = Mapping::new();
                    let description = response
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or("Success.");
                    out.insert("description".into(), description.into());
                    if has_body {
                        out.insert("content".into(), self.content(response.get("content")));
                    }
                    statuses.insert(status, Value::Mapping(out));
                } else if let Some((_, name)) = ERROR_RESPONSES.iter().find(|(s, _)| *s == status) {
                    statuses.insert(
                        status,
                        reference_to(&format!("#/components/responses/{name}")),
                    );
                }
            }
        }
        // A body-less success beside one with a body: progenitor takes one.
        if success_body_seen {
            statuses.retain(|status, response| {
                !status.starts_with('2') || response.get("content").is_some()
            });
        }
        for status in ALWAYS {
            if let Some((_, name)) = ERROR_RESPONSES.iter().find(|(s, _)| *s == status) {
                statuses
                    .entry(status.to_owned())
                    .or_insert_with(|| reference_to(&format!("#/components/responses/{name}")));
            }
        }
        Value::Mapping(
            statuses
                .into_iter()
                .map(|(status, response)| (Value::String(status), response))
                .collect(),
        )
    }
}
