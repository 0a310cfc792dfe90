//! The client against the offline sandbox: its checks, its state, its pages
//! and each of its fault knobs; the operations it answers with the spec's
//! examples, and how it finds them in the spec.

use std::time::Duration;

use accuro_client::shapes::{AccuroDate, Precision};
use accuro_client::{Client, ClientBuilder, ErrorKind, types};
use accuro_sandbox::{Config, Faults, Sandbox};
use accuro_spec::routes::Resolution;
use accuro_spec::{Media, Spec};
use futures::TryStreamExt as _;
use serde_json::{Value, json};

fn builder_for(sandbox: &Sandbox) -> ClientBuilder {
    let env: std::collections::HashMap<_, _> = sandbox
        .config()
        .client_env(&sandbox.base_url())
        .into_iter()
        .collect();
    ClientBuilder::from_lookup(|name| env.get(name).cloned())
}

fn client_for(sandbox: &Sandbox) -> Client {
    builder_for(sandbox).build().expect("client")
}

async fn start(config: Config) -> Sandbox {
    Sandbox::start(config, 0).await.expect("sandbox")
}

fn date(s: &str) -> AccuroDate {
    s.parse().expect("date")
}

#[tokio::test]
async fn lookups_and_the_seeded_clinic() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let offices = c.list_offices().send().await.expect("offices").into_inner();
    assert_eq!(offices.len(), 3);
    // Offices in Accuro's shape: an address object, Phone and Email objects.
    for office in &offices {
        assert!(
            office.address.as_ref().is_some_and(|a| a.city.is_some()),
            "{office:?}"
        );
        assert!(
            office
                .office_phone
                .as_ref()
                .is_some_and(|p| p.number.is_some()),
            "{office:?}"
        );
        assert!(office.email.is_some(), "{office:?}");
    }
    assert_eq!(
        c.list_providers()
            .send()
            .await
            .expect("providers")
            .into_inner()
            .len(),
        8
    );
    assert_eq!(
        c.get_provider()
            .provider_id(3)
            .send()
            .await
            .expect("provider")
            .into_inner()
            .provider_id,
        Some(3)
    );
    let err = c
        .get_provider()
        .provider_id(99)
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(
        !c.list_genders()
            .send()
            .await
            .expect("genders")
            .into_inner()
            .is_empty()
    );
    assert!(
        !c.list_appointment_reasons()
            .send()
            .await
            .expect("reasons")
            .into_inner()
            .is_empty()
    );
    // Map lookups.
    let statuses = c
        .list_provider_statuses()
        .send()
        .await
        .expect("provider statuses")
        .into_inner();
    assert!(!statuses.is_empty());
    assert!(
        statuses.keys().all(|k| k.parse::<i64>().is_ok()),
        "{statuses:?}"
    );
    // Providers of the offices are Provider objects.
    let staffed = c
        .list_provider_offices()
        .include_active_only(true)
        .send()
        .await
        .expect("provider offices")
        .into_inner();
    assert!(!staffed.is_empty() && staffed.len() <= 8);
    assert_eq!(
        c.get_api_version()
            .send()
            .await
            .expect("version")
            .into_inner()
            .split('.')
            .count(),
        3
    );
    assert_eq!(sandbox.stats().token_requests, 1);
}

#[tokio::test]
async fn patient_search_walks_every_page() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let all: Vec<types::Patient> = c
        .search_patients_items(50, |q| q)
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(all.len(), 300);
    let ids: Vec<i64> = all.iter().filter_map(|p| p.patient_id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in cursor order, no repeats"
    );
    // Accuro's shapes come back typed: v2 birthdays are dates alone, and
    // date-times keep their form (with an offset, without one, an instant).
    let first = &all[0];
    let birthday = first
        .demographics
        .as_ref()
        .and_then(|d| d.birthday)
        .expect("birthday");
    assert_eq!(
        birthday.to_string().len(),
        "1959-02-16".len(),
        "{birthday:?}"
    );
    let alert = all
        .iter()
        .find_map(|p| p.alert.as_ref().and_then(|a| a.last_updated))
        .expect("a patient with an alert");
    assert_eq!(alert.offset(), None, "an alert's date-time has no offset");
    let masked = all
        .iter()
        .flat_map(|p| p.demographics.iter())
        .flat_map(|d| d.addresses.iter().flatten())
        .flat_map(|a| a.masks.iter())
        .find_map(|m| m.masked_date)
        .expect("a masked address");
    assert!(
        masked.to_string().ends_with('Z'),
        "an instant stays an instant: {masked:?}"
    );
    assert_eq!(masked.offset().map(|o| o.local_minus_utc()), Some(0));
    assert!(all.iter().all(|p| p.patient_status_id > 0));
    // Filters.
    let samples: Vec<types::Patient> = c
        .search_patients_items(10, |q| q.last_name("Sample"))
        .try_collect()
        .await
        .expect("walk");
    assert!(!samples.is_empty() && samples.len() < 300);
    let phn = first
        .demographics
        .as_ref()
        .and_then(|d| d.health_card.as_ref())
        .and_then(|h| h.phn.clone())
        .expect("phn");
    let by_phn = c
        .search_patients()
        .phn(phn)
        .send()
        .await
        .expect("by phn")
        .into_inner();
    assert_eq!(by_phn.total, Some(1));
}

#[tokio::test]
async fn create_get_patch_and_replace_a_patient() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let mut new = accuro_tests::new_patient();
    if let Some(d) = new.demographics.as_mut() {
        d.first_name = "Casey".into();
        d.last_name = "Newpatient".into();
        d.birthday = Some(date("1990-03-04"));
    }
    let created = c
        .create_patient()
        .body(new.clone())
        .send()
        .await
        .expect("create");
    assert_eq!(created.status().as_u16(), 201, "the server answers 201");
    let id = created.into_inner();
    let got = c
        .get_patient()
        .patient_id(id)
        .send()
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        got.demographics.as_ref().map(|d| d.last_name.as_str()),
        Some("Newpatient")
    );
    assert_eq!(
        got.demographics.as_ref().and_then(|d| d.birthday),
        Some(date("1990-03-04")),
        "a date-only birthday round-trips"
    );
    c.patch_patient(id, &serde_json::json!({"fileNumber": "F-NEW"}))
        .await
        .expect("patch");
    let got = c
        .get_patient()
        .patient_id(id)
        .send()
        .await
        .expect("get")
        .into_inner();
    assert_eq!(got.file_number.as_deref(), Some("F-NEW"));
    assert_eq!(
        got.demographics.as_ref().map(|d| d.first_name.as_str()),
        Some("Casey"),
        "merge patch keeps the rest"
    );
    assert!(
        c.replace_patient()
            .patient_id(id)
            .body(new)
            .send()
            .await
            .expect("replace")
            .into_inner()
    );
    // Refused: an empty last name (the type requires the field; the
    // server judges its content).
    let mut nameless = accuro_tests::new_patient();
    if let Some(d) = nameless.demographics.as_mut() {
        d.last_name = String::new();
    }
    let err = c
        .create_patient()
        .body(nameless)
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(
        err.api_error()
            .and_then(|b| b.constraint_violations.as_ref())
            .and_then(|v| v[0].field.as_deref()),
        Some("demographics.lastName")
    );
}

#[tokio::test]
async fn book_then_cancel_an_appointment_and_the_locked_one() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let booking = accuro_tests::appointment(
        "2026-12-24",
        (1030, 1045),
        Some(accuro_sandbox::FIRST_PATIENT),
        2,
        1,
    );
    let id = c
        .create_appointment()
        .body(booking.clone())
        .send()
        .await
        .expect("book")
        .into_inner();
    let day = |include_cancelled: bool, include_deleted: bool| {
        let c = &c;
        async move {
            c.list_appointments()
                .start_date(date("2026-12-24"))
                .include_cancelled(include_cancelled)
                .include_deleted(include_deleted)
                .send()
                .await
                .expect("list")
                .into_inner()
        }
    };
    let booked = day(false, false).await;
    let mine = booked
        .iter()
        .find(|a| a.appointment_id == Some(id))
        .expect("listed");
    assert_eq!(
        (mine.sub_column, mine.office_id, mine.provider_id),
        (1, 1, 2)
    );
    assert_eq!(
        mine.appointment_details
            .as_ref()
            .map(|d| d.service_location.as_str()),
        Some("O")
    );
    c.cancel_appointment()
        .appointment_id(id)
        .cancel(true)
        .cancellation_reason("synthetic")
        .send()
        .await
        .expect("cancel");
    assert!(
        !day(false, false)
            .await
            .iter()
            .any(|a| a.appointment_id == Some(id)),
        "cancelled appointments leave the list"
    );
    let with_cancelled = day(true, false).await;
    let cancelled = with_cancelled
        .iter()
        .find(|a| a.appointment_id == Some(id))
        .expect("listed with includeCancelled");
    assert_eq!(cancelled.cancelled, Some(true));
    let history = c
        .get_appointment_history()
        .appointment_id(id)
        .send()
        .await
        .expect("history")
        .into_inner();
    let last = history.last().expect("an entry");
    assert_eq!(last.action_type.as_deref(), Some("Cancelled"));
    assert_eq!(last.action_reason.as_deref(), Some("synthetic"));
    assert_eq!(last.appointment_id, Some(id));

    // Without `cancel`, DELETE deletes: gone even with includeCancelled.
    let other = c
        .create_appointment()
        .body(booking)
        .send()
        .await
        .expect("book again")
        .into_inner();
    c.cancel_appointment()
        .appointment_id(other)
        .send()
        .await
        .expect("delete");
    assert!(
        !day(true, false)
            .await
            .iter()
            .any(|a| a.appointment_id == Some(other))
    );
    assert!(
        day(true, true)
            .await
            .iter()
            .any(|a| a.appointment_id == Some(other) && a.deleted == Some(true)),
        "listed with includeDeleted"
    );

    let locked = accuro_sandbox::LOCKED_APPOINTMENT;
    let err = c
        .cancel_appointment()
        .appointment_id(locked)
        .cancel(true)
        .send()
        .await
        .expect_err("409");
    assert_eq!(err.kind(), ErrorKind::Conflict);
}

#[tokio::test]
async fn the_sandbox_checks_token_key_uuid_and_scope() {
    let sandbox = start(Config::default()).await;
    let wrong_key = builder_for(&sandbox)
        .subscription_key("not-the-key")
        .build()
        .expect("client");
    assert_eq!(
        wrong_key
            .list_offices()
            .send()
            .await
            .expect_err("key")
            .kind(),
        ErrorKind::Unauthorized
    );
    let wrong_clinic = builder_for(&sandbox)
        .clinic_uuid("00000000-0000-4000-8000-0000000000ff")
        .build()
        .expect("client");
    let err = wrong_clinic.list_offices().send().await.expect_err("uuid");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let wrong_secret = builder_for(&sandbox)
        .client_secret("nope")
        .build()
        .expect("client");
    assert_eq!(
        wrong_secret
            .list_offices()
            .send()
            .await
            .expect_err("secret")
            .kind(),
        ErrorKind::Credentials
    );
    let wrong_tenant = builder_for(&sandbox)
        .tenant("otherclinic")
        .build()
        .expect("client");
    assert_eq!(
        wrong_tenant
            .list_offices()
            .send()
            .await
            .expect_err("tenant")
            .kind(),
        ErrorKind::Credentials
    );
    let ungranted = builder_for(&sandbox)
        .scopes(["NOT_GRANTED"])
        .build()
        .expect("client");
    assert_eq!(
        ungranted
            .list_offices()
            .send()
            .await
            .expect_err("scope")
            .kind(),
        ErrorKind::Credentials
    );
    // A token without SCHEDULING_READ may list offices but not appointments:
    // Accuro answers a missing scope 401 `{"error":"Access is denied"}`.
    let narrow = builder_for(&sandbox)
        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
        .build()
        .expect("client");
    narrow.list_offices().send().await.expect("no scope needed");
    let before = sandbox.stats().token_requests;
    let err = narrow
        .list_appointments()
        .patient(1001)
        .send()
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        err.api_error().and_then(|b| b.error.as_deref()),
        Some("Access is denied")
    );
    assert_eq!(
        sandbox.stats().token_requests - before,
        1,
        "one renewal and replay, then the error"
    );
}

#[tokio::test]
async fn revoked_tokens_are_renewed_by_the_401_replay() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    c.list_offices().send().await.expect("first");
    sandbox.revoke_tokens();
    c.list_offices()
        .send()
        .await
        .expect("401, new token, replay");
    assert_eq!(sandbox.stats().token_requests, 2);
}

#[tokio::test(start_paused = true)]
async fn expired_tokens_and_rotating_refresh_tokens() {
    let config = Config {
        token_lifetime: Duration::from_secs(120),
        refresh_tokens: true,
        ..Config::default()
    };
    let sandbox = start(config).await;
    let c = builder_for(&sandbox)
        .without_timers()
        .build()
        .expect("client");
    for _ in 0..3 {
        c.list_offices().send().await.expect("call");
        tokio::time::advance(Duration::from_secs(121)).await;
    }
    // Each renewal spent the previous refresh token, once (the sandbox refuses reuse).
    let stats = sandbox.stats();
    assert_eq!(
        (
            stats.token_requests,
            stats.refresh_grants,
            stats.refused_refresh_grants
        ),
        (3, 2, 0)
    );
}

#[tokio::test(start_paused = true)]
async fn fault_knobs_latency_429_bursts_and_errors() {
    let sandbox = start(Config::default()).await;
    let c = builder_for(&sandbox)
        .without_timers()
        .build()
        .expect("client");
    c.list_offices().send().await.expect("warm");

    sandbox.set_faults(Faults {
        latency_ms: 1500,
        ..Faults::default()
    });
    let started = tokio::time::Instant::now();
    c.list_offices().send().await.expect("slow");
    assert!(started.elapsed() >= Duration::from_millis(1500));

    sandbox.set_faults(Faults {
        burst_429: 2,
        retry_after_secs: 3,
        ..Faults::default()
    });
    let before = sandbox.stats().rest_requests;
    let started = tokio::time::Instant::now();
    c.list_offices()
        .send()
        .await
        .expect("two 429s, then served");
    assert_eq!(sandbox.stats().rest_requests - before, 3);
    assert!(started.elapsed() >= Duration::from_secs(6));

    sandbox.set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    assert_eq!(
        c.list_offices().send().await.expect_err("500").kind(),
        ErrorKind::Server
    );
    sandbox.set_faults(Faults {
        error_rate: 0.5,
        ..Faults::default()
    });
    let mut failures = 0;
    for _ in 0..10 {
        failures += usize::from(c.list_offices().send().await.is_err());
    }
    assert_eq!(failures, 5, "exactly half, deterministically");
}

#[tokio::test]
async fn token_outage() {
    let sandbox = start(Config::default()).await;
    sandbox.set_faults(Faults {
        token_outage: true,
        ..Faults::default()
    });
    let err = client_for(&sandbox)
        .list_offices()
        .send()
        .await
        .expect_err("outage");
    assert_eq!(err.kind(), ErrorKind::TokenEndpoint);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn uploads_letters_labs_and_chart_lists() {
    let sandbox = start(Config {
        max_upload_bytes: 1024,
        ..Config::default()
    })
    .await;
    let c = client_for(&sandbox);
    let patient = accuro_sandbox::FIRST_PATIENT;
    let details = types::DocumentDetails {
        description: Some("Synthetic".into()),
        file_name: Some("a.pdf".into()),
        ..accuro_tests::document_details(patient, 11)
    };
    let small = accuro_client::Document {
        file_name: "a.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: vec![1; 100],
    };
    let first = c
        .upload_document(&details, small.clone())
        .await
        .expect("upload");
    assert_eq!(first.len(), 1);
    let referral = c.upload_referral(&details, small).await.expect("referral");
    assert_eq!(referral.len(), 1);
    assert!(referral[0] > first[0], "a new document each time");
    let big = accuro_client::Document {
        file_name: "b.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: vec![1; 4096],
    };
    assert_eq!(
        c.upload_document(&details, big)
            .await
            .expect_err("413")
            .kind(),
        ErrorKind::TooLarge
    );
    let folders = c
        .list_patient_folders()
        .patient_id(patient)
        .send()
        .await
        .expect("folders")
        .into_inner();
    assert_eq!(folders.patient_id, Some(patient));
    assert!(
        folders.folders.iter().any(|f| f == "Lab reports"),
        "the upload's folder is listed: {folders:?}"
    );
    let types_ = c
        .list_letter_types()
        .send()
        .await
        .expect("letter types")
        .into_inner();
    let letter = types::Letter {
        type_id: types_[0].type_id.expect("type id"),
        patient_id: patient,
        provider_id: None,
        appointment_id: None,
        title: "Synthetic".into(),
        content: "text".into(),
    };
    let a = c
        .create_letter()
        .body(letter.clone())
        .send()
        .await
        .expect("letter");
    assert_eq!(a.status().as_u16(), 200);
    let b = c
        .create_letter()
        .body(letter)
        .send()
        .await
        .expect("letter")
        .into_inner();
    assert_ne!(a.into_inner(), b, "every call files another letter");
    let shots = c
        .list_immunizations()
        .patient_id(patient)
        .send()
        .await
        .expect("shots")
        .into_inner();
    assert!(!shots.is_empty());
    assert!(
        shots.iter().any(|s| s
            .administered_date
            .is_some_and(|d| d.precision() < Precision::Day)),
        "an administered date known to the month: {shots:?}"
    );
    c.list_allergies()
        .patient_id(patient)
        .send()
        .await
        .expect("allergies");
    let drug_only = c
        .list_allergies()
        .patient_id(patient)
        .allergy_type(types::ListAllergiesAllergyType::DrugAllergy)
        .send()
        .await
        .expect("drug allergies")
        .into_inner();
    assert!(
        drug_only
            .iter()
            .all(|a| a.allergy_type.as_deref() == Some("DRUG_ALLERGY"))
    );
    // Labs are templates: tests, and the results each measures.
    let tests = c
        .list_lab_tests()
        .send()
        .await
        .expect("lab tests")
        .into_inner();
    let test = tests[0].test_id.expect("test id");
    let of_test = c
        .list_lab_test_results()
        .test_id(test)
        .send()
        .await
        .expect("test results")
        .into_inner();
    let all = c
        .list_lab_results()
        .send()
        .await
        .expect("labs")
        .into_inner();
    assert!(!of_test.is_empty() && of_test.len() < all.len());
    assert!(
        of_test
            .iter()
            .all(|r| all.iter().any(|a| a.result_id == r.result_id))
    );
}

// Operations without state of their own: the spec's examples, behind the
// same checks as the others.

/// A token of the sandbox's client, for `scope` (every scope it has: `None`).
async fn raw_token(sandbox: &Sandbox, scope: Option<&str>) -> String {
    let mut form = vec![("grant_type", "client_credentials")];
    form.extend(scope.map(|s| ("scope", s)));
    let body: Value = accuro_tests::raw_http_client()
        .post(format!("{}/v1/token", sandbox.base_url()))
        .query(&[("tenant", accuro_sandbox::TENANT)])
        .basic_auth(
            accuro_sandbox::CLIENT_ID,
            Some(accuro_sandbox::CLIENT_SECRET),
        )
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("token JSON");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// One request to the sandbox without the client, to see its exact answer.
struct Raw<'a> {
    method: reqwest::Method,
    path: &'a str,
    query: Vec<(&'a str, &'a str)>,
    token: Option<&'a str>,
    key: Option<&'a str>,
}

impl<'a> Raw<'a> {
    /// `GET path?uuid=...` with the token and the sandbox's key.
    fn get(path: &'a str, token: &'a str) -> Self {
        Self {
            method: reqwest::Method::GET,
            path,
            query: vec![("uuid", accuro_sandbox::CLINIC_UUID)],
            token: Some(token),
            key: Some(accuro_sandbox::SUBSCRIPTION_KEY),
        }
    }

    /// Its status, `Content-Type` and body.
    async fn send(self, sandbox: &Sandbox) -> (u16, String, Vec<u8>) {
        let mut request = accuro_tests::raw_http_client()
            .request(self.method, format!("{}{}", sandbox.base_url(), self.path))
            .query(&self.query);
        if let Some(token) = self.token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = self.key {
            request = request.header("x-qhr-subscription-key", key);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        let media_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await.expect("body").to_vec();
        (status, media_type, body)
    }

    /// Its status and JSON body (`null` if it has none).
    async fn json(self, sandbox: &Sandbox) -> (u16, Value) {
        let (status, _, body) = self.send(sandbox).await;
        let value = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&body).expect("a JSON body")
        };
        (status, value)
    }
}

#[tokio::test]
async fn an_imported_operation_answers_its_example_behind_the_same_checks() {
    let sandbox = start(Config::default()).await;
    let spec = Spec::embedded().expect("the built-in spec");
    let op = spec.operation("search_patients_v1").expect("in the spec");
    let path = op.path();
    assert_eq!(path, "/rest/v1/provider-portal/patients/search");
    assert!(op.required_query().any(|q| q == "phn"));
    let token = raw_token(&sandbox, None).await;
    let phn = ("phn", "9000000001");

    let mut asked = Raw::get(path, &token);
    asked.query.push(phn);
    let (status, media_type, body) = asked.send(&sandbox).await;
    assert_eq!(status, op.success().status);
    assert_eq!(media_type, "application/json");
    let answer: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(Some(&answer), op.success().body.map(|m: &Media| &m.example));

    // No subscription key: the gateway's shape.
    let mut keyless = Raw::get(path, &token);
    keyless.query.push(phn);
    keyless.key = None;
    assert_eq!(
        keyless.json(&sandbox).await,
        (
            401,
            json!({"code": "401", "message": "Access denied due to missing or invalid subscription key."})
        )
    );
    // No token, or one the sandbox did not issue.
    for token in [None, Some("sbx-access-made-up")] {
        let mut unknown = Raw::get(path, "");
        unknown.query.push(phn);
        unknown.token = token;
        assert_eq!(
            unknown.json(&sandbox).await,
            (401, json!({"code": "401", "message": "Unauthorized"}))
        );
    }
    // No clinic uuid; no `phn`, which the operation requires.
    let mut no_uuid = Raw::get(path, &token);
    no_uuid.query = vec![phn];
    let missing = (400, json!({"error": "Required Parameter Missing."}));
    assert_eq!(no_uuid.json(&sandbox).await, missing);
    assert_eq!(Raw::get(path, &token).json(&sandbox).await, missing);
    // A token without any of its scopes: 401 as the server answers it.
    let narrow = raw_token(&sandbox, Some("SCHEDULING_READ")).await;
    assert!(!op.scopes().iter().any(|s| s == "SCHEDULING_READ"));
    let mut unscoped = Raw::get(path, &narrow);
    unscoped.query.push(phn);
    assert_eq!(
        unscoped.json(&sandbox).await,
        (401, json!({"error": "Access is denied"}))
    );
    // A path the spec does not have: 404, checked or not; a method its path
    // lacks: 405.
    let unknown = "/rest/v1/provider-portal/no-such-operation";
    assert_eq!(Raw::get(unknown, &token).send(&sandbox).await.0, 404);
    let mut bare = Raw::get(unknown, "");
    bare.token = None;
    bare.key = None;
    assert_eq!(bare.send(&sandbox).await.0, 404);
    let mut delete = Raw::get("/rest/v1/offices", &token);
    delete.method = reqwest::Method::DELETE;
    assert_eq!(delete.send(&sandbox).await.0, 405);
}

#[tokio::test]
async fn operations_beside_and_under_stateful_routes_answer_their_examples() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let spec = Spec::embedded().expect("the built-in spec");
    let example = |id: &str| {
        spec.operation(id)
            .and_then(|op| op.success().body)
            .map(|b| b.example.clone())
            .expect("an example")
    };
    // `/providers/search` and `/tasks/reasons` are literal paths beside the
    // sandbox's `/providers/{providerId}` and `/tasks/{taskId}` routes.
    let found = c.search_providers().send().await.expect("search_providers");
    assert_eq!(found.status().as_u16(), 200);
    let reasons = c
        .list_task_reasons()
        .send()
        .await
        .expect("list_task_reasons")
        .into_inner();
    assert_eq!(
        serde_json::to_value(&reasons).expect("JSON"),
        example("list_task_reasons")
    );
    // A method the sandbox's route for the path does not have.
    let provider = c
        .get_provider()
        .provider_id(2)
        .send()
        .await
        .expect("get_provider")
        .into_inner();
    let updated = c
        .update_provider()
        .provider_id(2)
        .body(provider)
        .send()
        .await
        .expect("update_provider");
    assert_eq!(updated.status().as_u16(), 204);
    // A binary answer in its media type, and a multipart one the
    // handwritten reader takes apart.
    let token = raw_token(&sandbox, None).await;
    let (status, media_type, body) = Raw::get(
        "/rest/v1/provider-portal/patients/1001/profile-picture",
        &token,
    )
    .send(&sandbox)
    .await;
    assert_eq!(
        (status, media_type.as_str()),
        (200, "application/octet-stream")
    );
    assert_eq!(
        Some(&Value::String(String::from_utf8(body).expect("text"))),
        Some(&example("get_patient_profile_picture"))
    );
    let letter = c.get_letter(8001).await.expect("get_letter");
    assert_eq!(letter.content_type.as_deref(), Some("application/pdf"));
    assert!(letter.content.starts_with(b"%PDF"));
}

// Tasks and waitlist requests: state.

/// Tasks created in November 2026 (the seeded ones and the sandbox's new ones).
fn window(q: accuro_client::builder::ListTasks<'_>) -> accuro_client::builder::ListTasks<'_> {
    q.created_start_date("2026-11-01")
        .created_end_date("2026-11-30")
}

/// A task with what the server requires.
fn new_task(reason: &str, due: &str) -> types::UserTask {
    types::UserTask {
        assigned_to_user_ids: vec![3],
        patient_id: Some(1001),
        reason: Some(reason.to_owned()),
        notes: Some("Synthetic follow-up".to_owned()),
        office_id_assigned_to: Some(1),
        office_id_assigned_from: Some(2),
        task_due_date: Some(date(due)),
        // Not taken on create: a new task starts open.
        completed: Some(true),
        ..types::UserTask::default()
    }
}

#[tokio::test]
async fn tasks_are_created_read_listed_changed_and_deleted() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let seeded = c
        .get_task()
        .task_id(accuro_sandbox::FIRST_TASK as i32)
        .send()
        .await
        .expect("a seeded task")
        .into_inner();
    assert_eq!(seeded.id, Some(accuro_sandbox::FIRST_TASK as i32));

    let created = c
        .create_task()
        .body(new_task("Call patient", "2026-12-15"))
        .send()
        .await
        .expect("create_task");
    assert_eq!(created.status().as_u16(), 201);
    let id = i32::try_from(created.into_inner()).expect("an int32 id");
    let task = c
        .get_task()
        .task_id(id)
        .send()
        .await
        .expect("get_task")
        .into_inner();
    assert_eq!(task.id, Some(id));
    assert_eq!(task.reason.as_deref(), Some("Call patient"));
    assert_eq!(task.task_due_date, Some(date("2026-12-15")));
    assert_eq!(task.priority.as_deref(), Some("Normal"), "the default");
    assert_eq!(task.completed, Some(false), "a new task starts open");
    assert!(task.completed_by.is_none() && task.completed_date.is_none());
    assert!(task.created_by.is_some() && task.created_on.is_some());
    assert_eq!(task.deleted, Some(false));

    // Listed in its created-date window, page by page.
    let mut listed = Vec::new();
    let mut after = 0;
    loop {
        let page = window(c.list_tasks())
            .page_size(5)
            .starting_id(after)
            .send()
            .await
            .expect("list_tasks")
            .into_inner();
        let contents = page.contents.unwrap_or_default();
        if contents.is_empty() {
            assert_eq!(page.last_id, Some(0));
            break;
        }
        assert!(contents.len() <= 5);
        after = page.last_id.expect("lastId");
        listed.extend(contents);
    }
    assert!(listed.iter().any(|t| t.id == Some(id)));
    assert!(listed.iter().all(|t| t.completed != Some(true)));
    let with_completed = window(c.list_tasks())
        .include_completed(true)
        .page_size(50)
        .send()
        .await
        .expect("list_tasks")
        .into_inner();
    assert!(with_completed.total > Some(listed.len() as i64));
    let by_reason = window(c.list_tasks())
        .reason("call patient")
        .patient_id(1001)
        .send()
        .await
        .expect("list_tasks")
        .into_inner();
    assert!(
        by_reason
            .contents
            .iter()
            .flatten()
            .all(|t| t.reason.as_deref() == Some("Call patient") && t.patient_id == Some(1001))
    );
    // The window is required, and at most 30 days.
    for (start, end) in [("2026-10-01", "2026-11-30"), ("2026-11-30", "2026-11-01")] {
        let err = c
            .list_tasks()
            .created_start_date(start)
            .created_end_date(end)
            .send()
            .await
            .expect_err("400");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    }

    // Replaced: completing it stamps who and when; what it was created with stays.
    let mut change = new_task("Call patient", "2026-12-16");
    change.notes = Some("Left a message".to_owned());
    change.completed = Some(true);
    let replaced = c
        .update_task()
        .task_id(id)
        .body(change)
        .send()
        .await
        .expect("update_task");
    assert_eq!(replaced.status().as_u16(), 204);
    let after_update = c
        .get_task()
        .task_id(id)
        .send()
        .await
        .expect("get_task")
        .into_inner();
    assert_eq!(after_update.notes.as_deref(), Some("Left a message"));
    assert_eq!(after_update.task_due_date, Some(date("2026-12-16")));
    assert_eq!(after_update.completed, Some(true));
    assert!(after_update.completed_by.is_some() && after_update.completed_date.is_some());
    assert_eq!(after_update.created_on, task.created_on);
    // Merge-patched.
    c.patch_task(id, &json!({"priority": "Urgent", "notes": null}))
        .await
        .expect("patch_task");
    let patched = c
        .get_task()
        .task_id(id)
        .send()
        .await
        .expect("get_task")
        .into_inner();
    assert_eq!(patched.priority.as_deref(), Some("Urgent"));
    assert_eq!(patched.notes, None);
    assert_eq!(patched.completed_date, after_update.completed_date);

    // What the server requires of a task.
    let err = c
        .create_task()
        .body(types::UserTask {
            assigned_to_user_ids: Vec::new(),
            reason: None,
            ..new_task("", "2026-12-15")
        })
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let fields: Vec<_> = err
        .api_error()
        .and_then(|b| b.constraint_violations.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.field)
        .collect();
    assert!(
        fields.iter().any(|f| f == "assignedToUserIds"),
        "{fields:?}"
    );
    assert!(fields.iter().any(|f| f == "reason"), "{fields:?}");

    // Deleted: gone for every call.
    let deleted = c
        .delete_task()
        .task_id(id)
        .send()
        .await
        .expect("delete_task");
    assert_eq!(deleted.status().as_u16(), 204);
    let gone = c.get_task().task_id(id).send().await.expect_err("404");
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    assert_eq!(
        gone.api_error().and_then(|b| b.error.as_deref()),
        Some("Not Found")
    );
    let again = c.delete_task().task_id(id).send().await.expect_err("404");
    assert_eq!(again.kind(), ErrorKind::NotFound);
    let listed_again = window(c.list_tasks())
        .include_completed(true)
        .page_size(50)
        .send()
        .await
        .expect("list_tasks")
        .into_inner();
    assert!(
        !listed_again
            .contents
            .iter()
            .flatten()
            .any(|t| t.id == Some(id))
    );
    let unknown = c
        .update_task()
        .task_id(999_999)
        .body(new_task("Call patient", "2026-12-15"))
        .send()
        .await
        .expect_err("404");
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn waitlist_requests_are_created_read_listed_and_updated() {
    let sandbox = start(Config::default()).await;
    let c = client_for(&sandbox);
    let first = c
        .get_waitlist()
        .waitlist_id(accuro_sandbox::FIRST_WAITLIST_REQUEST as i32)
        .send()
        .await
        .expect("a seeded request")
        .into_inner();
    assert_eq!(
        first.id,
        Some(accuro_sandbox::FIRST_WAITLIST_REQUEST as i32)
    );

    let request = types::WaitlistRequest {
        waitlist_provider_id: Some(2),
        patient_id: Some(1002),
        consult_priority: Some("Routine".to_owned()),
        consult_status: Some("Waiting".to_owned()),
        consult_type: Some("New Consult".to_owned()),
        complaint: Some("Synthetic referral reason".to_owned()),
        referral_date: Some("2026-11-20T00:00:00.000".parse().expect("date-time")),
        ..types::WaitlistRequest::default()
    };
    let id = c
        .create_waitlist()
        .body(request.clone())
        .send()
        .await
        .expect("create_waitlist")
        .into_inner();
    let stored = c
        .get_waitlist()
        .waitlist_id(id)
        .send()
        .await
        .expect("get_waitlist")
        .into_inner();
    assert_eq!(stored.id, Some(id));
    assert_eq!(stored.patient_id, Some(1002));
    assert_eq!(stored.consult_status.as_deref(), Some("Waiting"));
    assert_eq!(stored.referral_date, request.referral_date);

    // Updated: the surgical fields are not changed through this call.
    let change = types::WaitlistRequest {
        consult_status: Some("Booked".to_owned()),
        surgical_status: Some("Booked".to_owned()),
        ..request
    };
    let updated = c
        .update_waitlist()
        .waitlist_id(i64::from(id))
        .body(change)
        .send()
        .await
        .expect("update_waitlist");
    assert_eq!(updated.status().as_u16(), 204);
    let after = c
        .get_waitlist()
        .waitlist_id(id)
        .send()
        .await
        .expect("get_waitlist")
        .into_inner();
    assert_eq!(after.consult_status.as_deref(), Some("Booked"));
    assert_eq!(after.surgical_status, None);

    // Listed by page, and filtered.
    let mut all = Vec::new();
    let mut cursor = 0;
    loop {
        let page = c
            .list_waitlists()
            .page_size(5)
            .starting_id(cursor)
            .send()
            .await
            .expect("list_waitlists")
            .into_inner();
        let contents = page.contents.unwrap_or_default();
        if contents.is_empty() {
            break;
        }
        cursor = page.last_id.expect("lastId");
        all.extend(contents);
    }
    assert_eq!(all.len(), 13, "12 seeded and the new one");
    assert!(all.iter().any(|w| w.id == Some(id)));
    let of_patient = c
        .list_waitlists()
        .patient_id("1002")
        .consult_status("booked")
        .send()
        .await
        .expect("list_waitlists")
        .into_inner();
    assert_eq!(
        of_patient
            .contents
            .iter()
            .flatten()
            .filter_map(|w| w.id)
            .collect::<Vec<_>>(),
        vec![id]
    );
    let err = c
        .list_waitlists()
        .patient_id("not-a-number")
        .send()
        .await
        .expect_err("400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    // Unknown ids.
    let err = c
        .get_waitlist()
        .waitlist_id(99_999)
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = c
        .update_waitlist()
        .waitlist_id(99_999)
        .body(first)
        .send()
        .await
        .expect_err("404");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let token = raw_token(&sandbox, None).await;
    let mut not_a_number = Raw::get("/rest/v1/provider-portal/waitlists/not-a-number", &token);
    not_a_number.method = reqwest::Method::PUT;
    assert_eq!(
        not_a_number.json(&sandbox).await,
        (404, json!({"error": "Not Found"}))
    );
}

// How the sandbox finds an operation in the spec.

/// A spec of four operations: a path-item parameter, a `$ref` answer,
/// `examples`, a schema example, a literal path beside a template.
const SMALL_SPEC: &str = r#"
paths:
  /v1/token:
    post:
      operationId: request_token
      responses: {'200': {description: ok}}
  /rest/v1/things/{thingId}:
    parameters:
      - {name: uuid, in: query, required: true, schema: {type: string}}
    get:
      operationId: get_thing
      x-accuro-scopes: [THINGS_READ]
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: integer}}
        - {name: kind, in: query, required: true, schema: {type: string}}
      responses:
        '200': {$ref: '#/components/responses/Thing'}
        '404': {description: no}
    delete:
      operationId: delete_thing
      responses: {'204': {description: gone}}
  /rest/v1/things/search:
    get:
      operationId: search_things
      responses:
        '200':
          description: ok
          content:
            application/json:
              examples:
                one: {value: [1, 2]}
  /rest/v1/things/{thingId}/picture:
    get:
      operationId: get_thing_picture
      responses:
        '200':
          description: ok
          content:
            application/octet-stream:
              schema: {type: string, format: binary, example: AAAA}
components:
  responses:
    Thing:
      description: a thing
      content:
        application/json:
          example: {thingId: 7, seen: 2020-02-13T10:15:00.000}
"#;

fn small_spec() -> Spec {
    Spec::parse(SMALL_SPEC).expect("parses")
}

fn op_id(r: Resolution<&accuro_spec::Operation>) -> Option<&str> {
    match r {
        Resolution::Found(op) => Some(op.id()),
        _ => None,
    }
}

#[test]
fn spec_routes_prefer_literal_segments_and_match_one_segment_per_template() {
    let s = small_spec();
    assert_eq!(
        op_id(s.resolve("GET", "/rest/v1/things/search")),
        Some("search_things")
    );
    assert_eq!(
        op_id(s.resolve("GET", "/rest/v1/things/12")),
        Some("get_thing")
    );
    assert_eq!(
        op_id(s.resolve("HEAD", "/rest/v1/things/12")),
        Some("get_thing")
    );
    assert_eq!(
        op_id(s.resolve("DELETE", "/rest/v1/things/12")),
        Some("delete_thing")
    );
    assert_eq!(
        op_id(s.resolve("GET", "/rest/v1/things/12/picture")),
        Some("get_thing_picture")
    );
    assert!(matches!(
        s.resolve("PUT", "/rest/v1/things/12"),
        Resolution::MethodNotAllowed
    ));
    for unknown in [
        "/rest/v1/things",
        "/rest/v1/things/",
        "/rest/v1/things/12/13",
        "/rest/v1/other",
        "/v1/token",
    ] {
        assert!(
            matches!(s.resolve("GET", unknown), Resolution::NotFound),
            "{unknown}"
        );
    }
}

#[test]
fn spec_routes_read_scopes_required_parameters_and_examples() {
    let s = small_spec();
    let get = s.operation("get_thing").expect("get_thing");
    assert_eq!(get.scopes(), ["THINGS_READ"]);
    let mut required: Vec<&str> = get.required_query().collect();
    required.sort_unstable();
    assert_eq!(required, ["kind", "uuid"]);
    assert!(get.has_shape("/rest/v1/things/{id}"));
    assert!(!get.has_shape("/rest/v1/things/search"));
    let body = get.success().body.expect("a body");
    assert_eq!(body.media_type, "application/json");
    assert_eq!(
        &body.example,
        &serde_json::json!({"thingId": 7, "seen": "2020-02-13T10:15:00.000"})
    );
    let delete = s.operation("delete_thing").expect("delete_thing");
    assert_eq!(delete.success().status, 204);
    assert!(delete.success().body.is_none());
    let search = s.operation("search_things").expect("search_things");
    assert_eq!(
        search.success().body.map(|m| &m.example),
        Some(&serde_json::json!([1, 2]))
    );
    let picture = s.operation("get_thing_picture").expect("picture");
    assert_eq!(
        picture.success().body.map(|m| &m.example),
        Some(&serde_json::json!("AAAA"))
    );
    assert_eq!(s.scopes(), ["THINGS_READ"]);
    assert!(s.operation("request_token").is_none());
}

#[test]
fn spec_routes_refuse_a_broken_spec() {
    assert!(Spec::parse("paths: [").is_err());
    assert!(Spec::parse("info: {}").is_err());
    assert!(Spec::parse("paths: {/v1/token: {}}").is_err());
}

#[test]
fn spec_routes_read_the_built_in_spec() {
    let spec = Spec::embedded().expect("parses");
    assert!(spec.operations().len() > 300);
    assert!(spec.scopes().iter().any(|s| s == "SCHEDULING_READ"));
}
