//! [`TransportBuilder`]: a [`Transport`]'s settings, its TLS configuration
//! and its connection pool.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{
    DEFAULT_AUDIT_QUEUE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_ANSWER_BYTES,
    DEFAULT_MAX_IDLE_PER_HOST, DEFAULT_REFRESH_MARGIN, DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_TOKEN_TIMEOUT, Transport, TransportState,
};
use crate::audit::{AuditQueue, AuditSink};
use crate::error::ConfigError;
use crate::retry::RetryPolicy;
use crate::state::Jitter;
use crate::token::SharedStore;

/// Builds a [`Transport`].
#[derive(Clone)]
pub struct TransportBuilder {
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    max_idle_per_host: usize,
    retry: RetryPolicy,
    refresh_margin: Duration,
    token_timeout: Duration,
    jitter: Jitter,
    platform_roots: bool,
    mozilla_roots: Option<bool>,
    extra_roots: Vec<Vec<u8>>,
    identity: Option<(Vec<u8>, Vec<u8>)>,
    proxy: Option<reqwest::Proxy>,
    max_answer_bytes: u64,
    max_in_flight: Option<usize>,
    store: Option<SharedStore>,
    /// Whether the transport arms timers of its own (see `without_timers`).
    timers: bool,
    audit: Option<Arc<dyn AuditSink>>,
    audit_queue: usize,
}

impl Default for TransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            max_idle_per_host: DEFAULT_MAX_IDLE_PER_HOST,
            retry: RetryPolicy::default(),
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            token_timeout: DEFAULT_TOKEN_TIMEOUT,
            jitter: Arc::new(fastrand::f64),
            platform_roots: true,
            mozilla_roots: None,
            extra_roots: Vec::new(),
            identity: None,
            proxy: None,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            max_in_flight: None,
            store: None,
            timers: true,
            audit: None,
            audit_queue: DEFAULT_AUDIT_QUEUE,
        }
    }
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("max_idle_per_host", &self.max_idle_per_host)
            .field("retry", &self.retry)
            .field("refresh_margin", &self.refresh_margin)
            .field("token_timeout", &self.token_timeout)
            .field("platform_roots", &self.platform_roots)
            .field("mozilla_roots", &self.mozilla_roots)
            .field("extra_roots", &self.extra_roots.len())
            .field("identity", &self.identity.as_ref().map(|_| "[redacted]"))
            .field("proxy", &self.proxy.as_ref().map(|_| "[set]"))
            .field("max_answer_bytes", &self.max_answer_bytes)
            .field("max_in_flight", &self.max_in_flight)
            .field("shared_store", &self.store)
            .field("audit_sink", &self.audit.as_ref().map(|_| "[set]"))
            .field("audit_queue", &self.audit_queue)
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    /// Records one [`AuditEvent`](crate::audit::AuditEvent) per finished
    /// call of every clinic of the transport (see [`crate::audit`]): none by
    /// default.
    pub fn audit_sink(mut self, sink: impl AuditSink) -> Self {
        self.audit = Some(Arc::new(sink));
        self
    }

    /// How many audit events may wait for a slow sink before new ones are
    /// dropped and counted (default 1,024; at least 1, at most 65,536).
    pub fn audit_queue(mut self, capacity: usize) -> Self {
        self.audit_queue = capacity.clamp(1, 65_536);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole request, answer included (default 30 s). A
    /// call also waits no longer than this for a token renewal in flight
    /// (see [`SEND_MARGIN`](crate::token::SEND_MARGIN)).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Arms no timer of the transport's own: no connect or request timeout,
    /// no idle-connection timer, no lock watchdog, and no token timeout (a `token_timeout`
    /// set before is dropped; set one after to keep it). For tests on a
    /// paused tokio clock, which jumps to the next pending timer while a
    /// loopback server answers; never for production.
    #[doc(hidden)]
    pub fn without_timers(mut self) -> Self {
        self.connect_timeout = None;
        self.request_timeout = None;
        self.pool_idle_timeout = None;
        self.token_timeout = Duration::MAX;
        self.timers = false;
        self
    }

    /// Idle connections kept open per host (default 32). Calls beyond it
    /// open connections that are closed once idle.
    pub fn max_idle_connections_per_host(mut self, max: usize) -> Self {
        self.max_idle_per_host = max;
        self
    }

    /// How long before expiry a cached token is renewed (default 60 s; at
    /// most half of a token's lifetime is used).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// How transient failures are retried (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Time allowed for a token request (default 30 s). `Duration::MAX`
    /// arms no timer for the request itself (a call still waits for it no
    /// longer than its `request_timeout`, if one is set).
    pub fn token_timeout(mut self, timeout: Duration) -> Self {
        self.token_timeout = timeout;
        self
    }

    /// The source of jitter, a fraction in `0.0..=1.0` (default: random).
    pub fn jitter(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.jitter = Arc::new(jitter);
        self
    }

    /// Whether the platform's root store is trusted (default yes). The extra
    /// roots are trusted either way.
    pub fn platform_roots(mut self, trusted: bool) -> Self {
        self.platform_roots = trusted;
        self
    }

    /// Whether Mozilla's roots (`webpki-roots`, built in) are trusted.
    /// By default they are the fallback: trusted only when the platform's
    /// store is off or empty (a container without CA files). `true` trusts
    /// them beside the platform's; `false` never.
    pub fn mozilla_roots(mut self, trusted: bool) -> Self {
        self.mozilla_roots = Some(trusted);
        self
    }

    /// Bounds the requests this transport has in flight at once, over all
    /// its clinics (token requests included): further calls wait their turn.
    /// This bounds the connections it opens to a host. Unbounded by default.
    pub fn max_requests_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = Some(max.max(1));
        self
    }

    /// Also trusts these root CAs (PEM, one or more certificates): a
    /// private QHR environment, a corporate proxy's CA.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(pem.into());
        self
    }

    /// Presents this client identity (certificate chain and private key,
    /// PEM) when the server asks for one (mutual TLS).
    pub fn identity_pem(
        mut self,
        certificate_chain: impl Into<Vec<u8>>,
        private_key: impl Into<Vec<u8>>,
    ) -> Self {
        self.identity = Some((certificate_chain.into(), private_key.into()));
        self
    }

    /// Uses this proxy, for the requests it matches (`reqwest::Proxy::all`
    /// for every one). Without it, no proxy is used: the `HTTP_PROXY` and
    /// `HTTPS_PROXY` variables are not read. Redirects stay off and the TLS
    /// settings apply to the connections through it.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// The largest answer read, after decoding (default 64 MiB); a larger
    /// one fails its call with [`Error::AnswerTooLarge`](crate::Error::AnswerTooLarge).
    pub fn max_answer_bytes(mut self, max: u64) -> Self {
        self.max_answer_bytes = max;
        self
    }

    /// Shares tokens and 429 pauses with other processes through `store`
    /// (a `token::RedisStore` with the `redis` feature): one token request
    /// per clinic and scope set across every process using it. Without it,
    /// each client keeps its token in memory only. See [`SharedStore`] for
    /// what happens when the store fails (calls go on without it).
    pub fn shared_store(mut self, store: SharedStore) -> Self {
        self.store = Some(store);
        self
    }

    /// Builds the transport: its TLS configuration and connection pool.
    pub fn build(self) -> Result<Transport, ConfigError> {
        if let Some(store) = &self.store
            && store.lock_ttl_value() > self.token_timeout / 2
        {
            return Err(ConfigError::Invalid {
                name: "shared_store",
                reason: "its lock_ttl must be at most half of token_timeout: a wait for another \
                         process's token request, then a request of its own, count against the \
                         token timeout"
                    .into(),
            });
        }
        let tls = self.tls()?;
        let mut http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("accuro-client/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(self.max_idle_per_host)
            .pool_idle_timeout(self.pool_idle_timeout);
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        if let Some(t) = self.request_timeout {
            http = http.timeout(t);
        }
        http = match self.proxy {
            Some(proxy) => http.proxy(proxy),
            None => http.no_proxy(),
        };
        let http = http
            .build()
            .map_err(|e| ConfigError::Http(crate::error::transport_message(e)))?;
        let audit = match self.audit {
            Some(sink) => Some(Arc::new(
                AuditQueue::start(Box::new(sink), self.audit_queue)
                    .map_err(|e| ConfigError::Http(format!("the audit thread: {e}")))?,
            )),
            None => None,
        };
        Ok(Transport {
            state: Arc::new(TransportState {
                http,
                retry: self.retry,
                refresh_margin: self.refresh_margin,
                token_timeout: self.token_timeout,
                request_timeout: self.request_timeout,
                jitter: self.jitter,
                max_answer_bytes: self.max_answer_bytes,
                in_flight: self
                    .max_in_flight
                    .map(|n| Arc::new(tokio::sync::Semaphore::new(n))),
                store: self.store.map(|mut store| {
                    // The lock watchdog's timer too (tests on a paused clock).
                    store.watchdog &= self.timers;
                    store
                }),
                audit,
            }),
        })
    }

    /// The rustls configuration: the *ring* provider, the roots, the
    /// identity, ALPN for the HTTP versions built in.
    fn tls(&self) -> Result<rustls::ClientConfig, ConfigError> {
        use accuro_fetch::tls::{Roots, TlsError, client_config};
        let roots = Roots {
            platform: self.platform_roots,
            mozilla: self.mozilla_roots,
            extra_pem: self.extra_roots.clone(),
        };
        let identity = self
            .identity
            .as_ref()
            .map(|(chain, key)| (chain.as_slice(), key.as_slice()));
        client_config(&roots, identity, alpn()).map_err(|e| {
            let invalid =
                |name: &'static str, reason: String| ConfigError::Invalid { name, reason };
            match e {
                TlsError::ExtraRoot(reason) => invalid("add_root_certificates_pem", reason),
                TlsError::NoRoots => invalid("roots", e.to_string()),
                TlsError::Identity(reason) => invalid("identity_pem", reason),
                other => ConfigError::Http(format!("TLS: {other}")),
            }
        })
    }
}

#[cfg(feature = "http2")]
fn alpn() -> Vec<Vec<u8>> {
    vec![b"h2".to_vec(), b"http/1.1".to_vec()]
}

#[cfg(not(feature = "http2"))]
fn alpn() -> Vec<Vec<u8>> {
    vec![b"http/1.1".to_vec()]
}
