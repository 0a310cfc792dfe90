//! The gateway in front of the mocked operations: Accuro's checks
//! ([`accuro_spec::gateway`]) over the tokens this mock issued, and the
//! scopes of the operation a request is ([`crate::routes`]).

use std::collections::BTreeMap;

use accuro_spec::gateway::{Clinic, Refusal, RestRequest};

use crate::routes::resolve;

/// What the gateway knows: the clinic and the tokens it issued.
#[derive(Debug, Clone)]
pub(crate) struct Gateway {
    pub(crate) subscription_key: String,
    pub(crate) clinic_uuid: String,
    /// Live access tokens and the scopes each carries.
    pub(crate) tokens: BTreeMap<String, Vec<String>>,
}

/// The parts of a request the checks read.
pub(crate) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    /// `(name, value)`, names in any case.
    pub(crate) headers: &'a [(String, String)],
    /// Decoded query parameters.
    pub(crate) query: &'a [(String, String)],
}

impl Gateway {
    /// The first check the request fails, if any. The mock checks no
    /// required query parameter but the `uuid`: a mock of yours decides
    /// what the rest of a request must hold.
    pub(crate) fn refusal(&self, request: &Request<'_>) -> Option<Refusal> {
        let clinic = Clinic {
            subscription_key: &self.subscription_key,
            uuid: &self.clinic_uuid,
        };
        let needed = resolve(request.method, request.path).map_or(&[][..], |r| r.scopes);
        let rest = RestRequest {
            headers: request.headers,
            query: request.query,
        };
        clinic
            .check(&rest, |token| self.tokens.get(token).cloned(), needed, &[])
            .err()
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
        gateway().refusal(&Request {
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
    fn the_operations_scopes_come_from_its_route() {
        let q = [("uuid", UUID)];
        assert_eq!(check("/rest/v1/offices", &[], &[]), Some(Refusal::Token));
        assert_eq!(
            check("/rest/v2/provider-portal/patients/7", &GOOD, &q),
            Some(Refusal::Scope)
        );
        // A path no operation has needs no scope: the mock's own 404 answers.
        assert_eq!(check("/rest/v1/nowhere", &GOOD, &q), None);
    }
}
