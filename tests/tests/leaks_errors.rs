//! Errors leak nothing, whatever the server answers: for each kind of failure
//! a call made with health data in its query (or body) gets its error, which
//! is printed every way a user might (`{}`, `{:?}`, `{:#?}`, `{:#}`, as a
//! `Box<dyn Error>`, and every `source()` down the chain); no secret or
//! health-data marker may appear in any of it, nor in the `tracing` output
//! captured at TRACE meanwhile.
//!
//! One test in this binary: it installs the global subscriber.

use std::time::Duration;

use accuro_client::{Client, Document, Error, ErrorKind, types};
use accuro_tests::{document_details, printed_forms};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "SECRETMARKER6612";
const KEY: &str = "KEYMARKER3307";
const ACCESS: &str = "ACCESSMARKER8845";
const CLINIC: &str = "c0ffee00-0000-4000-8000-0000000d06ed";
const PHN: &str = "9876512345";
const NAME: &str = "Qzxmarkerson";
const BIRTHDAY: &str = "1961-07-04";

const SEARCH: &str = "/rest/v2/provider-portal/patients/search";
const PATIENT: &str = "/rest/v2/provider-portal/patients/1001";
const DOCUMENTS: &str = "/rest/v1/provider-portal/documents";

/// What the stand-in answers, and on which route.
enum Route {
    Search,
    Patient,
    Patch,
    Upload,
}

/// A stand-in whose token endpoint issues the marker token, answering
/// `answer` on `route`.
async fn stand_in(route: &Route, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS, "expires_in": 3600})),
        )
        .mount(&server)
        .await;
    let (verb, at) = match route {
        Route::Search => ("GET", SEARCH),
        Route::Patient => ("GET", PATIENT),
        Route::Patch => ("PATCH", PATIENT),
        Route::Upload => ("POST", DOCUMENTS),
    };
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

/// A client of `server` whose calls time out after `timeout`.
fn client_for(server: &MockServer, timeout: Duration) -> Client {
    Client::builder()
        .base_url(server.uri())
        .tenant("synthclinic")
        .client_id("synthetic-client-id")
        .client_secret(SECRET)
        .scopes(["PATIENT_DEMOGRAPHICS_READ", "DOCUMENTS_WRITE"])
        .subscription_key(KEY)
        .clinic_uuid(CLINIC)
        .request_timeout(timeout)
        .retry_policy(accuro_client::RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            ..accuro_client::RetryPolicy::default()
        })
        .build()
        .expect("client")
}

/// Calls `route` with health data in the query or body; returns its error.
/// Only a call meant to time out has a short timeout (the server answers it
/// 10 s late); every other call has time enough on a busy machine.
async fn call(route: &Route, answer: ResponseTemplate, kind: ErrorKind) -> Error {
    let server = stand_in(route, answer).await;
    let timeout = if kind == ErrorKind::Timeout {
        Duration::from_millis(300)
    } else {
        Duration::from_secs(30)
    };
    let client = client_for(&server, timeout);
    let outcome = match route {
        Route::Search => client
            .search_patients()
            .phn(PHN)
            .last_name(NAME)
            .first_name(NAME)
            .send()
            .await
            .map(drop),
        Route::Patient => client.get_patient().patient_id(1001).send().await.map(drop),
        Route::Patch => {
            client
                .patch_patient(
                    1001,
                    &json!({"demographics": {"lastName": NAME, "birthday": BIRTHDAY,
                    "healthCard": {"phn": PHN}}}),
                )
                .await
        }
        Route::Upload => {
            let details = types::DocumentDetails {
                description: Some(format!("{NAME} {BIRTHDAY} {PHN}")),
                file_name: Some(format!("{NAME}.pdf")),
                ..document_details(1001, 1)
            };
            let document = Document {
                file_name: format!("{NAME}-{PHN}.pdf"),
                media_type: "application/pdf".into(),
                bytes: format!("%PDF-1.4 {NAME} {PHN} {BIRTHDAY}").into_bytes(),
            };
            client.upload_document(&details, document).await.map(drop)
        }
    };
    outcome.expect_err("an error")
}

fn json_answer(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn raw_answer(status: u16, body: String, media_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body, media_type)
}

#[tokio::test]
async fn no_marker_in_any_error_or_log_whatever_the_server_answers() {
    let capture = accuro_tests::Capture::install_trace();

    let phi_text = format!("PHN {PHN} for {NAME} failed");
    let patient_shaped = |demographics: serde_json::Value| json!({"patientId": 1001, "patientStatusId": 1, "demographics": demographics});
    let cases: Vec<(&str, Route, ResponseTemplate, ErrorKind)> = vec![
        // A 500 with health data in the error text.
        (
            "500 search",
            Route::Search,
            json_answer(500, json!({"error": phi_text})),
            ErrorKind::Server,
        ),
        (
            "500 get_patient",
            Route::Patient,
            json_answer(500, json!({"error": phi_text})),
            ErrorKind::Server,
        ),
        (
            "500 upload",
            Route::Upload,
            json_answer(500, json!({"error": phi_text})),
            ErrorKind::Server,
        ),
        (
            "500 patch",
            Route::Patch,
            json_answer(500, json!({"error": phi_text})),
            ErrorKind::Server,
        ),
        // A malformed 2xx, cut short after health data.
        (
            "malformed search",
            Route::Search,
            raw_answer(
                200,
                format!(
                    r#"{{"contents": [{{"demographics": {{"firstName": "{NAME}", "birthday": 12"#
                ),
                "application/json",
            ),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "malformed get_patient",
            Route::Patient,
            raw_answer(
                200,
                format!(
                    r#"{{"patientId": 1001, "demographics": {{"firstName": "{NAME}", "birthday": "{BIRTHDAY}", "healthCard": {{"phn": "{PHN}""#
                ),
                "application/json",
            ),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "malformed upload",
            Route::Upload,
            raw_answer(200, format!(r#"[12, "{PHN}""#), "application/json"),
            ErrorKind::UnexpectedResponse,
        ),
        // A wrongly shaped 2xx: the birthday an object, a PHN where an integer
        // is expected.
        (
            "birthday object",
            Route::Search,
            json_answer(
                200,
                json!({"contents": [patient_shaped(json!({"firstName": NAME, "lastName": NAME,
                    "genderId": 2, "birthday": {"date": BIRTHDAY, "name": NAME}}))]}),
            ),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "birthday object get_patient",
            Route::Patient,
            json_answer(
                200,
                patient_shaped(json!({"firstName": NAME, "lastName": NAME, "genderId": 2,
                    "birthday": {"date": BIRTHDAY}})),
            ),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "phn as patientId",
            Route::Patient,
            json_answer(
                200,
                json!({"patientId": PHN, "patientStatusId": 1,
                    "demographics": {"firstName": NAME, "lastName": NAME, "genderId": 2}}),
            ),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "phn as genderId",
            Route::Search,
            json_answer(
                200,
                json!({"contents": [patient_shaped(json!({"firstName": NAME, "lastName": NAME,
                    "genderId": PHN, "birthday": BIRTHDAY}))]}),
            ),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "birthday malformed",
            Route::Patient,
            json_answer(
                200,
                patient_shaped(json!({"firstName": NAME, "lastName": NAME, "genderId": 2,
                    "birthday": format!("{BIRTHDAY}T{PHN}")})),
            ),
            ErrorKind::UnexpectedResponse,
        ),
        // A 2xx status the spec does not list.
        (
            "203 search",
            Route::Search,
            json_answer(203, json!({"phn": PHN, "lastName": NAME})),
            ErrorKind::UnexpectedResponse,
        ),
        (
            "203 upload",
            Route::Upload,
            json_answer(203, json!({"phn": PHN, "lastName": NAME})),
            ErrorKind::UnexpectedResponse,
        ),
        // A 400 echoing the values refused.
        (
            "400 search",
            Route::Search,
            json_answer(
                400,
                json!({
                    "error": format!("PHN {PHN} is not valid"),
                    "constraintViolations": [
                        {"field": "phn", "value": PHN, "constraint": format!("{PHN} must have 9 digits")},
                        {"field": "lastName", "value": NAME, "constraint": "size must be between 2 and 10"},
                        {"field": PHN, "value": {"phn": PHN, "name": NAME}, "constraint": "invalid"}
                    ]
                }),
            ),
            ErrorKind::Rejected,
        ),
        (
            "400 patch",
            Route::Patch,
            json_answer(
                400,
                json!({
                    "error": format!("Invalid birthday {BIRTHDAY}"),
                    "constraintViolations": [
                        {"field": "demographics.birthday", "value": BIRTHDAY, "constraint": format!("{BIRTHDAY} is in the future")},
                        {"field": "demographics.healthCard.phn", "value": PHN, "constraint": "invalid"}
                    ]
                }),
            ),
            ErrorKind::Rejected,
        ),
        // A timeout (the server answers after the 300 ms request timeout).
        (
            "timeout search",
            Route::Search,
            json_answer(200, json!({"contents": []})).set_delay(Duration::from_secs(10)),
            ErrorKind::Timeout,
        ),
        (
            "timeout upload",
            Route::Upload,
            json_answer(200, json!([1])).set_delay(Duration::from_secs(10)),
            ErrorKind::Timeout,
        ),
        // An HTML 502 from a gateway, with health data in it.
        (
            "html 502 search",
            Route::Search,
            raw_answer(
                502,
                format!(
                    "<html><body><h1>502 Bad Gateway</h1><p>{NAME} {PHN} {BIRTHDAY}</p></body></html>"
                ),
                "text/html",
            ),
            ErrorKind::Server,
        ),
        (
            "html 502 patch",
            Route::Patch,
            raw_answer(
                502,
                format!("<html><body>{NAME} {PHN}</body></html>"),
                "text/html",
            ),
            ErrorKind::Server,
        ),
    ];

    let mut texts: Vec<String> = Vec::new();
    for (label, route, answer, kind) in cases {
        let err = call(&route, answer, kind).await;
        assert_eq!(err.kind(), kind, "{label}: {err:?}");
        assert!(err.operation().is_some(), "{label}: names its operation");
        texts.extend(printed_forms(err));
    }

    let logs = capture.text();
    assert!(
        logs.contains("accuro.request") && logs.contains("operation=\"search_patients\""),
        "spans are captured"
    );
    texts.push(logs);

    let markers = [PHN, NAME, BIRTHDAY, CLINIC, KEY, SECRET, ACCESS, "uuid="];
    let found: Vec<(&str, &str)> = texts
        .iter()
        .flat_map(|t| {
            markers
                .iter()
                .filter(|m| t.contains(**m))
                .map(move |m| (*m, t.as_str()))
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!(
        "LEAK_CHECK texts={} bytes={bytes} markers={} MARKERS_FOUND={}",
        texts.len(),
        markers.len(),
        found.len()
    );
    assert!(found.is_empty(), "markers found: {found:#?}");
}
