//! A write that may have reached the server is never sent twice; Retry-After
//! values that overflow.

use std::sync::atomic::Ordering;
use std::time::Duration;

use accuro_client::{ErrorKind, RetryPolicy};
use accuro_tests::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::stand::Stand;
use crate::{APPOINTMENTS, LETTERS, OFFICES, booking, letter, paused_client_at};

// ---------------------------------------------------------------------------
// a. A write that may have reached the server is never sent twice.
//    Old code: retries by method only (PUT, GET, DELETE), so `create_letter`
//    (a PUT that files a letter) answered 504 or cut was sent 3 times. The
//    POST, 429 and refused-connection tests below are guards: the old code
//    already sent a POST once and retried a PUT on 429 or a refused connection.
// ---------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn create_letter_answered_504_is_sent_once() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("PUT"))
        .and(path(LETTERS))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let client = paused_clock_client(&server);
    let err = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("504");
    assert_eq!(err.kind(), ErrorKind::Server, "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(err.operation(), Some("create_letter"));
    let sends = received_at(&server, LETTERS).await.len();
    eprintln!("LETTER_SENDS_AFTER_504={sends}");
    assert_eq!(sends, 1, "a letter answered 504 is filed at most once");
}

#[tokio::test(start_paused = true)]
async fn a_post_answered_502_or_503_is_sent_once() {
    for status in [502, 503] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        Mock::given(method("POST"))
            .and(path(APPOINTMENTS))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let client = paused_clock_client(&server);
        let err = client
            .create_appointment()
            .body(booking())
            .send()
            .await
            .expect_err("gateway error");
        assert_eq!(err.kind(), ErrorKind::Server, "{status}: {err:?}");
        assert_eq!(
            received_at(&server, APPOINTMENTS).await.len(),
            1,
            "{status}: a POST is sent once"
        );
    }
}

#[tokio::test]
async fn a_letter_whose_connection_was_cut_after_sending_is_not_sent_again() {
    // The server reads the whole request, then closes without answering.
    let server = CuttingServer::start().await;
    let client = builder_at(&server.uri)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let err = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("cut");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(
        server.cut.load(Ordering::SeqCst),
        1,
        "the letter may have been filed: not sent again"
    );
    // An idempotent operation is sent again on the same cut.
    let err = client.list_offices().send().await.expect_err("cut");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(server.cut.load(Ordering::SeqCst), 1 + 3);
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_even_for_create_letter() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "PUT",
        LETTERS,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(8001),
    )
    .await;
    let client = paused_clock_client(&server);
    let id = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect("sent again after the 429");
    assert_eq!(id.into_inner(), 8001);
    assert_eq!(received_at(&server, LETTERS).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_even_for_create_letter() {
    let mut stand = Stand::start(3600, false, true).await;
    let client = paused_client_at(&stand.uri);
    client.authenticate().await.expect("token");
    // Nothing listens on the port any more: every connection is refused.
    stand.stop().await;
    let started = tokio::time::Instant::now();
    let err = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    // Jitter 0: waits of 100 ms then 200 ms, so 3 attempts. Without retries
    // the error would come at once (the paused clock does not move by itself).
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(400),
        "{waited:?}"
    );
}

// ---------------------------------------------------------------------------
// b. Retry-After values that overflow. Old code: `started.elapsed() + wait`
//    panicked on `Retry-After: 18446744073709551615` once a second had
//    passed, and read `99999999999999999999999` as no value (then retried).
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_huge_retry_after_after_a_slow_answer_does_not_panic() {
    // Real clock: the answer's delay is the elapsed time when the decision is
    // made. `Duration::from_secs(u64::MAX)` still has room for nanoseconds, so
    // only a whole second elapsed made the old `elapsed + wait` overflow.
    for (value, delay_ms) in [
        ("18446744073709551615", 1100),
        ("99999999999999999999999", 50),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 50),
    ] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        Mock::given(method("GET"))
            .and(path(OFFICES))
            .respond_with(
                ResponseTemplate::new(503)
                    .insert_header("retry-after", value)
                    .set_delay(Duration::from_millis(delay_ms)),
            )
            .mount(&server)
            .await;
        let err = client(&server)
            .list_offices()
            .send()
            .await
            .expect_err("503");
        assert_eq!(err.kind(), ErrorKind::Server, "{value}: {err:?}");
        assert_eq!(
            received_at(&server, OFFICES).await.len(),
            1,
            "{value}: a wait past the budget ends the retries"
        );
    }
}
