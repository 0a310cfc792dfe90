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

/// What a refused path value is told as (never the value).
const MOVED: &str =
    "a path value is empty, `.` or `..`: it would send the request to another endpoint";

/// A path value, percent-encoded as [`encode_path_segment`] does; an empty,
/// `.` or `..` value (the only ones a URL parser would remove or leave
/// empty once `%` itself is encoded) is refused. Called by the generated
/// code for every path parameter, with `?`: a refused value is an
/// `InvalidRequest` error, and nothing is sent.
#[doc(hidden)]
#[allow(
    clippy::result_large_err,
    reason = "the generated send applies `?` to it: the error must be progenitor's own"
)]
pub fn encode_path_value<E>(value: &str) -> Result<String, progenitor_client::Error<E>> {
    if matches!(value, "" | "." | "..") {
        return Err(progenitor_client::Error::InvalidRequest(MOVED.to_owned()));
    }
    Ok(encode_path_segment(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path a request for `value` reaches, as the URL parser leaves it.
    fn url_path(base: &str, value: &str) -> Option<String> {
        let encoded = encode_path_value::<()>(value).ok()?;
        let url = format!("{base}/rest/v1/contacts/7/external-contact-identifiers/{encoded}");
        Some(reqwest::Url::parse(&url).expect("url").path().to_owned())
    }

    #[test]
    fn values_that_would_move_the_request_are_refused_and_others_stay_in_their_segment() {
        for base in [
            "http://127.0.0.1:4020",
            "https://h.example/accuro",
            "https://h.example//a",
        ] {
            for value in [
                "..\\..\\offices",
                "../../offices",
                "a b",
                "%2e%2e",
                ".%2e",
                "ok.value",
                "x\\y",
                "Ab~_-",
                "...",
            ] {
                let path = url_path(base, value).expect("sent");
                let under = reqwest::Url::parse(&format!(
                    "{base}/rest/v1/contacts/7/external-contact-identifiers/x"
                ))
                .expect("url");
                let prefix = under.path().trim_end_matches('x');
                assert!(
                    path.starts_with(prefix),
                    "{value:?}: {path} (under {prefix})"
                );
                assert!(!path[prefix.len()..].contains('/'), "{value:?}: {path}");
            }
            for value in ["..", ".", ""] {
                assert_eq!(url_path(base, value), None, "{value:?}");
            }
        }
        let refused = encode_path_value::<()>("..").expect_err("refused");
        assert!(
            refused.to_string().contains("another endpoint"),
            "{refused}"
        );
    }

    #[test]
    fn every_byte_but_the_unreserved_is_encoded() {
        assert_eq!(encode_path_segment("..\\..\\x"), "..%5C..%5Cx");
        assert_eq!(encode_path_segment("a/b?c#d%e"), "a%2Fb%3Fc%23d%25e");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment("42"), "42");
    }
}
