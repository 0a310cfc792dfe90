//! Synthetic records, and every operation of the spec called once.

use accuro_client::shapes::AccuroDate;
use accuro_client::types;

use crate::prism::conforms;

/// A synthetic new patient with what the server requires (`patientStatusId`;
/// first and last name and gender), a date-only birthday and a health card.
pub fn new_patient() -> types::Patient {
    let demographics: types::Demographics = types::Demographics::builder()
        .first_name("Sam")
        .last_name("Sample")
        .gender_id(2)
        .birthday("1959-02-16".parse::<AccuroDate>().expect("date"))
        .health_card(types::HealthCard {
            extra: Default::default(),
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
        accuro_file_type_id: None,
        document_date: None,
        document_id: None,
        folder: None,
        reviews: None,
        sub_folder: None,
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
    /// A task.
    pub task: i64,
}

/// Ids of the spec's own examples (Prism serves them; so does a stand-in
/// answering with the spec's examples).
pub const SPEC_EXAMPLES: Fixture = Fixture {
    patient: 1001,
    provider: 7,
    office: 1,
    appointment: 5001,
    lab_test: 501,
    folder: 11,
    task: 1,
};

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

/// Calls the handwritten operations [`every_operation`] does not (JSON merge
/// patches, the profile picture upload, and the letters Accuro answers as
/// multipart), and fails on the first error. With `multipart_answers`
/// false, the letters are left out: Prism cannot serve a multipart answer.
/// Answers the ids of the operations that succeeded, in the order called,
/// for the caller to compare with the spec's (`other_handwritten_operations`).
pub async fn every_other_handwritten_operation(
    c: &accuro_client::Client,
    f: &Fixture,
    multipart_answers: bool,
) -> Result<Vec<&'static str>, String> {
    let patient = i32::try_from(f.patient).map_err(|e| format!("patient id: {e}"))?;
    let task = i32::try_from(f.task).map_err(|e| format!("task id: {e}"))?;
    let failed = |op: &'static str| move |e: accuro_client::Error| format!("{op}: {e}");
    let mut called = Vec::new();
    c.patch_patient_v1(patient, &serde_json::json!({"fileNumber": "F-1001-C"}))
        .await
        .map_err(failed("patch_patient_v1"))?;
    called.push("patch_patient_v1");
    c.patch_patient_custom_properties(
        f.patient,
        &serde_json::json!({"Synthetic property": "synthetic value"}),
    )
    .await
    .map_err(failed("patch_patient_custom_properties"))?;
    called.push("patch_patient_custom_properties");
    c.patch_task(task, &serde_json::json!({"notes": "Synthetic note"}))
        .await
        .map_err(failed("patch_task"))?;
    called.push("patch_task");
    let picture = accuro_client::Document {
        file_name: "photo.png".into(),
        media_type: "image/png".into(),
        bytes: b"\x89PNG\r\n\x1a\nsynthetic".to_vec(),
    };
    c.upload_patient_profile_picture(patient, picture)
        .await
        .map_err(failed("upload_patient_profile_picture"))?;
    called.push("upload_patient_profile_picture");
    if !multipart_answers {
        return Ok(called);
    }
    let letter = c.get_letter(1).await.map_err(failed("get_letter"))?;
    called.push("get_letter");
    let generated = c
        .get_generated_letter(1)
        .await
        .map_err(failed("get_generated_letter"))?;
    called.push("get_generated_letter");
    let generated_v2 = c
        .get_generated_letter_v2(1)
        .await
        .map_err(failed("get_generated_letter_v2"))?;
    called.push("get_generated_letter_v2");
    for (op, content) in [
        ("get_letter", &letter.content),
        ("get_generated_letter", &generated.content),
        ("get_generated_letter_v2", &generated_v2.content),
    ] {
        if content.is_empty() {
            return Err(format!("{op}: the content part is empty"));
        }
    }
    Ok(called)
}
