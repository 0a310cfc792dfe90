//! Path values: percent-encoded whole, and refused when a URL parser would
//! move the request to another endpoint.
//!
//! progenitor's own encoder leaves `\` and `.` as they are. A URL parser (the
//! `url` crate, as browsers do) reads `\` as `/` in an `http(s)` URL, and
//! removes a `.` segment and a `..` segment with the one before it, so a
//! value `..\..\offices` sends the request to another path. Here every byte
//! but RFC 3986's unreserved characters is encoded, and a value that is
//! empty, `.` or `..` (which no encoding keeps: `%2e%2e` is a `..` too) is
//! refused before the request is sent ([`check`]).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but `A-Z a-z 0-9 - . _ ~`.
const PATH_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path value, percent-encoded: every byte but `A-Z a-z 0-9 - . _ ~`.
/// Called by the generated code for every path parameter (and by
/// `accuro-mock` to match what the client sends).
///
/// ```
/// assert_eq!(accuro_client::encode_path_segment("a b/..\\c"), "a%20b%2F..%5Cc");
/// ```
#[doc(hidden)]
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, PATH_VALUE).to_string()
}

/// Whether the request's path (`path`, as the URL parser left it) is the
/// operation's path `template` under the base URL `base_url`: as many
/// segments, the template's literal segments in place, and no path value
/// empty. A `.` or `..` value, which the parser removes, leaves too few
/// segments or a literal out of place. Returns what is wrong, never a value.
pub(crate) fn check(path: &str, base_url: &str, template: &str) -> Result<(), &'static str> {
    let base = base_segments(base_url);
    let template: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    const MOVED: &str = "a path value is empty, `.` or `..`: it would send the request to \
                         another endpoint";
    if segments.len() != base.saturating_add(template.len()) {
        return Err(MOVED);
    }
    for (sent, expected) in segments[base..].iter().zip(&template) {
        let is_value = expected.starts_with('{') && expected.ends_with('}');
        if (is_value && sent.is_empty()) || (!is_value && sent != expected) {
            return Err(MOVED);
        }
    }
    Ok(())
}

/// How many path segments the base URL adds before the operation's path
/// (`https://h/accuro` adds 1, `https://h//accuro` 2), counted as the
/// request's path is: empty segments included, a trailing `/` not.
fn base_segments(base_url: &str) -> usize {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |slash| &after_scheme[slash..]);
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    if path.is_empty() {
        0
    } else {
        path.split('/').skip(1).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_path(base: &str, value: &str) -> String {
        let url = format!(
            "{base}/rest/v1/contacts/7/external-contact-identifiers/{}",
            encode_path_segment(value)
        );
        reqwest::Url::parse(&url).expect("url").path().to_owned()
    }

    const TEMPLATE: &str =
        "/rest/v1/contacts/{contactId}/external-contact-identifiers/{systemIdentifier}";

    #[test]
    fn values_that_would_move_the_request_are_refused_and_others_pass() {
        for base in [
            "http://127.0.0.1:4020",
            "https://h.example/accuro/",
            "https://h.example//accuro",
            "https://h.example/a/b",
        ] {
            for value in [
                "..\\..\\offices",
                "../../offices",
                "a b",
                "%2e%2e",
                "ok.value",
                "x\\y",
                "Ab~_-",
            ] {
                let path = url_path(base.trim_end_matches('/'), value);
                assert_eq!(check(&path, base, TEMPLATE), Ok(()), "{value:?}: {path}");
                assert!(
                    path.contains("/rest/v1/contacts/7/external-contact-identifiers/"),
                    "{path}"
                );
            }
            for value in ["..", ".", ""] {
                let path = url_path(base.trim_end_matches('/'), value);
                assert!(check(&path, base, TEMPLATE).is_err(), "{value:?}: {path}");
            }
        }
    }

    #[test]
    fn every_byte_but_the_unreserved_is_encoded() {
        assert_eq!(encode_path_segment("..\\..\\x"), "..%5C..%5Cx");
        assert_eq!(encode_path_segment("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment("42"), "42");
    }
}
