//! The token endpoint's request and answer, as they travel.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The grant of a token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    /// `client_credentials`: authenticate as the integrator application.
    ClientCredentials,
    /// `refresh_token`: spend a (single-use) refresh token.
    RefreshToken,
}

/// The form body of `POST /v1/token`. `Debug` redacts the refresh token.
#[derive(Clone)]
pub struct TokenRequest {
    /// The grant.
    pub grant_type: GrantType,
    /// Space-separated scopes (client credentials).
    pub scope: Option<String>,
    /// The refresh token to spend (refresh grant).
    pub refresh_token: Option<SecretString>,
}

impl TokenRequest {
    /// A client-credentials request for these space-separated scopes.
    pub fn client_credentials(scope: impl Into<String>) -> Self {
        Self {
            grant_type: GrantType::ClientCredentials,
            scope: Some(scope.into()),
            refresh_token: None,
        }
    }

    /// A refresh-token request.
    pub fn refresh(refresh_token: SecretString) -> Self {
        Self {
            grant_type: GrantType::RefreshToken,
            scope: None,
            refresh_token: Some(refresh_token),
        }
    }
}

impl Serialize for TokenRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("TokenRequest", 3)?;
        st.serialize_field("grant_type", &self.grant_type)?;
        match &self.scope {
            Some(scope) => st.serialize_field("scope", scope)?,
            None => st.skip_field("scope")?,
        }
        match &self.refresh_token {
            Some(token) => st.serialize_field("refresh_token", token.expose_secret())?,
            None => st.skip_field("refresh_token")?,
        }
        st.end()
    }
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("scope", &self.scope)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// The token endpoint's answer. Tokens are kept in `secrecy` types; `Debug`
/// redacts them.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct TokenResponse {
    /// `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
    /// Lifetime in seconds from now (see the module docs for odd values).
    #[serde(default, deserialize_with = "lenient_seconds")]
    pub expires_in: Option<i64>,
    /// The access token.
    pub access_token: SecretString,
    /// The granted scopes, separated by spaces and/or commas.
    #[serde(default)]
    pub scope: Option<String>,
    /// A single-use refresh token, when the server issues one.
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
}

impl TokenResponse {
    /// The granted scopes, read leniently (commas and/or spaces, stray blanks).
    pub fn scopes(&self) -> Vec<&str> {
        split_scopes(self.scope.as_deref().unwrap_or_default())
    }
}

/// Splits a scope list on commas and white space, dropping empty items.
pub fn split_scopes(text: &str) -> Vec<&str> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .collect()
}

fn lenient_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Number(n)) => n.as_i64().or_else(|| {
            n.as_f64()
                .map(|f| f.clamp(i64::MIN as f64, i64::MAX as f64) as i64)
        }),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("access_token", &"[redacted]")
            .field("scope", &self.scope)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}
