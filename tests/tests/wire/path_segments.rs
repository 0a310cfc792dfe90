//! Path values stay in their segment.

use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A path value is sent as one segment, whatever it holds: `\`, `/`, `?`,
/// `#` and `%` percent-encoded, so `..\..\` cannot climb to another
/// endpoint; a value that is empty, `.` or `..` (which no encoding keeps
/// from a URL parser) is refused before anything is sent.
#[tokio::test]
async fn path_values_stay_in_their_segment() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client(&server);
    let prefix = "/rest/v1/contacts/7/external-contact-identifiers/";
    for (value, sent) in [
        ("..\\..\\..\\offices", "..%5C..%5C..%5Coffices"),
        ("../../offices", "..%2F..%2Foffices"),
        ("a b?c#d%e", "a%20b%3Fc%23d%25e"),
        ("EMR.Lab-1_x~", "EMR.Lab-1_x~"),
    ] {
        let _ = client
            .get_contact_external_contact_identifier()
            .contact_id(7)
            .system_identifier(value)
            .send()
            .await;
        let paths: Vec<String> = server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() != TOKEN_PATH)
            .map(|r| r.url.path().to_owned())
            .collect();
        assert_eq!(
            paths.last().map(String::as_str),
            Some(format!("{prefix}{sent}").as_str()),
            "{value:?}: {paths:?}"
        );
    }
    let sent_before = server.received_requests().await.unwrap_or_default().len();
    for value in ["..", ".", ""] {
        let err = client
            .get_contact_external_contact_identifier()
            .contact_id(7)
            .system_identifier(value)
            .send()
            .await
            .expect_err("refused");
        assert_eq!(
            err.kind(),
            accuro_client::ErrorKind::InvalidRequest,
            "{value:?}: {err:?}"
        );
        assert!(err.to_string().contains("another endpoint"), "{err}");
    }
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        sent_before,
        "nothing sent"
    );
}
