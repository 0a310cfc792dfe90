//! A token endpoint down after the clinic's token expired: callers without a
//! token fail fast for a window (1 s doubling to 60 s, with jitter) instead
//! of each asking it again; the first call once it is back and the window
//! has passed succeeds. Tokio's clock is paused: "fast" is measured on it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use accuro_client::ErrorKind;
use accuro_client::token::TokenError;
use accuro_tests::*;
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::OFFICES;

/// The token endpoint: [`TokenIssuer`]'s answers while up, 503 while down.
#[derive(Clone)]
struct Switchable {
    issuer: TokenIssuer,
    down: Arc<AtomicBool>,
}

impl Respond for Switchable {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if self.down.load(Ordering::SeqCst) {
            return ResponseTemplate::new(503)
                .set_body_json(json!({"code": "503", "message": "Service Unavailable"}));
        }
        self.issuer.respond(request)
    }
}

async fn token_requests(server: &MockServer) -> usize {
    received_at(server, TOKEN_PATH).await.len()
}

#[tokio::test(start_paused = true)]
async fn callers_without_a_token_back_off_a_failing_token_endpoint() {
    let server = MockServer::start().await;
    let down = Arc::new(AtomicBool::new(false));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(Switchable {
            issuer: TokenIssuer::new(Some(60)),
            down: Arc::clone(&down),
        })
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = builder(&server)
        .without_timers()
        .jitter(|| 0.5)
        .build()
        .expect("client");
    client.list_offices().send().await.expect("the first token");

    // The token expires with no call to renew it; then the endpoint goes
    // down for 5 s.
    tokio::time::advance(Duration::from_secs(61)).await;
    down.store(true, Ordering::SeqCst);
    let before = token_requests(&server).await;
    let mut backing_off = 0;
    for n in 0..50 {
        let started = Instant::now();
        let err = client.list_offices().send().await.expect_err("down");
        let took = started.elapsed();
        assert_eq!(err.kind(), ErrorKind::TokenEndpoint, "{err}");
        if let accuro_client::Error::Token {
            source: TokenError::BackingOff { .. },
            ..
        } = &err
        {
            backing_off += 1;
            assert!(took < Duration::from_millis(50), "call {n} took {took:?}");
            assert!(err.to_string().contains("backing off after"), "{err}");
        }
        tokio::time::advance(Duration::from_millis(100)).await;
    }
    let asked = token_requests(&server).await - before;
    eprintln!("outage: {asked} token requests, {backing_off} of 50 calls refused at once");
    assert!(asked <= 6, "{asked} token requests during the outage");
    assert!(backing_off >= 44, "{backing_off} calls failed fast");
    assert!(
        received_at(&server, OFFICES).await.len() == 1,
        "no call went out without a token"
    );

    // Back up: every call fails fast until the window passes, and the first
    // call after it succeeds.
    down.store(false, Ordering::SeqCst);
    for _ in 0..700 {
        match client.list_offices().send().await {
            Ok(_) => return,
            Err(accuro_client::Error::Token {
                source: TokenError::BackingOff { .. },
                ..
            }) => tokio::time::advance(Duration::from_millis(100)).await,
            Err(other) => panic!("the first call after the window failed: {other}"),
        }
    }
    panic!("no call succeeded within 70 s of the recovery");
}

#[tokio::test(start_paused = true)]
async fn refused_credentials_back_off_the_same_way_and_say_so() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "401", "message": "Unauthorized"})),
        )
        .mount(&server)
        .await;
    let client = builder(&server)
        .without_timers()
        .jitter(|| 1.0)
        .build()
        .expect("client");
    let first = client.list_offices().send().await.expect_err("refused");
    assert_eq!(first.kind(), ErrorKind::Credentials);
    let second = client.list_offices().send().await.expect_err("backing off");
    assert_eq!(second.kind(), ErrorKind::Credentials, "{second}");
    assert!(
        second
            .to_string()
            .contains("backing off after 1 failed token request(s), next try in 1.0 s"),
        "{second}"
    );
    assert_eq!(
        second.status().map(|s| s.as_u16()),
        Some(401),
        "the last failure's"
    );
    assert_eq!(token_requests(&server).await, 1);
    tokio::time::advance(Duration::from_secs(1)).await;
    let third = client
        .list_offices()
        .send()
        .await
        .expect_err("refused again");
    assert_eq!(third.kind(), ErrorKind::Credentials);
    assert_eq!(token_requests(&server).await, 2);
    let fourth = client
        .list_offices()
        .send()
        .await
        .expect_err("backing off longer");
    assert!(fourth.to_string().contains("after 2 failed"), "{fourth}");
    assert!(fourth.to_string().contains("next try in 2.0 s"), "{fourth}");
}
