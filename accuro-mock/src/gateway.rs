//! The checks Accuro makes on every REST request, in its order, as pure
//! functions of the request and of what the mock has issued.
//!
//! 1. a bearer token the mock issued and has not expired: else 401, gateway shape;
//! 2. the subscription key: else 401, gateway shape;
//! 3. the clinic `uuid` query parameter: missing, 400 `Required Parameter
//!    Missing.`; another clinic's, 400;
//! 4. one of the operation's scopes on the token: else 401 `{"error":"Access
//!    is denied"}` (401, not 403: what Accuro's server answers).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::routes::resolve;

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No bearer token, or one the mock did not issue or has expired.
    Token,
    /// No subscription key, or another one.
    SubscriptionKey,
    /// No `uuid` query parameter.
    UuidMissing,
    /// Another clinic's `uuid`.
    UuidMismatch,
    /// The token lacks every scope the operation accepts.
    Scope,
}

impl Refusal {
    /// Every refusal, in the order Accuro checks.
    pub(crate) const ALL: [Refusal; 5] = [
        Refusal::Token,
        Refusal::SubscriptionKey,
        Refusal::UuidMissing,
        Refusal::UuidMismatch,
        Refusal::Scope,
    ];

    /// The status Accuro answers with.
    pub(crate) fn status(self) -> u16 {
        match self {
            Refusal::Token | Refusal::SubscriptionKey | Refusal::Scope => 401,
            Refusal::UuidMissing | Refusal::UuidMismatch => 400,
        }
    }

    /// The body Accuro answers with (its two error shapes).
    pub(crate) fn body(self) -> Value {
        match self {
            Refusal::Token => json!({"code": "401", "message": "Unauthorized"}),
            Refusal::SubscriptionKey => json!({
                "code": "401",
                "message": "Access denied due to missing or invalid subscription key."
            }),
            Refusal::UuidMissing => json!({"error": "Required Parameter Missing."}),
            Refusal::UuidMismatch => json!({
                "error": "The provided uuid does not match one associated with your ACRON."
            }),
            Refusal::Scope => json!({"error": "Access is denied"}),
        }
    }
}

/// What the gateway knows: the clinic and the tokens it issued.
#[derive(Debug, Clone)]
pub(crate) struct Gateway {
    pub(crate) subscription_key: String,
    pub(crate) clinic_uuid: String,
    /// Live access tokens and the scopes each carries.
    pub(crate) tokens: BTreeMap<String, Vec<String>>,
}

/// The parts of a request the checks read.
pub(crate) struct RestRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    /// `(name, value)`, names in any case.
    pub(crate) headers: &'a [(String, String)],
    /// Decoded query parameters.
    pub(crate) query: &'a [(String, String)],
}

impl Gateway {
    /// The first check the request fails, if any.
    pub(crate) fn refusal(&self, request: &RestRequest<'_>) -> Option<Refusal> {
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let granted = header("authorization")
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .and_then(|(_, token)| self.tokens.get(token.trim()));
        let Some(granted) = granted else {
            return Some(Refusal::Token);
        };
        if header("x-qhr-subscription-key") != Some(self.subscription_key.as_str()) {
            return Some(Refusal::SubscriptionKey);
        }
        match request
            .query
            .iter()
            .find(|(n, v)| n == "uuid" && !v.trim().is_empty())
        {
            None => return Some(Refusal::UuidMissing),
            Some((_, uuid)) if !uuid.trim().eq_ignore_ascii_case(&self.clinic_uuid) => {
                return Some(Refusal::UuidMismatch);
            }
            Some(_) => {}
        }
        let needed = resolve(request.method, request.path).map_or(&[][..], |r| r.scopes);
        if !needed.is_empty() && !needed.iter().any(|s| granted.iter().any(|g| g == s)) {
            return Some(Refusal::Scope);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "00000000-0000-4000-8000-000000000001";

    fn gateway() -> Gateway {
        Gateway {
            subscription_key: "key".into(),
            clinic_uuid: UUID.into(),
            tokens: BTreeMap::from([("t1".to_owned(), vec!["SCHEDULING_READ".to_owned()])]),
        }
    }

    fn check(path: &str, headers: &[(&str, &str)], query: &[(&str, &str)]) -> Option<Refusal> {
        let own = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        gateway().refusal(&RestRequest {
            method: "GET",
            path,
            headers: &own(headers),
            query: &own(query),
        })
    }

    const GOOD: [(&str, &str); 2] = [
        ("Authorization", "Bearer t1"),
        ("X-QHR-Subscription-Key", "key"),
    ];

    #[test]
    fn a_complete_request_passes() {
        assert_eq!(check("/rest/v1/offices", &GOOD, &[("uuid", UUID)]), None);
    }

    #[test]
    fn checks_run_in_accuros_order() {
        let q = [("uuid", UUID)];
        assert_eq!(check("/rest/v1/offices", &[], &[]), Some(Refusal::Token));
        assert_eq!(
            check("/rest/v1/offices", &[("authorization", "Bearer t2")], &q),
            Some(Refusal::Token)
        );
        assert_eq!(
            check("/rest/v1/offices", &GOOD[..1], &q),
            Some(Refusal::SubscriptionKey)
        );
        assert_eq!(
            check("/rest/v1/offices", &GOOD, &[]),
            Some(Refusal::UuidMissing)
        );
        assert_eq!(
            check("/rest/v1/offices", &GOOD, &[("uuid", " ")]),
            Some(Refusal::UuidMissing)
        );
        assert_eq!(
            check(
                "/rest/v1/offices",
                &GOOD,
                &[("uuid", "00000000-0000-4000-8000-000000000002")]
            ),
            Some(Refusal::UuidMismatch)
        );
        assert_eq!(
            check("/rest/v2/provider-portal/patients/7", &GOOD, &q),
            Some(Refusal::Scope)
        );
    }

    #[test]
    fn refusals_answer_as_accuro_does() {
        assert_eq!(Refusal::Token.status(), 401);
        assert_eq!(Refusal::Token.body()["code"], "401");
        assert_eq!(Refusal::Scope.status(), 401);
        assert_eq!(Refusal::Scope.body()["error"], "Access is denied");
        assert_eq!(Refusal::UuidMissing.status(), 400);
    }
}
