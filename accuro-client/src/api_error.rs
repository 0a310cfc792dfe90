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
            .field("code", &self.code.as_deref().map(SafeText::text))
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
            part(f, format_args!("code {}", SafeText::text(code)))?;
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
                        .map_or(SafeText::Kept("invalid"), SafeText::text)
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
/// caller sent, otherwise withheld (its length only).
///
/// Accuro's error texts are fixed messages ("Access is denied", "Required
/// Parameter Missing.", "size must be between 2 and 100"), but nothing stops
/// a server from echoing a PHN, a birthday or a name in one. A text is kept
/// when it is one of Accuro's known messages, or made only of letters,
/// spaces, punctuation and numbers of at most three digits, and at most 200
/// characters long; field names are kept when they look like field paths.
/// Anything else, an e-mail address or a number of four digits or more (a
/// PHN, a date, a phone number) included, is withheld.
pub(crate) enum SafeText<'a> {
    /// Printed as it is.
    Kept(&'a str),
    /// Not printed: its length in characters.
    Withheld(usize),
}

/// Known Accuro error texts, printed as they are (prefixes).
const KNOWN_PREFIXES: [&str; 2] = [
    "Unable to process json. Invalid value at field(s):",
    "Configuration error:",
];

impl<'a> SafeText<'a> {
    /// A free text of the server (a message, an error, a constraint).
    pub(crate) fn text(text: &'a str) -> Self {
        let plain = text.chars().count() <= 200
            && !text.contains('@')
            && longest_digit_run(text) <= 3
            && text.chars().all(|c| {
                c.is_alphanumeric() || c.is_whitespace() || ".,:;!?'\"()[]{}<>=/_-*+%&#".contains(c)
            });
        if plain
            || KNOWN_PREFIXES
                .iter()
                .any(|p| text.starts_with(p) && longest_digit_run(text) <= 3)
        {
            SafeText::Kept(text)
        } else {
            SafeText::Withheld(text.chars().count())
        }
    }

    /// A field name or path (`demographics.lastName`, `contents[0].phn`).
    pub(crate) fn field(text: &'a str) -> Self {
        let path = text.chars().count() <= 100
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._[]- ".contains(c))
            && longest_digit_run(text) <= 3;
        if path {
            SafeText::Kept(text)
        } else {
            SafeText::Withheld(text.chars().count())
        }
    }
}

fn longest_digit_run(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
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
    fn known_and_plain_texts_are_kept_values_are_withheld() {
        for kept in [
            "Access is denied",
            "Required Parameter Missing.",
            "size must be between 2 and 100",
            "Unable to process json. Invalid value at field(s): demographics.birthday",
            "Rest API Service is not enabled for this client.",
        ] {
            assert_eq!(SafeText::text(kept).to_string(), kept);
        }
        for withheld in [
            "no patient with PHN 9000000001",
            "birthday 1959-02-16 is in the future",
            "reply to sam.sample@example.invalid",
            "(250) 555-0100 is not a phone",
        ] {
            let shown = SafeText::text(withheld).to_string();
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
    }
}
