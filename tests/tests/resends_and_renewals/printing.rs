//! What builders' Debug and errors print: parameter names never values,
//! every error naming its operation, and data the server echoes withheld.

use accuro_client::{Error, ErrorKind, types};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{DOCUMENTS, NAME, PATIENT, PHN, letter};

// ---------------------------------------------------------------------------
// g. Builders' Debug. Old code: progenitor's derived Debug printed every
//    parameter's value (a PHN, a name, a letter's text).
// ---------------------------------------------------------------------------

#[test]
fn builders_debug_prints_parameter_names_never_values() {
    let client = builder_at("http://127.0.0.1:9").build().expect("client");
    let search = format!("{:?}", client.search_patients().phn(PHN).last_name(NAME));
    assert!(
        search.contains("phn") && search.contains("last_name"),
        "{search}"
    );
    assert!(!search.contains(PHN) && !search.contains(NAME), "{search}");

    let letter = types::Letter {
        title: format!("Letter for {NAME}"),
        content: format!("{{\\rtf1 PHN {PHN}}}"),
        ..letter()
    };
    let body = format!("{:?}", client.create_letter().body(letter));
    assert!(body.contains("body"), "{body}");
    assert!(!body.contains(PHN) && !body.contains(NAME), "{body}");

    let get = format!("{:?}", client.get_patient().patient_id(424_242));
    assert!(
        get.contains("patient_id") && !get.contains("424242"),
        "{get}"
    );
}

// ---------------------------------------------------------------------------
// h. Every error names its operation. Old code: a decode error of a 2xx
//    answer had no operation (`operation: None`); only error statuses were
//    tagged, through a response header.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_decode_error_names_its_operation() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"patientId": 1001, "demographics": {"firstName": "Sam""#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect_err("malformed");
    assert!(
        matches!(
            &err,
            Error::InvalidResponse {
                operation: "get_patient",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("get_patient"), "{err}");
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);

    // A handwritten call too.
    let err = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect_err("not a list of ids");
    assert!(
        matches!(
            &err,
            Error::InvalidResponse {
                operation: "upload_document",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("upload_document"), "{err}");
}

// ---------------------------------------------------------------------------
// Findings: behaviour that once contradicted the documentation's promise
// (docs/security.md), kept as tests now that it holds.
// ---------------------------------------------------------------------------

/// The promise (docs/security.md): the server's error texts are shown only when
/// they cannot carry a value the caller sent. A text of plain words can carry
/// one: a family name the caller searched for, echoed back, is withheld.
#[tokio::test]

async fn a_name_echoed_in_an_error_text_is_withheld() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v2/provider-portal/patients/search"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": format!("No patient named {NAME}")})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .search_patients()
        .last_name(NAME)
        .send()
        .await
        .expect_err("400");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(NAME), "{shown}");
}

/// The path of a decode error is made of the document's keys; a key is
/// printed even when it is data (here a name used as a key, then the answer
/// is cut short).
#[tokio::test]

async fn a_decode_error_path_does_not_print_data_used_as_a_key() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"patientId": 1001, "{NAME}": {{"phn": "#),
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect_err("malformed");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(NAME), "{shown}");
}
