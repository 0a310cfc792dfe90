//! [`SharedStore`]: a [`TokenStore`] as the clients of a transport use it.
//! What it does (the lock, the waits, the shared 429 pause, a store that
//! fails) is documented on the type, which users see; `fetch` and `pause`
//! implement the token and the pause parts.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::store::{PauseKey, StoreError, StoreFuture, TokenStore};

mod fetch;
mod pause;

pub(crate) use fetch::StoredTokenCheck;

/// Default bound on one store operation.
pub const DEFAULT_STORE_TIMEOUT: Duration = Duration::from_millis(250);
/// Default life of a token lock: a holder that dies is taken over after it.
/// A live holder extends it every third of it while its request is in
/// flight ([`TokenStore::extend_lock`]), so it can be short.
pub const DEFAULT_LOCK_TTL: Duration = Duration::from_secs(3);
/// Default wait before a degraded store is tried again.
pub const DEFAULT_STORE_RETRY: Duration = Duration::from_secs(5);
/// Default interval between looks for a shared 429 pause.
pub const DEFAULT_PAUSE_CHECK: Duration = Duration::from_secs(1);
/// Default longest shared pause.
pub const DEFAULT_MAX_PAUSE: Duration = Duration::from_secs(60);

/// Longest lock accepted (a longer one is this).
const MAX_LOCK_TTL: Duration = Duration::from_secs(3600);

/// A token store shared by processes, with the settings of its use: one
/// token request per token across processes, a pause after a 429 shared by
/// every process, and a store that fails without failing a call. Given to
/// [`TransportBuilder::shared_store`](crate::TransportBuilder::shared_store).
/// Cheap to clone (shared): clones share the store's health and pauses.
///
/// # Tokens
///
/// The hit path of a call is unchanged: the client's own in-memory token.
/// The store is asked only when that token is missing or due for renewal,
/// and then:
///
/// 1. A token in the store with more than the refresh margin left is used.
///    Its remaining life is what the store says is left, counted on this
///    process's monotonic clock from the read.
/// 2. Otherwise the process tries to take the token's lock (`SET NX PX`,
///    [`lock_ttl`](Self::lock_ttl), 3 s by default). The holder looks once
///    more, then asks the token endpoint and saves the answer for its
///    lifetime. While the store answers, a refresh token lives only there,
///    apart from its access token (and expiring with it), and is taken out
///    in one atomic step ([`TokenStore::take_refresh`]) before it is
///    spent, so one process spends it, whatever happens to locks and
///    processes (a holder outliving its lock, one killed mid-request). While
///    its request is in flight the holder extends its lock every third of
///    its life ([`TokenStore::extend_lock`]), so a slow holder keeps it. A
///    holder whose renewal is dropped releases its lock in the background.
/// 3. The others wait for the holder's answer, looking again after 50 ms,
///    then 100, 200, … up to 500 ms apart (with jitter): no fast polling. A
///    holder that dies (SIGKILL, out of memory) stops extending its lock;
///    once it expires, one of the waiters takes it over.
/// 4. A failed token request is recorded in the store
///    ([`TokenStore::set_backoff`]): every process backs off for its window
///    (1 s doubling to 60 s) instead of asking again; a token clears it.
///
/// # 429
///
/// A `429 Too Many Requests` with a `Retry-After` pauses every process
/// using the subscription key: the pause is recorded in the store under a
/// hash of the key (at most [`max_pause`](Self::max_pause), 60 s by
/// default). Before each call, a process looks for a pause at most every
/// [`pause_check`](Self::pause_check) (1 s by default) and waits it out
/// instead of sending, for at most the retry policy's `max_elapsed` (30 s
/// by default); then the call goes and handles its own 429. Best effort:
/// a process may send for up to `pause_check` after another was told to
/// wait, and the look is bounded and skipped when the store fails.
///
/// # Failures
///
/// Each store operation is bounded by [`timeout`](Self::timeout) (250 ms by
/// default). When one fails (the store is down, hung or refusing), the
/// store is marked degraded, a warning says so once, and calls go on
/// without it: tokens are fetched per process (still one request at a time
/// per clinic), pauses are not shared. [`is_degraded`](Self::is_degraded)
/// tells. The store is left alone until [`retry_after`](Self::retry_after)
/// (5 s by default) has passed, except for what a lock holder owes the
/// others (saving its token, releasing its lock); the first success logs
/// that it is back.
#[derive(Clone)]
pub struct SharedStore {
    store: Arc<dyn TokenStore>,
    timeout: Duration,
    lock_ttl: Duration,
    /// Whether a lock holder extends its lock while its request runs
    /// (off only for a transport built without timers, in tests).
    pub(crate) watchdog: bool,
    retry_after: Duration,
    pause_check: Duration,
    max_pause: Duration,
    state: Arc<State>,
}

impl fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedStore")
            .field("store", &self.store)
            .field("timeout", &self.timeout)
            .field("lock_ttl", &self.lock_ttl)
            .field("retry_after", &self.retry_after)
            .field("pause_check", &self.pause_check)
            .field("max_pause", &self.max_pause)
            .field("degraded", &self.is_degraded())
            .finish()
    }
}

/// What the clients of a store share in this process.
struct State {
    health: Mutex<Health>,
    pauses: Mutex<HashMap<PauseKey, PauseView>>,
    /// This process's part of a lock holder's id.
    process: String,
    locks: AtomicU64,
}

#[derive(Default)]
struct Health {
    degraded: bool,
    retry_at: Option<Instant>,
}

/// What this process knows of a pause.
#[derive(Default)]
struct PauseView {
    until: Option<Instant>,
    checked: Option<Instant>,
}

impl SharedStore {
    /// `store`, with the default settings.
    pub fn new(store: impl TokenStore) -> Self {
        Self::from_arc(Arc::new(store))
    }

    /// `store` (shared), with the default settings.
    pub fn from_arc(store: Arc<dyn TokenStore>) -> Self {
        Self {
            store,
            timeout: DEFAULT_STORE_TIMEOUT,
            lock_ttl: DEFAULT_LOCK_TTL,
            watchdog: true,
            retry_after: DEFAULT_STORE_RETRY,
            pause_check: DEFAULT_PAUSE_CHECK,
            max_pause: DEFAULT_MAX_PAUSE,
            state: Arc::new(State {
                health: Mutex::new(Health::default()),
                pauses: Mutex::new(HashMap::new()),
                process: format!("{}-{:016x}", std::process::id(), fastrand::u64(..)),
                locks: AtomicU64::new(0),
            }),
        }
    }

    /// Longest a store operation may take before the call goes on without
    /// the store (default 250 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a token lock lives (default 3 s): a holder that dies is
    /// taken over after it. A live holder extends it every third of it
    /// while its token request is in flight (with a store that can:
    /// [`TokenStore::extend_lock`]; with one that cannot, a request
    /// outliving the lock lets one other process ask too). Keep it below the
    /// token timeout (30 s by default: a wait for a token counts against
    /// it: building the transport refuses a lock longer than half of it).
    /// At most an hour.
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl.clamp(Duration::from_millis(1), MAX_LOCK_TTL);
        self
    }

    /// How long a token lock lives.
    pub(crate) fn lock_ttl_value(&self) -> Duration {
        self.lock_ttl
    }

    /// How long a failed store is left alone before it is tried again
    /// (default 5 s).
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = wait;
        self
    }

    /// Longest time between two looks for a shared 429 pause (default 1 s).
    pub fn pause_check(mut self, interval: Duration) -> Self {
        self.pause_check = interval;
        self
    }

    /// Longest pause shared, whatever a `Retry-After` asks (default 60 s).
    pub fn max_pause(mut self, max: Duration) -> Self {
        self.max_pause = max;
        self
    }

    /// Whether the last store operation failed (calls are going on
    /// without the store).
    pub fn is_degraded(&self) -> bool {
        self.state
            .health
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .degraded
    }

    /// Runs a store operation under the timeout; `None` (and the store
    /// marked degraded) when it fails, or when the store is being left
    /// alone after a failure.
    async fn call<'a, T>(
        &'a self,
        op: &'static str,
        f: impl FnOnce() -> StoreFuture<'a, T>,
    ) -> Option<T> {
        {
            let health = self.state.health.lock().unwrap_or_else(|e| e.into_inner());
            if health.degraded && health.retry_at.is_some_and(|at| Instant::now() < at) {
                return None;
            }
        }
        self.call_anyway(op, f).await
    }

    /// [`call`](Self::call), even while the store is being left alone: for
    /// what a lock holder owes the others (saving its token, releasing its
    /// lock), which must not be skipped because another operation failed.
    async fn call_anyway<'a, T>(
        &'a self,
        op: &'static str,
        f: impl FnOnce() -> StoreFuture<'a, T>,
    ) -> Option<T> {
        let outcome = match tokio::time::timeout(self.timeout, f()).await {
            Ok(outcome) => outcome,
            Err(_) => Err(StoreError::Timeout),
        };
        let mut health = self.state.health.lock().unwrap_or_else(|e| e.into_inner());
        match outcome {
            Ok(value) => {
                if health.degraded {
                    tracing::info!(
                        operation = op,
                        "the token store is back; tokens are shared again"
                    );
                }
                *health = Health::default();
                Some(value)
            }
            Err(error) => {
                if !health.degraded {
                    tracing::warn!(
                        operation = op,
                        %error,
                        "the token store is degraded; calls go on without it (tokens per process, \
                         no shared pause) until it answers again"
                    );
                }
                health.degraded = true;
                health.retry_at = Instant::now().checked_add(self.retry_after);
                None
            }
        }
    }
}

#[cfg(test)]
#[path = "shared_tests.rs"]
mod tests;
