//! The operations implemented by hand (merge patches of patients, custom
//! properties and tasks; multipart uploads of documents, referrals and
//! profile pictures; letters answered as multipart) and the create-patient
//! answers the layer normalises (201, 200, 204 with `Location`): same token,
//! key, uuid, retry decision and errors as the rest.

use std::sync::atomic::{AtomicUsize, Ordering};

use accuro_client::{Document, Error, ErrorKind, RetryPolicy, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

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

/// A media type whose parameters carry a name (synthetic here) that does not
/// parse: the upload is refused before anything is sent, naming the method
/// called, and the error quotes no part of the media type.
#[tokio::test]
async fn an_unparsable_media_type_is_refused_unsent_and_unquoted() {
    const MARKER: &str = "Zqsynthname";
    let server = upload_server(ResponseTemplate::new(200).set_body_json(json!([7001]))).await;
    let c = client(&server);
    let document = || Document {
        file_name: "scan.png".into(),
        media_type: format!("image/png; name={MARKER} Synthetic.png"),
        bytes: b"synthetic".to_vec(),
    };
    // The details are fine: only the media type is refused.
    let details = minimal_details();
    let errors = [
        (
            "upload_document",
            c.upload_document(&details, document()).await,
        ),
        (
            "upload_referral",
            c.upload_referral(&details, document()).await,
        ),
    ];
    for (method, outcome) in errors {
        let err = outcome.expect_err("an invalid media type");
        assert!(
            matches!(&err, Error::InvalidRequest { operation, .. } if *operation == method),
            "{err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err:?}");
        let mut text = format!("{err} {err:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        text.push_str(&format!(" {boxed} {boxed:?}"));
        assert!(!text.contains(MARKER), "{text}");
        assert!(!text.contains("name="), "{text}");
    }
    let err = c
        .upload_patient_profile_picture(1001, document())
        .await
        .expect_err("an invalid media type");
    assert_eq!(err.operation(), Some("upload_patient_profile_picture"));
    assert!(!format!("{err} {err:?}").contains(MARKER), "{err:?}");
    let sent = server.received_requests().await.unwrap_or_default();
    assert!(
        sent.iter().all(|r| r.url.path() == "/v1/token"),
        "nothing sent: {sent:?}"
    );
}

/// `upload_referral`'s errors name it, not the `upload_document` operation
/// it sends; it is still not sent twice (the spec's route of
/// `upload_document` is not idempotent, and the body is streamed).
#[tokio::test]
async fn upload_referral_errors_name_upload_referral() {
    let server =
        upload_server(ResponseTemplate::new(404).set_body_json(json!({"error": "Not Found"})))
            .await;
    let c = client(&server);
    let err = c
        .upload_referral(&minimal_details(), synthetic_pdf("referral.pdf"))
        .await
        .expect_err("404");
    assert!(
        matches!(
            &err,
            Error::Api {
                operation: "upload_referral",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.operation(), Some("upload_referral"));
    let text = err.to_string();
    assert!(
        text.contains("upload_referral") && !text.contains("upload_document"),
        "{text}"
    );
    let err = c
        .upload_document(&minimal_details(), synthetic_pdf("plain.pdf"))
        .await
        .expect_err("404");
    assert_eq!(err.operation(), Some("upload_document"));

    let server = upload_server(ResponseTemplate::new(503)).await;
    let err = client(&server)
        .upload_referral(&minimal_details(), synthetic_pdf("referral.pdf"))
        .await
        .expect_err("503");
    assert_eq!(err.operation(), Some("upload_referral"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        received_at(&server, DOCUMENTS).await.len(),
        1,
        "not sent twice"
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

// ---------------------------------------------------------------------------
// The merge patches of v1 patients, custom properties and tasks.

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

// ---------------------------------------------------------------------------
// The profile picture upload.

#[tokio::test]
async fn upload_patient_profile_picture_sends_one_picture_part_and_returns_its_id() {
    const AT: &str = "/rest/v1/provider-portal/patients/1001/profile-picture";
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(AT))
        .respond_with(ResponseTemplate::new(200).set_body_json(12))
        .mount(&server)
        .await;
    let picture = Document {
        file_name: "portrait.png".into(),
        media_type: "image/png".into(),
        bytes: b"\x89PNG\r\n\x1a\nsynthetic-pixels".to_vec(),
    };
    let id = client(&server)
        .upload_patient_profile_picture(1001, picture)
        .await
        .expect("uploaded");
    assert_eq!(id, 12);
    let sent = received_at(&server, AT).await;
    assert_eq!(sent.len(), 1);
    assert_layer_headers(&sent[0]);
    let content_type = header_values(&sent[0], "content-type").join("");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&sent[0].body);
    assert!(
        body.contains("name=\"profilePicture\"; filename=\"portrait.png\"")
            && body.contains("Content-Type: image/png")
            && body.contains("synthetic-pixels"),
        "{body}"
    );
    assert_eq!(body.matches("Content-Disposition").count(), 1, "one part");
}

#[tokio::test]
async fn a_profile_picture_answered_503_is_not_sent_twice() {
    const AT: &str = "/rest/v1/provider-portal/patients/1001/profile-picture";
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(AT))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let err = client(&server)
        .upload_patient_profile_picture(1001, synthetic_pdf("not-a-picture.pdf"))
        .await
        .expect_err("503");
    assert_eq!(err.operation(), Some("upload_patient_profile_picture"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received_at(&server, AT).await.len(), 1, "sent once");
}

// ---------------------------------------------------------------------------
// Letters answered as multipart.

/// A CXF-like boundary (it has a colon, so it is quoted in `Content-Type`).
const BOUNDARY: &str = "uuid:3612915e-0b5e-4911-98f4-e17e664b3a59";
const LETTER: &str = "/rest/v1/provider-portal/letters/77";
const GENERATED: &str = "/rest/v1/provider-portal/generated-letters/223109";
const GENERATED_V2: &str = "/rest/v2/provider-portal/generated-letters/223109";

/// Synthetic values that must never show in an error.
const SECRET_NAME: &str = "Synthname Samplesson";
const SECRET_PHN: &str = "9876543217";
const SECRET_CONTENT: &str = "rtf1 Synthetic letter body";

/// A multipart body with CRLF line breaks: each part is its header lines
/// and its body; the closing delimiter ends it.
fn multipart_body(boundary: &str, parts: &[(&[&str], &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (headers, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for header in *headers {
            body.extend_from_slice(format!("{header}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

fn letter_json() -> Vec<u8> {
    json!({
        "id": 5,
        "letterId": 77,
        "patientId": 1001,
        "title": format!("Referral for {SECRET_NAME}"),
        "created": "2025-02-27T16:05:10.000",
        "version": 2
    })
    .to_string()
    .into_bytes()
}

/// Apache CXF's answer: a JSON part, then the RTF content.
fn letter_answer() -> Vec<u8> {
    let rtf = format!("{{\\{SECRET_CONTENT} PHN {SECRET_PHN}}}");
    multipart_body(
        BOUNDARY,
        &[
            (
                &[
                    "Content-Type: application/json",
                    "Content-Transfer-Encoding: binary",
                    "Content-ID: <root.message@cxf.apache.org>",
                ],
                &letter_json(),
            ),
            (
                &[
                    "Content-Type: application/octet-stream",
                    "Content-Transfer-Encoding: binary",
                    "Content-ID: <1>",
                ],
                rtf.as_bytes(),
            ),
        ],
    )
}

fn multipart_template(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        body,
        &format!("multipart/form-data; boundary=\"{BOUNDARY}\""),
    )
}

/// A server whose `GET at` answers `answer`.
async fn letter_server(at: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn get_letter_reads_the_json_part_and_the_rtf_content() {
    let server = letter_server(LETTER, multipart_template(letter_answer())).await;
    let letter = client(&server).get_letter(77).await.expect("letter");
    assert_eq!(letter.metadata.letter_id, Some(77));
    assert_eq!(letter.metadata.patient_id, Some(1001));
    assert_eq!(letter.metadata.version, Some(2));
    assert_eq!(
        letter.metadata.title.as_deref(),
        Some(format!("Referral for {SECRET_NAME}").as_str())
    );
    assert_eq!(
        letter.content,
        format!("{{\\{SECRET_CONTENT} PHN {SECRET_PHN}}}").into_bytes()
    );
    assert_eq!(
        letter.content_type.as_deref(),
        Some("application/octet-stream")
    );
    let debug = format!("{letter:?}");
    assert!(
        !debug.contains(SECRET_CONTENT) && !debug.contains(SECRET_PHN),
        "Debug shows no content: {debug}"
    );

    let sent = received_at(&server, LETTER).await;
    assert_eq!(sent.len(), 1);
    assert_layer_headers(&sent[0]);
    let accept = header_values(&sent[0], "accept").join(",");
    assert!(accept.starts_with("multipart/"), "{accept}");
}

#[tokio::test]
async fn get_generated_letter_reads_binary_content_byte_for_byte() {
    // Binary content with NULs, invalid UTF-8, line breaks, dashes, a line
    // that starts like the boundary without being it, and the boundary where
    // no line starts (only a line break then `--boundary` delimits).
    let mut pdf = b"%PDF-1.7\r\n\x00\xff\xfe\r\n--\r\n--uuid:3612915e\r\n".to_vec();
    pdf.extend_from_slice(format!("x--{BOUNDARY}\n--{BOUNDARY}\r\n").as_bytes());
    pdf.extend((0u8..=255).collect::<Vec<_>>());
    pdf.extend_from_slice(b"\r\n%%EOF\r\n");
    let generated = json!({
        "id": 223109, "letterId": 1015, "patientId": 1001, "extension": "pdf",
        "status": "FILE_READY", "generateTo": "Doctor Synthetic", "letterContent": null
    })
    .to_string();
    let body = multipart_body(
        BOUNDARY,
        &[
            (
                &[
                    "Content-Type: application/json; charset=UTF-8",
                    "Content-ID: <root.message@cxf.apache.org>",
                ],
                generated.as_bytes(),
            ),
            (&["Content-Type: application/pdf", "Content-ID: <1>"], &pdf),
        ],
    );
    let server = letter_server(GENERATED, multipart_template(body)).await;
    let letter = client(&server)
        .get_generated_letter(223109)
        .await
        .expect("generated letter");
    assert_eq!(letter.metadata.id, Some(223109));
    assert_eq!(letter.metadata.letter_id, Some(1015));
    assert_eq!(letter.metadata.extension.as_deref(), Some("pdf"));
    assert_eq!(letter.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(letter.content, pdf, "the bytes, exactly");
    let sent = received_at(&server, GENERATED).await;
    assert_eq!(sent.len(), 1);
    assert_layer_headers(&sent[0]);
}

#[tokio::test]
async fn get_generated_letter_v2_reads_another_multipart_dialect() {
    // `multipart/mixed`, a bare boundary, a preamble, transport padding after
    // a delimiter, the content part first and the JSON part second, an
    // epilogue.
    let generated = json!({"id": 9, "letterId": 3, "extension": "tiff"}).to_string();
    let mut body = b"This is a synthetic preamble.\r\n".to_vec();
    body.extend_from_slice(
        b"--simple-boundary  \r\nContent-Type: image/tiff\r\n\r\nII*\x00tiff\r\n",
    );
    body.extend_from_slice(b"--simple-boundary\r\ncontent-type: APPLICATION/JSON\r\n\r\n");
    body.extend_from_slice(generated.as_bytes());
    body.extend_from_slice(b"\r\n--simple-boundary--\r\nA synthetic epilogue.\r\n");
    let answer = ResponseTemplate::new(200).set_body_raw(
        body,
        "Multipart/Mixed; type=\"application/json\"; boundary=simple-boundary; start=\"<root>\"",
    );
    let server = letter_server(GENERATED_V2, answer).await;
    let letter = client(&server)
        .get_generated_letter_v2(223109)
        .await
        .expect("generated letter");
    assert_eq!(letter.metadata.id, Some(9));
    assert_eq!(letter.metadata.extension.as_deref(), Some("tiff"));
    assert_eq!(letter.content, b"II*\x00tiff");
    assert_eq!(letter.content_type.as_deref(), Some("image/tiff"));
    let sent = received_at(&server, GENERATED_V2).await;
    assert_eq!(sent.len(), 1);
    assert_layer_headers(&sent[0]);
}

/// Every way a multipart answer can be wrong is an `InvalidResponse` naming
/// the operation and what is wrong (a wrong JSON shape by its field name),
/// and no part of the body shows in it.
#[tokio::test]
async fn malformed_multipart_answers_are_typed_errors_that_quote_nothing() {
    let rtf = format!("{SECRET_CONTENT} {SECRET_PHN}");
    let json_part: (&[&str], &[u8]) = (&["Content-Type: application/json"], &letter_json());
    let rtf_part: (&[&str], &[u8]) = (&["Content-Type: application/rtf"], rtf.as_bytes());
    let good = letter_answer();
    let multipart = |body: Vec<u8>| multipart_template(body);
    let cut = |body: &[u8], keep: usize| body[..keep].to_vec();
    let bad_json = format!("{{\"title\": \"{SECRET_NAME}\", \"letterId\": \"{SECRET_PHN}\"}}");
    let cases: Vec<(&str, &str, ResponseTemplate)> = vec![
        (
            "a JSON answer, not multipart",
            "not multipart",
            ResponseTemplate::new(200).set_body_raw(letter_json(), "application/json"),
        ),
        (
            "no Content-Type",
            "not multipart",
            ResponseTemplate::new(200).set_body_bytes(good.clone()),
        ),
        (
            "no boundary",
            "no valid boundary",
            ResponseTemplate::new(200).set_body_raw(good.clone(), "multipart/form-data"),
        ),
        (
            "an unclosed quoted boundary",
            "no valid boundary",
            ResponseTemplate::new(200)
                .set_body_raw(good.clone(), "multipart/form-data; boundary=\"uuid:3612"),
        ),
        (
            "another boundary than the body's",
            "no boundary delimiter",
            ResponseTemplate::new(200)
                .set_body_raw(good.clone(), "multipart/form-data; boundary=other"),
        ),
        (
            "cut before the closing delimiter",
            "cut short",
            multipart(cut(&good, good.len() - 20)),
        ),
        (
            "cut right after a delimiter",
            "cut short",
            multipart({
                let mut body = b"--".to_vec();
                body.extend_from_slice(BOUNDARY.as_bytes());
                body
            }),
        ),
        (
            "one part",
            "found 1",
            multipart(multipart_body(BOUNDARY, &[json_part])),
        ),
        (
            "three parts",
            "found 3",
            multipart(multipart_body(BOUNDARY, &[json_part, rtf_part, rtf_part])),
        ),
        (
            "a delimiter followed by data",
            "not followed by a line break",
            multipart({
                let mut body = format!("--{BOUNDARY}{SECRET_NAME}\r\n").into_bytes();
                body.extend_from_slice(&good);
                body
            }),
        ),
        (
            "headers without the blank line",
            "part 1 has malformed headers",
            multipart(
                format!(
                    "--{BOUNDARY}\r\nContent-Type: application/json\r\nX-Name: {SECRET_NAME}\r\n--{BOUNDARY}--\r\n"
                )
                .into_bytes(),
            ),
        ),
        (
            "a malformed header",
            "part 1 has malformed headers",
            multipart(multipart_body(
                BOUNDARY,
                &[(&["Bad Header Synthname"], b"{}"), rtf_part],
            )),
        ),
        (
            "a base64 part",
            "part 2 has an unsupported Content-Transfer-Encoding",
            multipart(multipart_body(
                BOUNDARY,
                &[
                    json_part,
                    (
                        &["Content-Type: application/rtf", "Content-Transfer-Encoding: base64"],
                        b"U3ludGhuYW1l",
                    ),
                ],
            )),
        ),
        (
            "a JSON part that is not JSON",
            "the JSON part: malformed JSON",
            multipart(multipart_body(
                BOUNDARY,
                &[(&["Content-Type: application/json"], rtf.as_bytes()), rtf_part],
            )),
        ),
        (
            "a JSON part of the wrong shape",
            "the JSON part: unexpected JSON shape in `letterId`",
            multipart(multipart_body(
                BOUNDARY,
                &[(&["Content-Type: application/json"], bad_json.as_bytes()), rtf_part],
            )),
        ),
    ];
    for (case, expected, answer) in cases {
        let server = letter_server(LETTER, answer).await;
        let err = client(&server).get_letter(77).await.expect_err(case);
        assert!(
            matches!(
                &err,
                Error::InvalidResponse {
                    operation: "get_letter",
                    ..
                }
            ),
            "{case}: {err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{case}");
        assert!(err.to_string().contains(expected), "{case}: {err}");
        let mut text = format!("{err} {err:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(err);
        text.push_str(&format!(" {boxed} {boxed:?}"));
        for secret in [
            SECRET_NAME,
            "Synthname",
            SECRET_PHN,
            SECRET_CONTENT,
            "rtf1",
            BOUNDARY,
            "3612915e",
            "U3ludGhuYW1l",
            CLINIC_UUID,
        ] {
            assert!(!text.contains(secret), "{case}: `{secret}` in {text}");
        }
    }
}

/// Serves `body` cut after 0, 1, 2, ... bytes, one length per request.
struct Cuts {
    body: Vec<u8>,
    next: AtomicUsize,
}

impl Respond for Cuts {
    fn respond(&self, _request: &wiremock::Request) -> ResponseTemplate {
        let keep = self
            .next
            .fetch_add(1, Ordering::SeqCst)
            .min(self.body.len());
        multipart_template(self.body[..keep].to_vec())
    }
}

/// A multipart answer cut anywhere (a dropped connection under chunked
/// encoding) is refused, never read as a shorter letter, and never panics.
#[tokio::test]
async fn a_multipart_answer_cut_anywhere_is_refused() {
    let body = letter_answer();
    // Everything up to the closing delimiter's `--` is needed; the CRLF after
    // it is not.
    let needed = body.len() - 2;
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(LETTER))
        .respond_with(Cuts {
            body: body.clone(),
            next: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let c = client(&server);
    for keep in 0..=body.len() {
        let outcome = c.get_letter(77).await;
        if keep >= needed {
            let letter = outcome.unwrap_or_else(|e| panic!("cut at {keep}: {e:?}"));
            assert_eq!(letter.metadata.letter_id, Some(77));
        } else {
            let err = outcome.map(drop).expect_err("a cut answer");
            assert!(
                matches!(&err, Error::InvalidResponse { .. }),
                "cut at {keep}: {err:?}"
            );
            let text = format!("{err} {err:?}");
            assert!(
                !text.contains(SECRET_NAME) && !text.contains(SECRET_PHN),
                "cut at {keep}: {text}"
            );
        }
    }
}

/// A GET is idempotent: a 503 is retried, unlike a PATCH.
#[tokio::test]
async fn a_letter_answered_503_is_fetched_again() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "GET",
        GENERATED,
        ResponseTemplate::new(503).insert_header("retry-after", "0"),
        multipart_template(letter_answer()),
    )
    .await;
    let letter = client(&server)
        .get_generated_letter(223109)
        .await
        .expect("the second attempt");
    assert_eq!(letter.metadata.letter_id, Some(77));
    let sent = received_at(&server, GENERATED).await;
    assert_eq!(sent.len(), 2, "sent again after the 503");
    for request in &sent {
        assert_layer_headers(request);
    }
}

#[tokio::test]
async fn letter_error_answers_are_typed() {
    let server = letter_server(
        GENERATED_V2,
        ResponseTemplate::new(404).set_body_json(json!({"error": "Not Found"})),
    )
    .await;
    let err = client(&server)
        .get_generated_letter_v2(223109)
        .await
        .expect_err("404");
    match &err {
        Error::Api {
            operation, status, ..
        } => {
            assert_eq!(*operation, "get_generated_letter_v2");
            assert_eq!(status.as_u16(), 404);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn a_documents_debug_shows_neither_its_bytes_nor_its_media_type_parameters() {
    let document = accuro_client::Document {
        file_name: "scan.png".into(),
        media_type: "image/png; name=Zqsynthname Synthetic.png".into(),
        bytes: b"Zqsynthcontent".to_vec(),
    };
    let shown = format!("{document:?}");
    assert!(shown.contains("image/png"), "{shown}");
    assert!(!shown.contains("Zqsynth"), "{shown}");
    assert!(!shown.contains("name="), "{shown}");
}
