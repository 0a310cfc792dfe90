//! The token endpoint, `POST {base}/v1/token?tenant=…`, as QHR answers it:
//! Basic credentials, a form body, the client-credentials grant (and, where
//! enabled, single-use refresh tokens). The order of its checks and its
//! refusals live here; what a stand-in issues is its own.
//!
//! ```
//! use accuro_spec::token_endpoint::{Grant, TokenRefusal, TokenRequest, basic_header};
//!
//! let headers = [("Authorization".to_owned(), basic_header("id", "secret"))];
//! let query = [("tenant".to_owned(), "demo".to_owned())];
//! let form = [
//!     ("grant_type".to_owned(), "client_credentials".to_owned()),
//!     ("scope".to_owned(), "A B".to_owned()),
//! ];
//! let request = TokenRequest { headers: &headers, query: &query, form: Some(&form) };
//! let (tenant, id, secret) = request.credentials()?;
//! assert_eq!((tenant, id.as_str(), secret.as_str()), ("demo", "id", "secret"));
//! assert_eq!(request.grant()?, Grant::ClientCredentials { scopes: vec!["A".into(), "B".into()] });
//! # Ok::<(), TokenRefusal>(())
//! ```

use base64::Engine as _;
use serde_json::Value;

use crate::texts;

/// Why a token request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// No `tenant` query parameter: 400.
    NoTenant,
    /// No Basic credentials, or wrong ones, or another tenant: 401.
    Credentials,
    /// A body that is not a form: 400.
    Form,
    /// A grant type the endpoint does not support: 400.
    Grant,
    /// A scope the client was not granted: 400.
    Scope,
    /// An unknown, spent or expired refresh token: 400.
    RefreshToken,
    /// The service behind the gateway is down: 503.
    Unavailable,
}

impl TokenRefusal {
    /// The status the token endpoint answers with.
    pub fn status(self) -> u16 {
        match self {
            TokenRefusal::Credentials => 401,
            TokenRefusal::Unavailable => 503,
            TokenRefusal::NoTenant
            | TokenRefusal::Form
            | TokenRefusal::Grant
            | TokenRefusal::Scope
            | TokenRefusal::RefreshToken => 400,
        }
    }

    /// The body, in the gateway's shape (`code` is a string).
    pub fn body(self) -> Value {
        let message = match self {
            TokenRefusal::NoTenant | TokenRefusal::Form => texts::BAD_REQUEST,
            TokenRefusal::Credentials => texts::UNAUTHORIZED,
            TokenRefusal::Grant => texts::UNSUPPORTED_GRANT_TYPE,
            TokenRefusal::Scope => texts::INVALID_SCOPE,
            TokenRefusal::RefreshToken => texts::INVALID_GRANT,
            TokenRefusal::Unavailable => texts::SERVICE_UNAVAILABLE,
        };
        texts::gateway_body(self.status(), message)
    }
}

impl std::fmt::Display for TokenRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status(), self.body())
    }
}

impl std::error::Error for TokenRefusal {}

/// What a token request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// `grant_type=client_credentials`, with the scopes asked for (empty:
    /// every scope the client was granted).
    ClientCredentials {
        /// The scopes of `scope`, split on spaces and commas, once each.
        scopes: Vec<String>,
    },
    /// `grant_type=refresh_token`, spending this refresh token.
    RefreshToken(String),
}

/// The parts of a token request the checks read, decoded.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    /// `(name, value)`, names in any case.
    pub headers: &'a [(String, String)],
    /// The query parameters.
    pub query: &'a [(String, String)],
    /// The form fields; `None` when the body is not a form.
    pub form: Option<&'a [(String, String)]>,
}

impl<'a> TokenRequest<'a> {
    /// The tenant and the Basic credentials, checked in the endpoint's
    /// order: no tenant, then no (or unreadable) credentials.
    pub fn credentials(&self) -> Result<(&'a str, String, String), TokenRefusal> {
        let tenant = self
            .query
            .iter()
            .find(|(n, _)| n == "tenant")
            .map(|(_, v)| v.as_str())
            .ok_or(TokenRefusal::NoTenant)?;
        let (id, secret) = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| basic_credentials(v))
            .ok_or(TokenRefusal::Credentials)?;
        Ok((tenant, id, secret))
    }

    /// What the form asks for.
    pub fn grant(&self) -> Result<Grant, TokenRefusal> {
        let form = self.form.ok_or(TokenRefusal::Form)?;
        let field = |name: &str| {
            form.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        match field("grant_type") {
            Some("client_credentials") => Ok(Grant::ClientCredentials {
                scopes: split_scopes(field("scope").unwrap_or_default()),
            }),
            Some("refresh_token") => field("refresh_token")
                .map(|r| Grant::RefreshToken(r.to_owned()))
                .ok_or(TokenRefusal::RefreshToken),
            _ => Err(TokenRefusal::Grant),
        }
    }
}

/// The scopes a client-credentials request gets: those asked for when the
/// client was granted every one (else [`TokenRefusal::Scope`]), or every
/// granted scope when it asked for none.
pub fn scopes_for(asked: &[String], granted: &[String]) -> Result<Vec<String>, TokenRefusal> {
    if asked.iter().any(|s| !granted.contains(s)) {
        return Err(TokenRefusal::Scope);
    }
    Ok(if asked.is_empty() {
        granted.to_vec()
    } else {
        asked.to_vec()
    })
}

/// A `scope` value's scopes, split on spaces and commas, once each.
pub fn split_scopes(scope: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for s in scope.split([' ', ',']).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|t| t == s) {
            scopes.push(s.to_owned());
        }
    }
    scopes
}

/// The id and secret of an `Authorization: Basic …` value (the scheme in
/// any case); `None` if it is not one.
pub fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The `Authorization` value a token request carries:
/// `Basic base64(id:secret)`. The one place it is written.
pub fn basic_header(id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    format!("Basic {encoded}")
}

/// A successful answer's body: `token_type`, `expires_in`, `access_token`,
/// `scope` and, when given, `refresh_token`.
pub fn answer(
    access_token: &str,
    scopes: &[String],
    expires_in: u64,
    refresh_token: Option<&str>,
) -> Value {
    let mut body = serde_json::json!({
        "token_type": "Bearer",
        "expires_in": expires_in,
        "access_token": access_token,
        "scope": scopes.join(" "),
    });
    if let Some(refresh) = refresh_token {
        body["refresh_token"] = Value::from(refresh);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn credentials_in_the_endpoints_order() {
        let basic = basic_header("id", "s:e:cret");
        let headers = own(&[("AUTHORIZATION", &basic)]);
        let tenant = own(&[("tenant", "t")]);
        let request = |headers: &[(String, String)], query: &[(String, String)]| {
            TokenRequest {
                headers,
                query,
                form: None,
            }
            .credentials()
            .map(|(t, i, s)| (t.to_owned(), i, s))
        };
        assert_eq!(request(&headers, &[]), Err(TokenRefusal::NoTenant));
        assert_eq!(request(&[], &tenant), Err(TokenRefusal::Credentials));
        assert_eq!(
            request(&own(&[("authorization", "Bearer x")]), &tenant),
            Err(TokenRefusal::Credentials)
        );
        assert_eq!(
            request(&own(&[("authorization", "Basic !!")]), &tenant),
            Err(TokenRefusal::Credentials)
        );
        assert_eq!(
            request(&headers, &tenant),
            Ok(("t".to_owned(), "id".to_owned(), "s:e:cret".to_owned()))
        );
    }

    #[test]
    fn grants_and_scopes() {
        let grant = |form: Option<&[(String, String)]>| {
            TokenRequest {
                headers: &[],
                query: &[],
                form,
            }
            .grant()
        };
        assert_eq!(grant(None), Err(TokenRefusal::Form));
        assert_eq!(
            grant(Some(&own(&[("grant_type", "password")]))),
            Err(TokenRefusal::Grant)
        );
        assert_eq!(
            grant(Some(&own(&[("grant_type", "refresh_token")]))),
            Err(TokenRefusal::RefreshToken)
        );
        assert_eq!(
            grant(Some(&own(&[
                ("grant_type", "client_credentials"),
                ("scope", "A,B A")
            ]))),
            Ok(Grant::ClientCredentials {
                scopes: vec!["A".into(), "B".into()]
            })
        );
        let granted = vec!["A".to_owned(), "B".to_owned()];
        assert_eq!(scopes_for(&[], &granted), Ok(granted.clone()));
        assert_eq!(
            scopes_for(&["B".into()], &granted),
            Ok(vec!["B".to_owned()])
        );
        assert_eq!(
            scopes_for(&["C".into()], &granted),
            Err(TokenRefusal::Scope)
        );
    }

    #[test]
    fn refusals_answer_in_the_gateways_shape() {
        assert_eq!(
            TokenRefusal::Credentials.body().to_string(),
            r#"{"code":"401","message":"Unauthorized"}"#
        );
        assert_eq!(
            TokenRefusal::Scope.body().to_string(),
            r#"{"code":"400","message":"invalid_scope"}"#
        );
        assert_eq!(TokenRefusal::Unavailable.status(), 503);
    }
}
