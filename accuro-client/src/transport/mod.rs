//! The transport clients share. What it holds and does (TLS, redirects,
//! answers, connections, proxies, the span of every call) is documented on
//! [`Transport`], which users see; [`TransportBuilder`] is in `builder`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::Client;
use crate::audit::{AuditClinic, AuditQueue, AuditStats, ClinicAudit};
use crate::clinic::ClinicConfig;
use crate::error::ConfigError;
use crate::retry::RetryPolicy;
use crate::state::{ClientState, ClinicState, ClinicStore, Jitter, Offices};
use crate::token::{PauseKey, SharedStore, StoreKey, TokenCache, split_scopes};

mod builder;

pub use builder::TransportBuilder;

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, answer included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default margin before expiry at which a cached token is renewed.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Default time allowed for a token request.
pub const DEFAULT_TOKEN_TIMEOUT: Duration = Duration::from_secs(30);
/// Default cap on one answer, after decoding: 64 MiB.
pub const DEFAULT_MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;
/// Default bound on audit events waiting for a slow sink.
pub const DEFAULT_AUDIT_QUEUE: usize = 1024;
/// Default cap on idle connections kept per host.
pub const DEFAULT_MAX_IDLE_PER_HOST: usize = 32;

/// The HTTP transport clients share: one connection pool, one TLS
/// configuration, the timeouts, the retry policy, the user agent, the answer
/// cap, the shared token store and the audit sink, built once. A [`Client`]
/// for each clinic is then built from it cheaply with [`Transport::clinic`]:
/// its own credentials, `uuid` and token cache over the shared pool. Cheap to
/// clone (shared). `Debug` shows no secret.
///
/// ```no_run
/// use accuro_client::{ClinicConfig, Transport};
///
/// # fn run() -> Result<(), accuro_client::ConfigError> {
/// let transport = Transport::builder().build()?;
/// let clinic = transport.clinic(
///     ClinicConfig::new()
///         .base_url("https://accuro.example.invalid")
///         .tenant("exampleclinic")
///         .client_id("example-client-id")
///         .client_secret("example-client-secret")
///         .scopes(["PATIENT_DEMOGRAPHICS_READ"])
///         .subscription_key("example-subscription-key")
///         .clinic_uuid("00000000-0000-4000-8000-000000000000"),
/// )?;
/// # let _ = clinic;
/// # Ok(())
/// # }
/// ```
///
/// # TLS
///
/// Each transport builds its own rustls configuration with the *ring*
/// provider: nothing is installed process-wide, so an application's own
/// `reqwest` clients and crypto provider are left alone, whichever is built
/// first (two test binaries check both orders). Roots are the platform's
/// store, with Mozilla's (`webpki-roots`, built in) as the fallback when it
/// is empty, so a container without CA files still works (a test with no
/// CA files reaches a server whose certificate chains to ISRG Root X1, one of
/// Mozilla's, with a stand-in for the root's signature, since no test holds
/// its key) ([`platform_roots`](TransportBuilder::platform_roots),
/// [`mozilla_roots`](TransportBuilder::mozilla_roots)). A private CA
/// ([`add_root_certificates_pem`](TransportBuilder::add_root_certificates_pem))
/// and a client identity for mutual TLS
/// ([`identity_pem`](TransportBuilder::identity_pem)) are builder settings.
///
/// This crate builds reqwest with `rustls-no-provider`, and cargo unifies
/// features: an application whose own `reqwest` has no crypto provider of
/// its own must install one, as reqwest requires
/// (`rustls::crypto::ring::default_provider().install_default()`), before
/// or after building a transport. Code that called the removed
/// `ensure_crypto_provider()` does the same before building its own
/// `reqwest` client.
///
/// # Redirects
///
/// Redirects are never followed, whatever else is set: a followed redirect
/// would carry the subscription key, and the URL's query (the clinic's
/// `uuid`, a searched PHN or name), to wherever it points. The raw
/// `http_client(..)` escape hatch is gone: what it was for (a proxy, roots,
/// timeouts) is on the [`TransportBuilder`].
///
/// # Answers
///
/// gzip and brotli are negotiated (`Accept-Encoding`) and decoded (sizes in
/// `BENCHMARKS.md`). An answer larger than the cap
/// ([`TransportBuilder::max_answer_bytes`], default
/// [`DEFAULT_MAX_ANSWER_BYTES`], 64 MiB, after decoding) is refused with
/// [`Error::AnswerTooLarge`](crate::Error::AnswerTooLarge) without being
/// read past the cap; a declared `Content-Length` above it fails before
/// anything is read. Downloads (documents, pictures) are capped too: raise
/// the cap for larger files; a download stream that passes it ends with an
/// error.
///
/// # Connections
///
/// Idle connections are kept per host
/// ([`TransportBuilder::max_idle_connections_per_host`]).
/// [`TransportBuilder::max_requests_in_flight`] bounds the requests the
/// transport has in flight at once, over all its clinics, token requests
/// included (and so the connections it opens to a host); further calls
/// wait their turn. Without it, each concurrent call may open a connection.
///
/// # Proxies
///
/// No proxy is used unless [`TransportBuilder::proxy`] sets one: the
/// `HTTP_PROXY`/`HTTPS_PROXY` environment variables are not read, so no
/// variable can route credentials elsewhere.
///
/// # Logs
///
/// Each call is a `tracing` span `accuro.request`, at `DEBUG`, named on
/// OpenTelemetry's HTTP client conventions: `http.request.method`,
/// `url.template` (the path *template*), `server.address`, `server.port`,
/// `http.response.status_code`, `error.type` (the status of a refusal,
/// `timeout` or `transport`) and `http.request.resend_count`, beside
/// `operation` (the operation id), `attempts`, `latency_ms`,
/// `otel.kind = "client"` and `otel.name` (`GET /rest/...{patientId}`).
/// Never the URL (no `url.full`), a query value, a path value, a header or
/// a body. A test runs a realistic session with every secret and health-data
/// value set to a unique marker, captures all output at `TRACE` and every
/// error's `Display` and `Debug`, and finds no marker.
#[derive(Clone)]
pub struct Transport {
    pub(crate) state: Arc<TransportState>,
}

pub(crate) struct TransportState {
    pub(crate) http: reqwest::Client,
    pub(crate) retry: RetryPolicy,
    pub(crate) refresh_margin: Duration,
    pub(crate) token_timeout: Duration,
    /// The time allowed for a whole request, if any: a call waits no longer
    /// for a token either.
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) jitter: Jitter,
    pub(crate) max_answer_bytes: u64,
    pub(crate) in_flight: Option<Arc<tokio::sync::Semaphore>>,
    pub(crate) store: Option<SharedStore>,
    pub(crate) audit: Option<Arc<AuditQueue>>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.state;
        f.debug_struct("Transport")
            .field("retry", &s.retry)
            .field("refresh_margin", &s.refresh_margin)
            .field("token_timeout", &s.token_timeout)
            .field("max_answer_bytes", &s.max_answer_bytes)
            .field("shared_store", &s.store)
            .field("audit", &s.audit.as_ref().map(|q| q.stats()))
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// What became of the audit events so far (`None` without an
    /// [`audit_sink`](TransportBuilder::audit_sink)).
    pub fn audit_stats(&self) -> Option<AuditStats> {
        self.state.audit.as_ref().map(|q| q.stats())
    }

    /// Waits until the sink has recorded every queued audit event, or
    /// `timeout` has passed; whether it got them all (`true` without a
    /// sink). It blocks the thread: call it at shutdown, or from
    /// `tokio::task::spawn_blocking`.
    pub fn flush_audit(&self, timeout: Duration) -> bool {
        self.state.audit.as_ref().is_none_or(|q| q.flush(timeout))
    }

    /// A builder; see [`TransportBuilder`].
    pub fn builder() -> TransportBuilder {
        TransportBuilder::default()
    }

    /// A client for one clinic over this transport: its own credentials,
    /// `uuid` and token cache, the shared pool and policies. Checks every
    /// setting of `clinic`; costs no connection and no token.
    pub fn clinic(&self, clinic: ClinicConfig) -> Result<Client, ConfigError> {
        let checked = clinic.check()?;
        let s = &self.state;
        let base_url = checked.base_url.as_str().trim_end_matches('/');
        let store = s.store.as_ref().map(|shared| {
            let key = StoreKey::new(
                base_url,
                &checked.tenant,
                &checked.client_id,
                &checked.client_secret,
                split_scopes(&checked.scope),
            );
            ClinicStore {
                shared: shared.clone(),
                root_key: key.clone(),
                key,
                pause: PauseKey::new(checked.subscription_key.as_bytes()),
                refused: std::sync::Mutex::new(None),
                shares_tokens: true,
            }
        });
        let (checked_tenant, checked_client_id, checked_uuid) =
            (&checked.tenant, &checked.client_id, &checked.uuid);
        let audit = s.audit.as_ref().map(|queue| ClinicAudit {
            queue: Arc::clone(queue),
            clinic: Arc::new(AuditClinic::new(
                checked_tenant.clone(),
                checked_client_id.clone(),
                checked_uuid.clone(),
            )),
        });
        let state = ClientState::new(ClinicState {
            tenant: checked.tenant,
            client_id: checked.client_id,
            basic: checked.basic,
            scope: checked.scope,
            subscription_key: checked.subscription_key,
            uuid: checked.uuid,
            refresh_margin: s.refresh_margin,
            retry: s.retry.clone(),
            cache: TokenCache::new(s.token_timeout)
                .configured(Arc::clone(&s.jitter), s.request_timeout),
            jitter: Arc::clone(&s.jitter),
            max_answer_bytes: s.max_answer_bytes,
            in_flight: s.in_flight.clone(),
            store,
            audit,
            token_requests: Default::default(),
            requests: Default::default(),
            office: None,
            own_token: false,
            offices: Offices::new(),
        });
        Ok(Client::new_with_client(base_url, s.http.clone(), state))
    }
}
