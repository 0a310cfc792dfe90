//! The findings of `jsonschema`'s errors: the expected side from the
//! schema's keyword, the actual side from the value's shape (never the
//! error's message, which quotes values).

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::finding::{Finding, Findings, Kind};
use crate::schema::Schemas;
use crate::shape::shape;
use crate::walk::{label, steps_of_pointer};

/// The findings of one `jsonschema` error. An `anyOf`/`oneOf` that no
/// alternative matches is reported with the errors of its closest
/// alternative (the one with the fewest), at their own paths.
pub(super) fn violations(
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
