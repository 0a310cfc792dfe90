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

use reqwest::header::{
    CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
    TRANSFER_ENCODING,
};
use reqwest::{Response, StatusCode};

use crate::api_error::ApiError;

/// The mark the send loop puts on such an answer's headers (and takes off
/// any answer that arrives with it: a server cannot set it).
const MARK: HeaderName = HeaderName::from_static("x-accuro-client-outcome");
const UNKNOWN: HeaderValue = HeaderValue::from_static("unknown");

/// The most of a marked answer's body kept (an error body is small); a
/// longer one is replaced, as one that is not an [`ApiError`] is.
const MAX_BODY: usize = 64 * 1024;

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

/// Takes any mark a server put on `response`.
pub(crate) fn strip(mut response: Response) -> Response {
    response.headers_mut().remove(MARK);
    response
}

/// Marks `response` as the refusal of a resend after an attempt that may
/// have acted. Its body is read (at most [`MAX_BODY`]) and kept only when
/// it is an [`ApiError`]; otherwise, or when it cannot be read, it becomes
/// `{}`. Whatever the body, the error it turns into is then
/// [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), never a decode
/// or transport error that would hide the unknown outcome.
pub(crate) async fn mark(mut response: Response) -> Response {
    let (status, version) = (response.status(), response.version());
    let mut headers = response.headers().clone();
    let body = match read_body(&mut response).await {
        Some(body) if serde_json::from_slice::<ApiError>(&body).is_ok() => body,
        _ => b"{}".to_vec(),
    };
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(MARK, UNKNOWN);
    rebuilt(status, version, headers, body)
}

/// `response` with its body read into memory (at most [`MAX_BODY`] bytes;
/// a larger body, or one that fails, is left out): an answer kept through a
/// retry wait, holding neither a connection nor a timer of its request.
pub(crate) async fn in_memory(mut response: Response) -> Response {
    let (status, version) = (response.status(), response.version());
    let headers = response.headers().clone();
    let body = read_body(&mut response).await.unwrap_or_default();
    rebuilt(status, version, headers, body)
}

/// The body, if it is at most [`MAX_BODY`] bytes and reads to its end.
async fn read_body(response: &mut Response) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len().saturating_add(chunk.len()) <= MAX_BODY => {
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Some(body),
            Ok(Some(_)) | Err(_) => return None,
        }
    }
}

/// An answer rebuilt around a body in memory (its framing headers dropped:
/// they described the body as it came).
fn rebuilt(
    status: reqwest::StatusCode,
    version: reqwest::Version,
    mut headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
) -> Response {
    for stale in [CONTENT_LENGTH, CONTENT_ENCODING, TRANSFER_ENCODING] {
        headers.remove(stale);
    }
    let mut rebuilt = http::Response::new(reqwest::Body::from(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Response::from(rebuilt)
}

/// Whether an answer with these headers was marked by [`mark`].
pub(crate) fn is_marked(headers: &HeaderMap) -> bool {
    headers.get(MARK) == Some(&UNKNOWN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &'static str, forged: bool) -> Response {
        let mut builder = http::Response::builder()
            .status(status)
            .header(CONTENT_LENGTH, body.len());
        if forged {
            builder = builder.header(MARK, UNKNOWN);
        }
        Response::from(builder.body(reqwest::Body::from(body)).expect("response"))
    }

    #[test]
    fn only_refusals_that_may_follow_a_success_qualify() {
        for status in [400, 404, 409, 410, 412, 422] {
            assert!(may_follow_success(
                StatusCode::from_u16(status).expect("status")
            ));
        }
        for status in [200, 204, 401, 403, 413, 429, 500, 502, 503] {
            assert!(!may_follow_success(
                StatusCode::from_u16(status).expect("status")
            ));
        }
    }

    #[tokio::test]
    async fn a_forged_mark_is_removed_and_a_marked_body_is_an_api_error_or_nothing() {
        assert!(!is_marked(strip(response(404, "", true)).headers()));
        for (body, kept) in [
            (r#"{"error":"Not Found"}"#, true),
            ("", false),
            ("<html>gone</html>", false),
            ("null", false),
        ] {
            let marked = mark(response(404, body, false)).await;
            assert!(is_marked(marked.headers()), "{body}");
            assert_eq!(marked.status(), StatusCode::NOT_FOUND);
            let text = marked.text().await.expect("body");
            assert_eq!(text, if kept { body } else { "{}" }, "{body}");
        }
    }
}
