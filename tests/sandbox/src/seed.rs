//! Deterministic synthetic data: the same seed gives the same clinic every time.
//! Every name, number and date here is made up.

use std::collections::{BTreeMap, HashSet};

use accuro_client::shapes::{AccuroDate, AccuroDateTime, HhmmTime};
use accuro_client::types::{
    Appointment, AppointmentDetails, AppointmentHistoryEntry, AppointmentStatus, Demographics,
    Email, Folder, Gender, HealthCard, Insurer, LabResult, LabTest, Location, LookupItem, Office,
    Patient, Phone, Provider, ProviderOffice,
};

const FIRST: [&str; 8] = [
    "Alex", "Sam", "Jo", "Casey", "Robin", "Taylor", "Jamie", "Morgan",
];
const LAST: [&str; 10] = [
    "Sample",
    "Example",
    "Placeholder",
    "Mockwell",
    "Fakeley",
    "Testerson",
    "Dummyford",
    "Stubbs",
    "Fixture",
    "Synthe",
];

/// The first seeded appointment day.
pub const FIRST_DAY: &str = "2026-12-01";
/// The seeded appointment that is locked by "another user" (409 on change).
pub const LOCKED_APPOINTMENT: i64 = 5001;
/// First seeded patient id.
pub const FIRST_PATIENT: i64 = 1001;

/// One appointment and what happened to it.
#[derive(Clone)]
pub struct Booking {
    pub appointment: Appointment,
    pub cancelled: bool,
    pub statuses: Vec<AppointmentStatus>,
    pub history: Vec<AppointmentHistoryEntry>,
}

/// The clinic's data.
pub struct Db {
    pub offices: Vec<Office>,
    pub providers: Vec<Provider>,
    pub patients: BTreeMap<i64, Patient>,
    pub next_patient: i64,
    pub bookings: BTreeMap<i64, Booking>,
    pub next_appointment: i64,
    pub locked: HashSet<i64>,
    pub letters: usize,
    pub next_document: i64,
}

pub fn lookup(names: &[&str]) -> Vec<LookupItem> {
    names
        .iter()
        .zip(1..)
        .map(|(name, id)| LookupItem {
            id: Some(id),
            name: Some((*name).to_owned()),
            description: None,
            active: Some(true),
        })
        .collect()
}

pub fn genders() -> Vec<Gender> {
    ["Male", "Female", "Other", "Unknown"]
        .iter()
        .zip(1..)
        .map(|(n, id)| Gender {
            gender_id: Some(id),
            name: Some((*n).to_owned()),
        })
        .collect()
}

pub fn locations() -> Vec<Location> {
    [
        ("British Columbia", "BC"),
        ("Alberta", "AB"),
        ("Saskatchewan", "SK"),
        ("Manitoba", "MB"),
        ("Ontario", "ON"),
    ]
    .iter()
    .zip(1..)
    .map(|((n, a), id)| Location {
        location_id: Some(id),
        name: Some((*n).to_owned()),
        abbreviation: Some((*a).to_owned()),
    })
    .collect()
}

pub fn insurers() -> Vec<Insurer> {
    ["Synthetic Provincial Plan", "Example Extended Health"]
        .iter()
        .zip(1..)
        .map(|(n, id)| Insurer {
            insurer_id: Some(id),
            name: Some((*n).to_owned()),
        })
        .collect()
}

pub fn folders() -> Vec<Folder> {
    vec![
        Folder {
            folder_id: Some(11),
            name: Some("Lab reports".into()),
            parent_id: None,
        },
        Folder {
            folder_id: Some(12),
            name: Some("Consult letters".into()),
            parent_id: None,
        },
        Folder {
            folder_id: Some(13),
            name: Some("Imaging".into()),
            parent_id: Some(11),
        },
    ]
}

pub fn lab_tests() -> Vec<LabTest> {
    [("Synthetic panel", "SYN-1"), ("Example count", "SYN-2")]
        .iter()
        .zip(501..)
        .map(|((n, c), id)| LabTest {
            test_id: Some(id),
            name: Some((*n).to_owned()),
            code: Some((*c).to_owned()),
        })
        .collect()
}

pub fn provider_offices(db: &Db) -> Vec<ProviderOffice> {
    db.providers
        .iter()
        .map(|p| ProviderOffice {
            provider_id: p.provider_id,
            office_id: p.provider_id.map(|id| 1 + (id - 1) % 3),
        })
        .collect()
}

fn date(s: &str) -> AccuroDate {
    s.parse()
        .unwrap_or_else(|_| unreachable!("seed dates are valid"))
}

fn date_time(s: &str) -> AccuroDateTime {
    s.parse()
        .unwrap_or_else(|_| unreachable!("seed date-times are valid"))
}

fn hhmm(v: i32) -> HhmmTime {
    HhmmTime::try_from(v).unwrap_or_else(|_| unreachable!("seed times are valid"))
}

/// Lab results of a patient (some patients have none).
pub fn lab_results(patient_id: i64) -> Vec<LabResult> {
    if patient_id % 3 != 0 {
        return Vec::new();
    }
    (0..2)
        .map(|i| LabResult {
            result_id: Some(patient_id * 10 + i),
            test_id: Some(501 + i),
            patient_id: Some(patient_id),
            value: Some(format!("{}.{}", 4 + i, patient_id % 10)),
            units: Some("mmol/L".into()),
            reference_range: Some("3.5-5.5".into()),
            abnormal: Some(false),
            collected_at: Some(date_time(&format!("2026-0{}-15T08:30:00.000-0800", 1 + i))),
        })
        .collect()
}

pub fn allergies(patient_id: i64) -> Vec<accuro_client::types::Allergy> {
    if patient_id % 4 != 0 {
        return Vec::new();
    }
    vec![accuro_client::types::Allergy {
        allergy_id: Some(patient_id * 10),
        patient_id: Some(patient_id),
        description: Some("Synthetic allergen".into()),
        severity: Some("Mild".into()),
        reaction: Some("Synthetic rash".into()),
        start_date: Some(date("2019-01-31")),
    }]
}

pub fn immunizations(patient_id: i64) -> Vec<accuro_client::types::Immunization> {
    vec![accuro_client::types::Immunization {
        immunization_id: Some(patient_id * 10 + 1),
        patient_id: Some(patient_id),
        name: Some("Synthetic vaccine".into()),
        date: Some(date_time("2020-05-06T00:00:00.000")),
        lot: Some(format!("LOT-{patient_id}")),
    }]
}

fn patient(i: i64) -> Patient {
    let id = FIRST_PATIENT + i;
    let first = FIRST[(i as usize) % FIRST.len()];
    let last = LAST[(i as usize / FIRST.len()) % LAST.len()];
    let year = 1940 + (i % 60);
    let month = 1 + (i % 12);
    let day = 1 + (i % 28);
    // Half the birthdays carry an offset, half none, as Accuro sends them.
    let birthday = if i % 2 == 0 {
        format!("{year}-{month:02}-{day:02}T00:00:00.000-0800")
    } else {
        format!("{year}-{month:02}-{day:02}T00:00:00.000")
    };
    Patient {
        patient_id: Some(id),
        demographics: Some(Demographics {
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            birthday: Some(date_time(&birthday)),
            gender_id: Some(1 + i % 2),
            email: Some(Email {
                address: Some(format!("patient{id}@example.invalid")),
                contact_method: Some(i % 5 == 0),
            }),
            phones: Some(vec![Phone {
                type_: Some("home".into()),
                number: Some(format!("250-555-{:04}", i % 10_000)),
                extension: None,
                primary: Some(true),
            }]),
            addresses: None,
            health_card: Some(HealthCard {
                phn: Some(format!("9{:09}", id)),
                location_id: Some(1),
                expiry: Some(date(&format!("{}-{month:02}-{day:02}", 2027 + i % 5))),
            }),
        }),
        family_provider_id: Some(1 + i % 8),
        enrolled_provider_id: Some(1 + i % 8),
        office_provider_id: None,
        referring_provider_id: None,
        insurer_id: Some(1),
        file_number: Some(format!("F-{id}")),
        uuid: Some(format!("00000000-0000-4000-8000-{id:012}")),
        patient_status_id: Some(1),
    }
}

/// Builds the clinic: 3 offices, 8 providers, `patients` patients and two
/// weeks of appointments from [`FIRST_DAY`].
pub fn clinic(patients: usize) -> Db {
    let offices = [
        "Synthetic Family Clinic",
        "Example Walk-in",
        "Placeholder Health Centre",
    ]
    .iter()
    .zip(1..)
    .map(|(name, id)| Office {
        office_id: Some(id),
        name: Some((*name).to_owned()),
        address1: Some(format!("{} Example Street", 100 * id)),
        address2: None,
        city: Some("Kelowna".into()),
        province: Some("BC".into()),
        postal_code: Some("V1V 0A0".into()),
        country: Some("Canada".into()),
        phone: Some(format!("250-555-01{id:02}")),
        fax: None,
    })
    .collect();
    let providers = (1..=8)
        .map(|id: i64| Provider {
            provider_id: Some(id),
            first_name: Some(FIRST[(id as usize + 3) % FIRST.len()].to_owned()),
            last_name: Some(format!("Provider{id}")),
            specialty: Some(serde_json::json!("Family Medicine")),
            default_office: Some(serde_json::json!(1 + (id - 1) % 3)),
            practitioner_number: Some(format!("{:05}", 10_000 + id)),
            phones: None,
            email: Some(serde_json::json!(format!("provider{id}@example.invalid"))),
        })
        .collect();
    let patients: BTreeMap<i64, Patient> = (0..patients as i64)
        .map(|i| (FIRST_PATIENT + i, patient(i)))
        .collect();
    let mut bookings = BTreeMap::new();
    for i in 0..60i64 {
        let id = LOCKED_APPOINTMENT + i;
        let day = format!("2026-12-{:02}", 1 + i / 5);
        let start = 900 + (i % 5) * 100;
        let appointment = Appointment {
            appointment_id: Some(id),
            date: Some(date(&day)),
            start_time: Some(hhmm(start as i32)),
            end_time: Some(hhmm(start as i32 + 15)),
            sub_column: Some(0),
            patient_id: Some(FIRST_PATIENT + (i * 7) % patients.len().max(1) as i64),
            provider_id: Some(1 + i % 8),
            resource_id: Some(1 + i % 8),
            office_id: Some(1 + i % 3),
            appointment_details: Some(AppointmentDetails {
                billing_provider_id: Some(1 + i % 8),
                notes: None,
                alerts: None,
                reason_id: Some(1 + i % 3),
                type_id: Some(1 + i % 2),
                priority_id: Some(1),
                arrived: Some(false),
                confirmed: Some(i % 2 == 0),
                service_location: None,
            }),
        };
        bookings.insert(id, booked(appointment, "2026-11-20T09:15:00.000-0800"));
    }
    Db {
        offices,
        providers,
        patients,
        next_patient: FIRST_PATIENT + 100_000,
        bookings,
        next_appointment: LOCKED_APPOINTMENT + 10_000,
        locked: HashSet::from([LOCKED_APPOINTMENT]),
        letters: 0,
        next_document: 7001,
    }
}

/// A new booking with its first status and history entry.
pub fn booked(appointment: Appointment, at: &str) -> Booking {
    let at = date_time(at);
    Booking {
        appointment,
        cancelled: false,
        statuses: vec![AppointmentStatus {
            status_id: Some(1),
            name: Some("Booked".into()),
            changed_at: Some(at),
            user_id: Some(1),
        }],
        history: vec![AppointmentHistoryEntry {
            changed_at: Some(at),
            user_id: Some(1),
            action: Some("Created".into()),
            details: None,
        }],
    }
}
