//! What the generated [`crate::Client`] carries under every call: the
//! credentials, the clinic's uuid, the policies and the token cache. The
//! behaviour lives in `pipeline` (progenitor's hooks and the send loop).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::audit::ClinicAudit;
use crate::retry::RetryPolicy;
use crate::token::{PauseKey, SharedStore, StoreKey, TokenCache};

/// A source of jitter: a fraction in `0.0..=1.0`, asked for each time a
/// renewal point or a retry wait is spread. Injected so that tests can fix it.
pub(crate) type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// What the generated `Client` carries: credentials, the clinic's uuid and
/// the token cache. Cheap to clone (shared). `Debug` shows no secret.
#[derive(Clone)]
pub struct ClientState {
    pub(crate) clinic: Arc<ClinicState>,
}

pub(crate) struct ClinicState {
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) basic: HeaderValue,
    pub(crate) scope: String,
    pub(crate) subscription_key: HeaderValue,
    pub(crate) uuid: String,
    pub(crate) refresh_margin: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) cache: TokenCache,
    pub(crate) jitter: Jitter,
    /// The largest answer read, after decoding.
    pub(crate) max_answer_bytes: u64,
    /// The transport's bound on requests in flight (shared by its clinics).
    pub(crate) in_flight: Option<Arc<tokio::sync::Semaphore>>,
    /// The store shared with other processes, if the transport has one.
    pub(crate) store: Option<ClinicStore>,
    pub(crate) audit: Option<ClinicAudit>,
    /// Requests sent to the token endpoint.
    pub(crate) token_requests: AtomicU64,
    /// REST requests sent, each attempt counted.
    pub(crate) requests: AtomicU64,
}

/// A clinic's place in a shared store: its token's key, its subscription
/// key's pause key, and the last token a 401 refused (never taken from the
/// store again).
pub(crate) struct ClinicStore {
    pub(crate) shared: SharedStore,
    pub(crate) key: StoreKey,
    pub(crate) pause: PauseKey,
    pub(crate) refused: std::sync::Mutex<Option<HeaderValue>>,
}

impl ClinicStore {
    /// Remembers the token a 401 refused.
    pub(crate) fn refuse(&self, header: &HeaderValue) {
        *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = Some(header.clone());
    }

    /// The last token a 401 refused.
    pub(crate) fn refused(&self) -> Option<HeaderValue> {
        self.refused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl ClientState {
    pub(crate) fn new(clinic: ClinicState) -> Self {
        Self {
            clinic: Arc::new(clinic),
        }
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.clinic;
        f.debug_struct("ClientState")
            .field("tenant", &s.tenant)
            .field("client_id", &s.client_id)
            .field("client_secret", &"[redacted]")
            .field("scope", &s.scope)
            .field("subscription_key", &"[redacted]")
            .field("uuid", &"[redacted]")
            .field("refresh_margin", &s.refresh_margin)
            .field("retry", &s.retry)
            .field("shared_store", &s.store.as_ref().map(|c| &c.shared))
            .finish_non_exhaustive()
    }
}
