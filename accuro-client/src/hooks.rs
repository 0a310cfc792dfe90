//! progenitor's hooks under every generated call, and the send loop.
//!
//! - Before a request is built, the generated `send()` calls
//!   [`Client::before_call`]: it makes sure a valid token is cached (waiting
//!   only when there is none), so the hooks themselves never fail.
//! - `pre`: for the token operation, adds HTTP Basic authentication; for every
//!   REST operation, adds `Authorization: Bearer …` (the cached token),
//!   `X-QHR-Subscription-Key` and the `uuid` query parameter, each once.
//! - `exec`: sends the request in a `tracing` span named on OpenTelemetry's
//!   HTTP client conventions (method, path template, server address and
//!   port, status, error type, resends, beside the operation id: nothing
//!   else of the request; no `url.full`, since the query may hold health
//!   data), and hands the transport's audit sink one event per call (see
//!   [`crate::audit`]). After
//!   each attempt the pure [`RetryPolicy::decide`] says whether to send it
//!   again; a 401 always drops the refused token (if it is still the cached
//!   one), and the request is replayed once with a new token when its body
//!   can be replayed. Answers that carry a new id are normalised
//!   ([`normalise_created`]), and a refusal of a write sent again after an
//!   attempt that may have acted is marked as an unknown outcome
//!   ([`outcome`]).

use std::sync::Arc;
use std::time::SystemTime;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::SecretString;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::Client;
use crate::audit::{self, AuditOutcome};
use crate::call::BeforeCall;
use crate::created::normalise_created;
use crate::error::Error;
use crate::generated::operation_route;
use crate::layer::Layer;
use crate::outcome;
use crate::retry::{Attempt, Decision, attempt_of_error, retry_after};
use crate::token::{Fetch, Judge, Token, TokenError, TokenInfo, TokenRequest};

/// A place among the transport's requests in flight, held by an answer.
#[derive(Clone)]
struct InFlight(
    #[allow(dead_code, reason = "held for its drop")] Arc<tokio::sync::OwnedSemaphorePermit>,
);

/// The operation id of the token endpoint in the spec.
pub(crate) const TOKEN_OPERATION: &str = "request_token";
/// The subscription key header.
pub(crate) const SUBSCRIPTION_KEY: HeaderName = HeaderName::from_static("x-qhr-subscription-key");

impl BeforeCall for Client {
    /// Makes sure a valid token is cached before `operation`'s request is
    /// built: the current token (a due renewal starts in the background), or,
    /// when there is none, the renewal in flight. Called by every generated
    /// `send()` and every handwritten call.
    async fn before_call(&self, operation: &'static str) -> Result<(), Error> {
        if operation == TOKEN_OPERATION {
            return Ok(());
        }
        let shared = &self.inner().shared;
        // A 429 pause another process recorded for the subscription key,
        // waited out before the token is looked at (it may expire meanwhile).
        if let Some(store) = &shared.store
            && store.shared.may_be_paused(&store.pause)
        {
            Box::pin(
                store
                    .shared
                    .wait_out_pause(&store.pause, shared.retry.max_elapsed),
            )
            .await;
        }
        let cache = &shared.cache;
        if cache.has_valid(|refresh| self.renewal(refresh)) {
            return Ok(());
        }
        // Boxed: rare (no valid token), and it keeps every call's future small.
        Box::pin(cache.token(|refresh| self.renewal(refresh)))
            .await
            .map(drop)
            .map_err(|source| Error::Token { operation, source })
    }
}

impl Client {
    /// Makes sure a fresh access token is cached: reuses it, or waits for
    /// the renewal (shared with concurrent callers, and with the background
    /// renewal calls start once a token is due). Every call gets a token by
    /// itself; call this at start-up to find bad credentials, tenant or
    /// scopes before the first real request.
    ///
    /// ```no_run
    /// # async fn run() -> accuro_client::Result<()> {
    /// let client = accuro_client::Client::from_env()?;
    /// client.authenticate().await?; // Err(kind Credentials) if QHR refuses them
    /// # Ok(()) }
    /// ```
    pub async fn authenticate(&self) -> Result<(), Error> {
        let cache = &self.inner().shared.cache;
        if cache.has_fresh() {
            return Ok(());
        }
        Box::pin(cache.fresh_token(|refresh| self.renewal(refresh)))
            .await
            .map(drop)
            .map_err(|source| Error::Token {
                operation: TOKEN_OPERATION,
                source,
            })
    }

    /// What the clinic's access token allows and how long it lives: the
    /// scopes granted, the time left, the time to its renewal. Fetches a
    /// token first when none is fresh (as [`authenticate`](Self::authenticate)
    /// does). The token itself is never handed out.
    ///
    /// ```no_run
    /// # async fn run() -> accuro_client::Result<()> {
    /// let client = accuro_client::Client::from_env()?;
    /// let info = client.token_info().await?;
    /// println!("scopes {:?}, valid for {:?}", info.scopes, info.expires_in);
    /// # Ok(()) }
    /// ```
    pub async fn token_info(&self) -> Result<TokenInfo, Error> {
        self.authenticate().await?;
        self.inner().shared.cache.info().ok_or(Error::Token {
            operation: TOKEN_OPERATION,
            source: TokenError::InvalidResponse("no token after a successful renewal".into()),
        })
    }

    /// A token renewal, ready to run in a task of its own: it owns a clone
    /// of the client (shared state, no copy of the settings). With a shared
    /// store, the store is asked first and the token endpoint only under the
    /// store's lock (see [`SharedStore`](crate::token::SharedStore)).
    fn renewal(&self, refresh: Option<SecretString>) -> Fetch {
        let client = self.clone();
        Box::pin(async move {
            let shared = &client.inner().shared;
            match &shared.store {
                None => client.fetch_token(refresh).await,
                Some(store) => {
                    store
                        .shared
                        .fetch(
                            &store.key,
                            refresh,
                            Judge {
                                refused: store.refused(),
                                margin: shared.refresh_margin,
                                jitter: (shared.jitter)(),
                            },
                            |refresh| client.fetch_token(refresh),
                        )
                        .await
                }
            }
        })
    }

    /// Renews the token: with the refresh token when there is one (spent once),
    /// falling back to client credentials when there is none or it fails.
    async fn fetch_token(&self, refresh: Option<SecretString>) -> Result<Token, TokenError> {
        if let Some(refresh) = refresh {
            match self
                .request_token_once(TokenRequest::refresh(refresh))
                .await
            {
                Ok(token) => return Ok(token),
                Err(e) => {
                    tracing::debug!(error = %e, "refresh grant failed; falling back to client credentials")
                }
            }
        }
        let scope = self.inner().shared.scope.clone();
        self.request_token_once(TokenRequest::client_credentials(scope))
            .await
    }

    async fn request_token_once(&self, body: TokenRequest) -> Result<Token, TokenError> {
        let shared = &self.inner().shared;
        // The lifetime counts from before the request is sent.
        let sent_at = Instant::now();
        let answer = self
            .request_token()
            .tenant(shared.tenant.as_str())
            .body(body)
            .send()
            .await;
        match answer {
            Ok(rv) => Token::from_response(
                rv.into_inner(),
                sent_at,
                shared.refresh_margin,
                (shared.jitter)(),
            ),
            Err(e) => Err(token_error(e)),
        }
    }

    /// Sends `request`, again as the retry policy decides, and once more with
    /// a new token after a 401. One copy of the request is kept per attempt,
    /// and only when a retry or replay could use it. Returns the answer and
    /// the number of attempts (also on failure).
    async fn send(
        &self,
        mut request: Request,
        info: &OperationInfo,
    ) -> (reqwest::Result<Response>, u32) {
        let shared = &self.inner().shared;
        let policy = &shared.retry;
        let is_token = info.operation_id == TOKEN_OPERATION;
        // Looked up only when a retry is considered (rare).
        let idempotent = || operation_route(info.operation_id).is_some_and(|r| r.idempotent);
        let may_retry = !is_token && policy.max_attempts > 1;
        let mut may_replay = !is_token;
        let started = Instant::now();
        let mut attempts = 0u32;
        // Whether an attempt before the one answered may have acted (it was
        // sent again after a 502-504 or a cut): a refusal of the resend is
        // then an unknown outcome, not a plain refusal.
        let mut earlier_may_have_acted = false;
        let counter = if is_token {
            &shared.token_requests
        } else {
            &shared.requests
        };
        loop {
            attempts = attempts.saturating_add(1);
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let spare = if (may_retry && attempts < policy.max_attempts) || may_replay {
                request.try_clone()
            } else {
                None
            };
            let sent_token = (!is_token)
                .then(|| request.headers().get(AUTHORIZATION).cloned())
                .flatten();
            let sent = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
            // The transport's bound on requests in flight: the permit lives
            // in the answer until its body is read or dropped.
            let permit = match &shared.in_flight {
                Some(limit) => Arc::clone(limit).acquire_owned().await.ok().map(Arc::new),
                None => None,
            };
            let mut outcome = self.client().execute(request).await;
            if let (Some(permit), Ok(response)) = (permit, &mut outcome) {
                response.extensions_mut().insert(InFlight(permit));
            }
            let latency_ms = sent.map(|t| millis(t.elapsed()));
            let attempt = match &outcome {
                Ok(response) => {
                    let status = response.status();
                    tracing::debug!(
                        attempt = attempts,
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
                        attempt = attempts,
                        latency_ms,
                        timeout = e.is_timeout(),
                        connect = e.is_connect(),
                        "attempt failed"
                    );
                    attempt_of_error(e)
                }
            };
            if let (
                Some(store),
                Attempt::Answered {
                    status,
                    retry_after: Some(wait),
                },
            ) = (&shared.store, &attempt)
                && *status == StatusCode::TOO_MANY_REQUESTS
                && !is_token
            {
                Box::pin(store.shared.record_pause(&store.pause, *wait)).await;
            }
            if let Ok(response) = &outcome
                && response.status() == StatusCode::UNAUTHORIZED
                && !is_token
            {
                // Every 401 drops the refused token, replayable request or not.
                if let Some(refused) = &sent_token {
                    // The store learns of it first: a renewal started once
                    // the cache drops it must not take it from the store.
                    if let Some(store) = &shared.store {
                        store.refuse(refused);
                    }
                    shared.cache.reject(refused);
                }
                if may_replay {
                    may_replay = false;
                    // The refused answer gives its place up before a new
                    // token is fetched (which may need one).
                    if let Ok(response) = &mut outcome {
                        response.extensions_mut().remove::<InFlight>();
                    }
                    // Boxed: rare, and it keeps every call's future small.
                    if let Some(next) = spare
                        && let Some(next) =
                            Box::pin(self.with_new_token(next, sent_token.as_ref())).await
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
                    (shared.jitter)(),
                )
                && let Some(next) = spare
            {
                tracing::debug!(
                    attempt = attempts,
                    wait_ms = millis(wait),
                    "transient failure; retrying"
                );
                earlier_may_have_acted |= attempt.may_have_acted();
                drop(outcome);
                // Boxed: rare, and it keeps every call's future small.
                Box::pin(tokio::time::sleep(wait)).await;
                request = next;
                continue;
            }
            return match outcome {
                Ok(response) => {
                    let response = normalise_created(outcome::strip(response), info);
                    // A read changes nothing, whatever an earlier attempt did.
                    let unknown = earlier_may_have_acted
                        && outcome::may_follow_success(response.status())
                        && !operation_route(info.operation_id).is_some_and(|r| r.safe);
                    if unknown {
                        // Boxed: rare, and it keeps every call's future small.
                        return (Ok(Box::pin(outcome::mark(response)).await), attempts);
                    }
                    (Ok(response), attempts)
                }
                Err(e) => (Err(e.without_url()), attempts),
            };
        }
    }

    /// After a 401: a token other than the refused one (the cache dropped the
    /// refused one), on the request. `None` when there is no *different*
    /// token to replay with (a refused token is never replayed).
    async fn with_new_token(
        &self,
        mut request: Request,
        refused: Option<&HeaderValue>,
    ) -> Option<Request> {
        let cache = &self.inner().shared.cache;
        let fresh = cache.token(|refresh| self.renewal(refresh)).await.ok()?;
        if Some(&fresh.header) == refused {
            return None;
        }
        request
            .headers_mut()
            .insert(AUTHORIZATION, fresh.header.clone());
        Some(request)
    }
}

/// How a call ended: its last status, if any, and its outcome as the audit
/// trail names it (an answer marked by [`outcome::mark`] is an unknown outcome).
fn ended(outcome: &reqwest::Result<Response>) -> (Option<StatusCode>, AuditOutcome) {
    match outcome {
        Ok(response) => {
            let status = response.status();
            let kind = if outcome::is_marked(response.headers()) {
                AuditOutcome::OutcomeUnknown
            } else if status.is_client_error() || status.is_server_error() {
                AuditOutcome::Refused
            } else {
                AuditOutcome::Success
            };
            (Some(status), kind)
        }
        Err(e) if e.is_timeout() => (None, AuditOutcome::Timeout),
        Err(_) => (None, AuditOutcome::Transport),
    }
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

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The token endpoint's failure as a [`TokenError`].
fn token_error(e: Error) -> TokenError {
    match e {
        Error::Api {
            status, mut body, ..
        } => {
            // A refused value could echo a credential: never keep it.
            for v in body.constraint_violations.iter_mut().flatten() {
                v.value = None;
            }
            TokenError::Rejected {
                status: status.as_u16(),
                body,
            }
        }
        Error::UnexpectedStatus { status, .. } => TokenError::UnexpectedStatus {
            status: status.as_u16(),
        },
        Error::Timeout { .. } => TokenError::Timeout,
        Error::Transport { message, .. } => TokenError::Transport(message),
        Error::InvalidResponse { message, .. } => TokenError::InvalidResponse(message),
        Error::Token { source, .. } => source,
        Error::InvalidRequest { message, .. } => TokenError::InvalidRequest(message),
        Error::AnswerTooLarge { limit, .. } => {
            TokenError::InvalidResponse(format!("the answer is larger than the {limit}-byte cap"))
        }
        other => TokenError::InvalidRequest(other.to_string()),
    }
}

impl ClientHooks<Layer> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let shared = &self.inner().shared;
        let headers = request.headers_mut();
        if info.operation_id == TOKEN_OPERATION {
            headers.insert(AUTHORIZATION, shared.basic.clone());
            return Ok(());
        }
        // `before_call` made sure a valid token is cached. A token that
        // expired on arrival (`expires_in` 0) still serves the call it was
        // fetched for. Should the token have been dropped since (a 401 of
        // another call), the request goes without one: its 401 is then
        // replayed once with a new token.
        let bearer = shared
            .cache
            .valid_header(|refresh| self.renewal(refresh))
            .or_else(|| shared.cache.current_header());
        if let Some(bearer) = bearer {
            headers.insert(AUTHORIZATION, bearer);
        }
        headers.insert(SUBSCRIPTION_KEY, shared.subscription_key.clone());
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("uuid", &shared.uuid);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let shared = &self.inner().shared;
        let route = operation_route(info.operation_id);
        let template = route.map_or("?", |r| r.path);
        // Field values are only computed when a subscriber wants the span.
        // Names of OpenTelemetry's HTTP client conventions; no query, no
        // path value, no body.
        let span = tracing::debug_span!(
            "accuro.request",
            otel.kind = "client",
            otel.name = %format_args!("{} {template}", request.method()),
            operation = info.operation_id,
            http.request.method = %request.method(),
            url.template = template,
            server.address = request.url().host_str().unwrap_or(""),
            server.port = request.url().port_or_known_default(),
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let limit = shared.max_answer_bytes;
        // Recorded when the call ends, or when it is dropped first.
        let pending = shared
            .audit
            .as_ref()
            .filter(|_| info.operation_id != TOKEN_OPERATION)
            .map(|audit| {
                let method = route.map_or("?", |r| r.method);
                audit::Pending::start(
                    audit,
                    info.operation_id,
                    method,
                    template,
                    request.url().path(),
                )
            });
        let (outcome, attempts) = if span.is_disabled() {
            self.send(request, info).await
        } else {
            let started = std::time::Instant::now();
            let (outcome, attempts) = self.send(request, info).instrument(span.clone()).await;
            span.record("latency_ms", millis(started.elapsed()));
            span.record("attempts", attempts);
            if attempts > 1 {
                span.record("http.request.resend_count", attempts - 1);
            }
            (outcome, attempts)
        };
        // How the call ended, read once for the span and the audit event.
        if pending.is_some() || !span.is_disabled() {
            let (status, kind) = ended(&outcome);
            if let Some(status) = status {
                span.record("http.response.status_code", status.as_u16());
            }
            match (kind, status) {
                (AuditOutcome::Success, _) => {}
                (_, Some(status)) => {
                    span.record("error.type", status.as_str());
                }
                (AuditOutcome::Timeout, None) => {
                    span.record("error.type", "timeout");
                }
                (_, None) => {
                    span.record("error.type", "transport");
                }
            }
            if let Some(pending) = pending {
                pending.finish(status.map(|s| s.as_u16()), kind, attempts);
            }
        }
        outcome.map(|response| crate::answer_cap::cap(response, limit))
    }
}
