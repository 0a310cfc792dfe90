//! Both of Accuro's error shapes come out as typed errors; nothing in an error
//! shows a URL query, a secret, a token or a health-data value.

use accuro_client::token::TokenError;
use accuro_client::{Error, ErrorKind};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SEARCH: &str = "/rest/v2/provider-portal/patients/search";
/// A synthetic health number used as a marker: it must never appear in errors.
const PHN: &str = "9123456780";

async fn server_answering(body: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .respond_with(body)
        .mount(&server)
        .await;
    server
}

async fn search_error(server: &MockServer) -> Error {
    client(server)
        .search_patients()
        .phn(PHN)
        .send()
        .await
        .expect_err("an error answer")
}

fn assert_no_leak(err: &Error) {
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#}")] {
        for marker in [
            PHN,
            CLINIC_UUID,
            CLIENT_SECRET,
            SUBSCRIPTION_KEY,
            "token-1",
            "uuid=",
        ] {
            assert!(!text.contains(marker), "`{marker}` leaked into: {text}");
        }
    }
}

#[tokio::test]
async fn the_api_error_shape_with_constraint_violations() {
    let server = server_answering(ResponseTemplate::new(400).set_body_json(json!({
        "error": "Request Constraint Violation",
        "constraintViolations": [
            {"field": "phn", "value": PHN, "constraint": "size must be between 9 and 10"},
            {"field": "phn", "value": PHN, "constraint": "must be 10 digits"}
        ]
    })))
    .await;
    let err = search_error(&server).await;
    let (operation, status, body) = api_parts(&err);
    assert_eq!(*operation, "search_patients");
    assert_eq!(status.as_u16(), 400);
    assert_eq!(body.error.as_deref(), Some("Request Constraint Violation"));
    let violations = body.constraint_violations.as_deref().unwrap_or_default();
    assert_eq!(violations.len(), 2);
    assert_eq!(violations[0].field.as_deref(), Some("phn"));
    assert_eq!(
        violations[0].value,
        Some(json!(PHN)),
        "the value stays available to code"
    );
    // A constraint of Bean Validation's catalogue is shown; a custom text
    // (which could interpolate a value) only by its length; the text itself
    // stays in the field.
    assert_eq!(
        err.to_string(),
        "search_patients failed: 400 Bad Request: Request Constraint Violation; \
         phn: size must be between 9 and 10; phn: [server text withheld: 17 characters]"
    );
    assert_eq!(
        violations[1].constraint.as_deref(),
        Some("must be 10 digits")
    );
    assert_no_leak(&err);
}

#[tokio::test]
async fn the_gateway_error_shape() {
    // The gateway's own refusal; the client renews its token and replays
    // once, and the second refusal is the error.
    let server = server_answering(
        ResponseTemplate::new(401).set_body_json(json!({"code": "401", "message": "Unauthorized"})),
    )
    .await;
    let err = search_error(&server).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    let body = err.api_error().expect("a body");
    assert_eq!(body.code.as_deref(), Some("401"));
    assert_eq!(body.message.as_deref(), Some("Unauthorized"));
    assert_eq!(body.error, None);
    assert_eq!(received_at(&server, SEARCH).await.len(), 2, "one replay");
    assert_no_leak(&err);
}

#[tokio::test]
async fn a_missing_scope_is_a_401_access_is_denied() {
    // Accuro answers a scope or role the service user lacks with 401 and the
    // API's shape, not 403: a fresh token cannot help, so after the one
    // replay it is an `Unauthorized` error carrying the server's text.
    let server = server_answering(
        ResponseTemplate::new(401).set_body_json(json!({"error": "Access is denied"})),
    )
    .await;
    let err = search_error(&server).await;
    let (operation, status, body) = api_parts(&err);
    assert_eq!(*operation, "search_patients");
    assert_eq!(status.as_u16(), 401);
    assert_eq!(body.error.as_deref(), Some("Access is denied"));
    assert_eq!(body.code, None);
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert!(err.to_string().contains("Access is denied"), "{err}");
    assert_eq!(received_at(&server, SEARCH).await.len(), 2, "one replay");
    assert_no_leak(&err);
}

#[tokio::test]
async fn a_403_is_forbidden_with_the_apis_text() {
    let server = server_answering(
        ResponseTemplate::new(403)
            .set_body_json(json!({"error": "Rest API Service is not enabled for this client."})),
    )
    .await;
    let err = search_error(&server).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(
        err.api_error().and_then(|b| b.error.as_deref()),
        Some("Rest API Service is not enabled for this client.")
    );
    assert_eq!(received_at(&server, SEARCH).await.len(), 1, "not replayed");
    assert_no_leak(&err);
}

#[tokio::test]
async fn a_numeric_code_and_unknown_fields_are_accepted() {
    let server = server_answering(
        ResponseTemplate::new(400)
            .set_body_json(json!({"code": 400, "message": "Bad Request", "traceId": "x"})),
    )
    .await;
    let err = search_error(&server).await;
    assert_eq!(err.api_error().and_then(|b| b.code.as_deref()), Some("400"));
}

#[tokio::test]
async fn a_status_the_spec_does_not_list_names_the_operation() {
    let server =
        server_answering(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
            .await;
    let err = search_error(&server).await;
    match &err {
        Error::UnexpectedStatus { operation, status } => {
            assert_eq!(*operation, "search_patients");
            assert_eq!(status.as_u16(), 502);
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    assert_no_leak(&err);
    // progenitor's own error prints the response; the layer has removed its URL.
    let raw = client(&server)
        .search_patients()
        .phn(PHN)
        .send()
        .await
        .expect_err("502");
    let raw_text = format!("{raw} {raw:?}");
    assert!(!raw_text.contains(PHN), "{raw_text}");
}

#[tokio::test]
async fn a_malformed_success_body_is_described_without_its_content() {
    let server = server_answering(ResponseTemplate::new(200).set_body_json(
        json!({"contents": [{"patientId": PHN, "patientStatusId": 1}], "lastId": 0}),
    ))
    .await;
    let err = search_error(&server).await;
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("unexpected JSON shape in `contents[0].patientId` at line 1"),
        "{err}"
    );
    assert_no_leak(&err);
}

#[tokio::test]
async fn token_endpoint_refusal_is_a_token_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    let err = search_error(&server).await;
    match &err {
        Error::Token {
            source: TokenError::Rejected { status, body },
            ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(body.message.as_deref(), Some("Unauthorized"));
        }
        other => panic!("expected a rejected token request, got {other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_no_leak(&err);
    assert!(
        received_at(&server, SEARCH).await.is_empty(),
        "no REST call without a token"
    );
}

#[tokio::test]
async fn token_endpoint_failures_are_typed() {
    let cases = [
        (
            ResponseTemplate::new(500).set_body_string("oops"),
            "UnexpectedStatus",
        ),
        (
            ResponseTemplate::new(200).set_body_string("{not json"),
            "InvalidResponse",
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer"})),
            "InvalidResponse",
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"access_token": ""})),
            "InvalidResponse",
        ),
    ];
    for (answer, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(answer)
            .mount(&server)
            .await;
        let err = search_error(&server).await;
        let debug = format!("{err:?}");
        assert!(matches!(err, Error::Token { .. }), "{debug}");
        assert!(debug.contains(kind), "expected {kind}, got {debug}");
        assert_no_leak(&err);
    }
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_without_the_url() {
    // Bind a port, then free it: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let err = builder_at(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("client")
        .search_patients()
        .phn(PHN)
        .send()
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(
            err,
            Error::Token {
                source: TokenError::Transport(_),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        !err.to_string().contains(TENANT),
        "no URL (tenant query) in {err}"
    );
    assert_no_leak(&err);
}

/// The operation, status and body of an `Error::Api`; any other error fails the test.
fn api_parts(
    err: &Error,
) -> (
    &&'static str,
    &reqwest::StatusCode,
    &accuro_client::ApiError,
) {
    match err {
        Error::Api {
            operation,
            status,
            body,
        } => (operation, status, body),
        other => panic!("expected Error::Api, got {other:?}"),
    }
}
