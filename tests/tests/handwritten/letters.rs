//! Letters answered as multipart: the letter and its content read back,
//! whichever multipart dialect the server writes, and its error answers.

use accuro_client::{Error, ErrorKind};
use accuro_tests::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

use crate::assert_layer_headers;
use crate::letter_fixtures::{
    BOUNDARY, GENERATED, GENERATED_V2, LETTER, SECRET_CONTENT, SECRET_NAME, SECRET_PHN,
    letter_answer, letter_server, multipart_body, multipart_template,
};

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
