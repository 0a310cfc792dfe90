//! The answer to an operation the sandbox keeps no state for: the spec's
//! first 2xx status with that answer's example, in its media type.
//!
//! [`crate::auth::guard`] resolves every REST request to its operation and
//! checks it first; what no handler serves ([`crate::handlers`],
//! [`crate::tasks`], [`crate::waitlists`]) ends here.

use axum::Extension;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use accuro_spec::{Media, Operation};

/// The operation a request resolved to, for the handlers reached after the
/// guard (a request extension).
#[derive(Clone, Copy)]
pub(crate) struct Resolved(pub(crate) &'static Operation);

/// The boundary of the multipart answers built here.
const BOUNDARY: &str = "sandbox-part-boundary";

/// The content part of a multipart (letter) answer: a synthetic PDF.
const LETTER_CONTENT: &[u8] = b"%PDF-1.4\n% synthetic letter content\n%%EOF\n";

/// The router's fallback, and the fallback of routes without a handler for
/// the request's method: the resolved operation's example (404 when the
/// request resolved to none, which the guard answers before).
pub(crate) async fn serve(resolved: Option<Extension<Resolved>>) -> Response {
    match resolved {
        Some(Extension(Resolved(op))) => answer(op),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `op`'s first 2xx answer: its status, and its example as JSON, as the
/// bytes of a binary answer, or as the two parts (JSON, content) of a
/// multipart one.
pub(crate) fn answer(op: &Operation) -> Response {
    let success = op.success();
    let status = StatusCode::from_u16(success.status).unwrap_or(StatusCode::OK);
    let Some(example) = success.body else {
        return status.into_response();
    };
    let (media_type, bytes) = encode(example);
    let mut response = (status, Body::from(bytes)).into_response();
    if let Ok(value) = HeaderValue::from_str(&media_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// The `Content-Type` and body of an example.
fn encode(example: &Media) -> (String, Vec<u8>) {
    let media_type = example.media_type.to_ascii_lowercase();
    let value = &example.example;
    if media_type.ends_with("json") {
        return (media_type, json_bytes(value));
    }
    if media_type.starts_with("multipart/") {
        let mut body = Vec::new();
        for (part_type, part) in [
            ("application/json", json_bytes(value)),
            ("application/pdf", LETTER_CONTENT.to_vec()),
        ] {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Type: {part_type}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(&part);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        return (format!("{media_type}; boundary={BOUNDARY}"), body);
    }
    // Binary or text: a string example is the content itself.
    let bytes = match value {
        serde_json::Value::String(s) => s.clone().into_bytes(),
        other => json_bytes(other),
    };
    (media_type, bytes)
}

fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec())
}
