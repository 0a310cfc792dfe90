//! The seeded clinic: its lookups, a patient search over every page, and a
//! patient created, read, merge-patched and replaced.

use accuro_client::{ErrorKind, types};
use accuro_sandbox::Config;
use futures::TryStreamExt as _;

use crate::{client_for, date, start};

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
