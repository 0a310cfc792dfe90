//! Configuration: the builder and `ACCURO_*` environment variables.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use reqwest::Url;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::Client;
use crate::error::ConfigError;
use crate::layer::{Jitter, Layer, Shared};
use crate::retry::RetryPolicy;
use crate::token::{TokenCache, split_scopes};

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, answer included.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default margin before expiry at which a cached token is renewed.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// Default time allowed for a token request, whatever `reqwest::Client` is used.
pub const DEFAULT_TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// The names settings go by in errors: builder methods or environment variables.
#[derive(Clone, Copy)]
struct Names {
    base_url: &'static str,
    tenant: &'static str,
    client_id: &'static str,
    client_secret: &'static str,
    scopes: &'static str,
    subscription_key: &'static str,
    uuid: &'static str,
}

const BUILDER_NAMES: Names = Names {
    base_url: "base_url",
    tenant: "tenant",
    client_id: "client_id",
    client_secret: "client_secret",
    scopes: "scopes",
    subscription_key: "subscription_key",
    uuid: "clinic_uuid",
};

const ENV_NAMES: Names = Names {
    base_url: "ACCURO_BASE_URL",
    tenant: "ACCURO_TENANT",
    client_id: "ACCURO_CLIENT_ID",
    client_secret: "ACCURO_CLIENT_SECRET",
    scopes: "ACCURO_SCOPES",
    subscription_key: "ACCURO_SUBSCRIPTION_KEY",
    uuid: "ACCURO_UUID",
};

/// Builds a [`Client`]. Obtain one with [`Client::builder`] or
/// [`ClientBuilder::from_env`].
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
#[derive(Clone)]
pub struct ClientBuilder {
    names: Names,
    base_url: Option<String>,
    tenant: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    scopes: Option<Vec<String>>,
    subscription_key: Option<SecretString>,
    uuid: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    refresh_margin: Duration,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    token_timeout: Duration,
    jitter: Jitter,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            names: BUILDER_NAMES,
            base_url: None,
            tenant: None,
            client_id: None,
            client_secret: None,
            scopes: None,
            subscription_key: None,
            uuid: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            retry: RetryPolicy::default(),
            http_client: None,
            token_timeout: DEFAULT_TOKEN_TIMEOUT,
            jitter: std::sync::Arc::new(fastrand::f64),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| if set { "[redacted]" } else { "[not set]" };
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(self.client_secret.is_some()))
            .field("scopes", &self.scopes)
            .field(
                "subscription_key",
                &redacted(self.subscription_key.is_some()),
            )
            .field("clinic_uuid", &redacted(self.uuid.is_some()))
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("refresh_margin", &self.refresh_margin)
            .field("retry", &self.retry)
            .field("token_timeout", &self.token_timeout)
            .finish_non_exhaustive()
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
        let n = ENV_NAMES;
        Self {
            names: ENV_NAMES,
            base_url: lookup(n.base_url),
            tenant: lookup(n.tenant),
            client_id: lookup(n.client_id),
            client_secret: lookup(n.client_secret).map(SecretString::from),
            scopes: lookup(n.scopes)
                .map(|s| split_scopes(&s).into_iter().map(str::to_owned).collect()),
            subscription_key: lookup(n.subscription_key).map(SecretString::from),
            uuid: lookup(n.uuid),
            ..Self::default()
        }
    }

    /// The Accuro base URL (sandbox or production) as handed to the
    /// integrator, without `/rest`. Must be `https`, except for loopback hosts.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The clinic's tenant (its Accuro instance name, "acron").
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// The integrator application's client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The integrator application's client secret.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// The scopes to request (any scope string is accepted: the server has no
    /// closed list).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The subscription key from the developer portal (`X-QHR-Subscription-Key`).
    pub fn subscription_key(mut self, key: impl Into<String>) -> Self {
        self.subscription_key = Some(SecretString::from(key.into()));
        self
    }

    /// The UUID of the clinic's database, sent as `uuid` on every REST call.
    pub fn clinic_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request, answer included (default 30 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long before expiry a cached token is renewed (default 60 s; at most
    /// half of a token's lifetime is used).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// How transient failures are retried (default: [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Time allowed for a token request (default 30 s). It applies whatever
    /// `reqwest::Client` is used: a token endpoint that never answers cannot
    /// hold calls up for longer. `Duration::MAX` arms no timer at all (for
    /// tests on a paused tokio clock, which would jump to it).
    pub fn token_timeout(mut self, timeout: Duration) -> Self {
        self.token_timeout = timeout;
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
        self.jitter = std::sync::Arc::new(jitter);
        self
    }

    /// Uses this `reqwest::Client` (for a proxy or custom TLS roots); the
    /// connect and request timeouts set here are then not applied (the token
    /// timeout is).
    ///
    /// Build it with `.redirect(reqwest::redirect::Policy::none())`, as this
    /// crate's own client is: reqwest follows redirects by default, and a
    /// followed redirect would carry the subscription key, and the URL's
    /// query (the clinic's `uuid`, a searched PHN or name), to wherever the
    /// redirect points.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks every setting and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        let n = self.names;
        let base_url = parse_base_url(n.base_url, required(n.base_url, self.base_url)?)?;
        let tenant = non_blank(n.tenant, required(n.tenant, self.tenant)?)?;
        let client_id = non_blank(n.client_id, required(n.client_id, self.client_id)?)?;
        if client_id.contains(':') {
            return Err(invalid(
                n.client_id,
                "must not contain ':' (it separates id and secret in Basic authentication)",
            ));
        }
        let secret = required(n.client_secret, self.client_secret)?;
        if secret.expose_secret().trim().is_empty() {
            return Err(invalid(n.client_secret, "is empty"));
        }
        let scopes = required(n.scopes, self.scopes)?;
        let scope = check_scopes(n.scopes, &scopes)?;
        let key = required(n.subscription_key, self.subscription_key)?;
        let subscription_key = sensitive_header(n.subscription_key, key.expose_secret().trim())?;
        let uuid = required(n.uuid, self.uuid)?;
        let uuid = uuid::Uuid::parse_str(uuid.trim())
            .map_err(|_| {
                invalid(
                    n.uuid,
                    "is not a UUID (expected the form 8-4-4-4-12 hexadecimal digits)",
                )
            })?
            .hyphenated()
            .to_string();

        let credentials = base64::engine::general_purpose::STANDARD
            .encode(format!("{client_id}:{}", secret.expose_secret()));
        let basic = sensitive_header(n.client_secret, &format!("Basic {credentials}"))?;

        let http = match self.http_client {
            Some(client) => client,
            None => build_http_client(self.connect_timeout, self.request_timeout)?,
        };
        let layer = Layer::new(Shared {
            tenant,
            client_id,
            basic,
            scope,
            subscription_key,
            uuid,
            refresh_margin: self.refresh_margin,
            retry: self.retry,
            cache: TokenCache::new(self.token_timeout),
            jitter: self.jitter,
        });
        Ok(Client::new_with_client(
            base_url.as_str().trim_end_matches('/'),
            http,
            layer,
        ))
    }
}

fn required<T>(name: &'static str, value: Option<T>) -> Result<T, ConfigError> {
    value.ok_or(ConfigError::Missing { name })
}

fn invalid(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        reason: reason.into(),
    }
}

fn non_blank(name: &'static str, value: String) -> Result<String, ConfigError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(name, "is empty"));
    }
    Ok(trimmed.to_owned())
}

fn sensitive_header(name: &'static str, value: &str) -> Result<HeaderValue, ConfigError> {
    if value.is_empty() {
        return Err(invalid(name, "is empty"));
    }
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| invalid(name, "has characters that cannot be sent in an HTTP header"))?;
    header.set_sensitive(true);
    Ok(header)
}

/// RFC 6749 scope tokens: printable ASCII except space, `"` and `\`.
fn check_scopes(name: &'static str, scopes: &[String]) -> Result<String, ConfigError> {
    let scopes: Vec<&str> = scopes.iter().flat_map(|s| split_scopes(s)).collect();
    if scopes.is_empty() {
        return Err(invalid(name, "lists no scope"));
    }
    if let Some(bad) = scopes.iter().find(|s| {
        !s.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
    }) {
        return Err(invalid(
            name,
            format!("scope `{bad}` has characters a scope cannot have"),
        ));
    }
    Ok(scopes.join(" "))
}

fn parse_base_url(name: &'static str, raw: String) -> Result<Url, ConfigError> {
    let url = Url::parse(raw.trim()).map_err(|e| invalid(name, format!("is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(name, "must not carry credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(name, "must not have a query or fragment"));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(invalid(name, "has no host")),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(invalid(
            name,
            "must use https: tokens and health data never travel in clear text (http is allowed for loopback hosts only)",
        )),
        other => Err(invalid(name, format!("has scheme `{other}`; use https"))),
    }
}

/// Makes sure rustls has a process-wide crypto provider: keeps the one the
/// application installed, otherwise installs *ring*.
///
/// [`ClientBuilder::build`] calls it. Call it yourself before building a
/// `reqwest::Client` of your own for [`ClientBuilder::http_client`]: this crate
/// enables reqwest's `rustls-no-provider` feature, and reqwest refuses to build
/// a client without a provider.
pub fn ensure_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race against another installer is fine: one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn build_http_client(connect: Duration, request: Duration) -> Result<reqwest::Client, ConfigError> {
    ensure_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(connect)
        .timeout(request)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("accuro-client/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConfigError::Http(e.without_url().to_string()))
}
