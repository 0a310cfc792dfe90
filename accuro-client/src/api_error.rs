//! The error body of an Accuro answer: both of its shapes, printed without
//! the values a caller sent (they may be health information).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The error body of an Accuro answer. Accuro has two shapes and this type
/// admits both:
///
/// - the gateway's `{"code":"401","message":"Unauthorized"}` (`code` is a
///   string; a number is accepted too);
/// - the API's `{"error":"...","constraintViolations":[{"field":"...","value":"...","constraint":"..."}]}`.
///
/// `Debug` and `Display` leave out each violation's `value`: it is what the
/// caller sent and may be personal health information.
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
            .field("field", &self.field.as_deref().map(SafeText::field))
            .field("value", &self.value.as_ref().map(|_| "[redacted]"))
            .field(
                "constraint",
                &self.constraint.as_deref().map(SafeText::text),
            )
            .finish()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code.as_deref().map(SafeText::code))
            .field("message", &self.message.as_deref().map(SafeText::text))
            .field("error", &self.error.as_deref().map(SafeText::text))
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
            part(f, format_args!("code {}", SafeText::code(code)))?;
        }
        for text in [&self.message, &self.error].into_iter().flatten() {
            part(f, format_args!("{}", SafeText::text(text)))?;
        }
        for v in self.constraint_violations.iter().flatten() {
            part(
                f,
                format_args!(
                    "{}: {}",
                    v.field
                        .as_deref()
                        .map_or(SafeText::Kept("?"), SafeText::field),
                    v.constraint
                        .as_deref()
                        .map_or(SafeText::Kept("invalid"), SafeText::constraint)
                ),
            )?;
        }
        if first {
            f.write_str("(no error details)")?;
        }
        Ok(())
    }
}

/// A server text as it may be printed: kept when it cannot carry a value a
/// caller sent, otherwise withheld (its length only; the text itself stays
/// reachable through [`ApiError`]'s fields).
///
/// Accuro's error texts are fixed messages ("Access is denied", "Required
/// Parameter Missing.", "size must be between 2 and 100"), but nothing stops
/// a server from echoing a PHN, a birthday or a name in one, and a name
/// cannot be told from other words. So only what is known to be fixed is
/// printed:
///
/// - messages: Accuro's known messages ([`KNOWN_MESSAGES`]), HTTP reason
///   phrases, and "Unable to process json. Invalid value at field(s): ..."
///   followed by field paths;
/// - constraints: Bean Validation's message forms ("must not be null", "size
///   must be between 2 and 100", "must match ...", "numeric value out of
///   bounds ..."), without an `@` or a number of four digits or more;
/// - field names: field paths (`demographics.lastName`), without a number of
///   four digits or more;
/// - codes: up to three digits (`"401"`).
///
/// Digits are counted in any script (a PHN in fullwidth digits is a number).
pub(crate) enum SafeText<'a> {
    /// Printed as it is.
    Kept(&'a str),
    /// Not printed: its length in characters.
    Withheld(usize),
}

/// Accuro's error messages known to carry no value, printed as they are.
const KNOWN_MESSAGES: [&str; 22] = [
    "Access is denied",
    "Access Denied",
    "Access denied due to missing or invalid subscription key.",
    "Appointment is locked",
    "Bad Request",
    "Configuration error: Accuro clinic not found.",
    "Forbidden",
    "Insufficient Permissions",
    "Internal Server Error",
    "invalid_client",
    "invalid_grant",
    "invalid_request",
    "invalid_scope",
    "Not Found",
    "Payload Too Large",
    "Request Constraint Violation",
    "Required Parameter Missing.",
    "Rest API Service is not enabled for this client.",
    "Start date or patient id must be supplied",
    "The provided uuid does not match one associated with your ACRON.",
    "Timezone not set in Accuro",
    "Unauthorized",
];

/// The known message that names the fields it refused.
const INVALID_FIELDS: &str = "Unable to process json. Invalid value at field(s):";

/// How Bean Validation's default messages begin.
const CONSTRAINT_FORMS: [&str; 5] = [
    "must ",
    "may not ",
    "size must be between ",
    "numeric value out of bounds",
    "length must be between ",
];

impl<'a> SafeText<'a> {
    fn keep_if(keep: bool, text: &'a str) -> Self {
        if keep {
            SafeText::Kept(text)
        } else {
            SafeText::Withheld(text.chars().count())
        }
    }

    /// A message or error text of the server.
    pub(crate) fn text(text: &'a str) -> Self {
        let trimmed = text.trim();
        let known = KNOWN_MESSAGES.contains(&trimmed)
            || trimmed.strip_prefix(INVALID_FIELDS).is_some_and(|fields| {
                fields
                    .split(',')
                    .all(|f| matches!(SafeText::field(f.trim()), SafeText::Kept(_)))
            });
        Self::keep_if(known, text)
    }

    /// A constraint a refused value broke.
    pub(crate) fn constraint(text: &'a str) -> Self {
        let digits = text.chars().filter(|c| c.is_numeric()).count();
        let form = CONSTRAINT_FORMS.iter().any(|f| text.starts_with(f))
            && text.chars().count() <= 120
            && !text.contains('@')
            && longest_digit_run(text) <= 3
            // A number written in groups (`123 456 789`) is still a number.
            && digits <= 6;
        Self::keep_if(form, text)
    }

    /// A gateway error code (`"401"`).
    pub(crate) fn code(text: &'a str) -> Self {
        Self::keep_if(
            !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()),
            text,
        )
    }

    /// A field name or path (`demographics.lastName`, `contents[0].phn`):
    /// identifiers, optionally indexed, joined by dots; no spaces.
    pub(crate) fn field(text: &'a str) -> Self {
        let identifier = |segment: &str| {
            let name = segment.split('[').next().unwrap_or_default();
            let index = &segment[name.len()..];
            let name_ok = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let index_ok = index.is_empty()
                || (index.starts_with('[')
                    && index.ends_with(']')
                    && index.len() <= 5
                    && index[1..index.len() - 1]
                        .bytes()
                        .all(|b| b.is_ascii_digit()));
            name_ok && index_ok
        };
        let path = !text.is_empty()
            && text.len() <= 100
            && text.split('.').all(identifier)
            && longest_digit_run(text) <= 3;
        Self::keep_if(path, text)
    }
}

/// The longest run of digits, in any script.
fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_numeric())
        .map(|run| run.chars().count())
        .max()
        .unwrap_or(0)
}

impl fmt::Display for SafeText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SafeText::Kept(text) => f.write_str(text),
            SafeText::Withheld(chars) => write!(f, "[server text withheld: {chars} characters]"),
        }
    }
}

impl fmt::Debug for SafeText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SafeText::Kept(text) => fmt::Debug::fmt(text, f),
            SafeText::Withheld(_) => fmt::Display::fmt(self, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SafeText;

    #[test]
    fn known_texts_are_kept_anything_else_is_withheld() {
        for kept in [
            "Access is denied",
            "Required Parameter Missing.",
            "Unable to process json. Invalid value at field(s): demographics.birthday",
            "Rest API Service is not enabled for this client.",
        ] {
            assert_eq!(SafeText::text(kept).to_string(), kept);
        }
        for kept in ["size must be between 2 and 100", "must not be null"] {
            assert_eq!(SafeText::constraint(kept).to_string(), kept);
        }
        for withheld in [
            "no patient with PHN 9000000001",
            "No patient named Qzxmarkerson",
            "birthday 1959-02-16 is in the future",
            "reply to sam.sample@example.invalid",
            "Unable to process json. Invalid value at field(s): 9000000001",
        ] {
            let shown = SafeText::text(withheld).to_string();
            assert!(shown.starts_with("[server text withheld"), "{shown}");
        }
        for withheld in [
            "must not be 9000000001",
            "Qzxmarkerson is taken",
            "must be \u{ff19}\u{ff18}\u{ff17}\u{ff16}",
        ] {
            let shown = SafeText::constraint(withheld).to_string();
            assert!(shown.starts_with("[server text withheld"), "{shown}");
        }
        assert_eq!(
            SafeText::field("contents[0].demographics.phn").to_string(),
            "contents[0].demographics.phn"
        );
        assert!(
            SafeText::field("9000000001")
                .to_string()
                .starts_with("[server text withheld")
        );
        assert_eq!(SafeText::code("401").to_string(), "401");
        assert!(
            SafeText::code("9000000001")
                .to_string()
                .starts_with("[server text withheld")
        );
    }
}
