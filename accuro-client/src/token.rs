//! Access tokens: the token endpoint's request and answer, the cache, and the
//! errors of getting one.
//!
//! # Lifetimes
//!
//! A token's lifetime is measured on a monotonic clock read *before* its
//! request is sent, so time spent in flight counts against it. `expires_in`
//! is read as follows:
//!
//! | `expires_in` | lifetime |
//! | --- | --- |
//! | missing | [`DEFAULT_LIFETIME`] (5 minutes): short, so an unknown lifetime costs a few extra token requests rather than failed calls |
//! | 0 or negative | none: the token serves the calls that were waiting for it and is never reused |
//! | above [`MAX_LIFETIME`] (24 hours) | capped at 24 hours |
//!
//! A cached token is renewed once less than the refresh margin (60 s by
//! default, at most half the lifetime) is left, less a random jitter of up to
//! a tenth of the margin so that many clients started together do not renew
//! together. A 401 on a REST call also drops it, if it is still the token that
//! was refused.
//!
//! # Failures
//!
//! Concurrent callers that find no fresh token share one token request and
//! its outcome, error included. If renewal fails while the current token is
//! still valid, calls keep using it and renewal is tried again after a backoff
//! (1 s, doubling, at most 60 s, never past the token's expiry); once the
//! token has expired, callers get the renewal's error.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use crate::error::ApiError;

/// Lifetime assumed when the token answer has no `expires_in`.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Longest lifetime believed, whatever `expires_in` says.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// First wait before renewal is tried again after a failure (the current
/// token still being valid).
pub const RENEWAL_BACKOFF_START: Duration = Duration::from_secs(1);
/// Longest wait between renewal attempts.
pub const RENEWAL_BACKOFF_MAX: Duration = Duration::from_secs(60);

/// The grant of a token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    /// `client_credentials`: authenticate as the integrator application.
    ClientCredentials,
    /// `refresh_token`: spend a (single-use) refresh token.
    RefreshToken,
}

/// The form body of `POST /v1/token`. `Debug` redacts the refresh token.
#[derive(Clone)]
pub struct TokenRequest {
    /// The grant.
    pub grant_type: GrantType,
    /// Space-separated scopes (client credentials).
    pub scope: Option<String>,
    /// The refresh token to spend (refresh grant).
    pub refresh_token: Option<SecretString>,
}

impl TokenRequest {
    /// A client-credentials request for these space-separated scopes.
    pub fn client_credentials(scope: impl Into<String>) -> Self {
        Self {
            grant_type: GrantType::ClientCredentials,
            scope: Some(scope.into()),
            refresh_token: None,
        }
    }

    /// A refresh-token request.
    pub fn refresh(refresh_token: SecretString) -> Self {
        Self {
            grant_type: GrantType::RefreshToken,
            scope: None,
            refresh_token: Some(refresh_token),
        }
    }
}

impl Serialize for TokenRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("TokenRequest", 3)?;
        st.serialize_field("grant_type", &self.grant_type)?;
        match &self.scope {
            Some(scope) => st.serialize_field("scope", scope)?,
            None => st.skip_field("scope")?,
        }
        match &self.refresh_token {
            Some(token) => st.serialize_field("refresh_token", token.expose_secret())?,
            None => st.skip_field("refresh_token")?,
        }
        st.end()
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("scope", &self.scope)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// The token endpoint's answer. Tokens are kept in `secrecy` types; `Debug`
/// redacts them.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct TokenResponse {
    /// `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Lifetime in seconds from now (see the module docs for odd values).
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub expires_in: Option<i64>,
    /// The access token.
    pub access_token: SecretString,
    /// The granted scopes, separated by spaces and/or commas.
    #[serde(default)]
    pub scope: Option<String>,
    /// A single-use refresh token, when the server issues one.
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
}

impl TokenResponse {
    /// The granted scopes, read leniently (commas and/or spaces, stray blanks).
    pub fn scopes(&self) -> Vec<&str> {
        split_scopes(self.scope.as_deref().unwrap_or_default())
    }
}

/// Splits a scope list on commas and white space, dropping empty items.
pub fn split_scopes(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect()
}

fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_i64().or_else(|| {
            n.as_f64()
                .map(|f| f.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
        }),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("access_token", &"[redacted]")
            .field("scope", &self.scope)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Why no access token could be obtained.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum TokenError {
    /// The token endpoint refused the request (400/401): wrong client id or
    /// secret, unknown tenant, or scopes the clinic did not grant.
    #[error("the token endpoint refused the credentials, tenant or scopes ({status}): {body}")]
    Rejected {
        /// The HTTP status code.
        status: u16,
        /// The server's error body (boxed: it keeps errors small).
        body: Box<ApiError>,
    },
    /// The token request timed out.
    #[error("the token request timed out")]
    Timeout,
    /// The token request could not be sent or its answer not received.
    #[error("the token request failed: {0}")]
    Transport(String),
    /// The token endpoint answered a status it should not (such as 500).
    #[error("the token endpoint answered an unexpected status {status}")]
    UnexpectedStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The token endpoint's answer could not be used.
    #[error("the token endpoint's answer could not be used: {0}")]
    InvalidResponse(String),
    /// The token request could not be built (a configuration problem).
    #[error("the token request could not be built: {0}")]
    InvalidRequest(String),
}

impl TokenError {
    /// The HTTP status of the token endpoint's answer, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            TokenError::Rejected { status, .. } | TokenError::UnexpectedStatus { status } => {
                StatusCode::from_u16(*status).ok()
            }
            _ => None,
        }
    }

    /// The token endpoint's error body, if it sent one.
    pub fn body(&self) -> Option<&ApiError> {
        match self {
            TokenError::Rejected { body, .. } => Some(body),
            _ => None,
        }
    }
}

/// A cached access token.
pub(crate) struct Token {
    /// `Bearer <access token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    refresh_at: Instant,
    expires_at: Instant,
    refresh_token: Mutex<Option<SecretString>>,
}

impl Token {
    /// Builds a token from an answer whose request was sent at `sent_at`.
    pub(crate) fn from_response(
        response: TokenResponse,
        sent_at: Instant,
        margin: Duration,
    ) -> Result<Self, TokenError> {
        let access = response.access_token.expose_secret().trim();
        if access.is_empty() {
            return Err(TokenError::InvalidResponse("empty access_token".into()));
        }
        let mut header = HeaderValue::try_from(format!("Bearer {access}")).map_err(|_| {
            TokenError::InvalidResponse(
                "access_token has characters not allowed in a header".into(),
            )
        })?;
        header.set_sensitive(true);
        let lifetime = match response.expires_in {
            None => DEFAULT_LIFETIME,
            Some(s) if s <= 0 => Duration::ZERO,
            Some(s) => Duration::from_secs(s.unsigned_abs()).min(MAX_LIFETIME),
        };
        let margin = margin.min(lifetime / 2);
        let jitter = margin.mul_f64(fastrand::f64() / 10.0);
        let margin = margin + jitter;
        Ok(Token {
            header,
            refresh_at: sent_at + (lifetime - margin),
            expires_at: sent_at + lifetime,
            refresh_token: Mutex::new(response.refresh_token),
        })
    }

    fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }

    fn is_valid(&self, now: Instant) -> bool {
        now < self.expires_at
    }

    /// Takes the refresh token out, so it is spent at most once.
    fn take_refresh_token(&self) -> Option<SecretString> {
        self.refresh_token.lock().ok().and_then(|mut t| t.take())
    }
}

type Flight = Arc<OnceCell<Result<Arc<Token>, TokenError>>>;

/// The token cache: a lock-free read of the current token, and single-flight
/// renewal (concurrent callers that find no fresh token share one request and
/// its outcome).
#[derive(Default)]
pub(crate) struct TokenCache {
    current: ArcSwapOption<Token>,
    flight: Mutex<Option<Flight>>,
    backoff: Mutex<Backoff>,
}

/// When renewal may be tried again after a failure.
#[derive(Default)]
struct Backoff {
    next_attempt: Option<Instant>,
    delay: Duration,
}

impl TokenCache {
    /// The `Authorization` header of the current token, if it is fresh: the
    /// hit path of every call (no lock, no allocation).
    pub(crate) fn fresh_header(&self) -> Option<HeaderValue> {
        let guard = self.current.load();
        match &*guard {
            Some(t) if t.is_fresh(Instant::now()) => Some(t.header.clone()),
            _ => None,
        }
    }

    /// Whether a fresh token is cached. Writes nothing shared (not even a
    /// reference count), so concurrent callers do not contend.
    pub(crate) fn has_fresh(&self) -> bool {
        self.current
            .load()
            .as_ref()
            .is_some_and(|t| t.is_fresh(Instant::now()))
    }

    /// The current token, if it is fresh.
    pub(crate) fn fresh(&self) -> Option<Arc<Token>> {
        let guard = self.current.load();
        match &*guard {
            Some(t) if t.is_fresh(Instant::now()) => Some(Arc::clone(t)),
            _ => None,
        }
    }

    /// A fresh token: the cached one, or one from `fetch`, called with the
    /// refresh token (if any) and by one caller at a time.
    ///
    /// If renewal fails while the current token is still valid, the current
    /// token is returned (and renewal is tried again on the next call).
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<Token>, TokenError>
    where
        F: FnOnce(Option<SecretString>) -> Fut,
        Fut: Future<Output = Result<Token, TokenError>>,
    {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        if let Some(t) = self.valid_while_backing_off() {
            return Ok(t);
        }
        let flight = {
            let mut slot = self.flight.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(slot.get_or_insert_with(Flight::default))
        };
        // If the caller running `fetch` is cancelled, another waiter runs its own.
        let outcome = flight
            .get_or_init(|| async {
                if let Some(t) = self.fresh() {
                    return Ok(t);
                }
                let previous = self.current.load_full();
                let refresh = previous.as_ref().and_then(|t| t.take_refresh_token());
                match fetch(refresh).await {
                    Ok(token) => {
                        let token = Arc::new(token);
                        self.current.store(Some(Arc::clone(&token)));
                        *self.backoff.lock().unwrap_or_else(|e| e.into_inner()) = Backoff::default();
                        Ok(token)
                    }
                    Err(e) => match previous.filter(|t| t.is_valid(Instant::now())) {
                        Some(still_valid) => {
                            let wait = self.back_off(&still_valid);
                            tracing::warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "token renewal failed; the current token is still valid and stays in use");
                            Ok(still_valid)
                        }
                        None => Err(e),
                    },
                }
            })
            .await
            .clone();
        let mut slot = self.flight.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            *slot = None;
        }
        outcome
    }

    /// The current token, if it is still valid and renewal is backing off
    /// after a failure.
    fn valid_while_backing_off(&self) -> Option<Arc<Token>> {
        let now = Instant::now();
        let backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
        if backoff.next_attempt.is_none_or(|at| now >= at) {
            return None;
        }
        drop(backoff);
        let guard = self.current.load();
        guard.as_ref().filter(|t| t.is_valid(now)).map(Arc::clone)
    }

    /// Records a failed renewal; returns the wait before the next attempt.
    fn back_off(&self, still_valid: &Token) -> Duration {
        let now = Instant::now();
        let mut backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
        let delay = if backoff.delay.is_zero() {
            RENEWAL_BACKOFF_START
        } else {
            (backoff.delay * 2).min(RENEWAL_BACKOFF_MAX)
        };
        backoff.delay = delay;
        // A little jitter, and never past the token's expiry.
        let wait = delay.mul_f64(0.9 + fastrand::f64() / 5.0);
        let at = (now + wait).min(still_valid.expires_at);
        backoff.next_attempt = Some(at);
        at - now
    }

    /// Drops the current token if it is the one whose header was refused.
    /// Returns whether a token was dropped.
    pub(crate) fn reject(&self, refused: &HeaderValue) -> bool {
        let current = self.current.load();
        match &*current {
            Some(t) if t.header == *refused => {
                let prev = self.current.compare_and_swap(&*current, None);
                matches!((&*prev, &*current), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(expires_in: Option<i64>) -> TokenResponse {
        TokenResponse {
            token_type: None,
            expires_in,
            access_token: SecretString::from("synthetic"),
            scope: None,
            refresh_token: None,
        }
    }

    #[test]
    fn renewal_point_is_jittered_within_a_tenth_of_the_margin() {
        let sent = Instant::now();
        let margin = Duration::from_secs(60);
        let points: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Token::from_response(response(Some(3600)), sent, margin).expect("token");
                t.refresh_at - sent
            })
            .collect();
        let earliest = Duration::from_secs(3600 - 66);
        let latest = Duration::from_secs(3600 - 60);
        assert!(
            points.iter().all(|p| *p >= earliest && *p <= latest),
            "{points:?}"
        );
        let distinct: std::collections::BTreeSet<_> = points.iter().collect();
        assert!(
            distinct.len() > 100,
            "jittered: {} distinct points",
            distinct.len()
        );
    }

    #[test]
    fn odd_lifetimes() {
        let sent = Instant::now();
        let margin = Duration::from_secs(60);
        let zero = Token::from_response(response(Some(0)), sent, margin).expect("token");
        assert_eq!(zero.expires_at, sent);
        let negative = Token::from_response(response(Some(-5)), sent, margin).expect("token");
        assert_eq!(negative.expires_at, sent);
        let missing = Token::from_response(response(None), sent, margin).expect("token");
        assert_eq!(missing.expires_at - sent, DEFAULT_LIFETIME);
        let huge = Token::from_response(response(Some(i64::MAX)), sent, margin).expect("token");
        assert_eq!(huge.expires_at - sent, MAX_LIFETIME);
        // A short lifetime keeps at least half of it usable.
        let short = Token::from_response(response(Some(20)), sent, margin).expect("token");
        assert!(
            short.refresh_at - sent >= Duration::from_secs(9),
            "{:?}",
            short.refresh_at - sent
        );
    }
}
