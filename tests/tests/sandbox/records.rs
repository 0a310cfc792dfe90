//! Appointments booked, cancelled and deleted (and the locked one); uploads,
//! letters, labs and the chart's lists.

use accuro_client::shapes::Precision;
use accuro_client::{ErrorKind, types};
use accuro_sandbox::Config;

use crate::{client_for, date, start};

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
