//! The token renewal's task against its surroundings: a runtime that stops
//! under it, and tokens that expire on arrival.

use std::time::Duration;

use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OFFICES: &str = "/rest/v1/offices";

/// A renewal task dropped with the runtime it was spawned on (a sync app
/// running each job on a short-lived runtime) must not leave its failed
/// outcome in the cache for every later call: the next call starts a new one.
/// The delays are real time: liveness bounds, not measurements.
#[test]
fn a_renewal_task_stopped_with_its_runtime_does_not_break_the_client() {
    let main = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let issuer = TokenIssuer::new(Some(3600));
    let server = main.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "slow-token", "expires_in": 3600}))
                    .set_delay(Duration::from_millis(400)),
            )
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        issuer.mount(&server).await;
        mount_get(&server, OFFICES, json!([])).await;
        server
    });
    let client = client(&server);
    let short_lived = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    short_lived.block_on(async {
        let cut =
            tokio::time::timeout(Duration::from_millis(50), client.list_offices().send()).await;
        assert!(
            cut.is_err(),
            "the first call is still waiting for its token"
        );
    });
    drop(short_lived);
    main.block_on(async {
        client
            .list_offices()
            .send()
            .await
            .expect("a new renewal, not the stopped one's failure");
    });
}

/// `expires_in: 0`: the token serves the call it was fetched for (it is sent,
/// not left out), and is never reused.
#[tokio::test]
async fn a_token_that_expires_on_arrival_still_serves_its_call() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(0));
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = client(&server);
    for _ in 0..3 {
        client
            .list_offices()
            .send()
            .await
            .expect("sent with its token");
    }
    assert_eq!(issuer.issued(), 3, "one token per call, never reused");
    assert_eq!(
        received_at(&server, OFFICES).await.len(),
        3,
        "no 401, no replay"
    );
}
