//! Helpers shared by the integration tests: synthetic credentials, a loopback
//! Accuro stand-in (wiremock) and a client pointed at it.
//!
//! Every value here is synthetic: no real name, PHN or credential.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use accuro_client::shapes::AccuroDate;
use accuro_client::{Client, ClientBuilder, types};
use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The tenant the tests configure.
pub const TENANT: &str = "synthclinic";
/// The client id the tests configure.
pub const CLIENT_ID: &str = "synthetic-client-id";
/// The client secret the tests configure.
pub const CLIENT_SECRET: &str = "synthetic-client-secret-0001";
/// The subscription key the tests configure.
pub const SUBSCRIPTION_KEY: &str = "synthetic-subscription-key-0001";
/// The clinic uuid the tests configure.
pub const CLINIC_UUID: &str = "0f0e0d0c-0b0a-4909-8807-060504030201";
/// The scopes the tests configure.
pub const SCOPES: [&str; 2] = ["PATIENT_DEMOGRAPHICS_READ", "SCHEDULING_WRITE"];
/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/v1/token";

/// The `Authorization` header the token request must carry.
pub fn basic_header() -> String {
    let raw = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A builder with every setting pointed at `server`.
pub fn builder(server: &MockServer) -> ClientBuilder {
    builder_at(server.uri())
}

/// A builder with the test credentials, pointed at `base_url`.
pub fn builder_at(base_url: impl Into<String>) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
        .tenant(TENANT)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .scopes(SCOPES)
        .subscription_key(SUBSCRIPTION_KEY)
        .clinic_uuid(CLINIC_UUID)
}

/// A client for tests on tokio's paused clock: with no timer of its own (no
/// request timeout, no pool-idle timer), since a paused runtime that waits on
/// loopback I/O jumps the clock to the next pending timer.
pub fn paused_clock_client(server: &MockServer) -> Client {
    builder(server)
        .http_client(timerless_http_client())
        .build()
        .expect("test client")
}

/// A `reqwest::Client` that arms no timer (see [`paused_clock_client`]).
pub fn timerless_http_client() -> reqwest::Client {
    accuro_client::ensure_crypto_provider();
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client for tests")
}

/// A client with default settings pointed at `server`.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("test client")
}

/// Answers token requests with `token-1`, `token-2`, ... and counts them.
#[derive(Clone)]
pub struct TokenIssuer {
    count: Arc<AtomicUsize>,
    expires_in: Option<i64>,
    refresh_tokens: bool,
    delay: std::time::Duration,
}

impl TokenIssuer {
    /// An issuer of tokens that live `expires_in` seconds (`None`: field absent).
    pub fn new(expires_in: Option<i64>) -> Self {
        Self {
            count: Arc::default(),
            expires_in,
            refresh_tokens: false,
            delay: std::time::Duration::ZERO,
        }
    }

    /// Also issue a refresh token `refresh-N` with each access token.
    pub fn with_refresh_tokens(mut self) -> Self {
        self.refresh_tokens = true;
        self
    }

    /// Answer each token request after `delay` (on the server's own thread).
    pub fn with_delay(mut self, delay: std::time::Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Token requests answered so far.
    pub fn issued(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Mounts the token endpoint on `server`.
    pub async fn mount(&self, server: &MockServer) {
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }
}

impl Respond for TokenIssuer {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let mut body = json!({
            "token_type": "Bearer",
            "access_token": format!("token-{n}"),
            "scope": "PATIENT_DEMOGRAPHICS_READ, SCHEDULING_WRITE",
        });
        if let Some(e) = self.expires_in {
            body["expires_in"] = json!(e);
        }
        if self.refresh_tokens {
            body["refresh_token"] = json!(format!("refresh-{n}"));
        }
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.delay)
    }
}

/// Mounts `GET path` answering `body` with 200.
pub async fn mount_get(server: &MockServer, at: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The requests `server` received at `at`, in order.
pub async fn received_at(server: &MockServer, at: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == at)
        .collect()
}

/// The bodies of the token requests `server` received, in order.
pub async fn token_bodies(server: &MockServer) -> Vec<String> {
    received_at(server, TOKEN_PATH)
        .await
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

/// The grant (`grant_type=...`) of each token request `server` received.
pub async fn token_grants(server: &MockServer) -> Vec<String> {
    token_bodies(server)
        .await
        .into_iter()
        .map(|body| body.split('&').next().unwrap_or_default().to_owned())
        .collect()
}

/// Mounts a token endpoint that answers its first request with `first` and
/// every later one with `then`.
pub async fn mount_token_once_then(
    server: &MockServer,
    first: TokenIssuer,
    then: ResponseTemplate,
) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// The query of a request as ordered `(name, value)` pairs.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// All values of header `name` in a request.
pub fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or("<non-ascii>").to_owned())
        .collect()
}

/// A loopback server that issues tokens but cuts every other connection
/// without answering (a connection reset, as a crashing gateway does).
pub struct CuttingServer {
    /// Its base URL.
    pub uri: String,
    /// REST connections it cut.
    pub cut: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CuttingServer {
    /// Starts it on 127.0.0.1.
    pub async fn start() -> Self {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let cut = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&cut);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let mut read = 0;
                    // Read the request head (and a small body).
                    loop {
                        match stream.read(&mut buf[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                        let text = String::from_utf8_lossy(&buf[..read]);
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let length = text[..head_end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if read >= head_end + 4 + length {
                                break;
                            }
                        }
                    }
                    if buf.starts_with(b"POST /v1/token") {
                        let body = r#"{"access_token":"token-1","expires_in":3600}"#;
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(answer.as_bytes()).await;
                    } else {
                        counter.fetch_add(1, Ordering::SeqCst);
                        // Dropping the stream closes it without an answer.
                    }
                });
            }
        });
        Self { uri, cut, task }
    }
}

impl Drop for CuttingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The header in which Prism lists what a request or answer breaks.
pub const VIOLATIONS: &str = "sl-violations";

/// The answer's value if Prism accepted the exchange: a 2xx answer with no
/// violation header. Otherwise what went wrong.
pub fn conforms<T>(
    operation: &str,
    answer: Result<accuro_client::ResponseValue<T>, accuro_client::RawError>,
) -> Result<T, String> {
    match answer {
        Ok(rv) => match rv.headers().get(VIOLATIONS) {
            None => Ok(rv.into_inner()),
            Some(v) => Err(format!(
                "{operation}: Prism reports violations: {}",
                v.to_str().unwrap_or("?")
            )),
        },
        Err(accuro_client::RawError::ErrorResponse(rv)) => Err(format!(
            "{operation}: Prism answered {} (violations: {})",
            rv.status(),
            rv.headers()
                .get(VIOLATIONS)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
        )),
        Err(accuro_client::RawError::UnexpectedResponse(r)) => Err(format!(
            "{operation}: Prism answered {} (violations: {})",
            r.status(),
            r.headers()
                .get(VIOLATIONS)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
        )),
        Err(e) => Err(format!("{operation}: {}", accuro_client::Error::from(e))),
    }
}

/// A synthetic new patient with what the server requires (`patientStatusId`;
/// first and last name and gender), a date-only birthday and a health card.
pub fn new_patient() -> types::Patient {
    let demographics: types::Demographics = types::Demographics::builder()
        .first_name("Sam")
        .last_name("Sample")
        .gender_id(2)
        .birthday("1959-02-16".parse::<AccuroDate>().expect("date"))
        .health_card(types::HealthCard {
            phn: Some("9000000001".into()),
            location_id: Some(2),
            expiry: Some("2030-01-31".parse().expect("date")),
        })
        .try_into()
        .expect("demographics");
    types::Patient::builder()
        .patient_status_id(1)
        .demographics(demographics)
        .try_into()
        .expect("patient")
}

/// An appointment with every field the server requires: `date`, `startTime`
/// and `endTime` (HHMM), `subColumn` 1, the provider and the office, and
/// details with `serviceLocation` `O` (the office).
pub fn appointment(
    date: &str,
    (start, end): (i32, i32),
    patient: Option<i64>,
    provider: i64,
    office: i64,
) -> types::Appointment {
    let details: types::AppointmentDetails = types::AppointmentDetails::builder()
        .service_location("O")
        .try_into()
        .expect("details");
    types::Appointment::builder()
        .date(date)
        .start_time(start)
        .end_time(end)
        .sub_column(1)
        .patient_id(patient)
        .provider_id(provider)
        .office_id(office)
        .appointment_details(details)
        .try_into()
        .expect("appointment")
}

/// Document details with only the required fields.
pub fn document_details(patient_id: i64, folder_id: i64) -> types::DocumentDetails {
    types::DocumentDetails {
        patient_id,
        folder_id,
        sub_folder_id: None,
        file_name: None,
        description: None,
        received_date: None,
        date_created: None,
        priority: None,
        from_id: None,
        from_type: None,
        from_name: None,
    }
}

/// A small synthetic PDF to upload.
pub fn synthetic_pdf(file_name: &str) -> accuro_client::Document {
    accuro_client::Document {
        file_name: file_name.into(),
        media_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 synthetic".to_vec(),
    }
}

/// Ids of records that exist where [`every_operation`] runs.
pub struct Fixture {
    /// A patient.
    pub patient: i64,
    /// A provider.
    pub provider: i64,
    /// An office.
    pub office: i64,
    /// An appointment that may be updated and cancelled.
    pub appointment: i64,
    /// A lab test.
    pub lab_test: i64,
    /// A document folder.
    pub folder: i64,
}

macro_rules! call {
    ($op:literal, $call:expr) => {
        conforms($op, $call.send().await)?
    };
}

/// Calls every operation of the spec through the client, each with every
/// parameter set, and fails on the first exchange Prism objects to.
pub async fn every_operation(c: &accuro_client::Client, f: &Fixture) -> Result<(), String> {
    let date = |s: &str| s.parse::<AccuroDate>().map_err(|e| e.to_string());

    call!("get_api_version", c.get_api_version());
    call!("list_offices", c.list_offices());
    call!("list_genders", c.list_genders());
    call!("list_locations", c.list_locations());
    call!("list_insurers", c.list_insurers());
    call!("list_providers", c.list_providers());
    call!(
        "list_provider_offices",
        c.list_provider_offices().include_active_only(true)
    );
    call!("list_provider_offices (all)", c.list_provider_offices());
    call!("list_provider_types", c.list_provider_types());
    call!("list_provider_statuses", c.list_provider_statuses());
    call!("list_specialties", c.list_specialties());
    call!("get_provider", c.get_provider().provider_id(f.provider));
    call!(
        "list_provider_specialties",
        c.list_provider_specialties().provider_id(f.provider)
    );
    call!(
        "search_patients",
        c.search_patients()
            .last_name("Sample")
            .first_name("Sam")
            .phone("250-555-0100")
            .phn("9000000001")
            .file_number("F-1001")
            .medeo_user_uuid("3f2b8c1e-0000-4000-8000-00000000a001")
            .patient_uuid("p-1001")
            .page_size(50)
            .starting_id(1000)
    );
    call!(
        "search_patients (no filter)",
        c.search_patients().page_size(10)
    );
    let new_patient = new_patient();
    call!(
        "create_patient",
        c.create_patient().body(new_patient.clone())
    );
    call!("get_patient", c.get_patient().patient_id(f.patient));
    call!(
        "replace_patient",
        c.replace_patient().patient_id(f.patient).body(new_patient)
    );
    c.patch_patient(f.patient, &serde_json::json!({"fileNumber": "F-1001-B"}))
        .await
        .map_err(|e| format!("patch_patient: {e}"))?;
    call!(
        "list_allergies",
        c.list_allergies()
            .patient_id(f.patient)
            .allergy_type(types::ListAllergiesAllergyType::DrugAllergy)
    );
    call!(
        "list_allergies (every type)",
        c.list_allergies().patient_id(f.patient)
    );
    call!(
        "list_immunizations",
        c.list_immunizations().patient_id(f.patient)
    );
    call!(
        "list_patient_folders",
        c.list_patient_folders().patient_id(f.patient)
    );
    call!("list_folders", c.list_folders());
    call!(
        "list_folders (by name)",
        c.list_folders().folder_name("Lab reports")
    );
    let details = types::DocumentDetails {
        sub_folder_id: Some(1),
        file_name: Some("scan.pdf".into()),
        description: Some("Synthetic scan".into()),
        received_date: Some("2026-01-31".parse().map_err(|e| format!("{e}"))?),
        date_created: Some("2026-01".parse().map_err(|e| format!("{e}"))?),
        priority: Some(1),
        ..document_details(f.patient, f.folder)
    };
    c.upload_document(&details, synthetic_pdf("scan.pdf"))
        .await
        .map_err(|e| format!("upload_document: {e}"))?;
    c.upload_referral(&details, synthetic_pdf("referral.pdf"))
        .await
        .map_err(|e| format!("upload_referral: {e}"))?;
    call!("list_letter_types", c.list_letter_types());
    call!(
        "create_letter",
        c.create_letter().body(types::Letter {
            type_id: 1,
            patient_id: f.patient,
            provider_id: Some(f.provider),
            appointment_id: Some(f.appointment),
            title: "Synthetic letter".into(),
            content: "{\\rtf1 Synthetic.}".into(),
        })
    );
    call!("list_lab_tests", c.list_lab_tests());
    call!(
        "list_lab_test_results",
        c.list_lab_test_results().test_id(f.lab_test)
    );
    call!("list_lab_results", c.list_lab_results());
    call!(
        "list_appointments",
        c.list_appointments()
            .start_date(date("2026-12-01")?)
            .end_date(date("2026-12-31")?)
            .provider(f.provider)
            .resource(1)
            .patient(f.patient)
            .office_id(f.office)
            .accession_number("A-1")
            .include_deleted(true)
            .include_cancelled(true)
    );
    call!(
        "list_appointments (by day)",
        c.list_appointments().start_date(date("2026-12-01")?)
    );
    call!(
        "list_appointments (by patient)",
        c.list_appointments().patient(f.patient)
    );
    let booking = appointment(
        "2026-12-24",
        (1300, 1315),
        Some(f.patient),
        f.provider,
        f.office,
    );
    let booked = call!(
        "create_appointment",
        c.create_appointment().body(booking.clone())
    );
    call!(
        "get_appointment",
        c.get_appointment().appointment_id(f.appointment)
    );
    call!(
        "update_appointment",
        c.update_appointment()
            .appointment_id(f.appointment)
            .cancellation_reason("synthetic")
            .body(booking)
    );
    call!(
        "list_appointment_statuses",
        c.list_appointment_statuses().appointment_id(f.appointment)
    );
    call!(
        "get_appointment_history",
        c.get_appointment_history().appointment_id(f.appointment)
    );
    call!(
        "cancel_appointment",
        c.cancel_appointment()
            .appointment_id(f.appointment)
            .cancel(true)
            .cancellation_reason("synthetic")
    );
    call!(
        "cancel_appointment (delete)",
        c.cancel_appointment().appointment_id(booked)
    );
    call!("list_appointment_types", c.list_appointment_types());
    call!("list_appointment_reasons", c.list_appointment_reasons());
    call!("list_scheduler_statuses", c.list_scheduler_statuses());
    call!(
        "list_appointment_priorities",
        c.list_appointment_priorities()
    );
    call!("list_scheduler_sites", c.list_scheduler_sites());
    Ok(())
}
