//! What the generated [`crate::Client`] carries under every call: the
//! credentials, the clinic's uuid, the policies and the token cache. The
//! behaviour lives in `pipeline` (progenitor's hooks and the send loop).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, Weak};
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
    /// The calls' own settings ([`Client::with_settings`](crate::Client::with_settings)).
    pub(crate) call: Option<Arc<crate::call_settings::CallSettings>>,
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
    /// The office each of its tokens is switched to before any call uses it
    /// ([`Client::for_office`](crate::Client::for_office)); `None`: the
    /// service user's default office, never switched.
    pub(crate) office: Option<i64>,
    /// Whether its token is its own, shared with no other client and no
    /// replica ([`Client::with_own_token`](crate::Client::with_own_token)):
    /// only then may a call switch the token's office.
    pub(crate) own_token: bool,
    /// The office-bound states of this clinic, one per office.
    pub(crate) offices: Offices,
}

/// A clinic's office-bound states, by office.
type OfficeTable = Mutex<HashMap<i64, Arc<ClinicState>>>;

/// The office-bound states of a clinic, shared by every client of it: one
/// per office, so that every caller of an office shares one token. The
/// clinic's first state owns the table; the states derived from it look it
/// up through a weak reference (no cycle).
pub(crate) enum Offices {
    Owned(Arc<OfficeTable>),
    Borrowed(Weak<OfficeTable>),
}

impl Offices {
    /// A new table, owned.
    pub(crate) fn new() -> Self {
        Offices::Owned(Arc::default())
    }

    fn table(&self) -> Option<Arc<OfficeTable>> {
        match self {
            Offices::Owned(table) => Some(Arc::clone(table)),
            Offices::Borrowed(table) => table.upgrade(),
        }
    }

    fn borrowed(&self) -> Self {
        match self {
            Offices::Owned(table) => Offices::Borrowed(Arc::downgrade(table)),
            Offices::Borrowed(table) => Offices::Borrowed(Weak::clone(table)),
        }
    }
}

impl ClinicState {
    /// The state of this clinic bound to `office`: the one every caller of
    /// that office shares (made on first use), with a token cache of its
    /// own and, with a shared store, a store key of its own.
    pub(crate) fn for_office(&self, office: i64) -> Arc<ClinicState> {
        let Some(table) = self.offices.table() else {
            // The clinic's first state is gone: a state of its own.
            return Arc::new(self.derive(Some(office), false));
        };
        let mut table = table.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(
            table
                .entry(office)
                .or_insert_with(|| Arc::new(self.derive(Some(office), false))),
        )
    }

    /// A state with a token of its own: a new cache, shared through no
    /// store (the store still shares the 429 pause), the same office
    /// binding.
    pub(crate) fn with_own_token(&self) -> ClinicState {
        self.derive(self.office, true)
    }

    /// This clinic's settings with an empty token cache, bound to `office`;
    /// `own_token`: its tokens shared through no store.
    fn derive(&self, office: Option<i64>, own_token: bool) -> ClinicState {
        let store = self.store.as_ref().map(|s| ClinicStore {
            shared: s.shared.clone(),
            key: s.root_key.for_office(office),
            root_key: s.root_key.clone(),
            pause: s.pause.clone(),
            refused: Mutex::new(None),
            shares_tokens: !own_token,
        });
        ClinicState {
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
            basic: self.basic.clone(),
            scope: self.scope.clone(),
            subscription_key: self.subscription_key.clone(),
            uuid: self.uuid.clone(),
            refresh_margin: self.refresh_margin,
            retry: self.retry.clone(),
            cache: self.cache.empty_like(),
            jitter: Arc::clone(&self.jitter),
            max_answer_bytes: self.max_answer_bytes,
            in_flight: self.in_flight.clone(),
            store,
            audit: self.audit.clone(),
            token_requests: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            office,
            own_token,
            offices: self.offices.borrowed(),
        }
    }
}

/// A clinic's place in a shared store: its token's key, its subscription
/// key's pause key, and the last token a 401 refused (never taken from the
/// store again).
pub(crate) struct ClinicStore {
    pub(crate) shared: SharedStore,
    /// The key of its tokens: the clinic's, with its office if bound to one.
    pub(crate) key: StoreKey,
    /// The clinic's key, without an office.
    pub(crate) root_key: StoreKey,
    /// Whether its tokens go through the store (`false`: a client whose
    /// token is its own, which shares only the 429 pause).
    pub(crate) shares_tokens: bool,
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
            call: None,
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
            .field("office", &s.office)
            .field("own_token", &s.own_token)
            .field("call_settings", &self.call)
            .field("shared_store", &s.store.as_ref().map(|c| &c.shared))
            .finish_non_exhaustive()
    }
}
