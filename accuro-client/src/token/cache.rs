//! The token cache: a lock-free read of the current token, and renewal in a
//! task of its own, shared by every caller that needs it.
//!
//! - A token is *sendable* while it has more than its send margin left
//!   ([`super::SEND_MARGIN`]); only a sendable token is handed to a call.
//! - While the cached token is sendable, calls use it. Once it is due for
//!   renewal, the first call to notice starts one renewal in the background
//!   and goes on with the current token: no caller waits for a renewal while
//!   it still has a sendable token.
//! - A caller with no sendable token waits for the renewal in flight (or
//!   starts one), for at most the token timeout and the call's own timeout.
//!   The renewal runs in a spawned task: cancelling any caller neither
//!   restarts it, nor duplicates it, nor loses the refresh token it spends.
//! - A renewal that fails while the current token is still sendable is tried
//!   again after a backoff (1 s doubling to 60 s, never past the send
//!   margin); once it is not, waiting callers get the renewal's error, and
//!   the callers after them fail fast for a window of their own
//!   ([`super::outage`]: 1 s doubling to 60 s, with jitter) instead of each
//!   asking a failing token endpoint again.
//! - [`TokenCache::reject`] drops the current token if it is the one a 401
//!   refused (compare-and-swap: a newer token is never dropped).
//!
//! Time is tokio's clock (`tokio::time::Instant`), so tests drive it with a
//! paused runtime; the renewal jitter comes from the token (see
//! [`super::Token`]), computed with the jitter the client was built with.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use futures_util::FutureExt as _;
use futures_util::future::Shared;
use reqwest::header::HeaderValue;
use secrecy::SecretString;
use tokio::time::Instant;

use super::outage::Outage;
use super::{RENEWAL_BACKOFF_MAX, RENEWAL_BACKOFF_START, Token, TokenError};

/// A token request, ready to run: what the layer hands the cache.
pub(crate) type Fetch = Pin<Box<dyn Future<Output = Result<Token, TokenError>> + Send>>;

type Outcome = Result<Arc<Token>, TokenError>;
type Flight = Shared<Pin<Box<dyn Future<Output = Outcome> + Send>>>;

/// See the module docs. Cheap to clone (shared).
#[derive(Clone)]
pub(crate) struct TokenCache {
    inner: Arc<Inner>,
}

struct Inner {
    current: ArcSwapOption<Token>,
    /// The renewal in flight, with its generation (see [`ClearFlight`]).
    flight: Mutex<Option<(u64, Flight)>>,
    generations: std::sync::atomic::AtomicU64,
    backoff: Mutex<Backoff>,
    /// Failed token requests while there is no valid token.
    outage: Mutex<Outage>,
    /// Spreads the outage windows (0..=1).
    jitter: Arc<dyn Fn() -> f64 + Send + Sync>,
    /// Longest a token request may take, whatever the transport's timeouts.
    fetch_timeout: Duration,
    /// Longest a caller waits for a renewal in flight: the token timeout,
    /// or the calls' own request timeout when that is shorter.
    wait_limit: Duration,
}

/// When renewal may be tried again after a failure.
#[derive(Default)]
struct Backoff {
    next_attempt: Option<Instant>,
    delay: Duration,
}

impl TokenCache {
    pub(crate) fn new(fetch_timeout: Duration) -> Self {
        Self::empty(Arc::new(fastrand::f64), fetch_timeout, fetch_timeout)
    }

    fn empty(
        jitter: Arc<dyn Fn() -> f64 + Send + Sync>,
        fetch_timeout: Duration,
        wait_limit: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                current: ArcSwapOption::const_empty(),
                flight: Mutex::new(None),
                generations: std::sync::atomic::AtomicU64::new(0),
                backoff: Mutex::new(Backoff::default()),
                outage: Mutex::new(Outage::default()),
                jitter,
                fetch_timeout,
                wait_limit,
            }),
        }
    }

    /// The same cache, its outage windows spread by `jitter` (0..=1; the
    /// client's, which tests fix), its callers waiting for a renewal no
    /// longer than `call_timeout` (the transport's request timeout, if any)
    /// nor the token timeout. Call before the cache is shared.
    pub(crate) fn configured(
        self,
        jitter: Arc<dyn Fn() -> f64 + Send + Sync>,
        call_timeout: Option<Duration>,
    ) -> Self {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                inner.jitter = jitter;
                inner.wait_limit =
                    call_timeout.map_or(inner.fetch_timeout, |call| call.min(inner.fetch_timeout));
                Self {
                    inner: Arc::new(inner),
                }
            }
            Err(inner) => Self { inner },
        }
    }

    /// An empty cache with the same settings (token timeout, wait limit,
    /// jitter): for a client of the same clinic whose tokens are its own.
    pub(crate) fn empty_like(&self) -> Self {
        Self::empty(
            Arc::clone(&self.inner.jitter),
            self.inner.fetch_timeout,
            self.inner.wait_limit,
        )
    }

    /// The hit path of every call: the `Authorization` header of the current
    /// token if it is still sendable (no lock, no allocation). When the token
    /// is due for renewal, starts one renewal in the background with `fetch`
    /// (called at most once, and only then).
    pub(crate) fn sendable_header<F>(&self, fetch: F) -> Option<HeaderValue>
    where
        F: FnOnce(Option<SecretString>) -> Fetch,
    {
        let now = Instant::now();
        let guard = self.inner.current.load();
        let token = guard.as_ref().filter(|t| t.is_sendable(now))?;
        if !token.is_fresh(now) && self.inner.may_renew(now) {
            drop(self.inner.start_flight(fetch));
        }
        Some(token.header.clone())
    }

    /// Whether a sendable token is cached, starting one background renewal
    /// with `fetch` when it is due: [`sendable_header`](Self::sendable_header)
    /// without the header.
    pub(crate) fn has_sendable<F>(&self, fetch: F) -> bool
    where
        F: FnOnce(Option<SecretString>) -> Fetch,
    {
        let now = Instant::now();
        let guard = self.inner.current.load();
        let Some(token) = guard.as_ref().filter(|t| t.is_sendable(now)) else {
            return false;
        };
        if !token.is_fresh(now) && self.inner.may_renew(now) {
            drop(self.inner.start_flight(fetch));
        }
        true
    }

    /// The header of the current token, sendable or not: for a request whose
    /// token was fetched for it and expired on arrival (`expires_in` 0). If
    /// the server refuses it, the 401 replay gets a new one.
    pub(crate) fn current_header(&self) -> Option<HeaderValue> {
        self.inner.current.load().as_ref().map(|t| t.header.clone())
    }

    /// What the current token allows and how long it lives, if one is cached.
    pub(crate) fn info(&self) -> Option<super::TokenInfo> {
        self.inner
            .current
            .load()
            .as_ref()
            .map(|t| t.info(Instant::now()))
    }

    /// Whether the cached token can still be sent but is due for renewal.
    pub(crate) fn is_due(&self) -> bool {
        let now = Instant::now();
        self.inner
            .current
            .load()
            .as_ref()
            .is_some_and(|t| t.is_sendable(now) && !t.is_fresh(now))
    }

    /// Whether a token that does not need renewal yet is cached.
    pub(crate) fn has_fresh(&self) -> bool {
        self.inner
            .current
            .load()
            .as_ref()
            .is_some_and(|t| t.is_fresh(Instant::now()))
    }

    /// A sendable token: the current one (renewal, if due, starting in the
    /// background), or, when there is none, the outcome of the renewal in
    /// flight, started with `fetch` if there is none (waited for within the
    /// cache's wait limit).
    pub(crate) async fn token<F>(&self, fetch: F) -> Outcome
    where
        F: FnOnce(Option<SecretString>) -> Fetch,
    {
        let now = Instant::now();
        if let Some(token) = self
            .inner
            .current
            .load_full()
            .filter(|t| t.is_sendable(now))
        {
            if !token.is_fresh(now) && self.inner.may_renew(now) {
                drop(self.inner.start_flight(fetch));
            }
            return Ok(token);
        }
        if let Some(refused) = self.inner.backing_off(now) {
            return Err(refused);
        }
        self.inner.wait_for(self.inner.start_flight(fetch)).await
    }

    /// A fresh token: the current one if it does not need renewal yet;
    /// otherwise the outcome of the renewal in flight (started with `fetch`
    /// if there is none; waited for within the cache's wait limit), unless
    /// renewal is backing off after a failure while the current token is
    /// still sendable (then the current token).
    pub(crate) async fn fresh_token<F>(&self, fetch: F) -> Outcome
    where
        F: FnOnce(Option<SecretString>) -> Fetch,
    {
        let now = Instant::now();
        match self
            .inner
            .current
            .load_full()
            .filter(|t| t.is_sendable(now))
        {
            Some(token) if token.is_fresh(now) || !self.inner.may_renew(now) => return Ok(token),
            Some(_) => {}
            None => {
                if let Some(refused) = self.inner.backing_off(now) {
                    return Err(refused);
                }
            }
        }
        self.inner.wait_for(self.inner.start_flight(fetch)).await
    }

    /// Drops the current token if it is the one whose header was refused.
    /// Returns whether a token was dropped.
    pub(crate) fn reject(&self, refused: &HeaderValue) -> bool {
        let current = self.inner.current.load();
        match &*current {
            Some(t) if t.header == *refused => {
                let previous = self.inner.current.compare_and_swap(&*current, None);
                matches!((&*previous, &*current), (Some(a), Some(b)) if Arc::ptr_eq(a, b))
            }
            _ => false,
        }
    }
}

/// Clears its renewal's flight slot when dropped (see `start_flight`).
struct ClearFlight {
    inner: Arc<Inner>,
    generation: u64,
}

impl Drop for ClearFlight {
    fn drop(&mut self) {
        self.inner.clear_flight(self.generation);
    }
}

impl Inner {
    /// The outcome of `flight`, or [`TokenError::WaitedTooLong`] once the
    /// caller has waited its wait limit (the flight itself goes on, bounded
    /// by the token timeout).
    async fn wait_for(&self, flight: Flight) -> Outcome {
        // The flight times itself out at the token timeout: a timer of the
        // caller's own only when its limit is shorter.
        if self.wait_limit >= self.fetch_timeout {
            return flight.await;
        }
        tokio::time::timeout(self.wait_limit, flight)
            .await
            .unwrap_or(Err(TokenError::WaitedTooLong {
                waited: self.wait_limit,
            }))
    }

    /// The error a caller without a valid token gets at `now` while the
    /// token endpoint is backed off: none while a renewal is in flight (the
    /// caller waits for it) or once the window has passed.
    fn backing_off(&self, now: Instant) -> Option<TokenError> {
        if self
            .flight
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return None;
        }
        self.outage
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .refusal(now)
    }

    /// Whether a background renewal may start now (not while backing off).
    fn may_renew(&self, now: Instant) -> bool {
        let backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
        backoff.next_attempt.is_none_or(|at| now >= at)
    }

    /// The renewal in flight, or a new one running `fetch` in a task of its own.
    fn start_flight<F>(self: &Arc<Self>, fetch: F) -> Flight
    where
        F: FnOnce(Option<SecretString>) -> Fetch,
    {
        let mut slot = self.flight.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, flight)) = slot.as_ref() {
            return flight.clone();
        }
        // A renewal may have settled between the caller's look and this lock:
        // then its fresh token is the answer, and no refresh token is spent.
        if let Some(fresh) = self
            .current
            .load_full()
            .filter(|t| t.is_fresh(Instant::now()))
        {
            let ready: Pin<Box<dyn Future<Output = Outcome> + Send>> =
                Box::pin(std::future::ready(Ok(fresh)));
            return ready.shared();
        }
        // The refresh token is taken out here, once: whatever happens to the
        // callers, only this renewal can spend it.
        let refresh = self
            .current
            .load()
            .as_ref()
            .and_then(|t| t.take_refresh_token());
        let request = fetch(refresh);
        let generation = self
            .generations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let inner = Arc::clone(self);
        let renewal = async move {
            // Clears the slot however this ends: settled, panicked, or
            // dropped with its runtime. A stale failed flight is never
            // handed out again.
            let _clear = ClearFlight {
                inner: Arc::clone(&inner),
                generation,
            };
            let outcome = if inner.fetch_timeout == Duration::MAX {
                request.await
            } else {
                match tokio::time::timeout(inner.fetch_timeout, request).await {
                    Ok(outcome) => outcome,
                    Err(_) => Err(TokenError::Timeout),
                }
            };
            inner.settle(outcome)
        };
        let joined: Pin<Box<dyn Future<Output = Outcome> + Send>> =
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    let task = runtime.spawn(renewal);
                    Box::pin(async move {
                        task.await.unwrap_or_else(|_| {
                            Err(TokenError::InvalidRequest(
                                "the token renewal task was stopped".into(),
                            ))
                        })
                    })
                }
                // Outside a runtime (only possible in odd embeddings): run it
                // in the caller; still shared, so it is still sent once.
                Err(_) => Box::pin(renewal),
            };
        let flight = joined.shared();
        *slot = Some((generation, flight.clone()));
        flight
    }

    /// Empties the flight slot if it still holds renewal `generation`.
    fn clear_flight(&self, generation: u64) {
        let mut slot = self.flight.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|(g, _)| *g == generation) {
            *slot = None;
        }
    }

    /// Records a renewal's outcome: the new token, or a backoff while the
    /// current one is still sendable. (The renewal's [`ClearFlight`] then
    /// clears the flight slot.)
    fn settle(&self, outcome: Result<Token, TokenError>) -> Outcome {
        match outcome {
            Ok(token) => {
                let token = Arc::new(token);
                self.current.store(Some(Arc::clone(&token)));
                *self.backoff.lock().unwrap_or_else(|e| e.into_inner()) = Backoff::default();
                self.outage
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .reset();
                Ok(token)
            }
            Err(e) => {
                let now = Instant::now();
                match self.current.load_full().filter(|t| t.is_sendable(now)) {
                    Some(still_valid) => {
                        let wait = self.back_off(&still_valid, now);
                        tracing::warn!(
                            error = %e,
                            retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            "token renewal failed; the current token is still valid and stays in use"
                        );
                        Ok(still_valid)
                    }
                    None => {
                        let window = self
                            .outage
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .record(&e, now, (self.jitter)());
                        tracing::warn!(
                            error = %e,
                            retry_in_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX),
                            "token request failed with no valid token; callers fail fast until the next try"
                        );
                        Err(e)
                    }
                }
            }
        }
    }

    /// Records a failed renewal; returns the wait before the next attempt.
    fn back_off(&self, still_valid: &Token, now: Instant) -> Duration {
        let mut backoff = self.backoff.lock().unwrap_or_else(|e| e.into_inner());
        let delay = if backoff.delay.is_zero() {
            RENEWAL_BACKOFF_START
        } else {
            backoff.delay.saturating_mul(2).min(RENEWAL_BACKOFF_MAX)
        };
        backoff.delay = delay;
        let at = now
            .checked_add(delay)
            .unwrap_or(still_valid.send_until)
            .min(still_valid.send_until);
        backoff.next_attempt = Some(at);
        at.saturating_duration_since(now)
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
