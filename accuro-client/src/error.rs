//! Errors: the client's typed [`Error`], and the configuration's
//! [`ConfigError`].
//!
//! Nothing here ever holds a request URL (its query string can carry a PHN or a
//! name), a token, a secret, or a response body that may hold health data; the
//! server's error texts are printed only when they cannot carry a value (see
//! [`crate::ApiError`]).

use reqwest::StatusCode;

use crate::api_error::ApiError;
use crate::outcome;
use crate::token::TokenError;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A configuration value that is missing or malformed. The message names the
/// setting (the builder method, or the environment variable for
/// [`ClientBuilder::from_env`]) and never shows a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required setting was not given.
    #[error("{name} is not set")]
    Missing {
        /// The setting: builder method or environment variable.
        name: &'static str,
    },
    /// A setting's value is not acceptable.
    #[error("{name} is invalid: {}", crate::printable(.reason))]
    Invalid {
        /// The setting: builder method or environment variable.
        name: &'static str,
        /// Why (without the value when it is a secret).
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("the HTTP client could not be built: {}", crate::printable(.0))]
    Http(String),
}

impl From<crate::token::StoreConfigError> for ConfigError {
    fn from(e: crate::token::StoreConfigError) -> Self {
        ConfigError::Invalid {
            name: e.name,
            reason: e.reason,
        }
    }
}

/// Everything that can go wrong calling Accuro.
///
/// Every variant but [`Error::Config`] names the operation (its operation id in
/// the spec, which is also the method's name), and none carries a URL, a
/// token, a secret or a response body: printing it with `{}` or `{:?}`, or
/// passing it on as `Box<dyn std::error::Error>`, is safe to log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is incomplete or malformed.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No access token could be obtained for the call.
    #[error("{operation}: no access token: {source}")]
    Token {
        /// The operation id (`search_patients`).
        operation: &'static str,
        /// Why.
        #[source]
        source: TokenError,
    },
    /// Accuro answered with an error status and body.
    #[error("{operation} failed: {status}: {body}")]
    Api {
        /// The operation id.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The server's error body (boxed: it keeps `Error` small).
        body: Box<ApiError>,
    },
    /// A write was sent again after an attempt whose outcome is unknown (a
    /// 502, 503 or 504 answer, or a connection cut after the request was
    /// written), and the resend was refused (404, 409, 400, ...). The earlier
    /// attempt may have made the change: a resent delete answered 404 most
    /// likely means the first attempt deleted the record. Read the record
    /// before acting on this error; do not simply send the write again.
    /// Only idempotent writes are ever sent again (see the endpoint table).
    #[error(
        "{operation}: outcome unknown: an earlier attempt may have succeeded; \
         the request sent again was refused with {status}: {body}"
    )]
    OutcomeUnknown {
        /// The operation id.
        operation: &'static str,
        /// The status the resend was answered with.
        status: StatusCode,
        /// The server's error body, if any (boxed: it keeps `Error` small).
        body: Box<ApiError>,
    },
    /// Accuro answered with a status the spec does not list for the operation.
    #[error("{operation} failed: unexpected status {status}")]
    UnexpectedStatus {
        /// The operation id.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
    },
    /// Accuro's answer could not be decoded. The body is not kept (it may hold
    /// health data); the message says what kind of error and where.
    #[error("{operation}: the answer could not be decoded: {}", crate::printable(.message))]
    InvalidResponse {
        /// The operation id.
        operation: &'static str,
        /// The decoder's error, without the offending value.
        message: String,
    },
    /// The request timed out.
    #[error("{operation}: the request timed out")]
    Timeout {
        /// The operation id.
        operation: &'static str,
    },
    /// The request could not be sent or its answer not received.
    #[error("{operation}: transport error: {}", crate::printable(.message))]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// What failed, without the URL.
        message: String,
    },
    /// The answer was larger than the transport's cap
    /// ([`TransportBuilder::max_answer_bytes`](crate::TransportBuilder::max_answer_bytes));
    /// it was not read past the cap.
    #[error("{operation}: the answer is larger than the {limit}-byte cap")]
    AnswerTooLarge {
        /// The operation id.
        operation: &'static str,
        /// The cap in bytes.
        limit: u64,
    },
    /// A request argument was missing or could not be converted.
    #[error("{operation}: invalid request: {}", crate::printable(.message))]
    InvalidRequest {
        /// The operation id.
        operation: &'static str,
        /// Which argument and why (never its value).
        message: String,
    },
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
    /// Not found (404). Never the answer to a write sent again after an
    /// attempt that may have acted: that is [`ErrorKind::OutcomeUnknown`].
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
    /// The answer was larger than the transport's cap.
    AnswerTooLarge,
    /// A write sent again after an attempt that may have acted was refused:
    /// the earlier attempt may have succeeded (see
    /// [`Error::OutcomeUnknown`]). Check the record before doing anything.
    OutcomeUnknown,
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

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::Token { source, .. } => match source {
                TokenError::Rejected { .. } => ErrorKind::Credentials,
                TokenError::Timeout => ErrorKind::Timeout,
                TokenError::Transport(_) => ErrorKind::Transport,
                _ => ErrorKind::TokenEndpoint,
            },
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Api { status, .. } => kind_of_status(*status),
            Error::UnexpectedStatus { status, .. } => match kind_of_status(*status) {
                ErrorKind::Rejected => ErrorKind::UnexpectedResponse,
                kind => kind,
            },
            Error::InvalidResponse { .. } => ErrorKind::UnexpectedResponse,
            Error::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Error::AnswerTooLarge { .. } => ErrorKind::AnswerTooLarge,
            Error::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
        }
    }

    /// Whether the server may have made the change this call asked for,
    /// although the call failed. `false` means it surely did not: the
    /// request was refused (a 4xx, a 401 or 429 included) or never sent
    /// (configuration, token, an invalid argument). `true` means check the
    /// record before sending a write again:
    ///
    /// - [`Error::OutcomeUnknown`]: a resend was refused after an attempt
    ///   that may have acted;
    /// - a timeout, or a connection that failed (one that could not be
    ///   opened is counted too: the error does not tell it apart);
    /// - a 5xx answer (a gateway's 502-504: the server behind it may have
    ///   done the work; a 500: it may have done part of it);
    /// - an answer that could not be read, or was too large, or had a status
    ///   the spec does not list: the server answered, perhaps with success.
    ///
    /// For a read it means nothing (a read changes nothing).
    pub fn may_have_succeeded(&self) -> bool {
        match self {
            Error::OutcomeUnknown { .. }
            | Error::Timeout { .. }
            | Error::Transport { .. }
            | Error::InvalidResponse { .. }
            | Error::AnswerTooLarge { .. } => true,
            Error::Api { status, .. } => status.is_server_error(),
            Error::UnexpectedStatus { status, .. } => !status.is_client_error(),
            Error::Config(_) | Error::Token { .. } | Error::InvalidRequest { .. } => false,
        }
    }

    /// The operation id (`search_patients`), for every error but a
    /// configuration error.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Config(_) => None,
            Error::Token { operation, .. }
            | Error::Api { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::InvalidResponse { operation, .. }
            | Error::Timeout { operation }
            | Error::Transport { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::AnswerTooLarge { operation, .. }
            | Error::OutcomeUnknown { operation, .. } => Some(operation),
        }
    }

    /// The HTTP status, when the error came from an answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::OutcomeUnknown { status, .. } => Some(*status),
            Error::Token { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The server's error body, when it sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { body, .. } | Error::OutcomeUnknown { body, .. } => Some(body),
            Error::Token { source, .. } => source.body(),
            _ => None,
        }
    }

    /// Converts progenitor's error for `operation`. Called by the generated
    /// `send()` of every operation; progenitor's error never leaves the crate
    /// (its `Display` prints response bodies and URLs). `fields` are the
    /// spec's property names, sorted: only they are named in a decode error's
    /// JSON path.
    pub(crate) fn from_raw(
        raw: progenitor_client::Error<ApiError>,
        operation: &'static str,
        fields: &[&str],
    ) -> Self {
        use progenitor_client::Error as R;
        match raw {
            R::InvalidRequest(message) => Error::InvalidRequest { operation, message },
            R::CommunicationError(e) | R::InvalidUpgrade(e) | R::ResponseBodyError(e) => {
                describe_transport(e, operation)
            }
            R::ErrorResponse(rv) => {
                let (status, unknown) = (rv.status(), outcome::is_marked(rv.headers()));
                Error::answered(operation, status, rv.into_inner(), unknown)
            }
            R::InvalidResponsePayload(body, e) => Error::InvalidResponse {
                operation,
                message: describe_json(&e, &body, fields),
            },
            R::UnexpectedResponse(response) if outcome::is_marked(response.headers()) => {
                Error::OutcomeUnknown {
                    operation,
                    status: response.status(),
                    body: Box::default(),
                }
            }
            R::UnexpectedResponse(response) => Error::UnexpectedStatus {
                operation,
                status: response.status(),
            },
            // The hooks never fail; should one, its text is no value of the caller's.
            R::Custom(message) => Error::InvalidRequest { operation, message },
        }
    }
}

impl Error {
    /// An error answer of `operation`: [`Error::OutcomeUnknown`] when the send
    /// loop marked it (`unknown`), else [`Error::Api`].
    pub(crate) fn answered(
        operation: &'static str,
        status: StatusCode,
        body: ApiError,
        unknown: bool,
    ) -> Self {
        let body = Box::new(body);
        if unknown {
            Error::OutcomeUnknown {
                operation,
                status,
                body,
            }
        } else {
            Error::Api {
                operation,
                status,
                body,
            }
        }
    }
}

/// Describes a `reqwest` error of `operation` without its URL.
pub(crate) fn describe_transport(e: reqwest::Error, operation: &'static str) -> Error {
    if let Some(limit) = crate::answer_cap::too_large(&e) {
        return Error::AnswerTooLarge { operation, limit };
    }
    if e.is_timeout() {
        return Error::Timeout { operation };
    }
    Error::Transport {
        operation,
        message: transport_message(e),
    }
}

/// A `reqwest` error's text and its sources', without the URL, and without
/// any control or bidi character (see [`crate::printable`]).
pub(crate) fn transport_message(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        // A nested `reqwest` error (a refused redirect nests one) prints
        // its URL: only its kind is told.
        match s.downcast_ref::<reqwest::Error>() {
            Some(inner) if inner.is_redirect() => message.push_str("redirect refused"),
            Some(inner) if inner.is_timeout() => message.push_str("timed out"),
            Some(inner) if inner.is_connect() => message.push_str("cannot connect"),
            Some(_) => message.push_str("request failed"),
            None => message.push_str(&s.to_string()),
        }
        source = s.source();
    }
    crate::printable(&message).into_owned()
}

/// Describes a JSON error without the value that broke it (serde_json quotes
/// the offending string, which may be a PHN or a name), naming the field it
/// happened in when the document is at hand. Only keys in `fields` (sorted)
/// are named; any other key, which may be data, is shown as `…`.
pub(crate) fn describe_json(e: &serde_json::Error, document: &[u8], fields: &[&str]) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "malformed JSON",
        serde_json::error::Category::Data => "unexpected JSON shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    let at = json_path_at(document, e.line(), e.column(), fields)
        .map(|path| format!(" in `{path}`"))
        .unwrap_or_default();
    format!("{kind}{at} at line {} column {}", e.line(), e.column())
}

/// The JSON path (`contents[0].demographics.birthday`) of the value that ends
/// at `line`:`column` (1-based, as serde_json reports). Only keys found in
/// `fields` (sorted) and indices are returned, never values; another key is
/// `…`.
pub(crate) fn json_path_at(
    doc: &[u8],
    line: usize,
    column: usize,
    fields: &[&str],
) -> Option<String> {
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
                let known = fields.binary_search(&k.as_str()).is_ok();
                path.push_str(if known { k } else { "…" });
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
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
