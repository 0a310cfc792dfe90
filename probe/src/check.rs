//! Checking one answer against its operation in the spec: status, media
//! type, every schema violation, undocumented fields, and whether the typed
//! client decodes it.
//!
//! Every finding is built from the spec (expected) and from shapes (actual):
//! no value of the answer is ever copied into one, and `jsonschema`'s and
//! serde's messages, which quote values, are never used.

use serde_json::Value;

use crate::decode::Decoder;
use crate::finding::{Finding, Findings, Kind};
use crate::schema::Schemas;
use crate::spec::Operation;
use crate::walk::undocumented;

mod decoding;
mod violations;

use decoding::decoding;
use violations::violations;

/// Schema violations read from one answer, at most (the rest are counted
/// in the occurrences of those already seen, or dropped).
pub const MAX_VIOLATIONS: usize = 10_000;
/// Times a failed decoding is resumed past the value that stopped it.
pub const MAX_DECODE_RESUMES: usize = 16;

/// What the server answered.
#[derive(Clone, Copy)]
pub struct Observed<'a> {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

impl std::fmt::Debug for Observed<'_> {
    /// Never shows the body.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observed")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// What [`check`] found, and the answer as JSON when it was JSON (for the
/// identifiers of later requests).
#[derive(Debug)]
pub struct Checked {
    /// Every disagreement, merged by path.
    pub findings: Vec<Finding>,
    /// The parsed answer.
    pub value: Option<Value>,
}

/// Every disagreement between `observed` and `op` in the spec, merged by
/// path; `decoder` is how the typed client reads a 2xx answer.
pub fn check(
    op: &Operation,
    observed: Observed<'_>,
    decoder: Option<Decoder>,
    document: &Value,
    schemas: &mut Schemas,
) -> Checked {
    let mut findings = Findings::default();
    let success = (200..300).contains(&observed.status);
    let typed = match decoder {
        Some(Decoder::Json(f)) if success => Some(f),
        _ => None,
    };
    let done = |findings: Findings| Checked {
        findings: findings.into_vec(),
        value: None,
    };
    let Some(answer) = op.answer(observed.status) else {
        let mut listed: Vec<&str> = op.answers.keys().map(String::as_str).collect();
        listed.sort_unstable();
        // The generated client answers an unlisted status with an error.
        findings.push(
            Finding::new(
                Kind::Status,
                "(answer)",
                format!("a status the spec lists ({})", listed.join(", ")),
                format!("status {}", observed.status),
            )
            .breaking(success && decoder.is_some()),
        );
        return done(findings);
    };
    let media_type = observed
        .content_type
        .map(accuro_fetch::essence)
        .unwrap_or_default();
    let blank = observed.body.iter().all(u8::is_ascii_whitespace);
    if answer.media.is_empty() {
        if !blank {
            findings.push(Finding::new(
                Kind::Body,
                "(answer)",
                "no body",
                format!("a body of {} bytes", observed.body.len()),
            ));
        }
        return done(findings);
    }
    if blank {
        findings.push(
            Finding::new(
                Kind::Body,
                "(answer)",
                format!("a `{}` body", answer.media[0].0),
                "no body",
            )
            .breaking(typed.is_some()),
        );
        return done(findings);
    }
    let matched = answer.media.iter().find(|(m, _)| *m == media_type);
    if matched.is_none() {
        let listed: Vec<&str> = answer.media.iter().map(|(m, _)| m.as_str()).collect();
        findings.push(Finding::new(
            Kind::ContentType,
            "(answer)",
            format!("a media type the spec lists ({})", listed.join(", ")),
            shown_media_type(observed.content_type, &media_type),
        ));
    }
    let (spec_media, schema) = matched.unwrap_or(&answer.media[0]);
    let value = if is_json(spec_media) {
        match serde_json::from_slice::<Value>(observed.body) {
            Ok(v) => v,
            Err(e) => {
                findings.push(
                    Finding::new(
                        Kind::Body,
                        "(answer)",
                        "a JSON document",
                        format!(
                            "text that is not JSON, or nested too deep (line {}, column {})",
                            e.line(),
                            e.column()
                        ),
                    )
                    .breaking(typed.is_some()),
                );
                return done(findings);
            }
        }
    } else if spec_media.starts_with("text/") {
        Value::String(String::from_utf8_lossy(observed.body).into_owned())
    } else {
        // Multipart and binary answers: the media type is all that is checked.
        return done(findings);
    };
    let Some(schema) = schema else {
        return Checked {
            findings: findings.into_vec(),
            value: Some(value),
        };
    };

    let key = format!("{} {}", op.id, observed.status);
    match schemas.validator(&key, schema) {
        Ok(validator) => {
            for error in validator.iter_errors(&value).take(MAX_VIOLATIONS) {
                violations(&error, &value, document, schema, schemas, &mut findings);
            }
        }
        Err(problem) => findings.push(Finding::new(
            Kind::Schema,
            "(answer)",
            "a schema that compiles",
            problem,
        )),
    }
    for field in undocumented(document, schema, &value) {
        let path = match &field.name {
            Some(name) if field.parent == "(answer)" => name.clone(),
            Some(name) => format!("{}.{name}", field.parent),
            None if field.parent == "(answer)" => "*".to_owned(),
            None => format!("{}.*", field.parent),
        };
        let expected = match field.name {
            Some(_) => "no such field (undocumented)",
            None => "no such field (undocumented; its name is withheld: it may be a value)",
        };
        findings.push(Finding::new(
            Kind::Undocumented,
            path,
            expected,
            field.shape,
        ));
    }
    if let Some(decode) = typed {
        decoding(
            decode,
            observed.body,
            &value,
            document,
            schema,
            &mut findings,
        );
    }
    Checked {
        findings: findings.into_vec(),
        value: Some(value),
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json") || media == "*/*"
}

/// The media type found, as shown: only when it reads as one
/// (`type/subtype`, token characters, at most 100 of them).
fn shown_media_type(header: Option<&str>, essence: &str) -> String {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    match header {
        None => "no Content-Type".to_owned(),
        Some(_)
            if essence.len() <= 100
                && essence
                    .split_once('/')
                    .is_some_and(|(t, s)| token(t) && token(s)) =>
        {
            format!("`{essence}`")
        }
        Some(_) => "a Content-Type that is not a media type".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_shown_only_when_they_read_as_one() {
        assert_eq!(
            shown_media_type(Some("text/html; charset=x"), "text/html"),
            "`text/html`"
        );
        assert_eq!(
            shown_media_type(Some("Jane Sample"), "jane sample"),
            "a Content-Type that is not a media type"
        );
        assert_eq!(shown_media_type(None, ""), "no Content-Type");
    }
}
