//! Checking one answer against its operation in the spec: status, media
//! type, every schema violation, undocumented fields, and whether the typed
//! client decodes it.
//!
//! Every finding is built from the spec (expected) and from shapes (actual):
//! no value of the answer is ever copied into one, and `jsonschema`'s and
//! serde's messages, which quote values, are never used.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::decode::Decoder;
use crate::finding::{Finding, Kind};
use crate::schema::Schemas;
use crate::shape::shape;
use crate::spec::Operation;
use crate::walk::{at, label, steps_of_pointer, undocumented};

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

/// Every disagreement between `observed` and `op` in the spec, merged by
/// path; `decoder` is how the typed client reads a 2xx answer.
pub fn check(
    op: &Operation,
    observed: Observed<'_>,
    decoder: Option<Decoder>,
    document: &Value,
    schemas: &mut Schemas,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let success = (200..300).contains(&observed.status);
    let typed = match decoder {
        Some(Decoder::Json(f)) if success => Some(f),
        _ => None,
    };
    let Some(answer) = op.answer(observed.status) else {
        let mut listed: Vec<&str> = op.answers.keys().map(String::as_str).collect();
        listed.sort_unstable();
        findings.push(Finding::new(
            Kind::Status,
            "(answer)",
            format!("a status the spec lists ({})", listed.join(", ")),
            format!("status {}", observed.status),
        ));
        return findings;
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
        return findings;
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
        return findings;
    }
    let matched = answer.media.iter().find(|(m, _)| *m == media_type);
    if matched.is_none() {
        let listed: Vec<&str> = answer.media.iter().map(|(m, _)| m.as_str()).collect();
        findings.push(Finding::new(
            Kind::ContentType,
            "(answer)",
            format!("a media type the spec lists ({})", listed.join(", ")),
            if media_type.is_empty() {
                "no Content-Type".to_owned()
            } else {
                format!("`{media_type}`")
            },
        ));
    }
    let (spec_media, schema) = matched.unwrap_or(&answer.media[0]);
    let Some(schema) = schema else {
        return findings;
    };
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
                            "text that is not JSON (line {}, column {})",
                            e.line(),
                            e.column()
                        ),
                    )
                    .breaking(typed.is_some()),
                );
                return findings;
            }
        }
    } else if spec_media.starts_with("text/") {
        Value::String(String::from_utf8_lossy(observed.body).into_owned())
    } else {
        // Multipart and binary answers: the media type is all that is checked.
        return findings;
    };

    let key = format!("{} {}", op.id, observed.status);
    match schemas.validator(&key, schema) {
        Ok(validator) => {
            for error in validator.iter_errors(&value) {
                let steps = steps_of_pointer(error.instance_path().as_str(), &value);
                let path = label(document, schema, &steps);
                let (expected, actual) = describe(error.kind(), error.instance(), schemas);
                findings.push(Finding::new(Kind::Schema, path, expected, actual));
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
            Some(_) => "no such field (undocumented)".to_owned(),
            None => {
                "no such field (undocumented; its name is withheld: not an identifier)".to_owned()
            }
        };
        findings.push(Finding::new(
            Kind::Undocumented,
            path,
            expected,
            field.shape,
        ));
    }
    if let Some(decode) = typed
        && let Err(failure) = decode(observed.body)
    {
        let path = label(document, schema, &failure.steps);
        let mut marked = false;
        for f in findings.iter_mut().filter(|f| f.kind == Kind::Schema) {
            if f.path == path
                || f.path.starts_with(&format!("{path}."))
                || f.path.starts_with(&format!("{path}["))
                || path.starts_with(&format!("{}.", f.path))
                || path.starts_with(&format!("{}[", f.path))
                || f.path == "(answer)"
            {
                f.breaks_decoding = true;
                marked = true;
            }
        }
        if !marked {
            let actual = if failure.syntax {
                "text the JSON reader refused".to_owned()
            } else {
                at(&value, &failure.steps).map_or_else(|| "absent".to_owned(), shape)
            };
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
    }
    crate::finding::merge(findings)
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json") || media == "*/*"
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
