//! The mock's gateway and token endpoint, each check proved: what a client
//! (and a raw HTTP request) gets for a missing key, a missing or wrong
//! `uuid`, an expired token, a scope the clinic did not grant, wrong
//! credentials; and that typed mocks match typed parameters.

use accuro_client::{ApiError, ErrorKind, types};
use accuro_mock::{MockAccuro, MockServerExt as _, defaults};
use serde_json::{Value, json};

const OFFICES: &str = "/rest/v1/offices";

fn office(id: i64) -> types::Office {
    serde_json::from_value(json!({"officeId": id, "name": "Synthetic Office"})).unwrap()
}

/// A raw client: no token handling, no retries.
fn raw() -> reqwest::Client {
    accuro_fetch::client_builder(&accuro_fetch::Options::default())
        .unwrap()
        .build()
        .unwrap()
}

fn patient(id: i64) -> types::Patient {
    serde_json::from_value(json!({"patientId": id, "patientStatusId": 1})).unwrap()
}

/// A token from the mock's token endpoint, asked for as QHR documents.
async fn token(accuro: &MockAccuro) -> String {
    let answer: Value = raw()
        .post(format!(
            "{}/v1/token?tenant={}",
            accuro.base_url(),
            defaults::TENANT
        ))
        .basic_auth(defaults::CLIENT_ID, Some(defaults::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 3600);
    answer["access_token"].as_str().unwrap().to_owned()
}

async fn get(
    accuro: &MockAccuro,
    path_and_query: &str,
    bearer: Option<&str>,
    key: Option<&str>,
) -> (u16, Value) {
    let mut request = raw().get(format!("{}{path_and_query}", accuro.base_url()));
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    if let Some(key) = key {
        request = request.header("X-QHR-Subscription-Key", key);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn with_uuid(path: &str) -> String {
    format!("{path}?uuid={}", defaults::CLINIC_UUID)
}

#[tokio::test]
async fn a_client_call_passes_the_gateway_and_reuses_its_token() {
    let accuro = MockAccuro::start().await;
    let offices = accuro.server().list_offices(|_, then| {
        then.ok(&vec![office(1), office(2)]);
    });
    let client = accuro.client().unwrap();
    for _ in 0..3 {
        let got = client.list_offices().send().await.unwrap().into_inner();
        assert_eq!(got.len(), 2);
    }
    offices.assert_calls(3);
    assert_eq!(accuro.token_requests(), 1);
}

#[tokio::test]
async fn a_call_without_the_subscription_key_is_refused_401_in_the_gateways_shape() {
    let accuro = MockAccuro::start().await;
    let offices = accuro.server().list_offices(|_, then| {
        then.ok(&vec![office(1)]);
    });
    let token = token(&accuro).await;
    let (status, body) = get(&accuro, &with_uuid(OFFICES), Some(&token), None).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "401");
    assert_eq!(
        body["message"],
        "Access denied due to missing or invalid subscription key."
    );
    let (status, _) = get(
        &accuro,
        &with_uuid(OFFICES),
        Some(&token),
        Some("another-key"),
    )
    .await;
    assert_eq!(status, 401);
    offices.assert_calls(0);

    // Through the client: a key the mock does not know.
    let client = accuro
        .client_builder()
        .subscription_key("another-key")
        .build()
        .unwrap();
    let err = client.list_offices().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    offices.assert_calls(0);
}

#[tokio::test]
async fn a_call_without_the_uuid_is_refused_400_and_another_clinics_uuid_too() {
    let accuro = MockAccuro::start().await;
    let token = token(&accuro).await;
    let key = Some(defaults::SUBSCRIPTION_KEY);
    let (status, body) = get(&accuro, OFFICES, Some(&token), key).await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("Required Parameter Missing."))
    );
    let (status, body) = get(&accuro, &format!("{OFFICES}?uuid="), Some(&token), key).await;
    assert_eq!(
        (status, &body["error"]),
        (400, &json!("Required Parameter Missing."))
    );

    let other = "00000000-0000-4000-8000-000000000bad";
    let (status, body) = get(
        &accuro,
        &format!("{OFFICES}?uuid={other}"),
        Some(&token),
        key,
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("does not match"));

    let client = accuro.client_builder().clinic_uuid(other).build().unwrap();
    let err = client.list_offices().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_call_without_a_token_or_with_an_unknown_one_is_refused_401() {
    let accuro = MockAccuro::start().await;
    let key = Some(defaults::SUBSCRIPTION_KEY);
    let (status, body) = get(&accuro, &with_uuid(OFFICES), None, key).await;
    assert_eq!(
        (status, &body),
        (401, &json!({"code": "401", "message": "Unauthorized"}))
    );
    let (status, _) = get(&accuro, &with_uuid(OFFICES), Some("made-up"), key).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_expired_token_is_refused_and_the_client_renews_it_once() {
    let accuro = MockAccuro::start().await;
    let offices = accuro.server().list_offices(|_, then| {
        then.ok(&vec![office(1)]);
    });
    let client = accuro.client().unwrap();
    client.list_offices().send().await.unwrap();
    let old = token(&accuro).await;
    assert_eq!(accuro.token_requests(), 2);

    accuro.expire_tokens();
    let key = Some(defaults::SUBSCRIPTION_KEY);
    let (status, body) = get(&accuro, &with_uuid(OFFICES), Some(&old), key).await;
    assert_eq!((status, &body["message"]), (401, &json!("Unauthorized")));

    // The client's cached token is refused: it fetches a new one and
    // replays the call once.
    let got = client.list_offices().send().await.unwrap().into_inner();
    assert_eq!(got.len(), 1);
    assert_eq!(accuro.token_requests(), 3);
    let new = token(&accuro).await;
    assert_ne!(new, old);
    let (status, _) = get(&accuro, &with_uuid(OFFICES), Some(&new), key).await;
    assert_eq!(status, 200);
    offices.assert_calls(3);
}

#[tokio::test]
async fn an_operation_the_granted_scopes_do_not_cover_is_refused_access_is_denied() {
    let accuro = MockAccuro::builder()
        .scopes(["SCHEDULING_READ"])
        .start()
        .await;
    let patient = accuro.server().get_patient(|when, then| {
        when.patient_id(7);
        then.ok(&patient(7));
    });
    let client = accuro.client().unwrap();
    let err = client.get_patient().patient_id(7).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        err.api_error().and_then(|e| e.error.as_deref()),
        Some("Access is denied")
    );
    patient.assert_calls(0);

    // Asking the token endpoint for a scope the clinic did not grant.
    let greedy = accuro
        .client_builder()
        .scopes(["SCHEDULING_READ", "PATIENT_DEMOGRAPHICS_READ"])
        .build()
        .unwrap();
    let err = greedy.authenticate().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
}

#[tokio::test]
async fn wrong_credentials_or_tenant_are_refused_by_the_token_endpoint() {
    let accuro = MockAccuro::start().await;
    let client = accuro
        .client_builder()
        .client_secret("wrong")
        .build()
        .unwrap();
    let err = client.list_offices().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Credentials);
    let client = accuro
        .client_builder()
        .tenant("otherclinic")
        .build()
        .unwrap();
    assert_eq!(
        client.authenticate().await.unwrap_err().kind(),
        ErrorKind::Credentials
    );
    assert_eq!(accuro.token_requests(), 2);
}

#[tokio::test]
async fn typed_mocks_match_typed_parameters_and_answer_accuros_error_shapes() {
    let accuro = MockAccuro::start().await;
    let server = accuro.server();
    let found = server.get_patient(|when, then| {
        when.patient_id(1001);
        then.ok(&patient(1001));
    });
    let missing = server.get_patient(|when, then| {
        when.patient_id(404);
        then.not_found(&ApiError::api("Patient not found"));
    });
    let intervals = server.list_scheduler_time_intervals(|when, then| {
        when.provider_id(&vec![3, 5]);
        then.ok(&vec![]);
    });
    let client = accuro.client().unwrap();

    let patient = client.get_patient().patient_id(1001).send().await.unwrap();
    assert_eq!(patient.into_inner().patient_id, Some(1001));
    let err = client
        .get_patient()
        .patient_id(404)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.api_error().and_then(|e| e.error.as_deref()),
        Some("Patient not found")
    );
    // A parameter no mock matches: httpmock's 404.
    let err = client.get_patient().patient_id(5).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    client
        .list_scheduler_time_intervals()
        .provider_id(vec![3, 5])
        .send()
        .await
        .unwrap();
    found.assert_calls(1);
    missing.assert_calls(1);
    intervals.assert_calls(1);
}

#[tokio::test]
async fn a_path_value_is_matched_literally_not_as_a_pattern() {
    let accuro = MockAccuro::start().await;
    let exact = accuro
        .server()
        .get_contact_external_contact_identifier(|when, then| {
            when.contact_id(1).system_identifier("a.c");
            then.ok(&serde_json::from_value(json!({})).unwrap());
        });
    let client = accuro.client().unwrap();
    let send = |system: &'static str| {
        let client = client.clone();
        async move {
            client
                .get_contact_external_contact_identifier()
                .contact_id(1)
                .system_identifier(system)
                .send()
                .await
        }
    };
    // `.` in the value is a dot, not "any character".
    assert_eq!(send("abc").await.unwrap_err().kind(), ErrorKind::NotFound);
    send("a.c").await.unwrap();
    exact.assert_calls(1);

    // A value the client percent-encodes (a URL as a system identifier).
    let system = "http://hl7.org/fhir/sid/x y";
    let url = accuro
        .server()
        .get_contact_external_contact_identifier(|when, then| {
            when.contact_id(1).system_identifier(system);
            then.ok(&serde_json::from_value(json!({})).unwrap());
        });
    send(system).await.unwrap();
    url.assert_calls(1);
}

#[tokio::test]
async fn a_token_carries_only_the_scopes_its_client_asked_for() {
    let accuro = MockAccuro::start().await;
    let patient = accuro.server().get_patient(|_, then| {
        then.ok(&patient(1));
    });
    // The clinic granted every scope, but this client asks for one.
    let narrow = accuro
        .client_builder()
        .scopes(["SCHEDULING_READ"])
        .build()
        .unwrap();
    let info = narrow.token_info().await.unwrap();
    assert_eq!(info.scopes, Some(vec!["SCHEDULING_READ".to_owned()]));
    let err = narrow.get_patient().patient_id(1).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    patient.assert_calls(0);
    accuro
        .client()
        .unwrap()
        .get_patient()
        .patient_id(1)
        .send()
        .await
        .unwrap();
    patient.assert_calls(1);
}

#[tokio::test]
async fn reset_removes_the_tests_mocks_and_keeps_the_gateway() {
    let accuro = MockAccuro::start().await;
    accuro.server().list_offices(|_, then| {
        then.ok(&vec![office(1)]);
    });
    let client = accuro.client().unwrap();
    client.list_offices().send().await.unwrap();
    accuro.reset();
    let err = client.list_offices().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "the test's mock is gone");
    let (status, _) = get(
        &accuro,
        &with_uuid(OFFICES),
        None,
        Some(defaults::SUBSCRIPTION_KEY),
    )
    .await;
    assert_eq!(status, 401, "the gateway is still there");
    assert_eq!(accuro.token_requests(), 1);
}
