//! The profile picture upload.

use accuro_client::Document;
use accuro_tests::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::assert_layer_headers;

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
