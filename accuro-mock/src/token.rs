//! The token endpoint, `POST /v1/token?tenant=…`: QHR's checks and answers
//! ([`accuro_spec::token_endpoint`]) over this mock's credentials. The mock
//! issues no refresh token.

use accuro_spec::token_endpoint::{self, Grant, TokenRefusal, TokenRequest};

/// What the token endpoint accepts.
#[derive(Debug, Clone)]
pub(crate) struct TokenDesk {
    pub(crate) tenant: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// The scopes the clinic granted.
    pub(crate) granted: Vec<String>,
}

impl TokenDesk {
    /// The scopes a token request gets, or why it is refused.
    pub(crate) fn scopes(&self, request: &TokenRequest<'_>) -> Result<Vec<String>, TokenRefusal> {
        let (tenant, id, secret) = request.credentials()?;
        if tenant != self.tenant || id != self.client_id || secret != self.client_secret {
            return Err(TokenRefusal::Credentials);
        }
        match request.grant()? {
            Grant::ClientCredentials { scopes } => {
                token_endpoint::scopes_for(&scopes, &self.granted)
            }
            Grant::RefreshToken(_) => Err(TokenRefusal::RefreshToken),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn token_requests_are_checked_like_qhrs() {
        let desk = TokenDesk {
            tenant: "clinic".into(),
            client_id: "id".into(),
            client_secret: "secret".into(),
            granted: vec!["A".into(), "B".into()],
        };
        let q = pairs(&[("tenant", "clinic")]);
        let h = pairs(&[("Authorization", "Basic aWQ6c2VjcmV0")]);
        let f = |scope: &str| pairs(&[("grant_type", "client_credentials"), ("scope", scope)]);
        let scopes = |query: &[(String, String)],
                      headers: &[(String, String)],
                      form: &[(String, String)]| {
            desk.scopes(&TokenRequest {
                headers,
                query,
                form: Some(form),
            })
        };
        assert_eq!(scopes(&q, &h, &f("A B")), Ok(vec!["A".into(), "B".into()]));
        assert_eq!(scopes(&q, &h, &f("B")), Ok(vec!["B".into()]));
        assert_eq!(scopes(&q, &h, &f("")), Ok(vec!["A".into(), "B".into()]));
        assert_eq!(scopes(&[], &h, &f("A")), Err(TokenRefusal::NoTenant));
        assert_eq!(
            scopes(&pairs(&[("tenant", "other")]), &h, &f("A")),
            Err(TokenRefusal::Credentials)
        );
        assert_eq!(scopes(&q, &[], &f("A")), Err(TokenRefusal::Credentials));
        assert_eq!(scopes(&q, &h, &f("A C")), Err(TokenRefusal::Scope));
        assert_eq!(
            scopes(
                &q,
                &h,
                &pairs(&[("grant_type", "refresh_token"), ("refresh_token", "r")])
            ),
            Err(TokenRefusal::RefreshToken)
        );
    }
}
