//! Server texts that interpolate values are never printed: a constraint
//! "must not be <a name>", a sentence with a name and an address, a field
//! named after a person, and ESC, BEL, C1 and bidi characters in every text
//! field of both error shapes. Every printed form (`{}`, `{:?}`, `{:#?}`,
//! the error body alone, every `source()`, and `tracing` at TRACE) holds
//! none of them, `{}` and `{:?}` withhold the same texts, and what is known
//! to carry no value (a catalogue constraint, a spec field) is still shown.
//!
//! One test in this binary: it installs the global subscriber.

use accuro_client::{Error, ErrorKind};
use accuro_tests::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NAME: &str = "Qzxmarkerson";
const STREET: &str = "Zqymarkerstreet";
const PATIENT: &str = "/rest/v2/provider-portal/patients/1001";
const SEARCH: &str = "/rest/v2/provider-portal/patients/search";
/// Characters a terminal obeys rather than shows.
const HOSTILE: [char; 6] = [
    '\u{1b}', '\u{7}', '\u{202e}', '\u{9b}', '\u{85}', '\u{2066}',
];

/// A text with every hostile character and the name in it.
fn hostile(prefix: &str) -> String {
    format!("{prefix}\u{1b}[2J\u{1b}]0;{NAME}\u{7}\u{202e}{NAME}\u{9b}31m\u{85}\u{2066}")
}

/// The API's shape, every text field interpolating values or hostile.
fn api_body() -> Value {
    json!({
        "error": format!("must match the patient on file: Jane {NAME}, 12 {STREET} St"),
        "constraintViolations": [
            {"field": "demographics.lastName", "value": NAME, "constraint": format!("must not be {NAME}")},
            {"field": "demographics.lastName", "value": NAME,
             "constraint": format!("must match the patient on file: Jane {NAME}, 12 {STREET} St")},
            {"field": format!("demographics.{NAME}"), "value": "x", "constraint": "must not be null"},
            {"field": hostile("demographics.lastName"), "value": hostile(""), "constraint": hostile("must not be null")},
            {"field": format!("customProperties[{NAME}]"), "constraint": "must not be blank"},
            // Known to carry no value: shown.
            {"field": "demographics.firstName", "value": NAME, "constraint": "size must be between 2 and 100"}
        ]
    })
}

/// The gateway's shape, hostile in both fields.
fn gateway_body() -> Value {
    json!({"code": hostile("4"), "message": hostile("Unauthorized")})
}

async fn stand_in(verb: &str, at: &str, status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn interpolated_and_hostile_server_texts_are_never_printed() {
    let capture = Capture::install_trace();
    let mut errors: Vec<(&str, Error)> = Vec::new();

    // A generated call refused with both shapes.
    for (label, body) in [("api", api_body()), ("gateway", gateway_body())] {
        let server = stand_in("GET", SEARCH, 400, body).await;
        let err = client(&server)
            .search_patients()
            .last_name("Sample")
            .send()
            .await
            .expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Rejected, "{label}: {err:?}");
        errors.push((label, err));
    }
    // A handwritten call (a merge patch).
    let server = stand_in("PATCH", PATIENT, 400, api_body()).await;
    let err = client(&server)
        .patch_patient(1001, &json!({"demographics": {"lastName": "Sample"}}))
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Rejected, "{err:?}");
    errors.push(("patch", err));
    // A delete sent again after a 502 and refused: an unknown outcome,
    // printed the same way.
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "DELETE",
        "/rest/v1/provider-portal/tasks/501",
        ResponseTemplate::new(502),
        ResponseTemplate::new(404).set_body_json(api_body()),
    )
    .await;
    let err = client(&server)
        .delete_task()
        .task_id(501)
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err:?}");
    errors.push(("outcome unknown", err));
    // The token endpoint refusing the credentials.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(gateway_body()))
        .mount(&server)
        .await;
    let err = client(&server)
        .list_offices()
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err:?}");
    errors.push(("token", err));

    // What is known to carry no value is still shown.
    let api = errors[0].1.to_string();
    assert!(
        api.contains("demographics.firstName: size must be between 2 and 100"),
        "{api}"
    );
    assert!(
        api.contains("demographics.lastName: [server text withheld"),
        "{api}"
    );

    let mut texts = Vec::new();
    for (label, err) in errors {
        // `{}` and `{:?}` withhold the same texts.
        if let Some(body) = err.api_error() {
            let withheld = |text: String| text.matches("[server text withheld").count();
            assert_eq!(
                withheld(body.to_string()),
                withheld(format!("{body:?}")),
                "{label}: {body} / {body:?}"
            );
            assert!(withheld(body.to_string()) > 0, "{label}");
        }
        texts.extend(printed_forms(err));
    }

    let logs = capture.text();
    assert!(logs.contains("accuro.request"), "spans are captured");
    texts.push(logs);

    let mut found = Vec::new();
    for text in &texts {
        for marker in [NAME, STREET] {
            if text.contains(marker) {
                found.push(format!("{marker} in {text:?}"));
            }
        }
        for c in HOSTILE {
            if text.contains(c) {
                found.push(format!("{c:?} in {text:?}"));
            }
        }
    }
    eprintln!(
        "SERVER_TEXT_LEAK_CHECK texts={} MARKERS_FOUND={}",
        texts.len(),
        found.len()
    );
    assert!(found.is_empty(), "{found:#?}");
}
