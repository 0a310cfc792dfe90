//! The token flow: reuse, renewal before expiry (tokio's paused clock), 401 →
//! one fresh token and one replay, refresh tokens spent once, single flight.

use std::time::Duration;

use accuro_client::Error;
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OFFICES: &str = "/rest/v1/offices";

async fn offices_server(issuer: &TokenIssuer) -> MockServer {
    let server = MockServer::start().await;
    issuer.mount(&server).await;
    mount_get(&server, OFFICES, json!([])).await;
    server
}

fn bearer_of(request: &wiremock::Request) -> String {
    header_values(request, "authorization").join(",")
}

#[tokio::test]
async fn one_token_serves_many_calls() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = offices_server(&issuer).await;
    let client = client(&server);
    for _ in 0..10 {
        client.list_offices().send().await.expect("offices");
    }
    assert_eq!(issuer.issued(), 1);
    assert_eq!(received_at(&server, OFFICES).await.len(), 10);
}

#[tokio::test(start_paused = true)]
async fn token_is_renewed_in_the_background_shortly_before_expiry() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = offices_server(&issuer).await;
    // No jitter: renewal is due exactly 60 s (the default margin) before expiry.
    let client = builder(&server)
        .without_timers()
        .jitter(|| 0.0)
        .build()
        .expect("client");

    client.list_offices().send().await.expect("first call");
    tokio::time::advance(Duration::from_secs(3539)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("before the margin");
    assert_eq!(issuer.issued(), 1, "fresh until 3,540 s");
    // Inside the margin: the call goes on with the still valid token, and
    // starts one renewal in the background.
    tokio::time::advance(Duration::from_secs(2)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("inside the margin");
    // `authenticate` joins the renewal in flight rather than starting another.
    client.authenticate().await.expect("renewed");
    assert_eq!(issuer.issued(), 2);
    client.list_offices().send().await.expect("after renewal");
    assert_eq!(issuer.issued(), 2);

    let calls = received_at(&server, OFFICES).await;
    let bearers: Vec<_> = calls.iter().map(bearer_of).collect();
    assert_eq!(
        bearers,
        [
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-2"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn refresh_margin_and_jitter_are_configurable() {
    for (jitter, due_after) in [(0.0, 3000), (1.0, 2940)] {
        let issuer = TokenIssuer::new(Some(3600));
        let server = offices_server(&issuer).await;
        // Renewal is due 600 s before expiry, earlier by up to a tenth of the
        // margin (60 s) as the jitter says.
        let client = builder(&server)
            .refresh_margin(Duration::from_secs(600))
            .without_timers()
            .jitter(move || jitter)
            .build()
            .expect("client");
        client.authenticate().await.expect("first");
        tokio::time::advance(Duration::from_secs(due_after - 1)).await;
        client.authenticate().await.expect("fresh");
        assert_eq!(
            issuer.issued(),
            1,
            "jitter {jitter}: fresh before {due_after} s"
        );
        tokio::time::advance(Duration::from_secs(1)).await;
        client.authenticate().await.expect("renewed");
        assert_eq!(issuer.issued(), 2, "jitter {jitter}: due at {due_after} s");
    }
}

#[tokio::test(start_paused = true)]
async fn odd_expires_in_values() {
    // Zero: never reused.
    let issuer = TokenIssuer::new(Some(0));
    let server = offices_server(&issuer).await;
    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("first");
    client.list_offices().send().await.expect("second");
    assert_eq!(issuer.issued(), 2, "expires_in 0: a token per call");

    // Missing: five minutes assumed.
    let issuer = TokenIssuer::new(None);
    let server = offices_server(&issuer).await;
    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("first");
    tokio::time::advance(Duration::from_secs(200)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("within five minutes");
    assert_eq!(issuer.issued(), 1);
    tokio::time::advance(Duration::from_secs(100)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("after five minutes");
    assert_eq!(issuer.issued(), 2);

    // Absurdly large: capped at a day.
    let issuer = TokenIssuer::new(Some(i64::MAX));
    let server = offices_server(&issuer).await;
    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("first");
    tokio::time::advance(Duration::from_secs(24 * 3600)).await;
    client.list_offices().send().await.expect("a day later");
    assert_eq!(issuer.issued(), 2);
}

/// A REST endpoint that refuses `token-1` and accepts `token-2`.
async fn mount_refusing_first_token(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(gateway_401())
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_401_gets_one_new_token_and_one_replay() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    mount_refusing_first_token(&server).await;

    let client = client(&server);
    client
        .list_offices()
        .send()
        .await
        .expect("replayed with a new token");
    assert_eq!(issuer.issued(), 2);
    let calls = received_at(&server, OFFICES).await;
    let bearers: Vec<_> = calls.iter().map(bearer_of).collect();
    assert_eq!(bearers, ["Bearer token-1", "Bearer token-2"]);
    // Each attempt carries the key and uuid exactly once.
    for call in &calls {
        assert_eq!(header_values(call, "x-qhr-subscription-key").len(), 1);
        assert_eq!(
            query_pairs(call),
            vec![("uuid".to_owned(), CLINIC_UUID.to_owned())]
        );
    }
    // The new token is cached for later calls.
    client
        .list_offices()
        .send()
        .await
        .expect("cached new token");
    assert_eq!(issuer.issued(), 2);
}

#[tokio::test]
async fn a_401_on_the_new_token_too_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(gateway_401())
        .mount(&server)
        .await;

    let err = client(&server)
        .list_offices()
        .send()
        .await
        .expect_err("401");
    match &err {
        Error::Api {
            operation,
            status,
            body,
        } => {
            assert_eq!(*operation, "list_offices");
            assert_eq!(status.as_u16(), 401);
            assert_eq!(body.code.as_deref(), Some("401"));
            assert_eq!(body.message.as_deref(), Some("Unauthorized"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(issuer.issued(), 2, "one token, one renewal");
    assert_eq!(
        received_at(&server, OFFICES).await.len(),
        2,
        "one call, one replay"
    );
}

#[tokio::test(start_paused = true)]
async fn refresh_tokens_are_spent_once_each() {
    let issuer = TokenIssuer::new(Some(600)).with_refresh_tokens();
    let server = offices_server(&issuer).await;
    let client = paused_clock_client(&server);

    client.list_offices().send().await.expect("first");
    for _ in 0..2 {
        tokio::time::advance(Duration::from_secs(600)).await;
        client.list_offices().send().await.expect("after expiry");
    }
    let bodies = token_bodies(&server).await;
    assert_eq!(
        bodies,
        [
            "grant_type=client_credentials&scope=PATIENT_DEMOGRAPHICS_READ+SCHEDULING_WRITE",
            "grant_type=refresh_token&refresh_token=refresh-1",
            "grant_type=refresh_token&refresh_token=refresh-2",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_refresh_token_falls_back_to_client_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"code": "400", "message": "Bad Request"})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    let issuer = TokenIssuer::new(Some(600)).with_refresh_tokens();
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(issuer.clone())
        .with_priority(2)
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = paused_clock_client(&server);

    client.list_offices().send().await.expect("first");
    tokio::time::advance(Duration::from_secs(600)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("after a refused refresh");

    let grants = token_grants(&server).await;
    assert_eq!(
        grants,
        [
            "grant_type=client_credentials",
            "grant_type=refresh_token",
            "grant_type=client_credentials"
        ]
    );
    let bearers: Vec<_> = received_at(&server, OFFICES)
        .await
        .iter()
        .map(bearer_of)
        .collect();
    assert_eq!(bearers, ["Bearer token-1", "Bearer token-2"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_a_cold_client_share_one_token_request() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        // Slow, so that callers keep arriving while the request is in flight.
        .respond_with(issuer.clone().with_delay(Duration::from_millis(50)))
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = client(&server);

    let calls = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_offices().send().await.map(|_| ()) })
    });
    for result in futures::future::join_all(calls).await {
        result.expect("task").expect("call");
    }
    assert_eq!(issuer.issued(), 1);
    assert_eq!(received_at(&server, OFFICES).await.len(), 100);
}
