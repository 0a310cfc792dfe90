//! Errors: the server's error body ([`ApiError`]) and the client's typed
//! [`Error`].
//!
//! Nothing here ever holds a request URL (its query string can carry a PHN or a
//! name), a token, a secret, or a response body that may hold health data.

use std::fmt;

use reqwest::StatusCode;
use serde::{Deserialize, Deserializer, Serialize};

use crate::generated;
use crate::token::TokenError;

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
            .field("field", &self.field)
            .field("value", &self.value.as_ref().map(|_| "[redacted]"))
            .field("constraint", &self.constraint)
            .finish()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("error", &self.error)
            .field("constraint_violations", &self.constraint_violations)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(code) = &self.code {
            parts.push(format!("code {code}"));
        }
        for text in [&self.message, &self.error].into_iter().flatten() {
            parts.push(text.clone());
        }
        for v in self.constraint_violations.iter().flatten() {
            parts.push(format!(
                "{}: {}",
                v.field.as_deref().unwrap_or("?"),
                v.constraint.as_deref().unwrap_or("invalid")
            ));
        }
        if parts.is_empty() {
            f.write_str("(no error details)")
        } else {
            f.write_str(&parts.join("; "))
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The raw error of the generated methods (progenitor's). Convert it into
/// [`Error`] with `?` or `Error::from`: its own `Display` may print a response
/// body that holds health data.
pub type RawError = generated::Error<ApiError>;

/// Everything that can go wrong calling Accuro.
///
/// Every variant names the operation where it is known, and none carries a
/// URL, a token, a secret or a response body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is incomplete or malformed.
    #[error(transparent)]
    Config(#[from] crate::ConfigError),
    /// No access token could be obtained.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// Accuro answered with a documented error status and body.
    #[error("{operation} failed: {status}: {body}", operation = op(.operation))]
    Api {
        /// The operation id (`search_patients`).
        operation: Option<String>,
        /// The HTTP status.
        status: StatusCode,
        /// The server's error body (boxed: it keeps `Error` small).
        body: Box<ApiError>,
    },
    /// Accuro answered with a status the spec does not list for the operation.
    #[error("{operation} failed: unexpected status {status}", operation = op(.operation))]
    UnexpectedStatus {
        /// The operation id.
        operation: Option<String>,
        /// The HTTP status.
        status: StatusCode,
    },
    /// Accuro's answer could not be decoded. The body is not kept (it may hold
    /// health data); the message says what kind of error and where.
    #[error("{operation}: the answer could not be decoded: {message}", operation = op(.operation))]
    InvalidResponse {
        /// The operation id, when known.
        operation: Option<String>,
        /// The decoder's error, without the offending value.
        message: String,
    },
    /// The request timed out.
    #[error("the request timed out")]
    Timeout,
    /// The request could not be sent or its answer not received.
    #[error("transport error: {0}")]
    Transport(String),
    /// A request argument was missing or could not be converted.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

/// What kind of failure an [`Error`] is, for deciding what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration is incomplete or malformed.
    Config,
    /// The token endpoint refused the client id, secret, tenant or scopes
    /// (400/401): fix the credentials; retrying will not help.
    Credentials,
    /// The token endpoint failed otherwise (5xx, or an unusable answer).
    TokenEndpoint,
    /// A REST call was refused with 401 even with a freshly issued token.
    /// Accuro answers 401 `{"error":"Access is denied"}` when the token lacks
    /// the operation's scope or the clinic's service user lacks the Accuro
    /// role: check the scopes granted.
    Unauthorized,
    /// 403: the clinic's service user lacks the provider permission (Patient,
    /// Scheduling, Billing, EMR, Labs), or the REST API is not enabled for
    /// the clinic.
    Forbidden,
    /// 404.
    NotFound,
    /// 409: the record is locked by another user.
    Conflict,
    /// 413: the upload is too large.
    TooLarge,
    /// 429 after the retries the policy allowed.
    RateLimited,
    /// Another 4xx: the request was refused (see the error body).
    Rejected,
    /// A 5xx after the retries the policy allowed.
    Server,
    /// The request, or the token request, timed out.
    Timeout,
    /// The connection failed or was cut.
    Transport,
    /// The answer was not what the spec describes.
    UnexpectedResponse,
    /// A request argument was missing or invalid.
    InvalidRequest,
}

fn kind_of_status(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        413 => ErrorKind::TooLarge,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Rejected,
    }
}

fn op(operation: &Option<String>) -> &str {
    operation.as_deref().unwrap_or("the request")
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::Token(TokenError::Rejected { .. }) => ErrorKind::Credentials,
            Error::Token(TokenError::Timeout) | Error::Timeout => ErrorKind::Timeout,
            Error::Token(TokenError::Transport(_)) | Error::Transport(_) => ErrorKind::Transport,
            Error::Token(_) => ErrorKind::TokenEndpoint,
            Error::Api { status, .. } => kind_of_status(*status),
            Error::UnexpectedStatus { status, .. } => match kind_of_status(*status) {
                ErrorKind::Rejected => ErrorKind::UnexpectedResponse,
                kind => kind,
            },
            Error::InvalidResponse { .. } => ErrorKind::UnexpectedResponse,
            Error::InvalidRequest(_) => ErrorKind::InvalidRequest,
        }
    }

    /// The HTTP status, when the error came from an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::Token(e) => e.status(),
            _ => None,
        }
    }

    /// The server's error body, when it sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { body, .. } => Some(body),
            Error::Token(e) => e.body(),
            _ => None,
        }
    }
}

/// Describes a `reqwest` error without its URL.
pub(crate) fn describe_transport(e: reqwest::Error) -> Error {
    if e.is_timeout() {
        return Error::Timeout;
    }
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Transport(message)
}

/// Describes a JSON error without the value that broke it (serde_json quotes
/// the offending string, which may be a PHN or a name), naming the field it
/// happened in when the document is at hand.
pub(crate) fn describe_json(e: &serde_json::Error, document: &[u8]) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    let at = json_path_at(document, e.line(), e.column())
        .map(|path| format!(" in `{path}`"))
        .unwrap_or_default();
    format!("{kind}{at} at line {} column {}", e.line(), e.column())
}

/// The JSON path (`contents[0].demographics.birthday`) of the value that ends
/// at `line`:`column` (1-based, as serde_json reports). Only keys and indices
/// are returned, never values.
pub(crate) fn json_path_at(doc: &[u8], line: usize, column: usize) -> Option<String> {
    enum Frame {
        Object {
            key: Option<String>,
            expect_key: bool,
        },
        Array {
            index: usize,
        },
    }
    // Byte offset of line:column.
    let mut offset = 0;
    for _ in 1..line {
        offset += doc.get(offset..)?.iter().position(|b| *b == b'\n')? + 1;
    }
    let end = (offset + column).min(doc.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match doc[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < doc.len() && doc[i] != b'"' {
                    i += if doc[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    let raw = doc.get(start..i.min(doc.len()))?;
                    *key = Some(String::from_utf8_lossy(raw).into_owned());
                    *expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

impl From<RawError> for Error {
    fn from(raw: RawError) -> Self {
        use generated::Error as R;
        match raw {
            R::InvalidRequest(s) => Error::InvalidRequest(s),
            R::CommunicationError(e) | R::InvalidUpgrade(e) | R::ResponseBodyError(e) => {
                describe_transport(e)
            }
            R::ErrorResponse(rv) => Error::Api {
                operation: crate::layer::operation_of(rv.headers()),
                status: rv.status(),
                body: Box::new(rv.into_inner()),
            },
            R::InvalidResponsePayload(body, e) => Error::InvalidResponse {
                operation: None,
                message: describe_json(&e, &body),
            },
            R::UnexpectedResponse(resp) => Error::UnexpectedStatus {
                operation: crate::layer::operation_of(resp.headers()),
                status: resp.status(),
            },
            R::Custom(s) => crate::layer::decode_hook_error(&s),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_stay_small() {
        // Large `Err` types slow every `?` and trip clippy's `result_large_err`
        // in users' code.
        assert!(
            std::mem::size_of::<super::Error>() <= 64,
            "{}",
            std::mem::size_of::<super::Error>()
        );
    }
}
