//! The merge patches of patients (v2 and v1), custom properties and tasks.

use accuro_client::{Error, ErrorKind, RetryPolicy};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::assert_layer_headers;

#[tokio::test]
async fn patch_patient_sends_a_merge_patch() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("PATCH"))
        .and(path("/rest/v2/provider-portal/patients/1001"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let patch = json!({"fileNumber": "F-2", "demographics": {"email": null}});
    client(&server)
        .patch_patient(1001, &patch)
        .await
        .expect("patched");
    let sent = &received_at(&server, "/rest/v2/provider-portal/patients/1001").await[0];
    assert_layer_headers(sent);
    assert_eq!(
        header_values(sent, "content-type"),
        vec!["application/merge-patch+json".to_owned()]
    );
    assert_eq!(sent.body_json::<serde_json::Value>().expect("JSON"), patch);
}

#[tokio::test]
async fn patch_patient_errors_are_typed() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "Not Found"})))
        .mount(&server)
        .await;
    let err = client(&server)
        .patch_patient(9, &json!({}))
        .await
        .expect_err("404");
    match err {
        Error::Api {
            operation,
            status,
            body,
        } => {
            assert_eq!(operation, "patch_patient");
            assert_eq!(status.as_u16(), 404);
            assert_eq!(body.error.as_deref(), Some("Not Found"));
        }
        other => panic!("{other:?}"),
    }
}

/// A server whose `PATCH at` answers `answer`.
async fn patch_server(at: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("PATCH"))
        .and(path(at))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

/// The one request `server` received at `at`, sent as a merge patch of
/// `patch` with the layer's headers and `uuid`.
async fn assert_merge_patch_sent(server: &MockServer, at: &str, patch: &serde_json::Value) {
    let sent = received_at(server, at).await;
    assert_eq!(sent.len(), 1, "sent once");
    assert_layer_headers(&sent[0]);
    assert_eq!(
        header_values(&sent[0], "content-type"),
        vec!["application/merge-patch+json".to_owned()]
    );
    assert_eq!(
        &sent[0].body_json::<serde_json::Value>().expect("JSON"),
        patch
    );
}

#[tokio::test]
async fn patch_patient_v1_sends_a_merge_patch() {
    const AT: &str = "/rest/v1/provider-portal/patients/1001";
    let server = patch_server(AT, ResponseTemplate::new(204)).await;
    let patch = json!({"demographics": {"middleName": null, "nickname": "Synth"}});
    client(&server)
        .patch_patient_v1(1001, &patch)
        .await
        .expect("patched");
    assert_merge_patch_sent(&server, AT, &patch).await;
}

#[tokio::test]
async fn patch_patient_custom_properties_sends_a_merge_patch_and_reads_the_answer() {
    const AT: &str = "/rest/v1/provider-portal/patients/1001/custom-properties";
    let server = patch_server(AT, ResponseTemplate::new(200).set_body_json(true)).await;
    let properties = json!({"PreferredPharmacy": "Synthetic Drugs", "RetiredFlag": null});
    let updated = client(&server)
        .patch_patient_custom_properties(1001, &properties)
        .await
        .expect("patched");
    assert!(updated);
    assert_merge_patch_sent(&server, AT, &properties).await;

    // An answer that is not the documented boolean is a typed decode error.
    let server = patch_server(AT, ResponseTemplate::new(200).set_body_json("Synthname")).await;
    let err = client(&server)
        .patch_patient_custom_properties(1001, &properties)
        .await
        .expect_err("not a boolean");
    assert!(
        matches!(
            &err,
            Error::InvalidResponse {
                operation: "patch_patient_custom_properties",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("Synthname"), "{err:?}");
}

#[tokio::test]
async fn patch_task_sends_a_merge_patch() {
    const AT: &str = "/rest/v1/provider-portal/tasks/42";
    let server = patch_server(AT, ResponseTemplate::new(204)).await;
    let patch = json!({"completed": true});
    client(&server)
        .patch_task(42, &patch)
        .await
        .expect("patched");
    assert_merge_patch_sent(&server, AT, &patch).await;
}

/// A PATCH may have acted before a 503: it is not sent again, whichever
/// handwritten patch it is, unless the spec says it is idempotent (a patch
/// of a patient's custom properties sets a flat map: sent twice, it sets
/// the same values).
#[tokio::test]
async fn a_patch_answered_503_is_not_sent_twice() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("PATCH"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"error": "Service Unavailable"})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let patch = json!({"fileNumber": "F-3"});
    let outcomes = [
        (
            "patch_patient",
            "/rest/v2/provider-portal/patients/1001",
            c.patch_patient(1001, &patch).await.map(drop),
        ),
        (
            "patch_patient_v1",
            "/rest/v1/provider-portal/patients/1001",
            c.patch_patient_v1(1001, &patch).await,
        ),
        (
            "patch_patient_custom_properties",
            "/rest/v1/provider-portal/patients/1001/custom-properties",
            c.patch_patient_custom_properties(1001, &patch)
                .await
                .map(drop),
        ),
        (
            "patch_task",
            "/rest/v1/provider-portal/tasks/42",
            c.patch_task(42, &patch).await,
        ),
    ];
    for (operation, at, outcome) in outcomes {
        let err = outcome.expect_err("503");
        assert_eq!(err.operation(), Some(operation), "{err:?}");
        assert_eq!(err.kind(), ErrorKind::Server, "{operation}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{operation}");
        let attempts = if operation == "patch_patient_custom_properties" {
            RetryPolicy::default().max_attempts
        } else {
            1
        };
        assert_eq!(
            received_at(&server, at).await.len(),
            usize::try_from(attempts).unwrap_or(usize::MAX),
            "{operation}: sent {attempts} time(s)"
        );
    }
}

#[tokio::test]
async fn a_merge_patch_that_is_not_an_object_is_refused_unsent() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    let c = client(&server);
    let err = c
        .patch_task(42, &json!(["Synthname"]))
        .await
        .expect_err("an array");
    assert!(
        matches!(
            &err,
            Error::InvalidRequest {
                operation: "patch_task",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("Synthname"), "{err:?}");
    let err = c
        .patch_patient_v1(1001, &serde_json::Value::Null)
        .await
        .expect_err("null");
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err:?}");
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(
        sent.iter().all(|r| r.method.as_str() != "PATCH"),
        "nothing sent"
    );
}
