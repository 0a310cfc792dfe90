//! The request pipeline: every call, generated or handwritten (and the
//! probe's raw reads), goes through these steps.
//!
//! - [`token_source`]: before a request is built, the generated `send()`
//!   calls [`Client::before_call`](crate::call::BeforeCall): it makes sure a
//!   sendable token (more than [`SEND_MARGIN`](crate::token::SEND_MARGIN)
//!   left) is cached, waiting for the renewal only when there is none, so
//!   the hooks themselves never fail; a shared 429 pause is waited out first.
//! - [`hooks`] `pre`: for the token operation, adds HTTP Basic
//!   authentication; for every REST operation, adds `Authorization: Bearer
//!   …` (the cached token), `X-QHR-Subscription-Key` and the `uuid` query
//!   parameter, each once; a streamed body (never replayed) waits for a due
//!   renewal and goes with the new token.
//! - [`hooks`] `exec`: sends the request in a `tracing` span named on
//!   OpenTelemetry's HTTP client conventions (method, path template, server
//!   address and port, status, error type, resends, beside the operation id:
//!   nothing else of the request; no `url.full`, since the query may hold
//!   health data), hands the transport's audit sink one event per call (see
//!   [`crate::audit`]), and caps the answer's size.
//! - [`send`]: the loop of attempts, with its named steps: the send, the
//!   shared 429 pause, the 401 replay with a new token, the pure retry
//!   decision, the new-id normalisation and the unknown-outcome mark.

mod hooks;

pub(crate) use hooks::stamp_clinic;
mod send;
mod token_source;

#[cfg(test)]
mod tests;

use reqwest::header::HeaderName;

/// The operation id of the token endpoint in the spec.
pub(crate) const TOKEN_OPERATION: &str = "request_token";
/// The subscription key header.
pub(crate) const SUBSCRIPTION_KEY: HeaderName = HeaderName::from_static("x-qhr-subscription-key");

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
