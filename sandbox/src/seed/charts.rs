//! Patient `i` and their chart (allergies, immunizations), from the data
//! files' name lists and templates.

use accuro_client::types::{
    Address, Allergy, Demographics, HealthCard, Immunization, Mask, MedeoPatientId, Patient, Phone,
};

use super::data::{Clinic, pick};
use super::{BC, FIRST_PATIENT, date, date_time, email, partial, phone, text};

pub(super) fn patient(seed: &Clinic, i: i64) -> Patient {
    let id = FIRST_PATIENT + i;
    let first = pick(&seed.first_names, i);
    let last = pick(&seed.last_names, i / seed.first_names.len().max(1) as i64);
    let (year, month, day) = (1940 + (i % 60), 1 + (i % 12), 1 + (i % 28));
    let city = pick(&seed.cities, i);
    let mut phones = Vec::new();
    if i % 5 != 4 {
        phones.push(phone(
            10 * id,
            format!("(250) 555-{:04}", i % 10_000),
            "HomePhone",
            1,
        ));
    }
    if i % 3 == 0 {
        let order = phones.len() as i32 + 1;
        phones.push(Phone {
            notes: (i % 6 == 0).then(|| seed.notes.cell_phone.clone()),
            ..phone(
                10 * id + 1,
                format!("(778) 555-{:04}", i % 10_000),
                "CellPhone",
                order,
            )
        });
    }
    let addresses = (i % 2 == 0).then(|| {
        vec![Address {
            street: Some(format!("{} Synthetic Road", 1 + i)),
            city: text(city),
            postal_zip: Some(format!("V1X 0B{}", i % 10)),
            location_id: Some(BC),
            type_: text("Civil"),
            start: Some(partial(&format!("{}-{month:02}", 2010 + i % 10))),
            // Every tenth patient's address is masked from other users.
            masks: if i % 10 == 0 {
                vec![Mask {
                    extra: Default::default(),
                    mask_id: 300 + i,
                    user_id: Some(24),
                    masked: Some(true),
                    masked_date: Some(date_time(&format!(
                        "2024-02-{:02}T18:00:18.490Z",
                        1 + i % 28
                    ))),
                    last_modified: Some(date_time(&format!(
                        "2024-02-{:02}T18:00:18.490Z",
                        1 + i % 28
                    ))),
                    notes: None,
                    patient_id: Some(id),
                    field_name: text("STREET1"),
                    mask_authorizations: Vec::new(),
                }]
            } else {
                Vec::new()
            },
            ..Address::default()
        }]
    });
    let medeo = (i % 6 == 0).then(|| MedeoPatientId {
        extra: Default::default(),
        medeo_id: Some(50_000 + i),
        medeo_patient_uuid: format!("6d0e0000-0000-4000-8000-{id:012}").parse().ok(),
        medeo_user_uuid: format!("6d0e0001-0000-4000-8000-{id:012}").parse().ok(),
    });
    Patient {
        extra: Default::default(),
        patient_id: Some(id),
        demographics: Some(Demographics {
            extra: Default::default(),
            first_name: first.to_owned(),
            last_name: last.to_owned(),
            middle_name: (i % 9 == 0).then(|| "J".to_owned()),
            title: None,
            suffix: None,
            birthday: Some(date(&format!("{year}-{month:02}-{day:02}"))),
            gender_id: if i % 37 == 36 { 5 } else { 1 + i % 2 },
            email: (i % 5 == 0)
                .then(|| email(id, format!("patient{id}@example.invalid"), "Personal")),
            phones: (!phones.is_empty()).then_some(phones),
            addresses,
            health_card: (i % 7 != 6).then(|| HealthCard {
                extra: Default::default(),
                phn: Some(format!("9{id:09}")),
                location_id: Some(BC),
                expiry: Some(date(&format!("{}-{month:02}-{day:02}", 2027 + i % 5))),
            }),
            preferred_contact_type: text(if i % 3 == 0 { "CellPhone" } else { "HomePhone" }),
            next_kin_name: (i % 4 == 0)
                .then(|| format!("{} {last}", pick(&seed.first_names, i + 1))),
            next_kin_phone: (i % 4 == 0).then(|| {
                phone(
                    10 * id + 2,
                    format!("(250) 555-{:04}", 9_999 - i % 10_000),
                    "HomePhone",
                    1,
                )
            }),
            official_language_code: text("eng"),
            spoken_language_code: text(if i % 11 == 3 { "fra" } else { "eng" }),
            relationship_status_id: None,
        }),
        family_provider_id: Some(1 + i % 7),
        enrolled_provider_id: Some(1 + i % 7),
        enrolled_provider_termination_reason: None,
        enrolled_provide_termination_reason: None,
        office_provider_id: (i % 3 == 1).then_some(1 + (i + 1) % 7),
        referring_provider_id: (i % 8 == 5).then_some(7),
        insurer_id: Some(if i % 20 == 7 { 2 } else { 1 }),
        file_number: Some(format!("F-{id}")),
        uuid: Some(format!("00000000-0000-4000-8000-{id:012}")),
        registration_number: None,
        paper_chart_note: (i % 30 == 15).then(|| seed.notes.paper_chart.clone()),
        paper_chart: Some(i % 30 == 15),
        patient_status_id: if i % 50 == 49 { 2 } else { 1 },
        gestation_age: None,
        employer_contact_id: None,
        pharmacy_contact_id: None,
        referred_date: (i % 8 == 5).then(|| date(&format!("2025-{month:02}-{day:02}"))),
        on_social_assistance: Some(false),
        has_archived_records: Some(false),
        deceased: Some(false),
        deceased_date: None,
        occupation: (i % 4 == 1).then(|| seed.notes.occupation.clone()),
        alert: (i % 25 == 0).then(|| seed.alert.clone()),
        alberta_details: None,
        ontario_details: None,
        nova_scotia_details: None,
        manitoba_details: None,
        medeo_patient_id_dto: medeo,
    }
}

/// Every fourth patient has the drug allergy, every eighth the pollen one
/// too.
pub(super) fn allergies(seed: &Clinic, i: i64) -> Vec<Allergy> {
    if i % 4 != 0 {
        return Vec::new();
    }
    let id = FIRST_PATIENT + i;
    let mut list = vec![Allergy {
        id: Some(10 * id),
        patient_id: Some(id),
        reaction_date: Some(partial(&format!("{}-{:02}", 2015 + i % 8, 1 + i % 12))),
        reported_date: Some(partial(&format!("{}-{:02}-15", 2015 + i % 8, 1 + i % 12))),
        modified_date: Some(date_time(&format!(
            "{}-{:02}-16T09:30:00.000-0800",
            2015 + i % 8,
            1 + i % 12
        ))),
        provider_information: Some(format!("Provider{}, Dr. [{}]", 1 + i % 7, 10_001 + i % 7)),
        ..seed.allergies.drug.clone()
    }];
    if i % 8 == 0 {
        list.push(Allergy {
            id: Some(10 * id + 1),
            patient_id: Some(id),
            // Known to the year only.
            reaction_date: Some(partial(&format!("{}", 2000 + i % 20))),
            ..seed.allergies.pollen.clone()
        });
    }
    list
}

/// Two patients in three have had the influenza vaccine, the even ones of
/// them the tetanus booster too.
pub(super) fn immunizations(seed: &Clinic, i: i64) -> Vec<Immunization> {
    if i % 3 == 2 {
        return Vec::new();
    }
    let id = FIRST_PATIENT + i;
    let mut list = vec![Immunization {
        immunization_id: Some(10 * id + 1),
        patient_id: Some(id),
        lot_number: Some(format!("SYN-{:04}", i % 10_000)),
        // Administered in some month of 2020: Accuro keeps the precision.
        administered_date: Some(partial(&format!("2020-{:02}", 1 + i % 12))),
        ..seed.immunizations.influenza.clone()
    }];
    if i % 2 == 0 {
        list.push(Immunization {
            immunization_id: Some(10 * id + 2),
            patient_id: Some(id),
            lot_number: Some(format!("TB-{:04}", i % 10_000)),
            administered_date: Some(partial(&format!("2021-10-{:02}", 1 + i % 28))),
            ..seed.immunizations.tetanus_booster.clone()
        });
    }
    list
}
