//! The shared transport: many clinics on one pool, the subscription key
//! never following a redirect, compressed answers, the answer cap, and TLS
//! roots added through the builder.

use std::collections::HashSet;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use accuro_client::{ClinicConfig, Error, ErrorKind, Transport};
use accuro_tests::*;
use serde_json::json;
use wiremock::matchers::{header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn clinic(base_url: &str, n: usize) -> ClinicConfig {
    ClinicConfig::new()
        .base_url(base_url)
        .tenant(format!("clinic{n}"))
        .client_id(format!("client-{n}"))
        .client_secret(format!("secret-{n}"))
        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
        .subscription_key(format!("key-{n}"))
        .clinic_uuid(format!("00000000-0000-4000-8000-{n:012}"))
}

/// An Accuro stand-in that records the peer address of every request: one
/// address per TCP connection.
async fn counting_server() -> (String, Arc<Mutex<HashSet<SocketAddr>>>) {
    use axum::extract::ConnectInfo;
    use axum::routing::{get, post};
    let peers: Arc<Mutex<HashSet<SocketAddr>>> = Arc::default();
    let seen = Arc::clone(&peers);
    let record = move |ConnectInfo(peer): ConnectInfo<SocketAddr>| {
        let seen = Arc::clone(&seen);
        async move {
            seen.lock().expect("peers").insert(peer);
        }
    };
    let (r1, r2) = (record.clone(), record);
    let app = axum::Router::new()
        .route(
            TOKEN_PATH,
            post(move |c: ConnectInfo<SocketAddr>| async move {
                r1(c).await;
                axum::Json(json!({"access_token": "t", "expires_in": 3600}))
            }),
        )
        .route(
            "/rest/v1/offices",
            get(move |c: ConnectInfo<SocketAddr>| async move {
                r2(c).await;
                axum::Json(json!([{"officeId": 1, "name": "Synthetic"}]))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    (format!("http://{addr}"), peers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_clinics_share_a_bounded_number_of_connections() {
    const CLINICS: usize = 1000;
    const IN_FLIGHT: usize = 32;
    let (base_url, peers) = counting_server().await;
    let transport = Transport::builder()
        .max_requests_in_flight(IN_FLIGHT)
        .max_idle_connections_per_host(IN_FLIGHT)
        .build()
        .expect("transport");
    let clients: Vec<_> = (0..CLINICS)
        .map(|n| transport.clinic(clinic(&base_url, n)).expect("clinic"))
        .collect();
    // Every clinic at once: each fetches its own token, then lists its offices.
    let answers = futures::future::join_all(
        clients
            .iter()
            .map(|c| async move { c.list_offices().send().await.map(drop) }),
    )
    .await;
    let failed: Vec<_> = answers.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        failed.first()
    );
    let connections = peers.lock().expect("peers").len();
    eprintln!(
        "{CLINICS} clinics at once, {IN_FLIGHT} requests in flight: {connections} connections"
    );
    // A connection goes back to the pool just after its answer is read, so
    // a request may open one more in the meantime: bounded by the requests
    // in flight, not by the clinics.
    assert!(
        connections <= 2 * IN_FLIGHT,
        "{CLINICS} clinics (2,000 requests) used {connections} connections"
    );
}

#[tokio::test]
async fn the_subscription_key_never_follows_a_redirect() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/offices"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/rest/v1/offices", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let transport = Transport::builder()
        .proxy(reqwest::Proxy::custom(|_| None::<String>))
        .build()
        .expect("transport");
    let client = transport.clinic(clinic(&server.uri(), 1)).expect("clinic");
    let error = client.list_offices().send().await.expect_err("a redirect");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307), "{error:?}");
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recording")
            .is_empty()
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        encoder.write_all(bytes).expect("brotli");
    }
    out
}

#[tokio::test]
async fn answers_are_compressed_when_the_server_agrees() {
    let offices = json!([{"officeId": 1, "name": "Synthetic office"}]).to_string();
    for (encoding, body) in [
        ("gzip", gzip(offices.as_bytes())),
        ("br", brotli(offices.as_bytes())),
    ] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        Mock::given(method("GET"))
            .and(path("/rest/v1/offices"))
            .and(header_regex("accept-encoding", r"\bgzip\b"))
            .and(header_regex("accept-encoding", r"\bbr\b"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-encoding", encoding)
                    .set_body_raw(body, "application/json"),
            )
            .mount(&server)
            .await;
        let offices = client(&server)
            .list_offices()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{encoding}: {e}"))
            .into_inner();
        assert_eq!(offices.len(), 1, "{encoding}");
    }
}

#[tokio::test]
async fn an_answer_over_the_cap_fails_without_being_read_past_it() {
    let big = serde_json::to_vec(&vec![json!({"officeId": 1, "name": "x".repeat(64)}); 200])
        .expect("json");
    assert!(big.len() > 4096);
    // Declared too large, and too large only once decoded (a small gzip).
    for (encoded, body) in [(false, big.clone()), (true, gzip(&big))] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        let mut answer = ResponseTemplate::new(200).set_body_raw(body, "application/json");
        if encoded {
            answer = answer.insert_header("content-encoding", "gzip");
        }
        Mock::given(method("GET"))
            .and(path("/rest/v1/offices"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let client = builder(&server)
            .configure_transport(|t| t.max_answer_bytes(4096))
            .build()
            .expect("client");
        let error = client.list_offices().send().await.expect_err("too large");
        assert!(
            matches!(
                error,
                Error::AnswerTooLarge {
                    operation: "list_offices",
                    limit: 4096
                }
            ),
            "{encoded}: {error:?}"
        );
        assert_eq!(error.kind(), ErrorKind::AnswerTooLarge);
        assert_eq!(
            error.to_string(),
            "list_offices: the answer is larger than the 4096-byte cap"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_server_is_called_once_its_root_is_added_and_refused_before() {
    let server = TlsServer::accuro();
    let config = || clinic(&server.base_url, 7);
    // Only the added root: no platform store, no Mozilla roots.
    let trusted = Transport::builder()
        .platform_roots(false)
        .mozilla_roots(false)
        .add_root_certificates_pem(server.ca_pem.clone())
        .build()
        .expect("transport");
    let offices = trusted
        .clinic(config())
        .expect("clinic")
        .list_offices()
        .send()
        .await
        .expect("offices over https")
        .into_inner();
    assert_eq!(offices.len(), 1);

    let untrusted = Transport::builder().build().expect("transport");
    let error = untrusted
        .clinic(config())
        .expect("clinic")
        .list_offices()
        .send()
        .await
        .expect_err("an unknown root");
    let text = format!("{error} {error:?}");
    assert!(
        text.contains("certificate") || text.contains("UnknownIssuer"),
        "{text}"
    );
    assert!(
        !text.contains("00000000-0000-4000-8000"),
        "the uuid in {text}"
    );
}

#[test]
fn transport_settings_that_cannot_work_are_refused() {
    let error = Transport::builder()
        .add_root_certificates_pem("not a certificate")
        .build()
        .expect_err("not PEM");
    assert!(
        error.to_string().contains("add_root_certificates_pem"),
        "{error}"
    );
    let error = Transport::builder()
        .identity_pem("", "")
        .build()
        .expect_err("no identity");
    assert!(error.to_string().contains("identity_pem"), "{error}");
    let secret_key =
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n";
    let server = TlsServer::accuro();
    let error = Transport::builder()
        .identity_pem(server.ca_pem.clone(), secret_key)
        .build()
        .expect_err("a key that is no key");
    assert!(
        !format!("{error} {error:?}").contains("c2VjcmV0"),
        "{error:?}"
    );
}

#[test]
fn a_shared_transport_refuses_transport_settings_on_the_builder() {
    let transport = Transport::builder().build().expect("transport");
    let error = builder_at("https://accuro.example.invalid")
        .transport(transport.clone())
        .retry_policy(accuro_client::RetryPolicy::none())
        .build()
        .expect_err("a retry policy beside a shared transport");
    assert!(
        error.to_string().starts_with("transport is invalid"),
        "{error}"
    );
    builder_at("https://accuro.example.invalid")
        .transport(transport)
        .build()
        .expect("a client on the shared transport");
}

#[test]
fn debug_of_a_clinic_shows_no_credentials_or_query_of_its_url() {
    let config = ClinicConfig::new()
        .base_url("https://user:SECRETPW@accuro.example.invalid/?uuid=MARKERUUID");
    let text = format!("{config:?}");
    assert!(
        !text.contains("SECRETPW") && !text.contains("MARKERUUID"),
        "{text}"
    );
    assert!(text.contains("accuro.example.invalid"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_identity_is_presented_when_the_server_demands_one() {
    let (server, chain, key) = TlsServer::accuro_mutual();
    let config = || clinic(&server.base_url, 9);
    let with_identity = Transport::builder()
        .add_root_certificates_pem(server.ca_pem.clone())
        .identity_pem(chain, key)
        .build()
        .expect("transport");
    let offices = with_identity
        .clinic(config())
        .expect("clinic")
        .list_offices()
        .send()
        .await
        .expect("offices with mutual TLS")
        .into_inner();
    assert_eq!(offices.len(), 1);
    let without = Transport::builder()
        .add_root_certificates_pem(server.ca_pem.clone())
        .build()
        .expect("transport");
    without
        .clinic(config())
        .expect("clinic")
        .list_offices()
        .send()
        .await
        .expect_err("the server demands a certificate");
}
