//! [`SharedStore::fetch`]: one token request per token across processes,
//! under the store's lock, and the token read from the store that will do.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use tokio::time::Instant;

use super::SharedStore;
use crate::token::outage::window;
use crate::token::store::{StoreKey, StoredBackoff, StoredToken, TokenStore};
use crate::token::{Token, TokenError};

/// First wait for another process's token request, doubled up to the next
/// (with ±25 % jitter): a dead holder's lock is seen free within about
/// 600 ms of its expiry.
const FIRST_WAIT: Duration = Duration::from_millis(50);
const LONGEST_WAIT: Duration = Duration::from_millis(500);

impl SharedStore {
    fn owner(&self) -> String {
        let n = self.state.locks.fetch_add(1, Ordering::Relaxed);
        format!("{}-{n}", self.state.process)
    }

    /// A token for `key`: from the store, or asked for by `request` (with a
    /// refresh token when there is one to spend) under the store's lock, or
    /// by `request` alone when the store fails. `local_refresh` is a refresh
    /// token only this process holds (one that came while the store was
    /// down); `judge` says which token in the store will do.
    pub(crate) async fn fetch<R, F>(
        &self,
        key: &StoreKey,
        local_refresh: Option<SecretString>,
        judge: StoredTokenCheck,
        request: R,
    ) -> Result<Token, TokenError>
    where
        R: Fn(Option<SecretString>) -> F,
        F: Future<Output = Result<Token, TokenError>>,
    {
        let mut wait = FIRST_WAIT;
        loop {
            let read_at = Instant::now();
            let Some(found) = self.call("load", || self.store.load(key)).await else {
                return request(local_refresh).await;
            };
            if let Some(token) = judge.usable(found, read_at) {
                return Ok(token);
            }
            // Another process's token request failed: every process backs
            // off for the window it recorded.
            if let Some(backoff) = self
                .call("backoff", || self.store.backoff(key))
                .await
                .flatten()
                .filter(|b| !b.window.is_zero())
            {
                return Err(backing_off(&backoff));
            }
            let mut held = HeldLock {
                store: Arc::clone(&self.store),
                key: key.clone(),
                owner: self.owner(),
                timeout: self.timeout,
                released: false,
            };
            match self
                .call("lock", || {
                    self.store.try_lock(key, &held.owner, self.lock_ttl)
                })
                .await
            {
                // The lock may have been taken all the same: the guard
                // releases it in the background.
                None => return request(local_refresh).await,
                Some(true) => {
                    let locked = self.fetch_locked(key, local_refresh, &judge, request);
                    let outcome = self.with_watchdog(key, &held.owner, locked).await;
                    self.call_anyway("unlock", || self.store.unlock(key, &held.owner))
                        .await;
                    held.released = true;
                    return outcome;
                }
                Some(false) => held.released = true,
            }
            // Another process holds the lock: its answer will be in the
            // store, or its lock will expire and one waiter take over.
            tokio::time::sleep(wait.mul_f64(0.75 + fastrand::f64() / 2.0)).await;
            wait = wait.saturating_mul(2).min(LONGEST_WAIT);
        }
    }

    /// Runs `work` (this process's token request, under the lock of `key`),
    /// extending the lock every third of its life while it runs: a short
    /// lock is then taken over soon after a holder dies, never from a live,
    /// slow one. An extension refused (the lock was lost, or the store
    /// cannot extend) or failed stops the extensions; the work goes on.
    async fn with_watchdog<T>(
        &self,
        key: &StoreKey,
        owner: &str,
        work: impl Future<Output = T>,
    ) -> T {
        if !self.watchdog {
            return work.await;
        }
        let every = (self.lock_ttl / 3).max(Duration::from_millis(1));
        let watchdog = async {
            loop {
                tokio::time::sleep(every).await;
                let extended = self
                    .call_anyway("extend lock", || {
                        self.store.extend_lock(key, owner, self.lock_ttl)
                    })
                    .await;
                if extended != Some(true) {
                    break;
                }
            }
            std::future::pending::<()>().await;
        };
        let work = std::pin::pin!(work);
        let watchdog = std::pin::pin!(watchdog);
        match futures_util::future::select(work, watchdog).await {
            futures_util::future::Either::Left((done, _)) => done,
            futures_util::future::Either::Right(((), work)) => work.await,
        }
    }

    /// [`fetch`](Self::fetch) while this process holds the lock of `key`.
    async fn fetch_locked<R, F>(
        &self,
        key: &StoreKey,
        local_refresh: Option<SecretString>,
        judge: &StoredTokenCheck,
        request: R,
    ) -> Result<Token, TokenError>
    where
        R: Fn(Option<SecretString>) -> F,
        F: Future<Output = Result<Token, TokenError>>,
    {
        // Another process may have saved a token between the look and the lock.
        let read_at = Instant::now();
        let found = self.call("load", || self.store.load(key)).await.flatten();
        if let Some(token) = judge.usable(found, read_at) {
            return Ok(token);
        }
        // Taken out of the store in one atomic step: whatever happens to
        // locks and processes, one process spends it.
        let refresh = self
            .call("take refresh", || self.store.take_refresh(key))
            .await
            .flatten()
            .or(local_refresh);
        // The failures so far (the window has passed, or this process
        // would not be here), read before the request is sent.
        let failed_before = self
            .call("backoff", || self.store.backoff(key))
            .await
            .flatten()
            .map_or(0, |b| b.failures);
        let outcome = request(refresh).await;
        match &outcome {
            Ok(token) => {
                if let Some(stored) = token.to_stored(Instant::now()) {
                    self.call_anyway("save", || self.store.save(key, &stored))
                        .await;
                }
                // Even if the save seemed to fail: it may have landed, and a
                // refresh token in the store must not also be spent from here.
                token.forget_refresh_token();
                self.call_anyway("clear backoff", || self.store.clear_backoff(key))
                    .await;
            }
            Err(e) => {
                let failures = failed_before.saturating_add(1);
                let backoff = StoredBackoff {
                    failures,
                    status: e.status().map(|s| s.as_u16()),
                    rejected: matches!(e, TokenError::Rejected { .. }),
                    window: window(failures, judge.jitter),
                };
                self.call_anyway("record backoff", || self.store.set_backoff(key, &backoff))
                    .await;
            }
        }
        outcome
    }
}

/// The error of a caller backing off for another process's failures.
fn backing_off(backoff: &StoredBackoff) -> TokenError {
    let last = match (backoff.status, backoff.rejected) {
        (Some(status), true) => TokenError::Rejected {
            status,
            body: Box::default(),
        },
        (Some(status), false) => TokenError::UnexpectedStatus { status },
        (None, _) => TokenError::Transport("another process's token request failed".into()),
    };
    TokenError::BackingOff {
        failures: backoff.failures,
        retry_in: backoff.window,
        last: Box::new(last),
    }
}

/// Which token read from a store will do: one fresh by this process's
/// refresh margin (and jitter), and not the one a 401 last refused here.
pub(crate) struct StoredTokenCheck {
    pub(crate) refused: Option<HeaderValue>,
    pub(crate) margin: Duration,
    pub(crate) jitter: f64,
}

impl StoredTokenCheck {
    /// The token read at `read_at`, if it will do.
    fn usable(&self, found: Option<StoredToken>, read_at: Instant) -> Option<Token> {
        let token = Token::from_stored(found?, read_at, self.margin, self.jitter).ok()?;
        (token.is_fresh(read_at) && Some(&token.header) != self.refused.as_ref()).then_some(token)
    }
}

/// A lock this process holds: released in the background if the renewal
/// holding it is dropped (its timeout, its runtime stopping) before it
/// releases it itself.
struct HeldLock {
    store: Arc<dyn TokenStore>,
    key: StoreKey,
    owner: String,
    timeout: Duration,
    released: bool,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let store = Arc::clone(&self.store);
        let key = self.key.clone();
        let owner = std::mem::take(&mut self.owner);
        let timeout = self.timeout;
        runtime.spawn(async move {
            let _ = tokio::time::timeout(timeout, store.unlock(&key, &owner)).await;
        });
    }
}
