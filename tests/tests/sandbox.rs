//! The client against the offline sandbox: its checks, its state, its pages
//! and each of its fault knobs.

use std::time::Duration;

use accuro_client::shapes::{AccuroDate, Precision};
use accuro_client::{Client, ClientBuilder, ErrorKind, types};
use accuro_sandbox::{Config, Faults, Sandbox};
use futures::TryStreamExt as _;

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
        .http_client(accuro_tests::timerless_http_client())
        .token_timeout(std::time::Duration::MAX)
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
        .http_client(accuro_tests::timerless_http_client())
        .token_timeout(std::time::Duration::MAX)
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
