//! One clinic's settings: where its Accuro is, and as whom to call it.
//!
//! A [`ClinicConfig`] is checked when a client is built from it
//! ([`Transport::clinic`](crate::Transport::clinic), or
//! [`ClientBuilder::build`](crate::ClientBuilder::build)); errors name the
//! setting (the builder method, or the `ACCURO_*` variable it came from) and
//! never show a secret.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::ConfigError;
use crate::token::split_scopes;

/// The names settings go by in errors: builder methods or environment variables.
#[derive(Clone, Copy)]
pub(crate) struct Names {
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

/// One clinic's settings. `Debug` shows no secret and no uuid.
///
/// ```
/// let clinic = accuro_client::ClinicConfig::new()
///     .base_url("https://accuro.example.invalid")
///     .tenant("exampleclinic")
///     .client_id("example-client-id")
///     .client_secret("example-client-secret")
///     .scopes(["PATIENT_DEMOGRAPHICS_READ"])
///     .subscription_key("example-subscription-key")
///     .clinic_uuid("00000000-0000-4000-8000-000000000000");
/// assert!(!format!("{clinic:?}").contains("example-client-secret"));
/// ```
#[derive(Clone)]
pub struct ClinicConfig {
    names: Names,
    base_url: Option<String>,
    tenant: Option<String>,
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    scopes: Option<Vec<String>>,
    subscription_key: Option<SecretString>,
    uuid: Option<String>,
}

impl Default for ClinicConfig {
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
        }
    }
}

impl fmt::Debug for ClinicConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| if set { "[redacted]" } else { "[not set]" };
        f.debug_struct("ClinicConfig")
            .field("base_url", &self.base_url.as_deref().map(shown_url))
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(self.client_secret.is_some()))
            .field("scopes", &self.scopes)
            .field(
                "subscription_key",
                &redacted(self.subscription_key.is_some()),
            )
            .field("clinic_uuid", &redacted(self.uuid.is_some()))
            .finish()
    }
}

/// A base URL as `Debug` shows it: without credentials, query or fragment
/// (a mistaken `https://user:pw@host/?uuid=…` must not reach a log).
fn shown_url(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.set_query(None);
            url.set_fragment(None);
            url.to_string()
        }
        Err(_) => "[not a URL]".to_owned(),
    }
}

/// A clinic's settings, checked and ready for a client.
pub(crate) struct Checked {
    pub(crate) base_url: Url,
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) basic: HeaderValue,
    /// Kept only to key the shared store's key names (see `StoreKey`).
    pub(crate) client_secret: SecretString,
    pub(crate) scope: String,
    pub(crate) subscription_key: HeaderValue,
    pub(crate) uuid: String,
}

impl ClinicConfig {
    /// Empty settings, to fill with the setters.
    pub fn new() -> Self {
        Self::default()
    }

    /// The settings from the environment: `ACCURO_BASE_URL`,
    /// `ACCURO_TENANT`, `ACCURO_CLIENT_ID`, `ACCURO_CLIENT_SECRET`,
    /// `ACCURO_SCOPES` (separated by spaces and/or commas),
    /// `ACCURO_SUBSCRIPTION_KEY` and `ACCURO_UUID`. Errors name the variable.
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

    /// Checks every setting without building anything: the errors a client
    /// built from these settings would give.
    pub fn check_settings(&self) -> Result<(), ConfigError> {
        self.clone().check().map(drop)
    }

    /// Checks every setting.
    pub(crate) fn check(self) -> Result<Checked, ConfigError> {
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

        let basic = sensitive_header(
            n.client_secret,
            &accuro_spec::token_endpoint::basic_header(&client_id, secret.expose_secret()),
        )?;

        Ok(Checked {
            base_url,
            tenant,
            client_id,
            basic,
            client_secret: secret,
            scope,
            subscription_key,
            uuid,
        })
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
