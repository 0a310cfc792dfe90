//! Errors: the client's typed [`Error`], and the configuration's
//! [`ConfigError`].
//!
//! Nothing here ever holds a request URL (its query string can carry a PHN or a
//! name), a token, a secret, or a response body that may hold health data; the
//! server's error texts are printed only when they cannot carry a value (see
//! [`crate::ApiError`]).

use reqwest::StatusCode;

use crate::api_error::ApiError;
use crate::token::TokenError;

mod convert;
mod describe;
mod kind;

pub(crate) use describe::{describe_json, describe_transport, transport_message};
pub use kind::ErrorKind;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A configuration value that is missing or malformed. The message names the
/// setting (the builder method, or the environment variable for
/// [`ClientBuilder::from_env`](crate::ClientBuilder::from_env)) and never shows a secret's value.
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
/// the spec, which is also the method's name). [`kind`](Self::kind) sorts an
/// error for deciding what to do about it; [`may_have_succeeded`](Self::may_have_succeeded)
/// tells whether a failed write may still have been made.
///
/// It is safe to log as it is: `{}`, `{:?}`, `.unwrap()`, and `?` into
/// `anyhow` or `Box<dyn std::error::Error>` show no URL (its query can carry a
/// PHN or a name), no query value, token, secret or response body.
///
/// - Accuro's error body is shown through [`ApiError`], which prints a server
///   text only when it is known to carry no value the caller sent; any other
///   text shows its length only. [`api_error`](Self::api_error) still has the
///   texts, for code that must read them (and must not print them).
/// - An answer that cannot be decoded ([`Error::InvalidResponse`]) is named
///   by the JSON path where decoding failed, with the spec's field names only
///   (another key, which may be data, shows as `…`), never by the value.
/// - Every text from the server or from the libraries beneath passes through
///   [`printable`](crate::printable): control, C1, bidi and invisible format
///   characters become U+FFFD.
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
    /// A request argument was missing or could not be converted, and nothing
    /// was sent. Path values are percent-encoded whole (`/`, `\`, `?`, `#`
    /// and `%` included); one that is empty, `.` or `..`, which no encoding
    /// keeps from a URL parser, is refused here, so a value never reaches
    /// another endpoint.
    #[error("{operation}: invalid request: {}", crate::printable(.message))]
    InvalidRequest {
        /// The operation id.
        operation: &'static str,
        /// Which argument and why (never its value).
        message: String,
    },
}

impl Error {
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
}

#[cfg(test)]
mod tests;
