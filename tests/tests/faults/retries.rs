//! REST calls timing out, answered 429 with `Retry-After`, 5xx, or cut:
//! what is retried, after how long, and what is sent once; the connect
//! timeout.

use std::time::Duration;

use accuro_client::{ErrorKind, RetryPolicy, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{APPOINTMENTS, OFFICES, kind};

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
    // Fill the queue, and see that it is full: once it is, a connect
    // neither succeeds nor is refused, it hangs (Linux drops a SYN to a
    // listener whose accept queue is full). Without that, this test would
    // prove nothing about the connect timeout: it says so rather than pass.
    let mut fillers = Vec::new();
    let mut hung = 0;
    for _ in 0..8 {
        match tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            Ok(Ok(s)) => fillers.push(s),
            Ok(Err(e)) => {
                panic!("a connect to the full listener was refused ({e}), not left hanging")
            }
            Err(_) => hung += 1,
        }
    }
    assert!(
        hung > 0,
        "the accept queue never filled ({} connects accepted): no connect hangs here",
        fillers.len()
    );
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
    // The attempt hung and was ended by the connect timeout: a timeout, not
    // a transport error (a refused or reset connection is one).
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    drop(fillers);
}
