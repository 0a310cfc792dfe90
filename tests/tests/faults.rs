//! Faults over loopback, deterministic: the token endpoint failing, timing out
//! or answering garbage; 401 storms; 429 with `Retry-After`; 5xx; connection
//! resets; renewal failing while the token is still valid. Each test counts
//! the requests the server saw (the retries observed).

use std::time::Duration;

use accuro_client::{Error, ErrorKind, RetryPolicy, types};
use accuro_tests::*;
use futures::future::join_all;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OFFICES: &str = "/rest/v1/offices";
const APPOINTMENTS: &str = "/rest/v1/provider-portal/scheduler/appointments";

fn kind(result: Result<impl Sized, Error>) -> ErrorKind {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.kind(),
    }
}

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
    assert!(
        matches!(
            err,
            Error::Token {
                source: accuro_client::token::TokenError::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Timeout);
}

#[tokio::test]
async fn a_rest_timeout_is_a_timeout_and_not_retried() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_millis(800)),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .request_timeout(Duration::from_millis(150))
        .build()
        .expect("client");
    assert_eq!(kind(client.list_offices().send().await), ErrorKind::Timeout);
    assert_eq!(received_at(&server, OFFICES).await.len(), 1);
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

async fn server_answering_then_ok(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    server
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_after_its_retry_after_seconds() {
    let server = server_answering_then_ok(
        ResponseTemplate::new(429).insert_header("retry-after", "7"),
        1,
    )
    .await;
    let client = paused_clock_client(&server);
    let started = tokio::time::Instant::now();
    client.list_offices().send().await.expect("retried");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(7) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
    assert_eq!(received_at(&server, OFFICES).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_with_an_http_date_is_honoured() {
    let at = std::time::SystemTime::now() + Duration::from_secs(5);
    let server = server_answering_then_ok(
        ResponseTemplate::new(429)
            .insert_header("retry-after", httpdate::fmt_http_date(at).as_str()),
        1,
    )
    .await;
    let client = paused_clock_client(&server);
    let started = tokio::time::Instant::now();
    client.list_offices().send().await.expect("retried");
    let waited = started.elapsed();
    // The date has one-second resolution.
    assert!(
        waited >= Duration::from_secs(3) && waited <= Duration::from_secs(5),
        "{waited:?}"
    );
    assert_eq!(received_at(&server, OFFICES).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_time_budget_is_not_waited_for() {
    let server = server_answering_then_ok(
        ResponseTemplate::new(429).insert_header("retry-after", "120"),
        1,
    )
    .await;
    let client = paused_clock_client(&server);
    assert_eq!(
        kind(client.list_offices().send().await),
        ErrorKind::RateLimited
    );
    assert_eq!(received_at(&server, OFFICES).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn gateway_errors_back_off_exponentially_up_to_the_attempt_limit() {
    for status in [502, 503, 504] {
        let server = server_answering_then_ok(ResponseTemplate::new(status), 10).await;
        let client = paused_clock_client(&server);
        let started = tokio::time::Instant::now();
        let err = client
            .list_offices()
            .send()
            .await
            .expect_err("still failing");
        assert_eq!(err.kind(), ErrorKind::Server, "{status}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            received_at(&server, OFFICES).await.len(),
            3,
            "{status}: 3 attempts"
        );
        // Waits of 100-200 ms, then 200-400 ms.
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(300) && waited <= Duration::from_millis(600),
            "{waited:?}"
        );
    }
    let server = server_answering_then_ok(ResponseTemplate::new(503), 1).await;
    paused_clock_client(&server)
        .list_offices()
        .send()
        .await
        .expect("second attempt succeeds");
    assert_eq!(received_at(&server, OFFICES).await.len(), 2);
}

fn booking() -> types::Appointment {
    appointment("2026-12-24", (1300, 1315), Some(1001), 7, 1)
}

#[tokio::test(start_paused = true)]
async fn a_post_answered_503_is_sent_once_and_a_429_is_retried() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "POST",
        APPOINTMENTS,
        ResponseTemplate::new(503),
        ResponseTemplate::new(201).set_body_json(5002),
    )
    .await;
    let client = paused_clock_client(&server);
    assert_eq!(
        kind(client.create_appointment().body(booking()).send().await),
        ErrorKind::Server
    );
    assert_eq!(
        received_at(&server, APPOINTMENTS).await.len(),
        1,
        "a POST is sent once"
    );

    // A 429 says the server did not act: even a POST is sent again.
    server.reset().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "POST",
        APPOINTMENTS,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(201).set_body_json(5002),
    )
    .await;
    let id = client
        .create_appointment()
        .body(booking())
        .send()
        .await
        .expect("retried after the 429");
    assert_eq!(id.into_inner(), 5002);
    assert_eq!(received_at(&server, APPOINTMENTS).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_turned_off() {
    let server = server_answering_then_ok(ResponseTemplate::new(503), 1).await;
    let client = builder(&server)
        .without_timers()
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    assert_eq!(kind(client.list_offices().send().await), ErrorKind::Server);
    assert_eq!(received_at(&server, OFFICES).await.len(), 1);
}

#[tokio::test]
async fn a_connection_reset_is_retried_then_reported_as_transport() {
    let server = CuttingServer::start().await;
    let client = builder_at(&server.uri)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let err = client.list_offices().send().await.expect_err("cut");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(
        server.cut.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "3 attempts"
    );
    assert!(!err.to_string().contains("uuid="), "{err}");
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

#[tokio::test]
async fn the_connect_timeout_is_applied() {
    // A listener whose accept queue is full and never accepted: connecting
    // to it hangs (the kernel drops the SYN), until the connect timeout.
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    let addr: std::net::SocketAddr = "127.0.0.1:0".parse().expect("addr");
    socket.bind(&addr.into()).expect("bind");
    socket.listen(0).expect("listen");
    let addr = socket
        .local_addr()
        .expect("addr")
        .as_socket()
        .expect("inet");
    // Fill the queue.
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    let client = builder_at(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .request_timeout(Duration::from_secs(600))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    // A liveness guard, not a performance bound: without the connect timeout
    // this would wait for the 600 s request timeout.
    let answer = tokio::time::timeout(Duration::from_secs(10), client.list_offices().send())
        .await
        .expect("the connect timeout ends the attempt");
    let err = answer.expect_err("cannot connect");
    assert!(
        matches!(err.kind(), ErrorKind::Timeout | ErrorKind::Transport),
        "{err:?}"
    );
    drop(fillers);
}
