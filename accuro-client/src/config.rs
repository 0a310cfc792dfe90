//! Configuration of one client: a [`ClinicConfig`] and a transport,
//! from the builder or the `ACCURO_*` environment variables.

use std::time::Duration;

use crate::Client;
use crate::clinic::ClinicConfig;
use crate::error::ConfigError;
use crate::retry::RetryPolicy;
use crate::transport::{Transport, TransportBuilder};

pub use crate::transport::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_REFRESH_MARGIN, DEFAULT_REQUEST_TIMEOUT, DEFAULT_TOKEN_TIMEOUT,
};

/// Builds a [`Client`] for one clinic, with a transport of its own or a
/// shared one ([`transport`](Self::transport)). Obtain one with
/// [`Client::builder`] or [`ClientBuilder::from_env`]. For many clinics,
/// build one [`Transport`] and call [`Transport::clinic`] for each.
///
/// ```
/// # fn main() -> Result<(), accuro_client::ConfigError> {
/// let client = accuro_client::Client::builder()
///     .base_url("https://accuro.example.invalid")
///     .tenant("exampleclinic")
///     .client_id("example-client-id")
///     .client_secret("example-client-secret")
///     .scopes(["PATIENT_DEMOGRAPHICS_READ", "SCHEDULING_READ"])
///     .subscription_key("example-subscription-key")
///     .clinic_uuid("00000000-0000-4000-8000-000000000000")
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct ClientBuilder {
    clinic: ClinicConfig,
    transport: TransportBuilder,
    /// A transport setting was changed (an error with a shared transport).
    transport_changed: bool,
    shared: Option<Transport>,
}

impl From<ClinicConfig> for ClientBuilder {
    /// A builder with these clinic settings, to change transport settings
    /// before building.
    fn from(clinic: ClinicConfig) -> Self {
        Self {
            clinic,
            ..Self::default()
        }
    }
}

impl Client {
    /// A builder for a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the `ACCURO_*` environment variables; see
    /// [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env().build()
    }
}

impl ClientBuilder {
    /// A builder filled from the environment: `ACCURO_BASE_URL`,
    /// `ACCURO_TENANT`, `ACCURO_CLIENT_ID`, `ACCURO_CLIENT_SECRET`,
    /// `ACCURO_SCOPES` (separated by spaces and/or commas),
    /// `ACCURO_SUBSCRIPTION_KEY` and `ACCURO_UUID`. Errors from
    /// [`build`](Self::build) name the variable.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading the variables through
    /// `lookup` (for tests, or a secret store).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            clinic: ClinicConfig::from_lookup(lookup),
            ..Self::default()
        }
    }

    /// The Accuro base URL (sandbox or production) as handed to the
    /// integrator, without `/rest`. Must be `https`, except for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.clinic = self.clinic.base_url(url);
        self
    }

    /// The clinic's tenant (its Accuro instance name, "acron").
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.clinic = self.clinic.tenant(tenant);
        self
    }

    /// The integrator application's client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.clinic = self.clinic.client_id(id);
        self
    }

    /// The integrator application's client secret.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.clinic = self.clinic.client_secret(secret);
        self
    }

    /// The scopes to request (any scope string is accepted: the server has no
    /// closed list).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.clinic = self.clinic.scopes(scopes);
        self
    }

    /// The subscription key from the developer portal (`X-QHR-Subscription-Key`).
    pub fn subscription_key(mut self, key: impl Into<String>) -> Self {
        self.clinic = self.clinic.subscription_key(key);
        self
    }

    /// The UUID of the clinic's database, sent as `uuid` on every REST call.
    pub fn clinic_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.clinic = self.clinic.clinic_uuid(uuid);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self.transport_changed = true;
        self
    }

    /// Time allowed for a whole request, answer included (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.request_timeout(timeout);
        self.transport_changed = true;
        self
    }

    /// How long before expiry a cached token is renewed (default 60 s; at most
    /// half of a token's lifetime is used).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.transport = self.transport.refresh_margin(margin);
        self.transport_changed = true;
        self
    }

    /// How transient failures are retried (default: [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.retry_policy(policy);
        self.transport_changed = true;
        self
    }

    /// Time allowed for a token request (default 30 s). It applies whatever
    /// `reqwest::Client` is used: a token endpoint that never answers cannot
    /// hold calls up for longer. `Duration::MAX` arms no timer at all (for
    /// tests on a paused tokio clock, which would jump to it).
    pub fn token_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.token_timeout(timeout);
        self.transport_changed = true;
        self
    }

    /// The source of jitter, a fraction in `0.0..=1.0` asked for each time a
    /// token's renewal point or a retry's wait is spread (default: random).
    /// Fix it in tests to make timings exact; values outside the range are
    /// clamped.
    ///
    /// ```
    /// let builder = accuro_client::Client::builder().jitter(|| 0.0);
    /// # let _ = builder;
    /// ```
    pub fn jitter(mut self, jitter: impl Fn() -> f64 + Send + Sync + 'static) -> Self {
        self.transport = self.transport.jitter(jitter);
        self.transport_changed = true;
        self
    }

    #[doc(hidden)]
    /// Arms no timer of the client's own (see
    /// [`TransportBuilder::without_timers`]): for tests on a paused tokio
    /// clock only.
    pub fn without_timers(mut self) -> Self {
        self.transport = self.transport.without_timers();
        self.transport_changed = true;
        self
    }

    /// Sets the transport's other settings (TLS roots, a client identity, a
    /// proxy, the answer cap...) on its builder.
    pub fn configure_transport(
        mut self,
        f: impl FnOnce(TransportBuilder) -> TransportBuilder,
    ) -> Self {
        self.transport = f(self.transport);
        self.transport_changed = true;
        self
    }

    /// Builds the client over this shared transport (its pool, TLS,
    /// timeouts and policies) instead of one of its own. Setting a
    /// transport setting on this builder as well (a timeout, the retry
    /// policy, the jitter...) is refused by [`build`](Self::build): the
    /// shared transport's apply.
    pub fn transport(mut self, transport: Transport) -> Self {
        self.shared = Some(transport);
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        // The clinic's settings first: a missing variable is named before
        // any transport is built.
        self.clinic.check_settings()?;
        let transport = match self.shared {
            Some(_) if self.transport_changed => {
                return Err(ConfigError::Invalid {
                    name: "transport",
                    reason: "is shared: its own timeouts, retry policy and TLS settings apply; set them on its TransportBuilder".into(),
                });
            }
            Some(t) => t,
            None => self.transport.build()?,
        };
        transport.clinic(self.clinic)
    }
}
