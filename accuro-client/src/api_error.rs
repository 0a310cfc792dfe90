//! The error body of an Accuro answer: both of its shapes, printed without
//! the values a caller sent (they may be health information).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::server_text::ServerText;

/// The error body of an Accuro answer. Accuro has two shapes and this type
/// admits both:
///
/// - the gateway's `{"code":"401","message":"Unauthorized"}` (`code` is a
///   string; a number is accepted too);
/// - the API's `{"error":"...","constraintViolations":[{"field":"...","value":"...","constraint":"..."}]}`.
///
/// `Debug` and `Display` leave out each violation's `value` (it is what the
/// caller sent and may be personal health information), and print a server
/// text only when it is exactly one of Accuro's known messages, a constraint
/// of Bean Validation's default catalogue (`must not be null`, `size must be
/// between 2 and 100`, ...) whose placeholders hold only small numbers (at
/// most four digits, or Java's integer bounds), or one of the spec's field
/// paths (`demographics.lastName`, indices aside); any other text is shown
/// as its length (`[server text withheld: 31 characters]`). Both forms make
/// the same choice. The texts themselves stay in the fields, for a caller
/// that must read them (and must not print them).
#[derive(Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApiError {
    /// The gateway's error code (`"401"`).
    #[serde(
        default,
        deserialize_with = "string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<String>,
    /// The gateway's message (`"Unauthorized"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The API's error text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The API's validation failures, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint_violations: Option<Vec<ConstraintViolation>>,
}

/// One refused field of a request.
#[derive(Clone, Default, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ConstraintViolation {
    /// The field's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The refused value, as the server echoed it. May be personal health
    /// information: never printed by `Debug` or `Display`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// The constraint it broke (`"size must be between 2 and 100"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
}

impl ApiError {
    /// The gateway's shape, `{"code":"401","message":"Unauthorized"}`: for
    /// answers of a test double (see `accuro-mock`).
    ///
    /// ```
    /// let e = accuro_client::ApiError::gateway(401, "Unauthorized");
    /// assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"code":"401","message":"Unauthorized"}"#);
    /// ```
    pub fn gateway(code: u16, message: impl Into<String>) -> Self {
        Self {
            code: Some(code.to_string()),
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// The API's shape, `{"error":"Patient not found"}`.
    pub fn api(error: impl Into<String>) -> Self {
        Self {
            error: Some(error.into()),
            ..Self::default()
        }
    }

    /// Adds a refused field (the API's `constraintViolations`).
    ///
    /// ```
    /// let e = accuro_client::ApiError::api("Request Constraint Violation")
    ///     .with_violation("lastName", "size must be between 2 and 100");
    /// assert_eq!(e.constraint_violations.unwrap().len(), 1);
    /// ```
    pub fn with_violation(
        mut self,
        field: impl Into<String>,
        constraint: impl Into<String>,
    ) -> Self {
        self.constraint_violations
            .get_or_insert_with(Vec::new)
            .push(ConstraintViolation {
                field: Some(field.into()),
                value: None,
                constraint: Some(constraint.into()),
            });
        self
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

impl fmt::Debug for ConstraintViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConstraintViolation")
            .field("field", &self.field.as_deref().map(ServerText::field))
            .field("value", &self.value.as_ref().map(|_| "[redacted]"))
            .field(
                "constraint",
                &self.constraint.as_deref().map(ServerText::constraint),
            )
            .finish()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code.as_deref().map(ServerText::code))
            .field("message", &self.message.as_deref().map(ServerText::message))
            .field("error", &self.error.as_deref().map(ServerText::message))
            .field("constraint_violations", &self.constraint_violations)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut part = |f: &mut fmt::Formatter<'_>, text: fmt::Arguments<'_>| {
            let separator = if first { "" } else { "; " };
            first = false;
            write!(f, "{separator}{text}")
        };
        if let Some(code) = &self.code {
            part(f, format_args!("code {}", ServerText::code(code)))?;
        }
        for text in [&self.message, &self.error].into_iter().flatten() {
            part(f, format_args!("{}", ServerText::message(text)))?;
        }
        for v in self.constraint_violations.iter().flatten() {
            part(
                f,
                format_args!(
                    "{}: {}",
                    v.field
                        .as_deref()
                        .map_or(ServerText::Kept("?"), ServerText::field),
                    v.constraint
                        .as_deref()
                        .map_or(ServerText::Kept("invalid"), ServerText::constraint)
                ),
            )?;
        }
        if first {
            f.write_str("(no error details)")?;
        }
        Ok(())
    }
}
