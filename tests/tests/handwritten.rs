//! The operations implemented by hand (merge patch, multipart upload of
//! documents and referrals) and the create-patient answers the layer
//! normalises (201, 200, 204 with `Location`): same token, key, uuid and
//! errors as the rest.

use accuro_client::{Document, Error, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_layer_headers(request: &wiremock::Request) {
    assert_eq!(
        header_values(request, "authorization"),
        vec!["Bearer token-1".to_owned()]
    );
    assert_eq!(
        header_values(request, "x-qhr-subscription-key"),
        vec![SUBSCRIPTION_KEY.to_owned()]
    );
    assert_eq!(
        query_pairs(request),
        vec![("uuid".to_owned(), CLINIC_UUID.to_owned())]
    );
}

/// Document details with only the required fields.
fn minimal_details() -> types::DocumentDetails {
    document_details(1, 1)
}

const DOCUMENTS: &str = "/rest/v1/provider-portal/documents";
const PATIENTS: &str = "/rest/v2/provider-portal/patients";

/// A server whose upload endpoint answers `answer`.
async fn upload_server(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

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

#[tokio::test]
async fn upload_document_sends_two_parts_and_returns_the_ids() {
    // The server answers 200 with a JSON array of the new documents' ids.
    let server = upload_server(ResponseTemplate::new(200).set_body_json(json!([7001]))).await;
    let details = types::DocumentDetails {
        description: Some("Synthetic scan".into()),
        received_date: Some("2026-01-31".parse().expect("date")),
        file_name: Some("scan.pdf".into()),
        ..document_details(1001, 11)
    };
    let document = Document {
        file_name: "scan.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 synthetic".to_vec(),
    };
    let ids = client(&server)
        .upload_document(&details, document.clone())
        .await
        .expect("uploaded");
    assert_eq!(ids, [7001]);
    let sent = &received_at(&server, DOCUMENTS).await[0];
    assert_layer_headers(sent);
    let content_type = header_values(sent, "content-type").join("");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&sent.body);
    assert!(body.contains("name=\"details\""), "{body}");
    // The details part is snake_case on the wire.
    assert!(body.contains(r#"{"description":"Synthetic scan","file_name":"scan.pdf","folder_id":11,"patient_id":1001,"received_date":"2026-01-31"}"#), "{body}");
    assert!(
        body.contains("name=\"document\"; filename=\"scan.pdf\""),
        "{body}"
    );
    assert!(
        body.contains("Content-Type: application/pdf") && body.contains("%PDF-1.4 synthetic"),
        "{body}"
    );
    assert!(
        !format!("{document:?}").contains("synthetic"),
        "Debug shows no content"
    );
}

#[tokio::test]
async fn an_upload_filed_as_several_documents_returns_every_id() {
    let server =
        upload_server(ResponseTemplate::new(200).set_body_json(json!([7001, 7002, 7003]))).await;
    let ids = client(&server)
        .upload_document(&document_details(1001, 11), synthetic_pdf("pages.pdf"))
        .await
        .expect("uploaded");
    assert_eq!(ids, [7001, 7002, 7003]);
}

#[tokio::test]
async fn an_upload_answered_with_a_bare_id_is_an_invalid_response() {
    // The old reading (one id, not an array) is not what the server sends:
    // it is reported, not guessed into a list.
    let server = upload_server(ResponseTemplate::new(200).set_body_json(json!(7001))).await;
    let err = client(&server)
        .upload_document(&minimal_details(), synthetic_pdf("a.pdf"))
        .await
        .expect_err("not an array");
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert_eq!(err.kind(), accuro_client::ErrorKind::UnexpectedResponse);
}

#[tokio::test]
async fn upload_referral_sends_type_referral() {
    let server = upload_server(ResponseTemplate::new(200).set_body_json(json!([7101]))).await;
    let client = client(&server);
    let details = types::DocumentDetails {
        file_name: Some("referral.pdf".into()),
        ..document_details(1001, 11)
    };
    let ids = client
        .upload_referral(&details, synthetic_pdf("referral.pdf"))
        .await
        .expect("referral uploaded");
    assert_eq!(ids, [7101]);
    client
        .upload_document(&details, synthetic_pdf("plain.pdf"))
        .await
        .expect("document uploaded");

    let sent = received_at(&server, DOCUMENTS).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        query_pairs(&sent[0]),
        vec![
            ("type".to_owned(), "REFERRAL".to_owned()),
            ("uuid".to_owned(), CLINIC_UUID.to_owned())
        ],
        "type=REFERRAL, and the uuid once"
    );
    assert_eq!(
        header_values(&sent[0], "authorization"),
        vec!["Bearer token-1".to_owned()]
    );
    assert_eq!(
        header_values(&sent[0], "x-qhr-subscription-key"),
        vec![SUBSCRIPTION_KEY.to_owned()]
    );
    let body = String::from_utf8_lossy(&sent[0].body);
    assert!(
        body.contains(r#"{"file_name":"referral.pdf","folder_id":11,"patient_id":1001}"#)
            && body.contains("name=\"document\"; filename=\"referral.pdf\""),
        "{body}"
    );
    // A plain upload carries no type.
    assert_layer_headers(&sent[1]);
}

#[tokio::test]
async fn an_upload_too_large_is_a_413_api_error() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/provider-portal/documents"))
        .respond_with(
            ResponseTemplate::new(413).set_body_json(json!({"error": "Payload Too Large"})),
        )
        .mount(&server)
        .await;
    let details = minimal_details();
    let document = Document {
        file_name: "big.bin".into(),
        media_type: "application/octet-stream".into(),
        bytes: vec![0; 1024],
    };
    let err = client(&server)
        .upload_document(&details, document)
        .await
        .expect_err("413");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(413));
    assert_eq!(
        err.api_error().and_then(|b| b.error.as_deref()),
        Some("Payload Too Large")
    );
}

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

#[tokio::test]
async fn a_streamed_upload_answered_401_is_not_replayed() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/provider-portal/documents"))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    let details = minimal_details();
    let document = Document {
        file_name: "a.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: vec![1, 2, 3],
    };
    let err = client(&server)
        .upload_document(&details, document)
        .await
        .expect_err("401");
    assert_eq!(err.kind(), accuro_client::ErrorKind::Unauthorized);
    assert_eq!(
        received_at(&server, "/rest/v1/provider-portal/documents")
            .await
            .len(),
        1,
        "no replay"
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
