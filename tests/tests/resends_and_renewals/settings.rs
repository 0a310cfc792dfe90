//! Per-call settings (issue 26): a call's own timeout and retry policy,
//! within the safety rules.

use std::time::Duration;

use accuro_client::{CallSettings, ErrorKind, RetryPolicy};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{LETTERS, OFFICES, letter};

/// Real time: the timeout is reqwest's timer.
#[tokio::test]
async fn a_call_s_own_timeout_shorter_than_the_transport_s_ends_it() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    // The transport allows 30 s.
    let client = client(&server);
    let quick = client.with_settings(CallSettings::new().timeout(Duration::from_millis(100)));
    assert_eq!(
        quick.settings().and_then(|s| s.timeout),
        Some(Duration::from_millis(100))
    );
    let err = quick.list_offices().send().await.expect_err("timed out");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert_eq!(
        received_at(&server, OFFICES).await.len(),
        1,
        "a timeout is not retried"
    );
    // The same clinic and token, without the override: the answer comes.
    client.list_offices().send().await.expect("within 30 s");
    assert_eq!(received_at(&server, TOKEN_PATH).await.len(), 1, "one token");
}

#[tokio::test(start_paused = true)]
async fn no_policy_makes_a_write_that_is_not_idempotent_retryable() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    for (at, verb) in [(LETTERS, "PUT"), (OFFICES, "GET")] {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
    }
    let client = paused_clock_client(&server);
    let eager = client.with_settings(CallSettings::new().retry_policy(RetryPolicy {
        max_attempts: 10,
        max_elapsed: Duration::from_secs(600),
        ..RetryPolicy::default()
    }));
    let err = eager
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("503");
    assert_eq!(err.kind(), ErrorKind::Server, "{err:?}");
    assert_eq!(
        received_at(&server, LETTERS).await.len(),
        1,
        "create_letter files a letter each time: sent once whatever the policy"
    );
    // The policy does apply where retrying is safe: a read, 10 attempts.
    eager.list_offices().send().await.expect_err("503");
    assert_eq!(received_at(&server, OFFICES).await.len(), 10);
    // And `RetryPolicy::none()` sends a read once.
    let once = client.with_settings(CallSettings::new().retry_policy(RetryPolicy::none()));
    once.list_offices().send().await.expect_err("503");
    assert_eq!(received_at(&server, OFFICES).await.len(), 11);
}
