//! Letters answered as multipart: the synthetic answers and the server the
//! letter tests share.

use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A CXF-like boundary (it has a colon, so it is quoted in `Content-Type`).
pub(crate) const BOUNDARY: &str = "uuid:3612915e-0b5e-4911-98f4-e17e664b3a59";
pub(crate) const LETTER: &str = "/rest/v1/provider-portal/letters/77";
pub(crate) const GENERATED: &str = "/rest/v1/provider-portal/generated-letters/223109";
pub(crate) const GENERATED_V2: &str = "/rest/v2/provider-portal/generated-letters/223109";

/// Synthetic values that must never show in an error.
pub(crate) const SECRET_NAME: &str = "Synthname Samplesson";
pub(crate) const SECRET_PHN: &str = "9876543217";
pub(crate) const SECRET_CONTENT: &str = "rtf1 Synthetic letter body";

/// A multipart body with CRLF line breaks: each part is its header lines
/// and its body; the closing delimiter ends it.
pub(crate) fn multipart_body(boundary: &str, parts: &[(&[&str], &[u8])]) -> Vec<u8> {
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

pub(crate) fn letter_json() -> Vec<u8> {
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
pub(crate) fn letter_answer() -> Vec<u8> {
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

pub(crate) fn multipart_template(body: Vec<u8>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        body,
        &format!("multipart/form-data; boundary=\"{BOUNDARY}\""),
    )
}

/// A server whose `GET at` answers `answer`.
pub(crate) async fn letter_server(at: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}
