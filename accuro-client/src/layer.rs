//! The layer under every generated call: progenitor's hooks, implemented for
//! the generated [`Client`].
//!
//! - `pre`: drops progenitor's `api-version` header; for the token operation,
//!   adds HTTP Basic authentication; for every REST operation, adds
//!   `Authorization: Bearer …` (from the cache, fetched if needed),
//!   `X-QHR-Subscription-Key` and the `uuid` query parameter, each once.
//! - `exec`: sends the request in a `tracing` span (operation id, method, path
//!   template, status, attempts, latency: nothing else of the request), retries
//!   transient failures as the [`RetryPolicy`] allows; on a 401 drops the
//!   refused token (if it is still the cached one), gets a fresh one and
//!   replays the request once, when it can be replayed. Error answers are
//!   stripped of their URL and tagged with the operation id, so
//!   [`crate::Error`] can name it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Request, Response, StatusCode};
use secrecy::SecretString;
use tokio::time::Instant;

use tracing::Instrument as _;

use crate::Client;
use crate::error::{Error, RawError};
use crate::retry::{RetryPolicy, is_retryable_error, is_retryable_status, retry_after};
use crate::token::{Token, TokenCache, TokenError, TokenRequest};

/// The operation id of the token endpoint in the spec.
pub(crate) const TOKEN_OPERATION: &str = "request_token";
/// The subscription key header.
pub(crate) const SUBSCRIPTION_KEY: HeaderName = HeaderName::from_static("x-qhr-subscription-key");
/// Response header the layer adds to error answers: the operation id.
pub(crate) const OPERATION_HEADER: HeaderName =
    HeaderName::from_static("x-accuro-client-operation");
/// progenitor adds this header to every request; Accuro has no use for it.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");
/// Prefix of a hook error that carries a [`TokenError`] through progenitor's
/// `Error::Custom(String)`.
const TOKEN_ERROR_TAG: &str = "accuro-client token error: ";

/// What the generated [`Client`] carries: credentials, the clinic's uuid and
/// the token cache. Cheap to clone (shared). `Debug` shows no secret.
#[derive(Clone)]
pub struct Layer {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) basic: HeaderValue,
    pub(crate) scope: String,
    pub(crate) subscription_key: HeaderValue,
    pub(crate) uuid: String,
    pub(crate) refresh_margin: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) cache: TokenCache,
}

impl Layer {
    pub(crate) fn new(shared: Shared) -> Self {
        Self {
            shared: Arc::new(shared),
        }
    }

    /// A fresh token: cached, or fetched once for all concurrent callers.
    async fn token(&self, client: &Client) -> Result<Arc<Token>, TokenError> {
        self.shared
            .cache
            .get(|refresh| self.fetch(client, refresh))
            .await
    }

    /// Renews the token: with the refresh token when there is one (spent once),
    /// falling back to client credentials when there is none or it fails.
    async fn fetch(
        &self,
        client: &Client,
        refresh: Option<SecretString>,
    ) -> Result<Token, TokenError> {
        if let Some(refresh) = refresh {
            match self
                .request_token(client, TokenRequest::refresh(refresh))
                .await
            {
                Ok(token) => return Ok(token),
                Err(e) => {
                    tracing::debug!(error = %e, "refresh grant failed; falling back to client credentials")
                }
            }
        }
        let request = TokenRequest::client_credentials(self.shared.scope.clone());
        self.request_token(client, request).await
    }

    async fn request_token(
        &self,
        client: &Client,
        body: TokenRequest,
    ) -> Result<Token, TokenError> {
        let sent_at = Instant::now();
        let answer = client
            .request_token()
            .tenant(self.shared.tenant.as_str())
            .body(body)
            .send()
            .await;
        match answer {
            Ok(rv) => Token::from_response(rv.into_inner(), sent_at, self.shared.refresh_margin),
            Err(raw) => Err(token_error(raw)),
        }
    }
}

impl fmt::Debug for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.shared;
        f.debug_struct("Layer")
            .field("tenant", &s.tenant)
            .field("client_id", &s.client_id)
            .field("client_secret", &"[redacted]")
            .field("scope", &s.scope)
            .field("subscription_key", &"[redacted]")
            .field("uuid", &"[redacted]")
            .field("refresh_margin", &s.refresh_margin)
            .field("retry", &s.retry)
            .finish_non_exhaustive()
    }
}

fn token_error(raw: RawError) -> TokenError {
    match Error::from(raw) {
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
        Error::Timeout => TokenError::Timeout,
        Error::Transport(m) => TokenError::Transport(m),
        Error::InvalidResponse { message, .. } => TokenError::InvalidResponse(message),
        Error::Token(e) => e,
        Error::InvalidRequest(m) => TokenError::InvalidRequest(m),
        other => TokenError::InvalidRequest(other.to_string()),
    }
}

/// Turns a hook's `Error::Custom` text back into a typed error.
pub(crate) fn decode_hook_error(text: &str) -> Error {
    text.strip_prefix(TOKEN_ERROR_TAG)
        .and_then(|json| serde_json::from_str::<TokenError>(json).ok())
        .map(Error::Token)
        .unwrap_or_else(|| Error::InvalidRequest(text.to_owned()))
}

fn encode_hook_error<E>(e: &TokenError) -> progenitor_client::Error<E> {
    match serde_json::to_string(e) {
        Ok(json) => progenitor_client::Error::Custom(format!("{TOKEN_ERROR_TAG}{json}")),
        Err(_) => progenitor_client::Error::Custom(e.to_string()),
    }
}

/// The operation id the layer tagged an error answer with.
pub(crate) fn operation_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(&OPERATION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl ClientHooks<Layer> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let layer = self.inner();
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        if info.operation_id == TOKEN_OPERATION {
            headers.insert(AUTHORIZATION, layer.shared.basic.clone());
            return Ok(());
        }
        // The hit path reads the cache without allocating; only a miss builds
        // (and boxes: the token request goes through these hooks too) the
        // future that fetches a token.
        let bearer = match layer.shared.cache.fresh_header() {
            Some(header) => header,
            None => Box::pin(layer.token(self))
                .await
                .map_err(|e| encode_hook_error(&e))?
                .header
                .clone(),
        };
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, bearer);
        headers.insert(SUBSCRIPTION_KEY, layer.shared.subscription_key.clone());
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair("uuid", &layer.shared.uuid);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        // Field values are only computed when a subscriber wants the span.
        let span = tracing::debug_span!(
            "accuro.request",
            operation = info.operation_id,
            method = %request.method(),
            path = crate::generated::operation_route(info.operation_id).map_or("?", |(_, path)| path),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            return self.send(request, info).await.map(|(response, _)| response);
        }
        let started = std::time::Instant::now();
        let outcome = self.send(request, info).instrument(span.clone()).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok((response, attempts)) => {
                span.record("status", response.status().as_u16());
                span.record("attempts", attempts);
            }
            Err(_) => {
                span.record("status", "transport error");
            }
        }
        outcome.map(|(response, _)| response)
    }
}

impl Client {
    /// Makes sure a valid access token is cached: reuses it, or fetches one
    /// (shared with concurrent callers). Every call does this by itself; call
    /// it at start-up to find bad credentials, tenant or scopes before the
    /// first real request.
    ///
    /// ```no_run
    /// # async fn run() -> accuro_client::Result<()> {
    /// let client = accuro_client::Client::from_env()?;
    /// client.authenticate().await?; // Err(kind Credentials) if QHR refuses them
    /// # Ok(()) }
    /// ```
    pub async fn authenticate(&self) -> Result<(), Error> {
        let layer = self.inner();
        if layer.shared.cache.has_fresh() {
            return Ok(());
        }
        Box::pin(layer.token(self))
            .await
            .map(drop)
            .map_err(Error::Token)
    }

    /// Sends `request`: retries transient failures as the policy allows, and
    /// replays once with a new token after a 401. One copy of the request is
    /// kept per attempt, and only when a retry or replay could use it.
    /// Returns the answer and the number of attempts.
    async fn send(
        &self,
        mut request: Request,
        info: &OperationInfo,
    ) -> reqwest::Result<(Response, u32)> {
        let layer = self.inner();
        let policy = &layer.shared.retry;
        let is_token = info.operation_id == TOKEN_OPERATION;
        let may_retry = !is_token && policy.allows(request.method());
        let mut may_replay = !is_token;
        let started = Instant::now();
        let (mut attempts, mut retries) = (0u32, 0u32);
        loop {
            attempts += 1;
            let retry_left = may_retry && retries + 1 < policy.max_attempts;
            let spare = if retry_left || may_replay {
                request.try_clone()
            } else {
                None
            };
            let sent = tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now);
            let outcome = self.client().execute(request).await;
            let latency_ms = sent.map(|t| t.elapsed().as_millis() as u64);
            let response = match outcome {
                Ok(response) => response,
                Err(e) => {
                    tracing::debug!(
                        attempt = attempts,
                        latency_ms,
                        timeout = e.is_timeout(),
                        connect = e.is_connect(),
                        "attempt failed"
                    );
                    let wait = is_retryable_error(&e).then(|| policy.backoff(retries + 1));
                    match (wait, spare) {
                        (Some(wait), Some(next))
                            if retry_left && started.elapsed() + wait <= policy.max_elapsed =>
                        {
                            tracing::debug!(
                                attempt = attempts,
                                wait_ms = wait.as_millis() as u64,
                                "transport error; retrying"
                            );
                            // Boxed: rare, and it keeps every call's future small.
                            Box::pin(tokio::time::sleep(wait)).await;
                            (request, retries) = (next, retries + 1);
                            continue;
                        }
                        _ => return Err(e.without_url()),
                    }
                }
            };
            let status = response.status();
            tracing::debug!(
                attempt = attempts,
                status = status.as_u16(),
                latency_ms,
                "attempt answered"
            );
            if status == StatusCode::UNAUTHORIZED && may_replay {
                may_replay = false;
                // Boxed: rare, and it keeps every call's future small.
                if let Some(next) = spare
                    && let Some(next) = Box::pin(self.with_new_token(next)).await
                {
                    tracing::debug!("401 answered; replaying once with a new token");
                    request = next;
                    continue;
                }
                return Ok((tag_error_answer(response, info), attempts));
            }
            if retry_left && is_retryable_status(status) {
                let wait = retry_after(response.headers(), std::time::SystemTime::now())
                    .unwrap_or_else(|| policy.backoff(retries + 1));
                if let Some(next) = spare
                    && started.elapsed() + wait <= policy.max_elapsed
                {
                    tracing::debug!(
                        attempt = attempts,
                        wait_ms = wait.as_millis() as u64,
                        "transient failure; retrying"
                    );
                    drop(response);
                    // Boxed: rare, and it keeps every call's future small.
                    Box::pin(tokio::time::sleep(wait)).await;
                    (request, retries) = (next, retries + 1);
                    continue;
                }
            }
            return Ok((tag_error_answer(response, info), attempts));
        }
    }

    /// After a 401: drops the refused token if it is still the cached one and
    /// gets a new one. `None` when there is no *different* token to replay
    /// with (never replay a refused token).
    async fn with_new_token(&self, mut request: Request) -> Option<Request> {
        let layer = self.inner();
        let refused = request.headers().get(AUTHORIZATION).cloned();
        if let Some(refused) = &refused {
            layer.shared.cache.reject(refused);
        }
        let fresh = Box::pin(layer.token(self)).await.ok()?;
        if Some(&fresh.header) == refused.as_ref() {
            return None;
        }
        request
            .headers_mut()
            .insert(AUTHORIZATION, fresh.header.clone());
        Some(request)
    }
}

/// Operations that answer a new id. The server answers 201 with the id as the
/// body and a `Location` header; QHR's file documents 204 (a 204 cannot carry
/// a body, so the id is then only in `Location`), and older guides 200.
const ANSWERS_NEW_ID: [&str; 1] = ["create_patient"];

/// Turns any of those answers into the 201 the spec documents, so the method
/// returns the id whichever the server sent: a 200 keeps its body; an answer
/// without a body takes the id from the last path segment of `Location`.
/// Without a usable `Location` such an answer is left as it is (and is then
/// reported as an unexpected answer, not guessed at).
fn normalise_created(response: Response, info: &OperationInfo) -> Response {
    let status = response.status();
    if !ANSWERS_NEW_ID.contains(&info.operation_id)
        || ![StatusCode::OK, StatusCode::CREATED, StatusCode::NO_CONTENT].contains(&status)
    {
        return response;
    }
    let bodyless = status == StatusCode::NO_CONTENT || response.content_length() == Some(0);
    if !bodyless {
        if status == StatusCode::CREATED {
            return response;
        }
        let mut rebuilt = http::Response::from(response);
        *rebuilt.status_mut() = StatusCode::CREATED;
        return Response::from(rebuilt);
    }
    let id = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|l| l.split(['?', '#']).next())
        .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
        .and_then(|segment| segment.parse::<i64>().ok());
    let Some(id) = id else { return response };
    let mut rebuilt = http::Response::from(response).map(|_| reqwest::Body::from(id.to_string()));
    *rebuilt.status_mut() = StatusCode::CREATED;
    rebuilt.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    rebuilt
        .headers_mut()
        .remove(reqwest::header::CONTENT_LENGTH);
    Response::from(rebuilt)
}

/// For an error answer, replaces its URL (its query can hold PHI, and
/// progenitor's error `Display` prints it) and names the operation in a header.
/// Successful answers pass through untouched.
fn tag_error_answer(response: Response, info: &OperationInfo) -> Response {
    if response.status().is_success() {
        return normalise_created(response, info);
    }
    let mut response = http::Response::from(response);
    response.headers_mut().insert(
        OPERATION_HEADER,
        HeaderValue::from_static(info.operation_id),
    );
    Response::from(response)
}
