//! Access tokens: the token endpoint's request and answer, the cache, the
//! errors of getting one, and the stores that replicas share them through.
//!
//! Every [`Client`](crate::Client) fetches its clinic's token on first use
//! (the client-credentials grant) and keeps it in memory; a call reads it
//! from there. Concurrent callers share it.
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
//! # Renewal
//!
//! A cached token is due for renewal once less than the refresh margin
//! ([`DEFAULT_REFRESH_MARGIN`](crate::DEFAULT_REFRESH_MARGIN), 60 s; at most
//! half the lifetime) is left, earlier by a random jitter of up to a tenth
//! of the margin, so that many clients started together do not renew
//! together ([`ClientBuilder::jitter`](crate::ClientBuilder::jitter) sets
//! its source; tests fix it).
//!
//! - While the cached token is valid, calls use it. The first call that
//!   finds it due starts one renewal in the background and goes on with the
//!   valid token: no call waits for a renewal while it has a token it can
//!   send.
//! - Only callers with no such token wait, and all of them share one token
//!   request and its outcome, error included (1,000 callers at a cold start:
//!   one request).
//! - The renewal runs in a task of its own: cancelling a caller neither
//!   restarts it, nor duplicates it, nor loses the refresh token it spends.
//!   It is bounded by the token timeout
//!   ([`DEFAULT_TOKEN_TIMEOUT`](crate::DEFAULT_TOKEN_TIMEOUT), 30 s),
//!   whatever the transport's other timeouts.
//! - When the answer carries a refresh token, the next renewal spends it
//!   once (`grant_type=refresh_token`), and falls back to client credentials
//!   if that fails.
//! - [`Client::authenticate`](crate::Client::authenticate) waits for a fresh
//!   token: call it at start-up to find bad credentials early.
//!   [`Client::token_info`](crate::Client::token_info) tells the scopes
//!   granted and the time left, never the token.
//!
//! # No token expires on the way
//!
//! A cached token is not sent with less than [`SEND_MARGIN`] (5 s, at most
//! half the refresh margin) left: a request stamped with it could reach
//! Accuro after it expired and be refused 401. A call that finds only such a
//! token waits for the renewal in flight (the one the refresh margin
//! started) instead, for at most the token timeout and never longer than its
//! own request timeout ([`TokenError::WaitedTooLong`]). A resend after a
//! retry wait is stamped the same way: a resend that no sendable token can
//! go with is not sent, and the answer before it stands. Only a token
//! fetched for the waiting calls that arrives with less than the margin left
//! (`expires_in` 0, or a very slow answer) still serves them.
//!
//! A call whose body cannot be sent twice (a streamed upload, which a 401
//! cannot replay) waits for the renewal as soon as one is due, and goes out
//! with the new token. If that renewal fails, it goes with the current token
//! only while that can still be sent, and otherwise fails unsent.
//!
//! Measured: 8 processes x 50 clinics sharing a store, a round of 400 calls
//! begun as their tokens expire: no call refused 401, one token request per
//! clinic; 106 were refused without the margin
//! (`tests/tests/replicas/expiry.rs`).
//!
//! # 401
//!
//! Every 401 on a REST call drops the refused token if it is still the
//! cached one (compare-and-swap: a newer token is never dropped), whether or
//! not the call can be replayed. The call is replayed once with a new token
//! when its body can be sent again; a second 401 is returned
//! ([`ErrorKind::Unauthorized`](crate::ErrorKind::Unauthorized)), never
//! looped on.
//!
//! # Failures
//!
//! If renewal fails while the current token can still be sent, calls keep
//! using it and renewal is tried again after a backoff
//! ([`RENEWAL_BACKOFF_START`], 1 s, doubling to [`RENEWAL_BACKOFF_MAX`],
//! 60 s; the last try at the send margin). Once the token cannot be sent,
//! the call whose token request failed gets its error, and the clinic's
//! calls after it fail fast with [`TokenError::BackingOff`] ("backing off
//! after N failed token request(s), next try in S s"; kind
//! [`TokenEndpoint`](crate::ErrorKind::TokenEndpoint), or
//! [`Credentials`](crate::ErrorKind::Credentials) when the endpoint refused
//! the credentials) until a window passes: 1 s doubling to 60 s, spread by
//! the jitter, reset by the next token. A token endpoint down for 5 s after
//! the token expired, called 50 times 100 ms apart: 3 token requests, 47
//! calls refused at once, and the first call after the window succeeds
//! (`tests/tests/faults/outage.rs`).
//!
//! Refused credentials (a wrong secret, a scope the clinic did not grant)
//! back off the same way: they are not treated as permanent, so credentials
//! fixed on QHR's side are picked up within a minute, without a restart.
//!
//! With a shared store the window is shared: the process whose token
//! request failed records it ([`TokenStore::set_backoff`]), and every
//! process backs off until it passes; a token clears it. 4 processes sharing
//! Redis through the same outage: 3 token requests in all, 14 when each
//! backs off alone (`tests/tests/replicas/backoff.rs`).
//!
//! # Many processes
//!
//! Replicas of a service share their tokens through a [`SharedStore`]
//! ([`TransportBuilder::shared_store`](crate::TransportBuilder::shared_store)):
//! one token request per clinic and scope set across them, a refresh token
//! spent once, a 429 pause for all of them and the backoff above; a store
//! that fails never fails a call. [`SharedStore`] says how. A token is known
//! by its [`StoreKey`], and a 429 pause by its [`PauseKey`].
//!
//! [`MemoryStore`] shares within a process; `RedisStore` (feature `redis`,
//! below) across processes. Another engine implements [`TokenStore`]: load,
//! save, take the refresh token, lock, extend and unlock it, pause, and the
//! shared backoff (those last with default bodies that share nothing).
//!
//! # Redis
//!
//! With the `redis` feature, `RedisStore` keeps the shared state in any
//! Redis 2.6.12 or later (or Valkey). It is built with
//! `RedisStore::builder(url)` (`redis://[:password@]host:port/db`), a seal
//! key (`seal_key_base64`) and, optionally, a key `prefix` (default
//! `accuro`: services that share one Redis but not their tokens use
//! different prefixes). Its keys:
//!
//! | what | Redis key | value |
//! | --- | --- | --- |
//! | a token | `{prefix}:token:{name}` | sealed (AES-256-GCM): the token, its scopes, lifetime and expiry; expiring with it (`PX`) |
//! | its refresh token | `{prefix}:refresh:{name}` | sealed; taken with a get-and-delete script, so one process gets it |
//! | its lock | `{prefix}:lock:{name}` | the holder's id, `SET NX PX` |
//! | a 429 pause | `{prefix}:pause:{name}` | sealed: when the pause ends (wall clock); expiring then |
//! | the token-request backoff | `{prefix}:backoff:{name}` | plain `failures,status,rejected,until`: no secret |
//! | the seal check | `{prefix}:seal-check` | a fixed text, sealed: a replica whose seal key does not open it says so |
//!
//! Commands: `GET`, `SET` with `NX`/`PX`, `PTTL`, `DEL`, `PING`, `MULTI`
//! (a `GET` and a `PTTL` read together), and `EVAL` of four short scripts,
//! each one atomic step: release a lock only if it is still held, extend it
//! only if it is still held, take a refresh token out, keep the longer
//! pause.
//!
//! - **Key names.** `{name}` is an HMAC-SHA-256 of the [`StoreKey`] (or
//!   [`PauseKey`]) under a key derived from the seal key: names tell nothing
//!   of the clinic or its secret, and no one reading Redis can test a
//!   guessed tenant, client id or secret against them.
//! - **Sealing.** Values are sealed with AES-256-GCM (RustCrypto `aes-gcm`),
//!   a fresh random nonce each, the key name as associated data (a value
//!   moved to another key does not open). A value that does not open (a
//!   changed byte) is a miss: logged without its content, and a new token
//!   asked for. The tests scan an uncompressed `SAVE` dump for every token,
//!   refresh token, secret, tenant and scope: none is there.
//! - **The seal key** is 32 random bytes in base64, the same on every
//!   replica (`openssl rand -base64 32`), from your secret store. A replica
//!   given another seal key finds none of the others' values: the seal check
//!   tells it, once, as a warning, and it goes on with tokens of its own. To
//!   rotate the key without misses, give every replica the new key with
//!   `also_open_with_base64`, then make it the seal key with the old one
//!   there (values are then also looked for under the old key's names), then
//!   drop the old one.
//! - **Expiry.** A token's time left is the lesser of Redis's `PTTL` and the
//!   expiry sealed in the value (wall clock, with 30 s for the hosts'
//!   clocks): no write to Redis, nor a write that lands late, can give it
//!   more than 30 s of extra life. A pause is sealed the same way: one that
//!   does not open (written by anyone else) is no pause, and is replaced by
//!   the next real one whatever its expiry; one lasts at most until its
//!   sealed end (1 s for the clocks) whatever expiry Redis keeps. Writing to
//!   Redis can neither stall the replicas' calls nor keep them from sharing
//!   a pause. The backoff is read as a minute at most, whoever wrote it, so
//!   a forged one holds no one off longer than their own backoff would.
//! - **The connection** is one multiplexed connection, opened on first use
//!   (building the store connects to nothing). Each command is bounded by
//!   the store's response timeout (200 ms by default); after two commands in
//!   a row that time out or whose connection fails, the connection is
//!   dropped and a new one opened, so one that silently stopped answering (a
//!   partition, a failover behind one address, a dropped NAT entry) is
//!   replaced, not waited on until the kernel gives up on it.
//! - **TLS and passwords.** For `rediss://`, enable a TLS feature of the
//!   `redis` crate in your own `Cargo.toml` (`tokio-rustls-comp`); cargo
//!   unifies it. A password in the URL is kept secret and never shown.

mod cache;
#[cfg(feature = "redis")]
mod key_names;
mod memory_store;
mod outage;
#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
mod seal;
mod shared;
mod store;
mod wire;

use std::sync::Mutex;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;

use crate::api_error::ApiError;

pub(crate) use cache::{Fetch, TokenCache};
pub use memory_store::MemoryStore;
#[cfg(feature = "redis")]
pub use redis_store::{DEFAULT_RESPONSE_TIMEOUT, RedisStore, RedisStoreBuilder};
pub(crate) use shared::StoredTokenCheck;
pub use shared::{
    DEFAULT_LOCK_TTL, DEFAULT_MAX_PAUSE, DEFAULT_PAUSE_CHECK, DEFAULT_STORE_RETRY,
    DEFAULT_STORE_TIMEOUT, SharedStore,
};
pub use store::{
    PauseKey, StoreConfigError, StoreError, StoreFuture, StoreKey, StoredBackoff, StoredToken,
    TokenStore,
};
pub use wire::{GrantType, TokenRequest, TokenResponse, split_scopes};

/// Lifetime assumed when the token answer has no `expires_in`.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Longest lifetime believed, whatever `expires_in` says.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// First wait before renewal is tried again after a failure (the current
/// token still being valid).
pub const RENEWAL_BACKOFF_START: Duration = Duration::from_secs(1);
/// Longest wait between renewal attempts.
pub const RENEWAL_BACKOFF_MAX: Duration = Duration::from_secs(60);
/// The least a token must have left to be sent: a token closer to its
/// expiry waits for its renewal instead (at most half the refresh margin is
/// used, so that a short-lived token is still sent for most of its life).
pub const SEND_MARGIN: Duration = Duration::from_secs(5);

/// Why no access token could be obtained.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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
    #[error("the token request failed: {}", crate::printable(.0))]
    Transport(String),
    /// The token endpoint answered a status it should not (such as 500).
    #[error("the token endpoint answered an unexpected status {status}")]
    UnexpectedStatus {
        /// The HTTP status code.
        status: u16,
    },
    /// The token endpoint's answer could not be used.
    #[error("the token endpoint's answer could not be used: {}", crate::printable(.0))]
    InvalidResponse(String),
    /// The token request could not be built (a configuration problem).
    #[error("the token request could not be built: {}", crate::printable(.0))]
    InvalidRequest(String),
    /// The call gave up waiting for the token renewal in flight once its own
    /// request timeout had passed (shorter than the token timeout); the
    /// renewal goes on, for the calls after it.
    #[error(
        "gave up waiting {:.1} s for the token renewal in flight (the call's request timeout)",
        waited.as_secs_f64()
    )]
    WaitedTooLong {
        /// How long the call waited.
        waited: Duration,
    },
    /// A new token could not be switched to the client's office
    /// ([`Client::for_office`](crate::Client::for_office)); it is not used.
    #[error(
        "the new token could not be switched to office {office_id} ({})",
        match (status, timeout) {
            (Some(s), _) => format!("answered {s}"),
            (None, true) => "timed out".to_owned(),
            (None, false) => "no answer".to_owned(),
        }
    )]
    OfficeSwitch {
        /// The office.
        office_id: i64,
        /// The status of the switch's answer; `None`: no answer.
        status: Option<u16>,
        /// Whether the switch timed out.
        timeout: bool,
    },
    /// Not sent: the clinic has no valid token, and its last token requests
    /// failed, so callers fail fast until the window passes (1 s doubling to
    /// 60 s, with jitter) rather than each asking the token endpoint again.
    #[error(
        "backing off after {failures} failed token request(s), next try in {:.1} s: {last}",
        retry_in.as_secs_f64()
    )]
    BackingOff {
        /// Token requests that failed in a row.
        failures: u32,
        /// How long until the next token request may be sent.
        retry_in: Duration,
        /// The last failure.
        last: Box<TokenError>,
    },
}

impl TokenError {
    /// The HTTP status of the token endpoint's answer, if there was one
    /// (backing off: the last failure's).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            TokenError::Rejected { status, .. } | TokenError::UnexpectedStatus { status } => {
                StatusCode::from_u16(*status).ok()
            }
            TokenError::OfficeSwitch {
                status: Some(status),
                ..
            } => StatusCode::from_u16(*status).ok(),
            TokenError::BackingOff { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The token endpoint's error body, if it sent one (backing off: the
    /// last failure's).
    pub fn body(&self) -> Option<&ApiError> {
        match self {
            TokenError::Rejected { body, .. } => Some(body),
            TokenError::BackingOff { last, .. } => last.body(),
            _ => None,
        }
    }
}

/// A cached access token.
pub(crate) struct Token {
    /// `Bearer <access token>`, marked sensitive.
    pub(crate) header: HeaderValue,
    refresh_at: Instant,
    /// The last moment it is sent (see [`SEND_MARGIN`]).
    send_until: Instant,
    expires_at: Instant,
    /// The lifetime it was issued with.
    lifetime: Duration,
    refresh_token: Mutex<Option<SecretString>>,
    /// The scopes the answer granted (`None`: it did not say).
    scopes: Option<Vec<String>>,
    /// The answer's `scope`, as it came (for a store).
    scope: Option<String>,
}

/// What the current access token allows and how long it lives: never the
/// token itself. See [`Client::token_info`](crate::Client::token_info).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenInfo {
    /// The scopes the token endpoint granted (its `scope`), `None` when the
    /// answer did not list them.
    pub scopes: Option<Vec<String>>,
    /// How long the token stays valid from now (`expires_in`, counted from
    /// when the request was sent).
    pub expires_in: Duration,
    /// When the client will renew it, from now (before it expires, by the
    /// refresh margin).
    pub renews_in: Duration,
    /// Whether a refresh token came with it.
    pub refreshable: bool,
}

impl Token {
    /// Builds a token from an answer whose request was sent at `sent_at`.
    /// `jitter` (clamped to 0..=1) is the fraction of a tenth of the margin by
    /// which renewal comes earlier still.
    pub(crate) fn from_response(
        response: TokenResponse,
        sent_at: Instant,
        margin: Duration,
        jitter: f64,
    ) -> Result<Self, TokenError> {
        let lifetime = match response.expires_in {
            None => DEFAULT_LIFETIME,
            Some(s) if s <= 0 => Duration::ZERO,
            Some(s) => Duration::from_secs(s.unsigned_abs()).min(MAX_LIFETIME),
        };
        Self::build(
            &response.access_token,
            response.refresh_token,
            response.scope,
            lifetime,
            lifetime,
            sent_at,
            margin,
            jitter,
        )
    }

    /// Builds a token read from a store at `read_at`: it lives what the
    /// store says it has left, from the read, on this process's clock. Its
    /// refresh token stays in the store (only a lock holder takes it), so
    /// this process cannot spend it by itself.
    pub(crate) fn from_stored(
        stored: store::StoredToken,
        read_at: Instant,
        margin: Duration,
        jitter: f64,
    ) -> Result<Self, TokenError> {
        let lifetime = stored.lifetime.min(MAX_LIFETIME);
        Self::build(
            &stored.access_token,
            None,
            stored.scope,
            lifetime,
            stored.remaining.min(lifetime),
            read_at,
            margin,
            jitter,
        )
    }

    /// What a store keeps of it at `now`: the token, its refresh token, its
    /// scopes, its lifetime and the time it has left. `None` if it has no
    /// time left. (Once saved, [`forget_refresh_token`](Self::forget_refresh_token):
    /// the store holds it from then on.)
    pub(crate) fn to_stored(&self, now: Instant) -> Option<store::StoredToken> {
        let remaining = self.expires_at.saturating_duration_since(now);
        if remaining.is_zero() {
            return None;
        }
        let access = self.header.to_str().ok()?.strip_prefix("Bearer ")?;
        Some(store::StoredToken {
            access_token: SecretString::from(access),
            refresh_token: self
                .refresh_token
                .lock()
                .ok()
                .and_then(|t| t.as_ref().cloned()),
            scope: self.scope.clone(),
            lifetime: self.lifetime,
            remaining,
        })
    }

    /// A token that lives `remaining` from `start`, issued for `lifetime`
    /// (the refresh margin is at most half of it).
    #[allow(clippy::too_many_arguments, reason = "one private constructor")]
    fn build(
        access_token: &SecretString,
        refresh_token: Option<SecretString>,
        scope: Option<String>,
        lifetime: Duration,
        remaining: Duration,
        start: Instant,
        margin: Duration,
        jitter: f64,
    ) -> Result<Self, TokenError> {
        let access = access_token.expose_secret().trim();
        if access.is_empty() {
            return Err(TokenError::InvalidResponse("empty access_token".into()));
        }
        let mut header = HeaderValue::try_from(format!("Bearer {access}")).map_err(|_| {
            TokenError::InvalidResponse(
                "access_token has characters not allowed in a header".into(),
            )
        })?;
        header.set_sensitive(true);
        let margin = margin.min(lifetime / 2);
        let send_margin = SEND_MARGIN.min(margin / 2);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let margin = margin.saturating_add(margin.mul_f64(jitter / 10.0));
        let expires_at = start.checked_add(remaining).unwrap_or(start);
        let refresh_at = start
            .checked_add(remaining.saturating_sub(margin))
            .unwrap_or(start);
        let send_until = start
            .checked_add(remaining.saturating_sub(send_margin))
            .unwrap_or(start);
        let scopes = scope
            .as_deref()
            .map(|s| split_scopes(s).into_iter().map(str::to_owned).collect());
        Ok(Token {
            header,
            refresh_at,
            send_until,
            expires_at,
            lifetime,
            refresh_token: Mutex::new(refresh_token),
            scopes,
            scope,
        })
    }

    /// What it allows and how long it lives, at `now`.
    pub(crate) fn info(&self, now: Instant) -> TokenInfo {
        TokenInfo {
            scopes: self.scopes.clone(),
            expires_in: self.expires_at.saturating_duration_since(now),
            renews_in: self.refresh_at.saturating_duration_since(now),
            refreshable: self
                .refresh_token
                .lock()
                .map(|t| t.is_some())
                .unwrap_or(false),
        }
    }

    fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }

    /// Whether it may still be sent at `now`: more than its send margin
    /// left (see [`SEND_MARGIN`]).
    fn is_sendable(&self, now: Instant) -> bool {
        now < self.send_until
    }

    /// Drops the refresh token here, once a store holds it: this process
    /// never spends it by itself.
    pub(crate) fn forget_refresh_token(&self) {
        drop(self.take_refresh_token());
    }

    /// Takes the refresh token out, so it is spent at most once.
    fn take_refresh_token(&self) -> Option<SecretString> {
        self.refresh_token.lock().ok().and_then(|mut t| t.take())
    }
}

#[cfg(test)]
mod tests;
