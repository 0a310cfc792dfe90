//! The client against the offline sandbox: its checks, its state, its pages
//! and each of its fault knobs.

use std::time::Duration;

use accuro_client::shapes::{AccuroDate, HhmmTime};
use accuro_client::{Client, ClientBuilder, Error, ErrorKind, types};
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
    let err = Error::from(
        c.get_provider()
            .provider_id(99)
            .send()
            .await
            .expect_err("404"),
    );
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
    // Accuro's shapes come back typed.
    let first = &all[0];
    let birthday = first
        .demographics
        .as_ref()
        .and_then(|d| d.birthday)
        .expect("birthday");
    assert_eq!(
        birthday.offset().map(|o| o.local_minus_utc()),
        Some(-8 * 3600)
    );
    let second = all[1]
        .demographics
        .as_ref()
        .and_then(|d| d.birthday)
        .expect("birthday");
    assert_eq!(second.offset(), None, "some birthdays carry no offset");
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
    let new = types::Patient {
        demographics: Some(types::Demographics {
            first_name: Some("Casey".into()),
            last_name: Some("Newpatient".into()),
            birthday: Some("1990-03-04T00:00:00.000-0800".parse().expect("date-time")),
            ..Default::default()
        }),
        ..Default::default()
    };
    let id = c
        .create_patient()
        .body(new.clone())
        .send()
        .await
        .expect("create")
        .into_inner();
    let got = c
        .get_patient()
        .patient_id(id)
        .send()
        .await
        .expect("get")
        .into_inner();
    assert_eq!(
        got.demographics
            .as_ref()
            .and_then(|d| d.last_name.as_deref()),
        Some("Newpatient")
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
        got.demographics
            .as_ref()
            .and_then(|d| d.first_name.as_deref()),
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
    // Refused: no last name.
    let err = Error::from(
        c.create_patient()
            .body(types::Patient::default())
            .send()
            .await
            .expect_err("400"),
    );
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
    let appointment = types::Appointment {
        date: Some(date("2026-12-24")),
        start_time: Some(HhmmTime::try_from(1030).expect("time")),
        end_time: Some(HhmmTime::try_from(1045).expect("time")),
        patient_id: Some(accuro_sandbox::FIRST_PATIENT),
        provider_id: Some(2),
        office_id: Some(1),
        ..Default::default()
    };
    let id = c
        .create_appointment()
        .body(appointment)
        .send()
        .await
        .expect("book")
        .into_inner();
    let day = c
        .list_appointments()
        .start_date(date("2026-12-24"))
        .send()
        .await
        .expect("list")
        .into_inner();
    assert!(day.iter().any(|a| a.appointment_id == Some(id)));
    c.cancel_appointment()
        .appointment_id(id)
        .cancel(true)
        .cancellation_reason("synthetic")
        .send()
        .await
        .expect("cancel");
    let day = c
        .list_appointments()
        .start_date(date("2026-12-24"))
        .send()
        .await
        .expect("list")
        .into_inner();
    assert!(
        !day.iter().any(|a| a.appointment_id == Some(id)),
        "cancelled appointments leave the list"
    );
    let history = c
        .get_appointment_history()
        .appointment_id(id)
        .send()
        .await
        .expect("history")
        .into_inner();
    assert_eq!(
        history.last().and_then(|h| h.action.as_deref()),
        Some("Cancelled")
    );

    let locked = accuro_sandbox::LOCKED_APPOINTMENT;
    let err = Error::from(
        c.cancel_appointment()
            .appointment_id(locked)
            .cancel(true)
            .send()
            .await
            .expect_err("409"),
    );
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
        Error::from(wrong_key.list_offices().send().await.expect_err("key")).kind(),
        ErrorKind::Unauthorized
    );
    let wrong_clinic = builder_for(&sandbox)
        .clinic_uuid("00000000-0000-4000-8000-0000000000ff")
        .build()
        .expect("client");
    let err = Error::from(wrong_clinic.list_offices().send().await.expect_err("uuid"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let wrong_secret = builder_for(&sandbox)
        .client_secret("nope")
        .build()
        .expect("client");
    assert_eq!(
        Error::from(
            wrong_secret
                .list_offices()
                .send()
                .await
                .expect_err("secret")
        )
        .kind(),
        ErrorKind::Credentials
    );
    let wrong_tenant = builder_for(&sandbox)
        .tenant("otherclinic")
        .build()
        .expect("client");
    assert_eq!(
        Error::from(
            wrong_tenant
                .list_offices()
                .send()
                .await
                .expect_err("tenant")
        )
        .kind(),
        ErrorKind::Credentials
    );
    let ungranted = builder_for(&sandbox)
        .scopes(["NOT_GRANTED"])
        .build()
        .expect("client");
    assert_eq!(
        Error::from(ungranted.list_offices().send().await.expect_err("scope")).kind(),
        ErrorKind::Credentials
    );
    // A token without SCHEDULING_READ may list offices but not appointments.
    let narrow = builder_for(&sandbox)
        .scopes(["PATIENT_DEMOGRAPHICS_READ"])
        .build()
        .expect("client");
    narrow.list_offices().send().await.expect("no scope needed");
    let err = Error::from(
        narrow
            .list_appointments()
            .patient(1001)
            .send()
            .await
            .expect_err("403"),
    );
    assert_eq!(err.kind(), ErrorKind::Forbidden);
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
        Error::from(c.list_offices().send().await.expect_err("500")).kind(),
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
    let err = Error::from(
        client_for(&sandbox)
            .list_offices()
            .send()
            .await
            .expect_err("outage"),
    );
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
        patient_id: patient,
        folder_id: 11,
        provider_id: None,
        description: Some("Synthetic".into()),
        date: None,
        file_name: Some("a.pdf".into()),
    };
    let small = accuro_client::Document {
        file_name: "a.pdf".into(),
        media_type: "application/pdf".into(),
        bytes: vec![1; 100],
    };
    assert_eq!(
        c.upload_document(&details, small).await.expect("upload"),
        7001
    );
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
    let letter = types::Letter {
        type_id: 1,
        patient_id: patient,
        provider_id: None,
        appointment_id: None,
        title: "Synthetic".into(),
        content: "text".into(),
    };
    c.create_letter().body(letter).send().await.expect("letter");
    assert!(
        !c.list_immunizations()
            .patient_id(patient)
            .send()
            .await
            .expect("shots")
            .into_inner()
            .is_empty()
    );
    c.list_allergies()
        .patient_id(patient)
        .send()
        .await
        .expect("allergies");
    c.list_patient_folders()
        .patient_id(patient)
        .send()
        .await
        .expect("folders");
    let results = c
        .list_lab_results()
        .start_date(date("2026-01-01"))
        .end_date(date("2026-01-31"))
        .send()
        .await
        .expect("labs")
        .into_inner();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| {
        r.collected_at
            .is_some_and(|t| t.date().to_string().starts_with("2026-01"))
    }));
}
