//! Nothing leaks: a realistic session with every secret and PHI value set to a
//! unique marker, all `tracing` output captured at TRACE, and every error's
//! `Display` and `Debug`; no marker may appear in any of it.
//!
//! One test in this binary: it installs the global subscriber.

use std::time::Duration;

use accuro_client::shapes::AccuroDate;
use accuro_client::{CallSettings, Client, Error};
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "synthetic-client-id";
const SECRET: &str = "SECRETMARKER7731";
const KEY: &str = "KEYMARKER4402";
const ACCESS_1: &str = "ACCESSMARKERONE9911";
const ACCESS_2: &str = "ACCESSMARKERTWO9922";
const REFRESH: &str = "REFRESHMARKER5520";
const CLINIC: &str = "5eedf00d-0000-4000-8000-00000000c0de";
const PHN: &str = "9876512345";
const NAME: &str = "Qzxmarkerson";
/// A v2 birthday is a date alone.
const BIRTHDAY: &str = "1961-07-04";

async fn accuro_stand_in() -> MockServer {
    let server = MockServer::start().await;
    // First token: no lifetime left, with a refresh token.
    Mock::given(method("POST"))
        .and(path("/v1/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": ACCESS_1, "expires_in": 0, "refresh_token": REFRESH, "scope": "PATIENT_DEMOGRAPHICS_READ"}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // The refresh is refused, echoing what it was sent.
    Mock::given(method("POST"))
        .and(path("/v1/token"))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "constraintViolations": [{"field": "refresh_token", "value": REFRESH, "constraint": "expired"}]
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_2, "expires_in": 3600})),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let patient = json!({"patientId": 1, "patientStatusId": 1, "demographics": {"firstName": NAME, "lastName": NAME,
        "birthday": BIRTHDAY, "genderId": 2, "healthCard": {"phn": PHN}}});
    Mock::given(method("GET"))
        .and(path("/rest/v2/provider-portal/patients/search"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"contents": [patient], "count": 1, "total": 1, "lastId": 0})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v2/provider-portal/patients/1"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error": "Internal Server Error",
            "constraintViolations": [{"field": "phn", "value": PHN, "constraint": "lookup failed"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v2/provider-portal/patients/2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"patientId": "{PHN}", "name": "{NAME}"}}"#)),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v2/provider-portal/patients"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "Request Constraint Violation",
            "constraintViolations": [{"field": "lastName", "value": NAME, "constraint": "too long"},
                                     {"field": "birthday", "value": BIRTHDAY, "constraint": "in the future"}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/provider-portal/scheduler/appointments"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([]))
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn no_secret_or_health_data_reaches_logs_or_errors() {
    let capture = accuro_tests::Capture::install_trace();

    let server = accuro_stand_in().await;
    let builder = Client::builder()
        .base_url(server.uri())
        .tenant("synthclinic")
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
        .subscription_key(KEY)
        .clinic_uuid(CLINIC)
        .request_timeout(Duration::from_secs(30));
    let mut texts = vec![format!("{builder:?}")];
    let client = builder.build().expect("client");
    texts.push(format!("{client:?}"));

    let mut errors: Vec<Error> = Vec::new();
    // Token fetch, then a search with PHI in the query (and in the answer).
    let page = client
        .search_patients()
        .phn(PHN)
        .last_name(NAME)
        .first_name(NAME)
        .send()
        .await
        .expect("search");
    assert_eq!(page.into_inner().contents.map(|c| c.len()), Some(1));
    // The token had no lifetime: renewal with the refresh token, refused, then client credentials.
    errors.extend(client.get_patient().patient_id(1).send().await.err()); // a 500
    errors.extend(client.get_patient().patient_id(2).send().await.err()); // malformed
    let demographics: accuro_client::types::Demographics =
        accuro_client::types::Demographics::builder()
            .first_name(NAME)
            .last_name(NAME)
            .gender_id(2)
            .birthday(BIRTHDAY.parse::<AccuroDate>().expect("date"))
            .health_card(accuro_client::types::HealthCard {
                phn: Some(PHN.into()),
                ..Default::default()
            })
            .try_into()
            .expect("demographics");
    let new_patient: accuro_client::types::Patient = accuro_client::types::Patient::builder()
        .patient_status_id(1)
        .demographics(demographics)
        .try_into()
        .expect("patient");
    errors.extend(client.create_patient().body(new_patient).send().await.err()); // a 400
    // A timeout: this call alone waits 200 ms for an answer delayed 10 s.
    let impatient = client.with_settings(CallSettings::new().timeout(Duration::from_millis(200)));
    errors.extend(impatient.list_appointments().patient(1).send().await.err());
    errors.extend(
        client
            .patch_patient(1, &json!({"demographics": {"lastName": NAME}}))
            .await
            .err(),
    ); // 404
    assert_eq!(errors.len(), 5, "{errors:?}");
    assert_eq!(
        errors.iter().map(|e| e.kind()).collect::<Vec<_>>(),
        [
            accuro_client::ErrorKind::Server,
            accuro_client::ErrorKind::UnexpectedResponse,
            accuro_client::ErrorKind::Rejected,
            accuro_client::ErrorKind::Timeout,
            accuro_client::ErrorKind::NotFound,
        ]
    );
    let token_bodies = accuro_tests::token_grants(&server).await;
    assert_eq!(
        token_bodies,
        [
            "grant_type=client_credentials",
            "grant_type=refresh_token",
            "grant_type=client_credentials"
        ]
    );

    for e in &errors {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
        texts.push(format!("{e:#}"));
    }
    let logs = capture.text();
    assert!(
        logs.contains("accuro.request") && logs.contains("operation=\"search_patients\""),
        "spans are captured"
    );
    assert!(
        logs.contains("url.template=\"/rest/v2/provider-portal/patients/search\""),
        "the path template is logged"
    );
    assert!(
        logs.contains("refresh grant failed"),
        "the failed refresh is logged"
    );
    // The dependencies' `log` records (reqwest, rustls, ...) are captured
    // too: reqwest's connector says when it opens a connection.
    assert!(
        logs.contains("starting new connection"),
        "the libraries' `log` output is captured"
    );
    texts.push(logs);

    // Every form a secret takes on its way: the Basic credentials of the token
    // request (encoded, and the header value), and the uuid in both cases.
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
    let basic_header = format!("Basic {basic}");
    let upper_clinic = CLINIC.to_uppercase();
    let markers = [
        SECRET,
        KEY,
        ACCESS_1,
        ACCESS_2,
        REFRESH,
        CLINIC,
        upper_clinic.as_str(),
        basic.as_str(),
        basic_header.as_str(),
        PHN,
        NAME,
        BIRTHDAY,
        "uuid=",
    ];
    let found: Vec<(&str, usize)> = markers
        .iter()
        .map(|m| (*m, texts.iter().filter(|t| t.contains(m)).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let checked: usize = texts.iter().map(String::len).sum();
    println!(
        "leak check: {} markers, {} texts ({checked} bytes), markers found: {}",
        markers.len(),
        texts.len(),
        found.len()
    );
    // Where a marker was found, the line (the test's output only).
    for line in texts.iter().flat_map(|t| t.lines()) {
        if found.iter().any(|(m, _)| line.contains(m)) {
            eprintln!("leak: {line}");
        }
    }
    assert!(found.is_empty(), "markers found: {found:?}");
}
