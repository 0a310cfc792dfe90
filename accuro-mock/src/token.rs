//! The token endpoint, `POST /v1/token?tenant=…`, as QHR's answers it: Basic
//! credentials, a form body, the client-credentials grant.

use serde_json::{Value, json};

/// Why a token request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// No `tenant` query parameter: 400.
    NoTenant,
    /// Wrong credentials or tenant: 401.
    Credentials,
    /// A grant other than client credentials (the mock issues no refresh
    /// token): 400.
    Grant,
    /// A scope the clinic did not grant: 400.
    Scope,
}

impl TokenRefusal {
    /// The status the token endpoint answers with.
    pub(crate) fn status(self) -> u16 {
        match self {
            TokenRefusal::Credentials => 401,
            TokenRefusal::NoTenant | TokenRefusal::Grant | TokenRefusal::Scope => 400,
        }
    }

    /// The body (the gateway's shape: `code` is a string).
    pub(crate) fn body(self) -> Value {
        let message = match self {
            TokenRefusal::NoTenant => "Bad Request",
            TokenRefusal::Credentials => "Unauthorized",
            TokenRefusal::Grant => "unsupported_grant_type",
            TokenRefusal::Scope => "invalid_scope",
        };
        json!({"code": self.status().to_string(), "message": message})
    }
}

/// What the token endpoint accepts.
#[derive(Debug, Clone)]
pub(crate) struct TokenDesk {
    pub(crate) tenant: String,
    /// `Basic base64(id:secret)`.
    pub(crate) basic: String,
    /// The scopes the clinic granted.
    pub(crate) granted: Vec<String>,
}

impl TokenDesk {
    /// The refusal a token request gets, if any. `query` and `form` are decoded.
    pub(crate) fn refusal(
        &self,
        query: &[(String, String)],
        headers: &[(String, String)],
        form: &[(String, String)],
    ) -> Option<TokenRefusal> {
        let Some((_, tenant)) = query.iter().find(|(n, _)| n == "tenant") else {
            return Some(TokenRefusal::NoTenant);
        };
        let basic = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.trim());
        if tenant != &self.tenant || basic != Some(self.basic.as_str()) {
            return Some(TokenRefusal::Credentials);
        }
        let field = |name: &str| {
            form.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        if field("grant_type") != Some("client_credentials") {
            return Some(TokenRefusal::Grant);
        }
        let requested = field("scope").unwrap_or_default();
        if requested
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .any(|s| !self.granted.iter().any(|g| g == s))
        {
            return Some(TokenRefusal::Scope);
        }
        None
    }

    /// The scopes a good request gets: those it asked for, or every one the
    /// clinic granted when it asked for none.
    pub(crate) fn scopes_for(&self, form: &[(String, String)]) -> Vec<String> {
        let mut asked: Vec<String> = form
            .iter()
            .filter(|(n, _)| n == "scope")
            .flat_map(|(_, v)| v.split([' ', ',']))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        asked.dedup();
        if asked.is_empty() {
            self.granted.clone()
        } else {
            asked
        }
    }

    /// The answer to a good request.
    pub(crate) fn answer(&self, access_token: &str, scopes: &[String], expires_in: u64) -> Value {
        json!({
            "token_type": "Bearer",
            "expires_in": expires_in,
            "access_token": access_token,
            "scope": scopes.join(" "),
        })
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
            basic: "Basic aWQ6c2VjcmV0".into(),
            granted: vec!["A".into(), "B".into()],
        };
        let q = pairs(&[("tenant", "clinic")]);
        let h = pairs(&[("Authorization", "Basic aWQ6c2VjcmV0")]);
        let f = |scope: &str| pairs(&[("grant_type", "client_credentials"), ("scope", scope)]);
        assert_eq!(desk.refusal(&q, &h, &f("A B")), None);
        assert_eq!(desk.refusal(&q, &h, &f("A,B")), None);
        assert_eq!(desk.refusal(&[], &h, &f("A")), Some(TokenRefusal::NoTenant));
        assert_eq!(
            desk.refusal(&pairs(&[("tenant", "other")]), &h, &f("A")),
            Some(TokenRefusal::Credentials)
        );
        assert_eq!(
            desk.refusal(&q, &[], &f("A")),
            Some(TokenRefusal::Credentials)
        );
        assert_eq!(desk.refusal(&q, &h, &f("A C")), Some(TokenRefusal::Scope));
        assert_eq!(
            desk.refusal(&q, &h, &pairs(&[("grant_type", "refresh_token")])),
            Some(TokenRefusal::Grant)
        );
        assert_eq!(TokenRefusal::Credentials.body()["code"], "401");
        assert_eq!(desk.scopes_for(&f("B")), ["B"]);
        assert_eq!(desk.scopes_for(&f("")), ["A", "B"]);
    }
}
