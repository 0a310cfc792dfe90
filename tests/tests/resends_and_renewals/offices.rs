//! Office-bound clients (issue 26): a token's current office is server-side
//! state, so each office has tokens of its own, switched before any call
//! uses them; a shared token is never switched by a call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accuro_client::token::TokenError;
use accuro_client::{Error, ErrorKind};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::{OFFICES, PROVIDERS, paused_client_at};

const SWITCH: &str = "/rest/v1/provider-portal/current-office";

/// What the stand-in saw: each token's current office (absent: the service
/// user's default), the switches, and the office each REST call ran as.
#[derive(Default)]
struct Offices {
    current: HashMap<String, i64>,
    switches: Vec<(String, i64)>,
    /// (path, bearer, office the call ran as; `None`: the default office).
    calls: Vec<(String, String, Option<i64>)>,
    /// Offices whose switch is refused 403.
    refused: Vec<i64>,
}

#[derive(Clone, Default)]
struct Desk(Arc<Mutex<Offices>>);

impl Desk {
    fn with<T>(&self, f: impl FnOnce(&mut Offices) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn bearer(request: &Request) -> String {
    request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl Respond for Desk {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let bearer = bearer(request);
        let at = request.url.path().to_owned();
        self.with(|s| {
            if at == SWITCH {
                let Ok(office) = serde_json::from_slice::<i64>(&request.body) else {
                    return ResponseTemplate::new(400);
                };
                if s.refused.contains(&office) {
                    return ResponseTemplate::new(403).set_body_json(json!({
                        "code": "403", "message": "Forbidden"
                    }));
                }
                s.current.insert(bearer.clone(), office);
                s.switches.push((bearer, office));
                return ResponseTemplate::new(204);
            }
            let office = s.current.get(&bearer).copied();
            s.calls.push((at, bearer, office));
            ResponseTemplate::new(200).set_body_json(json!([]))
        })
    }
}

/// A server issuing hour-long tokens, with the office switch and two reads.
async fn office_server(issuer: &TokenIssuer) -> (MockServer, Desk) {
    let server = MockServer::start().await;
    issuer.mount(&server).await;
    let desk = Desk::default();
    Mock::given(method("PUT"))
        .and(path(SWITCH))
        .respond_with(desk.clone())
        .mount(&server)
        .await;
    for at in [OFFICES, PROVIDERS] {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(desk.clone())
            .mount(&server)
            .await;
    }
    (server, desk)
}

#[tokio::test]
async fn two_offices_called_concurrently_each_see_their_own_office_on_every_call() {
    let issuer = TokenIssuer::new(Some(3600));
    let (server, desk) = office_server(&issuer).await;
    let client = client(&server);
    let (north, south) = (client.for_office(1), client.for_office(2));
    assert_eq!(
        (north.office(), south.office(), client.office()),
        (Some(1), Some(2), None)
    );
    let calls = (0..40).map(|n| {
        let (north, south) = (north.clone(), south.clone());
        async move {
            if n % 2 == 0 {
                north.list_offices().send().await.map(drop)
            } else {
                south.list_providers().send().await.map(drop)
            }
        }
    });
    for outcome in futures::future::join_all(calls).await {
        outcome.expect("a call");
    }
    assert_eq!(issuer.issued(), 2, "a token per office");
    desk.with(|s| {
        for (at, _, office) in &s.calls {
            let expected = if at == OFFICES { Some(1) } else { Some(2) };
            assert_eq!(*office, expected, "a call to {at}");
        }
        assert_eq!(s.calls.len(), 40);
    });
}

#[tokio::test]
async fn a_thousand_calls_over_two_offices_cost_two_tokens_and_two_switches() {
    let issuer = TokenIssuer::new(Some(3600));
    let (server, desk) = office_server(&issuer).await;
    let client = client(&server);
    // `for_office` on every call: the same office gets the same token.
    let calls = (0..1000i64).map(|n| {
        let client = client.clone();
        async move { client.for_office(n % 2 + 1).list_offices().send().await }
    });
    for outcome in futures::future::join_all(calls).await {
        outcome.expect("a call");
    }
    assert_eq!(issuer.issued(), 2, "token requests");
    desk.with(|s| {
        assert_eq!(s.switches.len(), 2, "switches");
        assert_eq!(s.calls.len(), 1000);
        assert!(s.calls.iter().all(|(_, _, office)| office.is_some()));
    });
}

#[tokio::test(start_paused = true)]
async fn a_renewal_is_switched_again_before_the_next_call_uses_it() {
    let issuer = TokenIssuer::new(Some(3600));
    let (server, desk) = office_server(&issuer).await;
    let north = paused_client_at(&server.uri()).for_office(3);
    north.list_offices().send().await.expect("first token");
    // Past the renewal point: the call goes with token-1, the renewal runs
    // in the background; `authenticate` joins it.
    tokio::time::advance(Duration::from_secs(3545)).await;
    north.list_offices().send().await.expect("token-1");
    north.authenticate().await.expect("renewed");
    north.list_offices().send().await.expect("token-2");
    assert_eq!(issuer.issued(), 2);
    desk.with(|s| {
        assert_eq!(
            s.switches,
            [
                ("Bearer token-1".to_owned(), 3),
                ("Bearer token-2".to_owned(), 3)
            ]
        );
        let seen: Vec<_> = s.calls.iter().map(|(_, b, o)| (b.as_str(), *o)).collect();
        assert_eq!(
            seen,
            [
                ("Bearer token-1", Some(3)),
                ("Bearer token-1", Some(3)),
                ("Bearer token-2", Some(3))
            ]
        );
    });
}

#[tokio::test(start_paused = true)]
async fn a_refused_switch_fails_the_call_and_its_token_is_used_nowhere() {
    let issuer = TokenIssuer::new(Some(3600));
    let (server, desk) = office_server(&issuer).await;
    desk.with(|s| s.refused.push(9));
    let client = paused_client_at(&server.uri());
    let err = client
        .for_office(9)
        .list_offices()
        .send()
        .await
        .expect_err("the switch is refused");
    assert_eq!(err.kind(), ErrorKind::Forbidden, "{err}");
    assert!(
        matches!(
            &err,
            Error::Token {
                source: TokenError::OfficeSwitch {
                    office_id: 9,
                    status: Some(403),
                    ..
                },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("office 9"), "{err}");
    // The clinic's own client and another office fetch tokens of their own.
    client.list_offices().send().await.expect("default office");
    client
        .for_office(1)
        .list_offices()
        .send()
        .await
        .expect("office 1");
    // Once the switch is allowed and the backoff window has passed, office
    // 9 gets a new token, never the one whose switch failed.
    desk.with(|s| s.refused.clear());
    tokio::time::advance(Duration::from_secs(2)).await;
    client
        .for_office(9)
        .list_offices()
        .send()
        .await
        .expect("office 9");
    assert_eq!(issuer.issued(), 4);
    desk.with(|s| {
        assert!(
            s.calls.iter().all(|(_, b, _)| b != "Bearer token-1"),
            "the token whose switch failed was used: {:?}",
            s.calls
        );
        let seen: Vec<_> = s.calls.iter().map(|(_, _, o)| *o).collect();
        assert_eq!(seen, [None, Some(1), Some(9)]);
    });
}

#[tokio::test]
async fn change_current_office_through_a_shared_token_is_refused_and_allowed_on_an_own_token() {
    let issuer = TokenIssuer::new(Some(3600));
    let (server, desk) = office_server(&issuer).await;
    let client = client(&server);
    for shared in [client.clone(), client.for_office(1)] {
        let err = shared
            .change_current_office()
            .body(2)
            .send()
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
        assert!(err.to_string().contains("for_office"), "{err}");
    }
    assert_eq!(issuer.issued(), 0, "refused before any token was fetched");
    let own = client.with_own_token();
    own.change_current_office()
        .body(2)
        .send()
        .await
        .expect("switched");
    own.list_offices().send().await.expect("as office 2");
    client
        .list_offices()
        .send()
        .await
        .expect("the shared token");
    desk.with(|s| {
        let seen: Vec<_> = s.calls.iter().map(|(_, b, o)| (b.as_str(), *o)).collect();
        assert_eq!(
            seen,
            [("Bearer token-1", Some(2)), ("Bearer token-2", None)]
        );
    });
}
