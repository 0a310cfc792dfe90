//! The operations implemented by hand (merge patch, multipart upload) and the
//! create-patient 204 answer: same token, key, uuid and errors as the rest.

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
    types::DocumentDetails {
        patient_id: 1,
        folder_id: 1,
        provider_id: None,
        description: None,
        date: None,
        file_name: None,
    }
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
            assert_eq!(operation.as_deref(), Some("patch_patient"));
            assert_eq!(status.as_u16(), 404);
            assert_eq!(body.error.as_deref(), Some("Not Found"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn upload_document_sends_two_parts_and_returns_the_id() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/provider-portal/documents"))
        .respond_with(ResponseTemplate::new(201).set_body_json(7001))
        .mount(&server)
        .await;
    let details = types::DocumentDetails {
        patient_id: 1001,
        folder_id: 11,
        provider_id: None,
        description: Some("Synthetic scan".into()),
        date: Some("2026-01-31".parse().expect("date")),
        file_name: Some("scan.pdf".into()),
    };
    let document = Document {
        file_name: "scan.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 synthetic".to_vec(),
    };
    let id = client(&server)
        .upload_document(&details, document.clone())
        .await
        .expect("uploaded");
    assert_eq!(id, 7001);
    let sent = &received_at(&server, "/rest/v1/provider-portal/documents").await[0];
    assert_layer_headers(sent);
    let content_type = header_values(sent, "content-type").join("");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&sent.body);
    assert!(body.contains("name=\"details\""), "{body}");
    assert!(body.contains(r#"{"date":"2026-01-31","description":"Synthetic scan","fileName":"scan.pdf","folderId":11,"patientId":1001}"#), "{body}");
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

#[tokio::test]
async fn create_patient_returns_the_id_from_location_on_a_204() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/rest/v2/provider-portal/patients"))
        .respond_with(ResponseTemplate::new(204).insert_header(
            "location",
            "https://accuro.example.invalid/rest/v2/provider-portal/patients/1003",
        ))
        .mount(&server)
        .await;
    let id = client(&server)
        .create_patient()
        .body(types::Patient::default())
        .send()
        .await
        .expect("204 with Location")
        .into_inner();
    assert_eq!(id, 1003);
}

#[tokio::test]
async fn a_streamed_upload_answered_401_is_not_replayed() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/provider-portal/documents"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "401", "message": "Unauthorized"})),
        )
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
