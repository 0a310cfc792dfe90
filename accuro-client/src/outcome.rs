//! Unknown outcomes: a write sent again after an attempt that may have
//! acted, and then refused.
//!
//! The send loop sends an idempotent write again after a 502, 503 or 504, or
//! after a connection cut once the request was written. The server may have
//! made the change on that first attempt: the resend of a delete is then
//! answered 404 (the record is gone, deleted by the first attempt), the
//! resend of an update perhaps 409. Reported as a plain `NotFound` or
//! `Conflict`, that would read as "it was never there" or "it was not
//! done". The send loop marks such an answer ([`mark`]), and the error it
//! becomes is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Response, StatusCode};

/// The mark the send loop puts on such an answer's headers (and takes off
/// any answer that arrives with it: a server cannot set it).
const MARK: HeaderName = HeaderName::from_static("x-accuro-client-outcome");
const UNKNOWN: HeaderValue = HeaderValue::from_static("unknown");

/// Whether a refusal with `status` may be the result of an earlier attempt's
/// success (404 "already deleted", 409 "already changed", 400 "no longer
/// valid", ...). Refusals that do not depend on the record (credentials,
/// permissions, sizes, rate) are not.
pub(crate) fn may_follow_success(status: StatusCode) -> bool {
    status.is_client_error()
        && !matches!(
            status.as_u16(),
            401 | 403 | 407 | 408 | 413 | 414 | 415 | 429 | 431
        )
}

/// Takes any mark off `response` and, when `earlier_may_have_acted` and its
/// status is a refusal that may follow a success, marks it.
pub(crate) fn mark(mut response: Response, earlier_may_have_acted: bool) -> Response {
    let unknown = earlier_may_have_acted && may_follow_success(response.status());
    let headers = response.headers_mut();
    headers.remove(MARK);
    if unknown {
        headers.insert(MARK, UNKNOWN);
    }
    response
}

/// Whether an answer with these headers was marked by [`mark`].
pub(crate) fn is_marked(headers: &HeaderMap) -> bool {
    headers.get(MARK) == Some(&UNKNOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an answer with `status` (carrying a forged mark or not) comes
    /// out of [`mark`] marked.
    fn marked(status: u16, forged: bool, earlier_may_have_acted: bool) -> bool {
        let mut builder = http::Response::builder().status(status);
        if forged {
            builder = builder.header(MARK, UNKNOWN);
        }
        let response = Response::from(builder.body(reqwest::Body::from("")).expect("response"));
        is_marked(mark(response, earlier_may_have_acted).headers())
    }

    #[test]
    fn only_refusals_that_may_follow_a_success_are_marked_and_a_forged_mark_is_removed() {
        for status in [400, 404, 409, 410, 412, 422] {
            assert!(marked(status, false, true), "{status}");
            assert!(!marked(status, false, false), "{status}");
        }
        for status in [200, 204, 401, 403, 413, 429, 500, 502, 503] {
            assert!(!marked(status, false, true), "{status}");
        }
        assert!(!marked(404, true, false), "a mark the server sent");
    }
}
