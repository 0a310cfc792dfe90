//! The request span follows OpenTelemetry's HTTP client conventions
//! (`http.request.method`, `url.template`, `server.address`, `server.port`,
//! `http.response.status_code`, `error.type`, `http.request.resend_count`)
//! beside the operation id, and holds no query, path value or body.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use accuro_client::RetryPolicy;
use accuro_tests::*;
use progenitor_client::ClientInfo as _;
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PATIENT: &str = "/rest/v2/provider-portal/patients/1001";
const TEMPLATE: &str = "url.template=\"/rest/v2/provider-portal/patients/{patientId}\"";

#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything the test binary's subscriber writes (installed once: a
/// subscriber per test thread races with the others' on tracing's global
/// interest cache).
fn captured() -> &'static Lines {
    static LINES: std::sync::OnceLock<Lines> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        let lines = Lines::default();
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

/// The closed `accuro.request` spans of `call`, one line each. The tests
/// of this file take turns (wiremock reuses its servers' ports, so nothing
/// in a span tells two tests apart).
async fn spans_of<F: std::future::Future>(call: F) -> Vec<String> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = TURN.lock().await;
    let lines = captured();
    if let Ok(mut bytes) = lines.0.lock() {
        bytes.clear();
    }
    call.await;
    let text = String::from_utf8_lossy(&lines.0.lock().map(|b| b.clone()).unwrap_or_default())
        .into_owned();
    text.lines()
        .filter(|l| l.contains("accuro.request") && l.contains("close"))
        .map(str::to_owned)
        .collect()
}

fn client(server: &MockServer) -> accuro_client::Client {
    builder(server)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client")
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

#[tokio::test(flavor = "current_thread")]
async fn a_successful_call() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_get(
        &server,
        PATIENT,
        json!({"patientId": 1001, "patientStatusId": 1}),
    )
    .await;
    let client = client(&server);
    let spans = spans_of(async {
        client
            .get_patient()
            .patient_id(1001)
            .send()
            .await
            .expect("get");
    })
    .await;
    let span = spans
        .iter()
        .find(|s| s.contains("get_patient"))
        .expect("the span");
    assert_common(span, &server);
    assert!(span.contains("http.response.status_code=200"), "{span}");
    assert!(
        !span.contains("error.type") && !span.contains("resend_count"),
        "{span}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_retried_call() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "GET",
        PATIENT,
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(json!({"patientId": 1001, "patientStatusId": 1})),
    )
    .await;
    let client = client(&server);
    let spans = spans_of(async {
        client
            .get_patient()
            .patient_id(1001)
            .send()
            .await
            .expect("get");
    })
    .await;
    let span = spans
        .iter()
        .find(|s| s.contains("get_patient"))
        .expect("the span");
    assert_common(span, &server);
    assert!(span.contains("http.request.resend_count=1"), "{span}");
    assert!(span.contains("http.response.status_code=200"), "{span}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_call() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})))
        .mount(&server)
        .await;
    let client = client(&server);
    let spans = spans_of(async {
        let _ = client
            .get_patient()
            .patient_id(1001)
            .send()
            .await
            .expect_err("404");
    })
    .await;
    let span = spans
        .iter()
        .find(|s| s.contains("get_patient"))
        .expect("the span");
    assert_common(span, &server);
    assert!(span.contains("http.response.status_code=404"), "{span}");
    assert!(span.contains("error.type=\"404\""), "{span}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_call_without_an_answer() {
    // A port that was open and is closed: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    client
        .authenticate()
        .await
        .expect("a token from the stand-in");
    let elsewhere = accuro_client::Client::new_with_client(
        &format!("http://127.0.0.1:{port}"),
        raw_http_client(),
        client.inner().clone(),
    );
    let spans = spans_of(async {
        let _ = elsewhere
            .get_patient()
            .patient_id(1001)
            .send()
            .await
            .expect_err("refused");
    })
    .await;
    let span = spans
        .iter()
        .find(|s| s.contains("get_patient"))
        .expect("the span");
    assert!(span.contains("error.type=\"transport\""), "{span}");
    assert!(!span.contains("status_code"), "{span}");
}
