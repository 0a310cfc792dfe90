//! The token endpoint failing, timing out or refusing; 401 storms; renewals
//! failing while the token is still valid; many callers at a cold start and
//! at expiry, each making one token request.

use std::time::Duration;

use accuro_client::{Error, ErrorKind};
use accuro_tests::*;
use futures::future::join_all;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{OFFICES, kind};

async fn token_requests(server: &MockServer) -> usize {
    received_at(server, TOKEN_PATH).await.len()
}

#[tokio::test]
async fn token_endpoint_500_is_a_token_endpoint_error_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"error": "Internal Server Error"})),
        )
        .mount(&server)
        .await;
    assert_eq!(
        kind(client(&server).list_offices().send().await),
        ErrorKind::TokenEndpoint
    );
    assert_eq!(token_requests(&server).await, 1);
    assert!(received_at(&server, OFFICES).await.is_empty());
}

#[tokio::test]
async fn token_endpoint_timeout_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(TokenIssuer::new(Some(3600)).with_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let client = builder(&server)
        .request_timeout(Duration::from_millis(150))
        .build()
        .expect("client");
    let err = client.list_offices().send().await.expect_err("timeout");
    // The token request and the call's wait for it have the same bound
    // here (the 150 ms request timeout): whichever is reached first says so.
    assert!(
        matches!(
            err,
            Error::Token {
                source: accuro_client::token::TokenError::Timeout
                    | accuro_client::token::TokenError::WaitedTooLong { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_token_request_is_shared_by_all_waiting_callers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(gateway_401().set_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    let client = client(&server);
    let calls = (0..200).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_offices().send().await.map(drop) })
    });
    for result in join_all(calls).await {
        let err = result.expect("task").expect_err("no token");
        assert_eq!(err.kind(), ErrorKind::Credentials, "{err:?}");
    }
    assert_eq!(
        token_requests(&server).await,
        1,
        "one request, its error shared"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_storm_renews_the_token_once() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .and(header("authorization", "Bearer token-1"))
        // Slow, so that every caller is refused before the first renewal.
        .respond_with(gateway_401().set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = client(&server);
    // Warm: every caller below starts with token-1, which the server now refuses.
    let _ = client.list_providers().send().await;
    let calls = (0..200).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_offices().send().await.map(drop) })
    });
    for result in join_all(calls).await {
        result.expect("task").expect("replayed with token-2");
    }
    assert_eq!(
        issuer.issued(),
        2,
        "the refused token is renewed once, not once per 401"
    );
    assert_eq!(
        received_at(&server, OFFICES).await.len(),
        400,
        "each call: one 401, one replay"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_renewal_keeps_the_valid_token_and_backs_off() {
    let server = MockServer::start().await;
    mount_token_once_then(
        &server,
        TokenIssuer::new(Some(600)),
        ResponseTemplate::new(503),
    )
    .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("first token");

    // Inside the renewal margin (540-546 s), before expiry (600 s).
    tokio::time::advance(Duration::from_secs(560)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("the valid token stays in use");
    // The call started the renewal in the background; `authenticate` joins it.
    client
        .authenticate()
        .await
        .expect("the valid token stays in use");
    assert_eq!(token_requests(&server).await, 2, "one failed renewal");
    client.list_offices().send().await.expect("still in use");
    client.authenticate().await.expect("still in use");
    assert_eq!(
        token_requests(&server).await,
        2,
        "backing off: no new attempt yet"
    );
    tokio::time::advance(Duration::from_millis(1300)).await;
    client.list_offices().send().await.expect("still in use");
    client.authenticate().await.expect("still in use");
    assert_eq!(
        token_requests(&server).await,
        3,
        "tried again after the backoff"
    );
    let bearers: Vec<String> = received_at(&server, OFFICES)
        .await
        .iter()
        .map(|r| header_values(r, "authorization").join(""))
        .collect();
    assert!(bearers.iter().all(|b| b == "Bearer token-1"), "{bearers:?}");

    // Expired: callers get the renewal's error.
    tokio::time::advance(Duration::from_secs(60)).await;
    let err = client.list_offices().send().await.expect_err("expired");
    assert_eq!(err.kind(), ErrorKind::TokenEndpoint, "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_callers_at_a_cold_start_make_one_token_request() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone().with_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = client(&server);
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_offices().send().await.map(drop) })
    });
    for result in join_all(calls).await {
        result.expect("task").expect("call");
    }
    assert_eq!(issuer.issued(), 1);
    assert_eq!(received_at(&server, OFFICES).await.len(), 1000);
}

#[tokio::test(start_paused = true)]
async fn a_thousand_concurrent_callers_at_expiry_make_one_token_request() {
    let issuer = TokenIssuer::new(Some(3600)).with_refresh_tokens();
    let server = MockServer::start().await;
    issuer.mount(&server).await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("warm");
    tokio::time::advance(Duration::from_secs(3600)).await;
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    for result in join_all(calls).await {
        result.expect("call");
    }
    assert_eq!(issuer.issued(), 2, "the warm-up token, then one renewal");
    let grants = token_bodies(&server).await;
    assert_eq!(
        grants[1], "grant_type=refresh_token&refresh_token=refresh-1",
        "the refresh token, spent once"
    );
}

#[tokio::test(start_paused = true)]
async fn a_refresh_token_is_never_sent_twice_even_when_renewal_fails() {
    let server = MockServer::start().await;
    mount_token_once_then(
        &server,
        TokenIssuer::new(Some(600)).with_refresh_tokens(),
        ResponseTemplate::new(503),
    )
    .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("first token");
    tokio::time::advance(Duration::from_secs(560)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("renewal fails, token still valid");
    // Joins the background renewal the call started.
    client.authenticate().await.expect("still valid");
    tokio::time::advance(Duration::from_secs(2)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("renewal fails again after the backoff");
    client.authenticate().await.expect("still valid");
    let bodies = token_bodies(&server).await;
    assert_eq!(
        bodies.iter().filter(|b| b.contains("refresh-1")).count(),
        1,
        "{bodies:?}"
    );
    assert_eq!(
        bodies.len(),
        4,
        "first token; refresh + fallback; fallback only: {bodies:?}"
    );
}

#[tokio::test]
async fn a_tokens_lifetime_counts_from_before_its_request_was_sent() {
    // Real clock: a 2 s token that takes 1.2 s to arrive. Its renewal point
    // (half its lifetime at most, so 1 s or a little less) counts from the
    // moment the request left, so it is due as soon as it arrives; counted
    // from the answer it would still look fresh.
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(2));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone().with_delay(Duration::from_millis(1200)))
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = client(&server);
    client.list_offices().send().await.expect("first");
    client.list_offices().send().await.expect("second");
    assert_eq!(
        issuer.issued(),
        2,
        "the first token was already due for renewal"
    );
}
