//! Which of the server's error texts may be printed: an allow-list of exact
//! texts and templates, not of prefixes.
//!
//! A server text can carry anything: Accuro validates with Bean Validation
//! (Hibernate Validator), whose message templates may interpolate the
//! refused value (`${validatedValue}`), and a custom message may say "must
//! match the patient on file: &lt;a name&gt;, &lt;an address&gt;". A name cannot be told
//! from other words, so a text is printed only when it is exactly
//!
//! - one of Accuro's known messages ([`KNOWN_MESSAGES`]), or "Unable to
//!   process json. Invalid value at field(s): " followed by known fields;
//! - a constraint of the catalogue ([`CONSTRAINT_TEMPLATES`]: Hibernate
//!   Validator's default messages), its `{n}` filled only with small numbers;
//! - a field that is one of the spec's property paths (`PROPERTY_PATHS`,
//!   indices such as `[0]` aside);
//! - a gateway code of up to three digits.
//!
//! Anything else is shown as its length: `[server text withheld: 31
//! characters]`. `Display` and `Debug` print the same thing.

use std::fmt;

use crate::property_paths::PROPERTY_PATHS;

/// A server text as it may be printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerText<'a> {
    /// Printed as it is (an allowed text: no control character, no value).
    Kept(&'a str),
    /// Not printed: its length in characters.
    Withheld(usize),
}

/// Accuro's and the gateway's messages known to carry no value (the one
/// catalogue, kept with the rest of what is known of Accuro).
pub(crate) const KNOWN_MESSAGES: [&str; 22] = accuro_spec::texts::KNOWN;

/// The known message that names the fields it refused, each a property path.
const INVALID_FIELDS: &str = "Unable to process json. Invalid value at field(s): ";

/// Bean Validation's default messages (Jakarta Validation 3 and Hibernate
/// Validator 6 to 8, and the `javax` 1.x forms Accuro's older servers
/// send), as their catalogue `ValidationMessages.properties` words them.
/// `{n}` is an annotation's numeric parameter (`{min}`, `{max}`, `{value}`,
/// `{integer}`, `{fraction}`): only a small number may fill it (see
/// [`is_small_number`]). The templates that interpolate the refused value
/// (`@LuhnCheck`, `@Mod10Check`, `@Mod11Check`), or a parameter that is text
/// (`@Pattern`'s regular expression, `@Currency`, `@ScriptAssert`), are left
/// out: such a message is withheld.
pub(crate) const CONSTRAINT_TEMPLATES: [&str; 36] = [
    // jakarta.validation.constraints
    "must be false",
    "must be true",
    "must be less than {n}",
    "must be less than or equal to {n}",
    "must be greater than {n}",
    "must be greater than or equal to {n}",
    "numeric value out of bounds (<{n} digits>.<{n} digits> expected)",
    "must be a well-formed email address",
    "must be a future date",
    "must be a date in the present or in the future",
    "must be less than 0",
    "must be less than or equal to 0",
    "must not be blank",
    "must not be empty",
    "must not be null",
    "must be null",
    "must be a past date",
    "must be a date in the past or in the present",
    "must be greater than 0",
    "must be greater than or equal to 0",
    "size must be between {n} and {n}",
    // org.hibernate.validator.constraints
    "invalid credit card number",
    "invalid EAN13 barcode",
    "invalid EAN8 barcode",
    "invalid ISBN",
    "length must be between {n} and {n}",
    "must be between {n} and {n}",
    "must only contain unique elements",
    "must be a valid URL",
    "must be a valid UUID",
    "must be normalized",
    "may have unsafe html content",
    // javax.validation 1.x and Hibernate Validator 4 and 5
    "may not be null",
    "may not be empty",
    "must be in the future",
    "must be in the past",
];

/// Other fixed constraint texts: the older catalogue's e-mail message.
const OTHER_CONSTRAINTS: [&str; 1] = ["not a well-formed email address"];

/// Java's `Integer` and `Long` bounds: the default parameters of `@Size`,
/// `@Length` and `@Range` ("size must be between 1 and 2147483647").
const JAVA_BOUNDS: [&str; 4] = [
    "2147483647",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
];

impl<'a> ServerText<'a> {
    fn keep_if(keep: bool, text: &'a str) -> Self {
        if keep {
            ServerText::Kept(text)
        } else {
            ServerText::Withheld(text.chars().count())
        }
    }

    /// A message or error text of the server (`message`, `error`).
    pub(crate) fn message(text: &'a str) -> Self {
        let known = KNOWN_MESSAGES.contains(&text)
            || text.strip_prefix(INVALID_FIELDS).is_some_and(|fields| {
                fields
                    .split(", ")
                    .all(|f| matches!(ServerText::field(f), ServerText::Kept(_)))
            });
        Self::keep_if(known, text)
    }

    /// A constraint a refused value broke.
    pub(crate) fn constraint(text: &'a str) -> Self {
        let known = OTHER_CONSTRAINTS.contains(&text)
            || CONSTRAINT_TEMPLATES
                .iter()
                .any(|template| matches_template(template, text));
        Self::keep_if(known, text)
    }

    /// A gateway error code (`"401"`).
    pub(crate) fn code(text: &'a str) -> Self {
        Self::keep_if(
            !text.is_empty() && text.len() <= 3 && text.bytes().all(|b| b.is_ascii_digit()),
            text,
        )
    }

    /// A refused field: one of the spec's property paths
    /// (`demographics.lastName`), with list indices (`phones[0].number`,
    /// `phones[].number`) allowed.
    pub(crate) fn field(text: &'a str) -> Self {
        let known = unindexed(text)
            .is_some_and(|path| PROPERTY_PATHS.binary_search(&path.as_str()).is_ok());
        Self::keep_if(known, text)
    }
}

/// `path` without its list indices (`[0]`, `[]`, at most four digits), or
/// `None` when a bracket holds anything else (a map key, which may be a
/// value).
fn unindexed(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(']')?;
        let index = &after[..close];
        if index.len() > 4 || !index.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    (!out.contains(']')).then_some(out)
}

/// Whether `text` is exactly `template`, each `{n}` filled with a small
/// number.
fn matches_template(template: &str, text: &str) -> bool {
    let mut pieces = template.split("{n}");
    let Some(first) = pieces.next() else {
        return false;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for piece in pieces {
        let end = number_end(rest);
        if !is_small_number(&rest[..end]) {
            return false;
        }
        match rest[end..].strip_prefix(piece) {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Where the number at the start of `text` ends: an optional `-`, ASCII
/// digits, and an optional fraction.
fn number_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut end = usize::from(bytes.first() == Some(&b'-'));
    let digits = |from: usize| {
        bytes
            .get(from..)
            .map_or(0, |b| b.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    end += digits(end);
    if bytes.get(end) == Some(&b'.') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    end
}

/// A small number: at most four digits before the point and four after
/// (`100`, `0.5`, `-10`), or one of Java's integer bounds. A PHN, a date
/// written as digits, a phone or a file number is not one.
fn is_small_number(text: &str) -> bool {
    if JAVA_BOUNDS.contains(&text) {
        return true;
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str, most: usize| s.len() <= most && s.bytes().all(|b| b.is_ascii_digit());
    let dangling_point = unsigned.contains('.') && fraction.is_empty();
    !whole.is_empty() && !dangling_point && digits(whole, 4) && digits(fraction, 4)
}

impl fmt::Display for ServerText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerText::Kept(text) => f.write_str(text),
            ServerText::Withheld(chars) => write!(f, "[server text withheld: {chars} characters]"),
        }
    }
}

/// What `{}` shows, quoted when kept: `{:?}` and `{}` withhold the same
/// texts.
impl fmt::Debug for ServerText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerText::Kept(text) => fmt::Debug::fmt(text, f),
            ServerText::Withheld(_) => fmt::Display::fmt(self, f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: ServerText<'_>) -> bool {
        matches!(text, ServerText::Kept(_))
    }

    #[test]
    fn the_catalogue_with_small_numbers_is_kept() {
        for text in [
            "must not be null",
            "may not be null",
            "size must be between 2 and 100",
            "size must be between 0 and 2147483647",
            "must be greater than or equal to 1",
            "must be less than 10.5",
            "must be between -5 and 5",
            "numeric value out of bounds (<10 digits>.<2 digits> expected)",
            "not a well-formed email address",
        ] {
            assert!(kept(ServerText::constraint(text)), "{text}");
        }
    }

    #[test]
    fn anything_else_is_withheld() {
        for text in [
            "must not be Qzxmarkerson",
            "must match the patient on file: Jane Qzxmarkerson, 12 Main St",
            "must be greater than or equal to 9000000001",
            "size must be between 2 and 19590216",
            "size must be between 2 and 100 ",
            " must not be null",
            "must not be null\u{1b}[2J",
            "must not be null\u{202e}",
            "must match \"[A-Z]+\"",
            "the check digit for 9000000001 is invalid, Luhn Modulo 10 checksum failed",
            "must be greater than or equal to 1.",
            "must be less than 1..5",
            "must be between 5 and",
            "",
        ] {
            assert!(!kept(ServerText::constraint(text)), "{text:?}");
            assert_eq!(
                ServerText::constraint(text).to_string(),
                format!(
                    "[server text withheld: {} characters]",
                    text.chars().count()
                )
            );
        }
    }

    #[test]
    fn messages_fields_and_codes() {
        assert!(kept(ServerText::message("Access is denied")));
        assert!(!kept(ServerText::message("Access is denied ")));
        assert!(!kept(ServerText::message("No patient named Qzxmarkerson")));
        assert!(kept(ServerText::message(
            "Unable to process json. Invalid value at field(s): demographics.birthday"
        )));
        assert!(!kept(ServerText::message(
            "Unable to process json. Invalid value at field(s): demographics.Qzxmarkerson"
        )));
        for field in [
            "demographics.lastName",
            "demographics.phones[0].number",
            "demographics.phones[].number",
        ] {
            assert!(kept(ServerText::field(field)), "{field}");
        }
        for field in [
            "demographics.Qzxmarkerson",
            "Qzxmarkerson",
            "demographics.lastName[Qzx]",
            "demographics.phones[12345].number",
            "demographics.lastName]",
            "demographics.lastName\u{7}",
        ] {
            assert!(!kept(ServerText::field(field)), "{field}");
        }
        assert!(kept(ServerText::code("401")));
        assert!(!kept(ServerText::code("9000000001")));
        let withheld = ServerText::message("Jane");
        assert_eq!(format!("{withheld}"), format!("{withheld:?}"));
        let known = ServerText::message("Access is denied");
        assert_eq!(format!("{known:?}"), format!("\"{known}\""));
    }
}
