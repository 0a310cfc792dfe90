//! `upload_referral`: an upload of type `REFERRAL`, whose errors name it.

use accuro_client::{Error, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::{DOCUMENTS, assert_layer_headers, minimal_details, upload_server};

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
