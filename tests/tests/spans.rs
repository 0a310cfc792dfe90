//! The request span follows OpenTelemetry's HTTP client conventions
//! (`http.request.method`, `url.template`, `server.address`, `server.port`,
//! `http.response.status_code`, `error.type`, `http.request.resend_count`)
//! beside the operation id, and holds no query, path value or body.

use accuro_client::{Client, RetryPolicy, types};
use accuro_tests::capture::Capture;
use accuro_tests::*;
use progenitor_client::ClientInfo as _;
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::{MockServer, ResponseTemplate};

const PATIENT: &str = "/rest/v2/provider-portal/patients/1001";
const TEMPLATE: &str = "url.template=\"/rest/v2/provider-portal/patients/{patientId}\"";

/// Everything the test binary's subscriber writes (installed once: a
/// subscriber per test thread races with the others' on tracing's global
/// interest cache).
fn captured() -> &'static Capture {
    static LINES: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        let lines = Capture::default();
        let writer = lines.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_span_events(FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        lines
    })
}

/// The closed `accuro.request` span of a `get_patient(1001)` call through
/// `client`. The tests of this file take turns (wiremock reuses its
/// servers' ports, so nothing in a span tells two tests apart).
async fn span_of_get(client: &Client) -> (String, Result<types::Patient, accuro_client::Error>) {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = TURN.lock().await;
    let lines = captured();
    lines.clear();
    let answer = client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .map(|rv| rv.into_inner());
    let span = lines
        .text()
        .lines()
        .find(|l| l.contains("accuro.request") && l.contains("close") && l.contains("get_patient"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no span of get_patient in {}", lines.text()));
    (span, answer)
}

fn assert_common(span: &str, server: &MockServer) {
    let port = server.address().port();
    for field in [
        "operation=\"get_patient\"",
        "http.request.method=GET",
        TEMPLATE,
        "server.address=\"127.0.0.1\"",
        &format!("server.port={port}"),
        "otel.kind=\"client\"",
    ] {
        assert!(span.contains(field), "{field} missing in {span}");
    }
    // No path value, no query (the clinic uuid), no body.
    assert!(
        !span.contains("/1001") && !span.contains(CLINIC_UUID),
        "{span}"
    );
}

fn patient() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"patientId": 1001, "patientStatusId": 1}))
}

#[tokio::test(flavor = "current_thread")]
async fn a_successful_call() {
    let server = stand_in().await;
    mount_answer(&server, "GET", PATIENT, patient()).await;
    let (span, answer) = span_of_get(&quick_client(&server)).await;
    answer.expect("get");
    assert_common(&span, &server);
    assert!(span.contains("http.response.status_code=200"), "{span}");
    assert!(
        !span.contains("error.type") && !span.contains("resend_count"),
        "{span}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_retried_call() {
    let server = stand_in().await;
    mount_once_then(
        &server,
        "GET",
        PATIENT,
        ResponseTemplate::new(503),
        patient(),
    )
    .await;
    let (span, answer) = span_of_get(&quick_client(&server)).await;
    answer.expect("get");
    assert_common(&span, &server);
    assert!(span.contains("http.request.resend_count=1"), "{span}");
    assert!(span.contains("http.response.status_code=200"), "{span}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_call() {
    let server = stand_in().await;
    let not_found = ResponseTemplate::new(404).set_body_json(json!({"error": "not found"}));
    mount_answer(&server, "GET", PATIENT, not_found).await;
    let (span, answer) = span_of_get(&quick_client(&server)).await;
    answer.expect_err("404");
    assert_common(&span, &server);
    assert!(span.contains("http.response.status_code=404"), "{span}");
    assert!(span.contains("error.type=\"404\""), "{span}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_call_without_an_answer() {
    // A port that was open and is closed: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let server = stand_in().await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    client
        .authenticate()
        .await
        .expect("a token from the stand-in");
    // The token's client, sending its REST calls to the closed port.
    let elsewhere = Client::new_with_client(
        &format!("http://127.0.0.1:{port}"),
        raw_http_client(),
        client.inner().clone(),
    );
    let (span, answer) = span_of_get(&elsewhere).await;
    answer.expect_err("refused");
    assert!(span.contains("error.type=\"transport\""), "{span}");
    assert!(!span.contains("status_code"), "{span}");
}
