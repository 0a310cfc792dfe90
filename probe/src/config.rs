//! The probe's settings: the same `ACCURO_*` variables as the client, read
//! and checked by the client's own [`ClinicConfig`].

use accuro_client::ClinicConfig;

/// Where and as whom the probe calls. `Debug` shows no secret and no uuid.
#[derive(Clone)]
pub struct Config {
    /// The clinic's settings, checked.
    pub clinic: ClinicConfig,
    /// The base URL as it may be shown (no query, no credentials).
    pub base_url_shown: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url_shown)
            .field("clinic", &self.clinic)
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
        let clinic = ClinicConfig::from_lookup(&lookup);
        clinic.check_settings().map_err(|e| e.to_string())?;
        let base_url = lookup("ACCURO_BASE_URL").unwrap_or_default();
        Ok(Self {
            clinic,
            base_url_shown: accuro_fetch::shown(base_url.trim()),
        })
    }
}
