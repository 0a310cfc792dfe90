//! Cancelled callers, and calls that do not wait for a renewal while they
//! have a valid token.

use std::time::Duration;

use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::stand::Stand;
use crate::{DOCUMENTS, OFFICES, bearers_at, paused_client_at, until};

// ---------------------------------------------------------------------------
// c. Cancelled callers. Old code: the token request ran inside the first
//    caller's future (a `OnceCell` initialiser); cancelling that caller
//    dropped the request, the next caller sent another, and a refresh token
//    taken out for the dropped request was lost.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_caller_cancelled_while_fetching_the_token_does_not_restart_it() {
    let stand = Stand::start(3600, false, false).await;
    let client = builder_at(&stand.uri).build().expect("client");
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    until("the token request reached the server", || {
        stand.token_requests() == 1
    })
    .await;
    first.abort();
    let aborted = first.await.expect_err("aborted");
    assert!(aborted.is_cancelled(), "the answer is held: still waiting");

    let second = tokio::spawn({
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    stand.open();
    second
        .await
        .expect("task")
        .expect("the renewal in flight serves it");
    let requests = stand.token_requests();
    eprintln!("TOKEN_REQUESTS_AFTER_CANCELLED_CALLER={requests}");
    assert_eq!(requests, 1, "one token request in all");
    assert_eq!(stand.bearers(), ["Bearer token-1"]);
}

#[tokio::test(start_paused = true)]
async fn a_caller_cancelled_during_a_refresh_neither_resends_nor_loses_the_refresh_token() {
    let stand = Stand::start(600, true, true).await;
    let client = paused_client_at(&stand.uri);
    client.list_offices().send().await.expect("first token");

    // Expired: callers wait for the renewal, which spends refresh-1.
    stand.close();
    tokio::time::advance(Duration::from_secs(600)).await;
    let caller = tokio::spawn({
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    until("the refresh request reached the server", || {
        stand.token_requests() == 2
    })
    .await;
    caller.abort();
    assert!(caller.await.expect_err("aborted").is_cancelled());
    stand.open();
    // Joins the renewal the cancelled caller started.
    client.authenticate().await.expect("the renewal completes");
    client.list_offices().send().await.expect("with token-2");
    assert_eq!(
        stand.token_bodies()[1..],
        ["grant_type=refresh_token&refresh_token=refresh-1"],
        "refresh-1 sent once, no other request"
    );

    // The next renewal spends the refresh token the completed renewal brought.
    tokio::time::advance(Duration::from_secs(600)).await;
    client.list_offices().send().await.expect("with token-3");
    assert_eq!(
        stand.token_bodies(),
        [
            "grant_type=client_credentials&scope=PATIENT_DEMOGRAPHICS_READ+SCHEDULING_WRITE",
            "grant_type=refresh_token&refresh_token=refresh-1",
            "grant_type=refresh_token&refresh_token=refresh-2",
        ]
    );
    assert_eq!(
        stand.bearers(),
        ["Bearer token-1", "Bearer token-2", "Bearer token-3"]
    );
}

// ---------------------------------------------------------------------------
// d. No call waits for a renewal while it has a valid token. Old code: a
//    token inside the refresh margin was no longer "fresh", so every call
//    waited for the renewal (3 s here) and went out with the new token.
// ---------------------------------------------------------------------------

/// Answers the first token request at once and every later one after `delay`
/// (real time: wiremock answers on a thread of its own).
#[derive(Clone)]
struct SlowRenewals {
    issuer: TokenIssuer,
    delay: Duration,
}

impl Respond for SlowRenewals {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let answer = self.issuer.respond(request);
        if self.issuer.issued() > 1 {
            answer.set_delay(self.delay)
        } else {
            answer
        }
    }
}

#[tokio::test(start_paused = true)]
async fn calls_do_not_wait_for_a_slow_renewal_while_the_token_is_valid() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(SlowRenewals {
            issuer: issuer.clone(),
            delay: Duration::from_secs(3),
        })
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = paused_client_at(&server.uri());
    client.list_offices().send().await.expect("first token");

    // Jitter 0: renewal is due at 3,540 s; the token is valid until 3,600 s.
    tokio::time::advance(Duration::from_secs(3541)).await;
    client
        .list_offices()
        .send()
        .await
        .expect("with the valid token");

    // The call has returned; the renewal it started is in flight.
    until("the renewal request reached the server", || {
        issuer.issued() == 2
    })
    .await;
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-1"],
        "the call went out with the valid token, token-2 is not in use yet"
    );
    // `authenticate` joins the renewal in flight.
    client.authenticate().await.expect("renewed");
    assert_eq!(issuer.issued(), 2, "joined, not sent again");
    client.list_offices().send().await.expect("with token-2");
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    );
}

// ---------------------------------------------------------------------------
// Issue 29: no token expires on the way. An upload's body is streamed, so a
// 401 cannot be replayed: it waits for the renewal as soon as one is due and
// goes with the new token; it is never sent with a token about to expire.
// ---------------------------------------------------------------------------

/// How a server answers token renewals (the first token is answered at once).
enum Renewals {
    /// After a second.
    Slow,
    /// With this answer.
    Then(ResponseTemplate),
}

/// A server whose token endpoint issues `issuer`'s tokens and answers
/// renewals as `renewals` says, and whose upload endpoint answers `[7101]`.
async fn upload_server(issuer: &TokenIssuer, renewals: Renewals) -> MockServer {
    let server = MockServer::start().await;
    match renewals {
        Renewals::Then(answer) => mount_token_once_then(&server, issuer.clone(), answer).await,
        Renewals::Slow => {
            Mock::given(method("POST"))
                .and(path(TOKEN_PATH))
                .respond_with(SlowRenewals {
                    issuer: issuer.clone(),
                    delay: Duration::from_secs(1),
                })
                .mount(&server)
                .await;
        }
    }
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([7101])))
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    server
}

#[tokio::test(start_paused = true)]
async fn an_upload_while_a_renewal_is_due_goes_with_the_new_token() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = upload_server(&issuer, Renewals::Slow).await;
    let client = paused_client_at(&server.uri());
    client.list_offices().send().await.expect("first token");

    // Due for renewal (3,540 s), still valid for 59 s: a call that can be
    // replayed goes with token-1 and starts the renewal; the upload waits
    // for that renewal and goes with token-2.
    tokio::time::advance(Duration::from_secs(3541)).await;
    client.list_offices().send().await.expect("with token-1");
    let ids = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect("uploaded");
    assert_eq!(ids, [7101]);
    assert_eq!(issuer.issued(), 2, "one renewal, joined by the upload");
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-1"]
    );
    assert_eq!(bearers_at(&server, DOCUMENTS).await, ["Bearer token-2"]);
}

#[tokio::test(start_paused = true)]
async fn nothing_is_sent_with_a_token_about_to_expire_when_it_cannot_be_renewed() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = upload_server(&issuer, Renewals::Then(ResponseTemplate::new(503))).await;
    let client = paused_client_at(&server.uri());
    client.list_offices().send().await.expect("first token");

    // 4 s left (below the 5 s send margin), and renewal answers 503: no
    // call goes out with token-1, the upload least of all.
    tokio::time::advance(Duration::from_secs(3596)).await;
    let err = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect_err("no sendable token");
    assert_eq!(err.kind(), accuro_client::ErrorKind::TokenEndpoint, "{err}");
    let err = client.list_offices().send().await.expect_err("backing off");
    assert_eq!(err.kind(), accuro_client::ErrorKind::TokenEndpoint, "{err}");
    assert!(err.to_string().contains("backing off"), "{err}");
    assert!(received_at(&server, DOCUMENTS).await.is_empty());
    assert_eq!(bearers_at(&server, OFFICES).await, ["Bearer token-1"]);
}

#[tokio::test(start_paused = true)]
async fn an_upload_goes_with_the_current_token_while_it_can_be_sent_if_the_renewal_fails() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = upload_server(&issuer, Renewals::Then(ResponseTemplate::new(503))).await;
    let client = paused_client_at(&server.uri());
    client.list_offices().send().await.expect("first token");
    // Due, 59 s left: the renewal answers 503, token-1 can still be sent.
    tokio::time::advance(Duration::from_secs(3541)).await;
    client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect("uploaded with token-1");
    assert_eq!(bearers_at(&server, DOCUMENTS).await, ["Bearer token-1"]);
}

/// Real time (the token timeout is a timer, which a paused clock would
/// jump to while the first token request is on the wire): 4 s tokens,
/// renewal due after 2 s, not sent in their last second.
#[tokio::test]
async fn an_upload_is_not_sent_once_a_hung_renewal_took_its_token_below_the_margin() {
    let server = upload_server(
        &TokenIssuer::new(Some(4)),
        Renewals::Then(ResponseTemplate::new(200).set_delay(Duration::from_secs(3600))),
    )
    .await;
    let client = builder_at(server.uri())
        .token_timeout(Duration::from_millis(2500))
        .jitter(|| 0.0)
        .build()
        .expect("test client");
    client.list_offices().send().await.expect("first token");
    // Due: the upload waits for the renewal, which hangs until the token
    // timeout; token-1 then has less than its 1 s margin left. (Were the
    // runner slow enough to reach the margin first, the upload would wait
    // for the same renewal from `before_call`: the outcome is the same.)
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let err = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect_err("no sendable token");
    assert_eq!(err.kind(), accuro_client::ErrorKind::Timeout, "{err}");
    assert!(received_at(&server, DOCUMENTS).await.is_empty());
}
