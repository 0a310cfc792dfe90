//! The checks Accuro makes on every REST request, in its order, and the
//! answer each refusal gets. Pure: the caller says what it issued.
//!
//! 1. a bearer token that was issued and has not expired: else 401, the
//!    gateway's shape, [`UNAUTHORIZED`](crate::texts::UNAUTHORIZED);
//! 2. the subscription key: else 401, the gateway's shape;
//! 3. the clinic `uuid` query parameter: missing or blank, 400 `Required
//!    Parameter Missing.`; another clinic's (compared without regard to
//!    case), 400;
//! 4. one of the operation's scopes on the token: else 401 `{"error":"Access
//!    is denied"}` (401, not 403: what Accuro's server answers);
//! 5. the operation's other required query parameters: else 400 `Required
//!    Parameter Missing.`.
//!
//! ```
//! use accuro_spec::gateway::{Clinic, Refusal, RestRequest};
//!
//! let clinic = Clinic { subscription_key: "key", uuid: "00000000-0000-4000-8000-000000000001" };
//! let headers = [("Authorization".to_owned(), "Bearer t1".to_owned())];
//! let request = RestRequest { headers: &headers, query: &[] };
//! let scopes = |token: &str| (token == "t1").then(Vec::new);
//! let refused = clinic.check(&request, scopes, &[], &[]);
//! assert_eq!(refused, Err(Refusal::SubscriptionKey));
//! assert_eq!(Refusal::SubscriptionKey.status(), 401);
//! ```

use serde_json::Value;

use crate::texts;

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No bearer token, or one that was not issued or has expired.
    Token,
    /// No subscription key, or another one.
    SubscriptionKey,
    /// No `uuid` query parameter, or a blank one.
    UuidMissing,
    /// Another clinic's `uuid`.
    UuidMismatch,
    /// The token lacks every scope the operation accepts.
    Scope,
    /// Another required query parameter is missing.
    QueryMissing,
}

impl Refusal {
    /// Every refusal, in the order Accuro checks.
    pub const ALL: [Refusal; 6] = [
        Refusal::Token,
        Refusal::SubscriptionKey,
        Refusal::UuidMissing,
        Refusal::UuidMismatch,
        Refusal::Scope,
        Refusal::QueryMissing,
    ];

    /// The status Accuro answers with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::Token | Refusal::SubscriptionKey | Refusal::Scope => 401,
            Refusal::UuidMissing | Refusal::UuidMismatch | Refusal::QueryMissing => 400,
        }
    }

    /// The body Accuro answers with (the gateway's shape for the first two,
    /// the server's for the rest).
    pub fn body(self) -> Value {
        match self {
            Refusal::Token => texts::gateway_body(401, texts::UNAUTHORIZED),
            Refusal::SubscriptionKey => texts::gateway_body(401, texts::SUBSCRIPTION_KEY),
            Refusal::UuidMissing | Refusal::QueryMissing => {
                texts::server_body(texts::REQUIRED_PARAMETER_MISSING)
            }
            Refusal::UuidMismatch => texts::server_body(texts::UUID_MISMATCH),
            Refusal::Scope => texts::server_body(texts::ACCESS_DENIED),
        }
    }
}

/// What the gateway knows of the clinic it stands in front of.
#[derive(Debug, Clone, Copy)]
pub struct Clinic<'a> {
    /// The subscription key every request must carry.
    pub subscription_key: &'a str,
    /// The clinic's `uuid`.
    pub uuid: &'a str,
}

/// The parts of a request the checks read.
#[derive(Debug, Clone, Copy)]
pub struct RestRequest<'a> {
    /// `(name, value)`, names in any case.
    pub headers: &'a [(String, String)],
    /// Decoded query parameters.
    pub query: &'a [(String, String)],
}

impl RestRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The bearer token the request carries (`Authorization: Bearer …`,
    /// the scheme in any case).
    pub fn bearer(&self) -> Option<&str> {
        self.header("authorization")
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
    }
}

impl Clinic<'_> {
    /// Checks a request in Accuro's order. `scopes_of` gives the scopes of
    /// an issued, unexpired token (`None`: not one). `needed` are the scopes
    /// any one of which allows the operation (empty: any token);
    /// `required_query` its required query parameters (`uuid` may be among
    /// them). On success, the token's scopes.
    pub fn check(
        &self,
        request: &RestRequest<'_>,
        scopes_of: impl FnOnce(&str) -> Option<Vec<String>>,
        needed: &[&str],
        required_query: &[&str],
    ) -> Result<Vec<String>, Refusal> {
        let granted = request.bearer().and_then(scopes_of).ok_or(Refusal::Token)?;
        if request.header("x-qhr-subscription-key") != Some(self.subscription_key) {
            return Err(Refusal::SubscriptionKey);
        }
        match request.query("uuid").filter(|u| !u.trim().is_empty()) {
            None => return Err(Refusal::UuidMissing),
            Some(uuid) if !uuid.eq_ignore_ascii_case(self.uuid) => {
                return Err(Refusal::UuidMismatch);
            }
            Some(_) => {}
        }
        if !needed.is_empty() && !needed.iter().any(|s| granted.iter().any(|g| g == s)) {
            return Err(Refusal::Scope);
        }
        if required_query
            .iter()
            .any(|name| *name != "uuid" && request.query(name).is_none())
        {
            return Err(Refusal::QueryMissing);
        }
        Ok(granted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "00000000-0000-4000-8000-000000000001";
    const CLINIC: Clinic<'static> = Clinic {
        subscription_key: "key",
        uuid: UUID,
    };

    fn check(headers: &[(&str, &str)], query: &[(&str, &str)]) -> Result<Vec<String>, Refusal> {
        let own = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        let (headers, query) = (own(headers), own(query));
        let request = RestRequest {
            headers: &headers,
            query: &query,
        };
        let scopes = |t: &str| (t == "t1").then(|| vec!["SCHEDULING_READ".to_owned()]);
        CLINIC.check(
            &request,
            scopes,
            &["SCHEDULING_READ"],
            &["uuid", "startDate"],
        )
    }

    const GOOD: [(&str, &str); 2] = [
        ("authorization", "bearer  t1 "),
        ("X-QHR-Subscription-Key", "key"),
    ];

    #[test]
    fn a_complete_request_passes_with_its_scopes() {
        let upper = UUID.to_uppercase();
        assert_eq!(
            check(&GOOD, &[("uuid", &upper), ("startDate", "")]),
            Ok(vec!["SCHEDULING_READ".to_owned()])
        );
    }

    #[test]
    fn checks_run_in_accuros_order() {
        let q = [("uuid", UUID)];
        assert_eq!(check(&[], &[]), Err(Refusal::Token));
        assert_eq!(
            check(&[("authorization", "Basic t1")], &q),
            Err(Refusal::Token)
        );
        assert_eq!(
            check(&[("authorization", "Bearer t2")], &q),
            Err(Refusal::Token)
        );
        assert_eq!(check(&GOOD[..1], &q), Err(Refusal::SubscriptionKey));
        assert_eq!(
            check(&[GOOD[0], ("x-qhr-subscription-key", "KEY")], &q),
            Err(Refusal::SubscriptionKey)
        );
        assert_eq!(check(&GOOD, &[]), Err(Refusal::UuidMissing));
        assert_eq!(check(&GOOD, &[("uuid", " ")]), Err(Refusal::UuidMissing));
        assert_eq!(
            check(&GOOD, &[("uuid", &format!(" {UUID}"))]),
            Err(Refusal::UuidMismatch)
        );
        assert_eq!(
            check(&GOOD, &[("uuid", "00000000-0000-4000-8000-000000000002")]),
            Err(Refusal::UuidMismatch)
        );
        assert_eq!(check(&GOOD, &q), Err(Refusal::QueryMissing));
    }

    #[test]
    fn a_token_without_the_operations_scopes_is_refused_401() {
        let headers = [
            ("authorization".to_owned(), "Bearer t1".to_owned()),
            ("x-qhr-subscription-key".to_owned(), "key".to_owned()),
        ];
        let query = [("uuid".to_owned(), UUID.to_owned())];
        let request = RestRequest {
            headers: &headers,
            query: &query,
        };
        let scopes = |_: &str| Some(vec!["PATIENT_DEMOGRAPHICS_READ".to_owned()]);
        assert_eq!(
            CLINIC.check(&request, scopes, &["SCHEDULING_READ"], &[]),
            Err(Refusal::Scope)
        );
        assert_eq!(
            CLINIC.check(&request, |_| Some(Vec::new()), &[], &[]),
            Ok(Vec::new())
        );
    }

    #[test]
    fn refusals_answer_as_accuro_does() {
        let answers: Vec<(u16, String)> = Refusal::ALL
            .iter()
            .map(|r| (r.status(), r.body().to_string()))
            .collect();
        assert_eq!(
            answers,
            [
                (401, r#"{"code":"401","message":"Unauthorized"}"#.to_owned()),
                (
                    401,
                    r#"{"code":"401","message":"Access denied due to missing or invalid subscription key."}"#.to_owned()
                ),
                (400, r#"{"error":"Required Parameter Missing."}"#.to_owned()),
                (
                    400,
                    r#"{"error":"The provided uuid does not match one associated with your ACRON."}"#.to_owned()
                ),
                (401, r#"{"error":"Access is denied"}"#.to_owned()),
                (400, r#"{"error":"Required Parameter Missing."}"#.to_owned()),
            ]
        );
    }
}
