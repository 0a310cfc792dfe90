//! Every 401 drops the refused token, and the token request has its own
//! timeout.

use std::time::Duration;

use accuro_client::token::TokenError;
use accuro_client::{DEFAULT_TOKEN_TIMEOUT, Error, ErrorKind};
use accuro_tests::*;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::{DOCUMENTS, OFFICES, PROVIDERS, bearers_at};

// ---------------------------------------------------------------------------
// e. Every 401 drops the refused token. Old code: the refused token was
//    dropped only on the way to a replay, so a 401 on a body that cannot be
//    replayed (multipart upload), or on the replay itself, left it cached.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_401_on_an_upload_that_cannot_be_replayed_still_drops_the_refused_token() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = client(&server);
    let err = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized, "{err:?}");
    assert_eq!(err.operation(), Some("upload_document"));
    assert_eq!(
        received_at(&server, DOCUMENTS).await.len(),
        1,
        "a streamed body is not replayed"
    );
    client.list_offices().send().await.expect("offices");
    assert_eq!(issuer.issued(), 2, "the refused token is not used again");
    assert_eq!(bearers_at(&server, OFFICES).await, ["Bearer token-2"]);
}

#[tokio::test]
async fn a_401_on_the_replay_drops_that_token_too() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    mount_get(&server, PROVIDERS, json!([])).await;
    let client = client(&server);
    let err = client.list_offices().send().await.expect_err("401 twice");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-2"]
    );
    client.list_providers().send().await.expect("providers");
    assert_eq!(
        issuer.issued(),
        3,
        "token-2 was refused too: not used again"
    );
    assert_eq!(bearers_at(&server, PROVIDERS).await, ["Bearer token-3"]);
}

// ---------------------------------------------------------------------------
// f. The token request has its own timeout. Old code: a `reqwest::Client` of
//    the user's without a timeout made a silent token endpoint hang every
//    call forever.
// ---------------------------------------------------------------------------

/// A loopback port that accepts connections and never answers.
async fn silent_listener() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let uri = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (uri, task)
}

#[tokio::test(start_paused = true)]
async fn the_token_request_times_out_even_on_a_transport_without_timeouts() {
    let (uri, task) = silent_listener().await;
    for (set, expected) in [
        (Some(Duration::from_secs(5)), Duration::from_secs(5)),
        (None, DEFAULT_TOKEN_TIMEOUT),
    ] {
        // No timer but the token's: as a transport without timeouts.
        let mut builder = builder_at(&uri)
            .without_timers()
            .token_timeout(DEFAULT_TOKEN_TIMEOUT);
        if let Some(timeout) = set {
            builder = builder.token_timeout(timeout);
        }
        let client = builder.build().expect("client");
        let started = tokio::time::Instant::now();
        // A guard on the paused clock: nothing but the token timeout ends the
        // call sooner; without one the guard fails the test instead of a hang.
        let answer =
            tokio::time::timeout(Duration::from_secs(24 * 3600), client.list_offices().send())
                .await
                .expect("the token timeout ended the call");
        let err = answer.expect_err("no answer");
        assert!(
            matches!(
                err,
                Error::Token {
                    operation: "list_offices",
                    source: TokenError::Timeout
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::Timeout);
        let waited = started.elapsed();
        assert!(
            waited >= expected && waited < expected + Duration::from_secs(1),
            "{set:?}: {waited:?}"
        );
    }
    task.abort();
}
