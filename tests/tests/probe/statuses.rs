//! Redirects, 429s and refused tokens from a stand-in: what the probe
//! follows, waits out, renews or gives up on.

use accuro_probe::finding::Kind;
use accuro_probe::report::Outcome;
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{findings_of, options, probe_with, stand_in_env};

#[tokio::test]
async fn a_redirect_is_reported_and_never_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/offices"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/collect", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let report = probe_with(stand_in_env(&server), &options(&["list_offices"], None)).await;
    let findings = findings_of(&report, "list_offices");
    assert!(
        findings
            .iter()
            .any(|f| f.kind == Kind::Status && f.actual == "status 302"),
        "{findings:?}"
    );
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recording")
            .is_empty()
    );
}

#[tokio::test]
async fn a_429_is_waited_out_for_its_retry_after() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "GET",
        "/rest/v1/offices",
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(json!([{"officeId": 1, "name": "Synthetic"}])),
    )
    .await;
    let report = probe_with(stand_in_env(&server), &options(&["list_offices"], None)).await;
    let op = &report.operations[0];
    assert_eq!(op.outcome, Outcome::Answered { status: 200 });
    assert!(op.findings.is_empty(), "{:?}", op.findings);
    assert_eq!(received_at(&server, "/rest/v1/offices").await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_probe_waits_fails_the_operation_at_once() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/offices"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let report = probe_with(stand_in_env(&server), &options(&["list_offices"], None)).await;
    let Outcome::Failed { reason } = &report.operations[0].outcome else {
        panic!("{:?}", report.operations[0]);
    };
    assert!(reason.contains("3600"), "{reason}");
    assert_eq!(report.exit_code(), 3);
    assert_eq!(received_at(&server, "/rest/v1/offices").await.len(), 1);
}

#[tokio::test]
async fn a_fresh_token_refused_fails_the_operations_and_is_not_renewed_again() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(wiremock::matchers::path_regex("^/rest/"))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    let report = probe_with(
        stand_in_env(&server),
        &options(&["list_offices", "list_genders"], None),
    )
    .await;
    for op in &report.operations {
        let Outcome::Failed { reason } = &op.outcome else {
            panic!("{op:?}");
        };
        assert!(reason.contains("fresh token"), "{reason}");
    }
    // One token, one renewal after the first 401; none after the renewed
    // token was refused too.
    assert_eq!(issuer.issued(), 2);
    assert_eq!(report.summary.answering, 0);
    assert_eq!(report.exit_code(), 3);
}
