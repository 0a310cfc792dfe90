//! [`ErrorKind`]: what kind of failure an [`Error`] is, and whether the
//! server may have acted on the call anyway.

use reqwest::StatusCode;

use super::Error;
use crate::token::TokenError;

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
                TokenError::BackingOff { last, .. }
                    if matches!(**last, TokenError::Rejected { .. }) =>
                {
                    ErrorKind::Credentials
                }
                TokenError::Timeout | TokenError::WaitedTooLong { .. } => ErrorKind::Timeout,
                // The switch's own answer: a 403 is the service user's
                // access to that office, not the token endpoint.
                TokenError::OfficeSwitch {
                    status: Some(status),
                    ..
                } => StatusCode::from_u16(*status).map_or(ErrorKind::TokenEndpoint, kind_of_status),
                TokenError::OfficeSwitch { timeout: true, .. } => ErrorKind::Timeout,
                TokenError::OfficeSwitch { .. } => ErrorKind::Transport,
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
}
