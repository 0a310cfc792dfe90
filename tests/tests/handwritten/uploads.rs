//! `upload_document`: the multipart request, the ids it answers, and the
//! ways an upload fails (too large, an unparsable media type, a 401).

use accuro_client::{Document, Error, ErrorKind, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{DOCUMENTS, assert_layer_headers, minimal_details, upload_server};

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
