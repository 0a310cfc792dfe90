#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod api_error;
mod auth;
mod fallback;
mod faults;
mod handlers;
mod respond;
mod seed;
mod tasks;
mod waitlists;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;

pub use faults::Faults;
pub use seed::{FIRST_DAY, FIRST_PATIENT, FIRST_TASK, FIRST_WAITLIST_REQUEST, LOCKED_APPOINTMENT};

/// One integrator application the token endpoint accepts.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The clinic's tenant ("acron").
    pub tenant: String,
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// The scopes the clinic granted it.
    pub scopes: Vec<String>,
}

/// What the sandbox accepts and serves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The applications the token endpoint accepts.
    pub clients: Vec<Credentials>,
    /// The subscription key REST calls must carry.
    pub subscription_key: String,
    /// The clinic's database uuid REST calls must carry.
    pub clinic_uuid: String,
    /// Lifetime of issued access tokens (`expires_in`).
    pub token_lifetime: Duration,
    /// Issue a single-use refresh token with each access token.
    pub refresh_tokens: bool,
    /// How many patients to seed.
    pub patients: usize,
    /// Largest accepted upload (413 above; Accuro's limit is 20 MB).
    pub max_upload_bytes: usize,
    /// The fault knobs at start.
    pub faults: Faults,
}

/// The sandbox's default tenant.
pub const TENANT: &str = "sandboxclinic";
/// The sandbox's default client id.
pub const CLIENT_ID: &str = "sandbox-client";
/// The sandbox's default client secret (synthetic; public by design).
pub const CLIENT_SECRET: &str = "sandbox-secret";
/// The sandbox's default subscription key (synthetic; public by design).
pub const SUBSCRIPTION_KEY: &str = "sandbox-subscription-key";
/// The sandbox clinic's uuid.
pub const CLINIC_UUID: &str = "5a4db0c5-0000-4000-8000-000000000001";

impl Default for Config {
    /// One client granted every scope of the spec, 300 patients, one-hour
    /// tokens, uploads up to 20 MiB.
    fn default() -> Self {
        Self {
            clients: vec![Credentials {
                tenant: TENANT.into(),
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
                scopes: auth::spec_scopes(),
            }],
            subscription_key: SUBSCRIPTION_KEY.into(),
            clinic_uuid: CLINIC_UUID.into(),
            token_lifetime: Duration::from_secs(3600),
            refresh_tokens: false,
            patients: 300,
            max_upload_bytes: 20 * 1024 * 1024,
            faults: Faults::default(),
        }
    }
}

impl Config {
    /// The `ACCURO_*` environment variables that point a client at this sandbox.
    pub fn client_env(&self, base_url: &str) -> Vec<(&'static str, String)> {
        let client = self.clients.first();
        vec![
            ("ACCURO_BASE_URL", base_url.to_owned()),
            (
                "ACCURO_TENANT",
                client.map(|c| c.tenant.clone()).unwrap_or_default(),
            ),
            (
                "ACCURO_CLIENT_ID",
                client.map(|c| c.client_id.clone()).unwrap_or_default(),
            ),
            (
                "ACCURO_CLIENT_SECRET",
                client.map(|c| c.client_secret.clone()).unwrap_or_default(),
            ),
            (
                "ACCURO_SCOPES",
                client.map(|c| c.scopes.join(" ")).unwrap_or_default(),
            ),
            ("ACCURO_SUBSCRIPTION_KEY", self.subscription_key.clone()),
            ("ACCURO_UUID", self.clinic_uuid.clone()),
        ]
    }
}

/// Counters, for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Token requests received.
    pub token_requests: u64,
    /// REST requests received (before any check).
    pub rest_requests: u64,
    /// Refresh tokens spent successfully.
    pub refresh_grants: u64,
    /// Refresh-token grants refused (unknown or already spent).
    pub refused_refresh_grants: u64,
}

pub(crate) struct State {
    pub(crate) config: Config,
    /// The operations of the built-in spec.
    pub(crate) spec: &'static accuro_spec::Spec,
    /// The lookup lists of the seed data (the db's, read without its lock).
    pub(crate) lookups: &'static seed::Lookups,
    pub(crate) db: Mutex<seed::Db>,
    pub(crate) faults: Mutex<Faults>,
    pub(crate) tokens: Mutex<auth::Tokens>,
    pub(crate) stats: Mutex<Stats>,
}

impl State {
    pub(crate) fn db(&self) -> MutexGuard<'_, seed::Db> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub(crate) fn tokens(&self) -> MutexGuard<'_, auth::Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub(crate) fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<State>,
    server: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Starts the sandbox on 127.0.0.1:`port` (0: any free port). Fails if
    /// the port cannot be bound, or if the built-in spec or seed data does
    /// not parse (`InvalidData`).
    pub async fn start(config: Config, port: u16) -> std::io::Result<Self> {
        let spec = accuro_spec::Spec::embedded()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let db = seed::clinic(config.patients)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            spec,
            lookups: db.lookups,
            db: Mutex::new(db),
            faults: Mutex::new(config.faults.clone()),
            tokens: Mutex::default(),
            stats: Mutex::default(),
            config,
        });
        let app = router(Arc::clone(&state));
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        Ok(Self {
            addr,
            state,
            server,
        })
    }

    /// The base URL to give the client (`ACCURO_BASE_URL`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Its configuration.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// Changes the fault knobs.
    pub fn set_faults(&self, faults: Faults) {
        *self.state.faults() = faults;
    }

    /// Revokes every token issued so far (later calls with them get 401).
    pub fn revoke_tokens(&self) {
        self.state.tokens().revoke_all();
    }

    /// Request counters.
    pub fn stats(&self) -> Stats {
        *self.state.stats()
    }

    /// Runs until the server stops (for the binary).
    pub async fn wait(self) {
        let _ = (&mut { self }.server).await;
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The REST routes of [`handlers`], [`tasks`] and [`waitlists`], with what
/// they do not serve (another method of a routed path, any other path)
/// falling back to the spec's examples; every REST request goes through the
/// fault knobs, then the [`auth::guard`].
fn router(state: Arc<State>) -> Router {
    let rest = handlers::routes()
        .merge(tasks::routes())
        .merge(waitlists::routes())
        .method_not_allowed_fallback(fallback::serve)
        .fallback(fallback::serve)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            auth::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            faults::inject,
        ));
    Router::new()
        .merge(rest)
        .route("/v1/token", axum::routing::post(auth::token))
        .merge(faults::admin_routes())
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(state)
}
