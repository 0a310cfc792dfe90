//! The probe's settings: the same `ACCURO_*` variables as the client.

use secrecy::SecretString;
use url::Url;

/// Where and as whom the probe calls. `Debug` shows no secret and no uuid.
#[derive(Clone)]
pub struct Config {
    /// The base URL (without `/rest`).
    pub base_url: Url,
    /// The tenant (the token endpoint's `tenant`).
    pub tenant: String,
    /// The integrator's client id.
    pub client_id: String,
    /// The integrator's client secret.
    pub client_secret: SecretString,
    /// The scopes to ask for.
    pub scopes: Vec<String>,
    /// The `X-QHR-Subscription-Key`.
    pub subscription_key: SecretString,
    /// The clinic's uuid.
    pub uuid: SecretString,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &accuro_fetch::shown(self.base_url.as_str()))
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .field("subscription_key", &"[redacted]")
            .field("uuid", &"[redacted]")
            .finish()
    }
}

impl Config {
    /// The settings from `ACCURO_BASE_URL`, `ACCURO_TENANT`,
    /// `ACCURO_CLIENT_ID`, `ACCURO_CLIENT_SECRET`, `ACCURO_SCOPES`,
    /// `ACCURO_SUBSCRIPTION_KEY` and `ACCURO_UUID`, read through `lookup`
    /// and checked by the client's own builder (so the errors are the
    /// client's: https required except on loopback, each missing variable
    /// named).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        // The client's own check of every setting (its errors name the
        // variable); no transport is built.
        accuro_client::ClinicConfig::from_lookup(&lookup)
            .check_settings()
            .map_err(|e| e.to_string())?;
        // The same normalisation as the builder's: trimmed, the uuid hyphenated.
        let get = |name: &str| lookup(name).unwrap_or_default().trim().to_owned();
        let base_url = Url::parse(get("ACCURO_BASE_URL").trim_end_matches('/'))
            .map_err(|_| "ACCURO_BASE_URL is not a URL".to_owned())?;
        let uuid = uuid::Uuid::parse_str(&get("ACCURO_UUID"))
            .map_err(|_| "ACCURO_UUID is not a UUID".to_owned())?
            .hyphenated()
            .to_string();
        Ok(Self {
            base_url,
            tenant: get("ACCURO_TENANT"),
            client_id: get("ACCURO_CLIENT_ID"),
            client_secret: SecretString::from(lookup("ACCURO_CLIENT_SECRET").unwrap_or_default()),
            scopes: accuro_client::token::split_scopes(&get("ACCURO_SCOPES"))
                .into_iter()
                .map(str::to_owned)
                .collect(),
            subscription_key: SecretString::from(get("ACCURO_SUBSCRIPTION_KEY")),
            uuid: SecretString::from(uuid),
        })
    }
}
