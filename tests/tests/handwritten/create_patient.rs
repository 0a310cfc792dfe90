//! The create-patient answers the layer normalises (201, 200, 204 with
//! `Location`) and those it refuses.

use accuro_client::Error;
use accuro_tests::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATIENTS: &str = "/rest/v2/provider-portal/patients";

/// Creates a patient against a server answering `answer`.
async fn create_patient_answered(
    answer: ResponseTemplate,
) -> Result<accuro_client::ResponseValue<i64>, Error> {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(PATIENTS))
        .respond_with(answer)
        .mount(&server)
        .await;
    let answer = client(&server)
        .create_patient()
        .body(new_patient())
        .send()
        .await;
    assert_eq!(received_at(&server, PATIENTS).await.len(), 1, "sent once");
    answer
}

const LOCATION: &str = "https://accuro.example.invalid/rest/v2/provider-portal/patients/1003";

#[tokio::test]
async fn create_patient_returns_the_id_whichever_success_the_server_sends() {
    let cases = [
        (
            "201 with the id and Location (the server)",
            ResponseTemplate::new(201)
                .insert_header("location", LOCATION)
                .set_body_json(1003),
        ),
        (
            "201 with the id, no Location",
            ResponseTemplate::new(201).set_body_json(1003),
        ),
        (
            "200 with the id (older guides)",
            ResponseTemplate::new(200).set_body_json(1003),
        ),
        (
            "204 with Location (QHR's file)",
            ResponseTemplate::new(204).insert_header("location", LOCATION),
        ),
        (
            "204 with a relative Location",
            ResponseTemplate::new(204)
                .insert_header("location", "/rest/v2/provider-portal/patients/1003"),
        ),
        (
            "201 with an empty body and Location",
            ResponseTemplate::new(201).insert_header("location", LOCATION),
        ),
        (
            "200 with an empty body and Location",
            ResponseTemplate::new(200).insert_header("location", LOCATION),
        ),
    ];
    for (case, answer) in cases {
        let created = create_patient_answered(answer)
            .await
            .unwrap_or_else(|e| panic!("{case}: {e:?}"));
        assert_eq!(created.status().as_u16(), 201, "{case}: normalised to 201");
        assert_eq!(created.into_inner(), 1003, "{case}");
    }
}

#[tokio::test]
async fn a_204_without_location_is_an_error_not_a_guess() {
    let err = create_patient_answered(ResponseTemplate::new(204))
        .await
        .expect_err("no id anywhere");
    match &err {
        Error::UnexpectedStatus { status, .. } => assert_eq!(status.as_u16(), 204),
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_eq!(err.kind(), accuro_client::ErrorKind::UnexpectedResponse);
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(
            !text.contains("uuid=") && !text.contains(CLINIC_UUID),
            "{text}"
        );
    }

    // A Location that names no id is no better.
    let err = create_patient_answered(
        ResponseTemplate::new(204).insert_header("location", "/rest/v2/provider-portal/patients/"),
    )
    .await
    .expect_err("no id in Location");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(204), "{err:?}");
    let err = create_patient_answered(
        ResponseTemplate::new(204)
            .insert_header("location", "/rest/v2/provider-portal/patients/new"),
    )
    .await
    .expect_err("no numeric id in Location");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(204), "{err:?}");

    // A 201 with neither body nor Location cannot be read as an id either.
    let err = create_patient_answered(ResponseTemplate::new(201))
        .await
        .expect_err("an empty 201");
    assert_eq!(
        err.kind(),
        accuro_client::ErrorKind::UnexpectedResponse,
        "{err:?}"
    );
}

/// A 2xx the spec does not list for the operation (a bodyless 204 without
/// `Location` for `create_patient`) is an error that names the operation and
/// shows no URL, whichever way it is printed.
#[tokio::test]
async fn an_undocumented_success_status_names_the_operation_and_no_url() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(PATIENTS))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let err = client(&server)
        .create_patient()
        .body(new_patient())
        .send()
        .await
        .expect_err("no id anywhere");
    assert!(
        matches!(
            &err,
            Error::UnexpectedStatus {
                operation: "create_patient",
                ..
            }
        ),
        "{err:?}"
    );
    let mut text = format!("{err} {err:?}");
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    text.push_str(&format!(" {boxed} {boxed:?}"));
    assert!(
        !text.contains("uuid") && !text.contains(CLINIC_UUID),
        "{text}"
    );
}
