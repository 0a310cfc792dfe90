//! Checking one answer against its operation in the spec: status, media
//! type, every schema violation, undocumented fields, and whether the typed
//! client decodes it.
//!
//! Every finding is built from the spec (expected) and from shapes (actual):
//! no value of the answer is ever copied into one, and `jsonschema`'s and
//! serde's messages, which quote values, are never used.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::decode::Decoder;
use crate::finding::{Finding, Findings, Kind};
use crate::schema::Schemas;
use crate::shape::shape;
use crate::spec::Operation;
use crate::walk::{Step, at, label, steps_of_pointer, undocumented};

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

/// Marks the findings at each path where the typed client's decoding stops
/// as breaking it, or adds a decoding finding where no schema finding is.
/// Decoding stops at the first value it cannot read; it is resumed past that
/// value (made `null`) a bounded number of times to find the others.
fn decoding(
    decode: fn(&[u8]) -> Result<(), crate::decode::DecodeFailure>,
    body: &[u8],
    value: &Value,
    document: &Value,
    schema: &Value,
    findings: &mut Findings,
) {
    let mut patched: Option<Value> = None;
    let mut seen: Vec<Vec<Step>> = Vec::new();
    for _ in 0..=MAX_DECODE_RESUMES {
        let result = match &patched {
            None => decode(body),
            Some(v) => match serde_json::to_vec(v) {
                Ok(bytes) => decode(&bytes),
                Err(_) => return,
            },
        };
        let Err(failure) = result else {
            return;
        };
        if failure.syntax || seen.contains(&failure.steps) {
            return;
        }
        let path = label(document, schema, &failure.steps);
        if !findings.mark_breaking(Kind::Schema, &path) {
            let actual = at(value, &failure.steps).map_or_else(|| "absent".to_owned(), shape);
            findings.push(
                Finding::new(
                    Kind::Decoding,
                    path,
                    "a value the typed client reads (the spec allows this one)",
                    actual,
                )
                .breaking(true),
            );
        }
        let mut next = patched.take().unwrap_or_else(|| value.clone());
        match at_mut(&mut next, &failure.steps) {
            Some(slot) if !slot.is_null() => *slot = Value::Null,
            // Nothing left to skip past: stop.
            _ => return,
        }
        seen.push(failure.steps);
        patched = Some(next);
    }
}

fn at_mut<'a>(value: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    steps.iter().try_fold(value, |node, step| match step {
        Step::Index(i) => node.get_mut(*i),
        Step::Key(k) => node.get_mut(k.as_str()),
    })
}

/// The findings of one `jsonschema` error. An `anyOf`/`oneOf` that no
/// alternative matches is reported with the errors of its closest
/// alternative (the one with the fewest), at their own paths.
fn violations(
    error: &ValidationError<'_>,
    value: &Value,
    document: &Value,
    schema: &Value,
    schemas: &Schemas,
    findings: &mut Findings,
) {
    if let ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } =
        error.kind()
        && let Some(closest) = context
            .iter()
            .filter(|branch| !branch.is_empty())
            .min_by_key(|branch| branch.len())
        && closest.len() <= 16
        // Only when the closest alternative fails inside the value: a value
        // of none of the alternatives' types is reported as such.
        && closest.iter().any(|inner| {
            inner.instance_path().as_str().len() > error.instance_path().as_str().len()
        })
    {
        for inner in closest {
            violations(inner, value, document, schema, schemas, findings);
        }
        return;
    }
    let steps = steps_of_pointer(error.instance_path().as_str(), value);
    let path = label(document, schema, &steps);
    let (expected, actual) = describe(error.kind(), error.instance(), schemas);
    findings.push(Finding::new(Kind::Schema, path, expected, actual));
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

/// The expected and actual sides of a violation, from the schema's keyword
/// and the value's shape.
fn describe(kind: &ValidationErrorKind, instance: &Value, schemas: &Schemas) -> (String, String) {
    let actual = shape(instance);
    let expected = match kind {
        ValidationErrorKind::Type { kind } => match kind {
            TypeKind::Single(t) => format!("{t}"),
            TypeKind::Multiple(set) => {
                let names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
                names.join(" or ")
            }
        },
        ValidationErrorKind::Format { format } => format!("a string of format `{format}`"),
        ValidationErrorKind::Pattern { pattern } => match schemas.pattern_name(pattern) {
            Some(name) => format!("a string in the form of `{name}`"),
            None => format!("a string matching `{pattern}`"),
        },
        ValidationErrorKind::Enum { options } => {
            let mut text = options.to_string();
            if text.len() > 160 {
                let cut = (0..=157)
                    .rev()
                    .find(|i| text.is_char_boundary(*i))
                    .unwrap_or(0);
                text.truncate(cut);
                text.push('…');
            }
            format!("one of {text}")
        }
        ValidationErrorKind::Constant { expected_value } => format!("{expected_value}"),
        ValidationErrorKind::Minimum { limit } => format!("a number of at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("a number of at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("a number above {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("a number below {limit}"),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!("at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("at most {limit} items"),
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            return (format!("the required field `{name}`"), "absent".into());
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            return (
                "no fields beyond those the spec lists".into(),
                format!("{} other field(s)", unexpected.len()),
            );
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            format!("one of the {} alternatives the spec allows", context.len())
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "exactly one alternative, but several match".into()
        }
        other => format!("what `{}` allows", other.keyword()),
    };
    (expected, actual)
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
