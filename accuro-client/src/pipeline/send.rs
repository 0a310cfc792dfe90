//! The send loop: one request sent, again as the retry policy decides, and
//! once more with a new token after a 401. Its steps are named functions,
//! and what it sends through is a [`Parts`]: the client in production, a
//! stand-in in the unit tests (no HTTP, a paused clock).
//!
//! 1. [`attempt`]: a place among the transport's requests in flight, the
//!    request sent, its outcome read as an [`Attempt`];
//! 2. [`share_pause`]: a 429's `Retry-After` recorded in the shared store;
//! 3. [`refused`]: a 401 drops the refused token (the store learns first);
//!    the request is replayed once with a new token ([`with_new_token`]);
//! 4. the pure retry decision ([`RetryPolicy::decide`](crate::RetryPolicy)),
//!    its wait slept on tokio's clock, the resend given a sendable token
//!    ([`restamp`]);
//! 5. [`finish`]: the new-id answer normalised ([`normalise_new_id`]), a
//!    refused resend of a write marked as an unknown outcome ([`outcome`]).

use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use progenitor_client::OperationInfo;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::SecretString;
use tokio::time::Instant;

use super::{TOKEN_OPERATION, millis};
use crate::Client;
use crate::generated::operation_route;
use crate::new_id::normalise_new_id;
use crate::outcome;
use crate::retry::{Attempt, Decision, RetryPolicy, attempt_of_error, retry_after};
use crate::state::ClinicState;
use crate::token::Fetch;

/// What the loop sends through: an attempt on the wire, and a token
/// renewal (after a 401).
pub(crate) trait Parts {
    /// Sends one attempt.
    fn execute(&self, request: Request) -> impl Future<Output = reqwest::Result<Response>> + Send;
    /// A token renewal, ready to run in a task of its own.
    fn renewal(&self, refresh: Option<SecretString>) -> Fetch;
}

impl Parts for Client {
    fn execute(&self, request: Request) -> impl Future<Output = reqwest::Result<Response>> + Send {
        self.client.execute(request)
    }

    fn renewal(&self, refresh: Option<SecretString>) -> Fetch {
        Client::renewal(self, refresh)
    }
}

/// A place among the transport's requests in flight, held by an answer.
#[derive(Clone)]
struct InFlight(
    #[allow(dead_code, reason = "held for its drop")] Arc<tokio::sync::OwnedSemaphorePermit>,
);

/// Sends `request` through `parts`, again as the retry policy decides, and
/// once more with a new token after a 401. One copy of the request is kept
/// per attempt, and only when a retry or replay could use it. Returns the
/// answer and the number of attempts (also on failure).
pub(crate) async fn send<P: Parts>(
    parts: &P,
    clinic: &ClinicState,
    policy: &RetryPolicy,
    mut request: Request,
    info: &OperationInfo,
) -> (reqwest::Result<Response>, u32) {
    let is_token = info.operation_id == TOKEN_OPERATION;
    // Looked up only when a retry is considered (rare).
    let idempotent = || operation_route(info.operation_id).is_some_and(|r| r.idempotent);
    let may_retry = !is_token && policy.max_attempts > 1;
    let mut may_replay = !is_token;
    let started = Instant::now();
    let mut attempts = 0u32;
    // Whether an attempt before the one answered may have acted (it was
    // sent again after a 502-504 or a cut): a refusal of the resend is then
    // an unknown outcome, not a plain refusal.
    let mut earlier_may_have_acted = false;
    loop {
        attempts = attempts.saturating_add(1);
        let spare = if (may_retry && attempts < policy.max_attempts) || may_replay {
            request.try_clone()
        } else {
            None
        };
        let sent_token = (!is_token)
            .then(|| request.headers().get(AUTHORIZATION).cloned())
            .flatten();
        let (mut outcome, attempt) =
            self::attempt(parts, clinic, request, is_token, attempts).await;
        if !is_token {
            share_pause(clinic, &attempt).await;
        }
        let unauthorized =
            !is_token && matches!(&outcome, Ok(r) if r.status() == StatusCode::UNAUTHORIZED);
        if unauthorized {
            refused(clinic, sent_token.as_ref());
            if may_replay {
                may_replay = false;
                // The refused answer gives its place up before a new token
                // is fetched (which may need one).
                if let Ok(response) = &mut outcome {
                    response.extensions_mut().remove::<InFlight>();
                }
                // Boxed: rare, and it keeps every call's future small.
                if let Some(next) = spare
                    && let Some(next) =
                        Box::pin(with_new_token(parts, clinic, next, sent_token.as_ref())).await
                {
                    tracing::debug!("401 answered; replaying once with a new token");
                    request = next;
                    continue;
                }
            }
        } else if may_retry
            && let Decision::RetryAfter(wait) = policy.decide(
                attempt,
                attempts,
                idempotent(),
                started.elapsed(),
                (clinic.jitter)(),
            )
            && let Some(next) = spare
        {
            tracing::debug!(
                attempt = attempts,
                wait_ms = millis(wait),
                "transient failure; retrying"
            );
            earlier_may_have_acted |= attempt.may_have_acted();
            // The answer is kept through the wait, in memory (its place,
            // connection and timer given up), in case no token can be had
            // for the resend: it then stands.
            if let Ok(response) = outcome {
                outcome = Ok(Box::pin(outcome::in_memory(response)).await);
            }
            // Boxed: rare, and it keeps every call's future small.
            Box::pin(tokio::time::sleep(wait)).await;
            if let Some(next) = Box::pin(restamp(parts, clinic, next)).await {
                drop(outcome);
                request = next;
                continue;
            }
            tracing::debug!("no sendable token for the resend; the last outcome stands");
        }
        return match outcome {
            Ok(response) => (
                Ok(finish(response, info, earlier_may_have_acted).await),
                attempts,
            ),
            Err(e) => (Err(e.without_url()), attempts),
        };
    }
}

/// One attempt: a place among the requests in flight (kept by the answer
/// until its body is read or dropped), the request sent, the outcome read
/// as the retry decision sees it.
async fn attempt<P: Parts>(
    parts: &P,
    clinic: &ClinicState,
    request: Request,
    is_token: bool,
    number: u32,
) -> (reqwest::Result<Response>, Attempt) {
    let counter = if is_token {
        &clinic.token_requests
    } else {
        &clinic.requests
    };
    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let sent = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
    let permit = match &clinic.in_flight {
        Some(limit) => Arc::clone(limit).acquire_owned().await.ok().map(Arc::new),
        None => None,
    };
    let mut outcome = parts.execute(request).await;
    if let (Some(permit), Ok(response)) = (permit, &mut outcome) {
        response.extensions_mut().insert(InFlight(permit));
    }
    let latency_ms = sent.map(|t| millis(t.elapsed()));
    let attempt = match &outcome {
        Ok(response) => {
            let status = response.status();
            tracing::debug!(
                attempt = number,
                status = status.as_u16(),
                latency_ms,
                "attempt answered"
            );
            Attempt::Answered {
                status,
                retry_after: is_transient(status)
                    .then(|| retry_after(response.headers(), SystemTime::now()))
                    .flatten(),
            }
        }
        Err(e) => {
            tracing::debug!(
                attempt = number,
                latency_ms,
                timeout = e.is_timeout(),
                connect = e.is_connect(),
                "attempt failed"
            );
            attempt_of_error(e)
        }
    };
    (outcome, attempt)
}

/// A 429 with a `Retry-After`: every process using the subscription key
/// pauses (recorded in the shared store, if there is one).
async fn share_pause(clinic: &ClinicState, attempt: &Attempt) {
    if let (
        Some(store),
        Attempt::Answered {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(wait),
        },
    ) = (&clinic.store, attempt)
    {
        Box::pin(store.shared.record_pause(&store.pause, *wait)).await;
    }
}

/// A 401: the refused token is dropped, replayable request or not. The
/// store learns of it first: a renewal started once the cache drops it must
/// not take it from the store.
fn refused(clinic: &ClinicState, sent_token: Option<&HeaderValue>) {
    if let Some(refused) = sent_token {
        if let Some(store) = clinic.store.as_ref().filter(|s| s.shares_tokens) {
            store.refuse(refused);
        }
        clinic.cache.reject(refused);
    }
}

/// After a 401: a token other than the refused one (the cache dropped the
/// refused one), on the request. `None` when there is no *different* token
/// to replay with (a refused token is never replayed).
async fn with_new_token<P: Parts>(
    parts: &P,
    clinic: &ClinicState,
    mut request: Request,
    refused: Option<&HeaderValue>,
) -> Option<Request> {
    let fresh = clinic
        .cache
        .token(|refresh| parts.renewal(refresh))
        .await
        .ok()?;
    if Some(&fresh.header) == refused {
        return None;
    }
    request
        .headers_mut()
        .insert(AUTHORIZATION, fresh.header.clone());
    Some(request)
}

/// Before a resend (after the retry wait): the request with a sendable
/// token, the current one or the renewal's (the wait may have taken its
/// token close to expiry). `None` when none can be had: the resend is not
/// sent. (The token request itself is never retried here.)
async fn restamp<P: Parts>(
    parts: &P,
    clinic: &ClinicState,
    mut request: Request,
) -> Option<Request> {
    let header = match clinic
        .cache
        .sendable_header(|refresh| parts.renewal(refresh))
    {
        Some(header) => header,
        None => clinic
            .cache
            .token(|refresh| parts.renewal(refresh))
            .await
            .ok()?
            .header
            .clone(),
    };
    request.headers_mut().insert(AUTHORIZATION, header);
    Some(request)
}

/// The answer handed back: a new id normalised, and a refused resend of a
/// write marked as an unknown outcome (a read changes nothing, whatever an
/// earlier attempt did).
async fn finish(
    response: Response,
    info: &OperationInfo,
    earlier_may_have_acted: bool,
) -> Response {
    let response = normalise_new_id(outcome::strip(response), info);
    let unknown = earlier_may_have_acted
        && outcome::may_follow_success(response.status())
        && !operation_route(info.operation_id).is_some_and(|r| r.safe);
    if unknown {
        // Boxed: rare, and it keeps every call's future small.
        return Box::pin(outcome::mark(response)).await;
    }
    response
}

/// Statuses whose `Retry-After` matters.
fn is_transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}
