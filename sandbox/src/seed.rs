//! Deterministic synthetic data: the same seed gives the same clinic every time.
//! Every name, number, address and date here is made up.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use accuro_client::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, HhmmTime};
use accuro_client::types::{
    Address, Allergy, Appointment, AppointmentDetails, AppointmentHistoryEntry,
    AppointmentPriority, AppointmentReason, AppointmentType, Color, ColorComponents,
    ColorComponentsColorSpace, Demographics, Email, Folder, Gender, HealthCard, Immunization,
    ImmunizationAge, Insurer, LabResult, LabTest, Letter, LetterType, Location, Mask,
    MedeoPatientId, Office, Patient, PatientFlag, Phone, Provider, ProviderAddress,
    ProviderAddressValue, ProviderType, SchedulerSite, SchedulerStatus, SubFolder, UserTask,
    WaitlistRequest,
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
const CITIES: [&str; 4] = ["Kelowna", "Vernon", "Penticton", "Kamloops"];

/// The first seeded appointment day.
pub const FIRST_DAY: &str = "2026-12-01";
/// The seeded appointment that is locked by "another user" (409 on change).
pub const LOCKED_APPOINTMENT: i64 = 5001;
/// First seeded patient id.
pub const FIRST_PATIENT: i64 = 1001;
/// First seeded task id (24 tasks, created in November 2026).
pub const FIRST_TASK: i64 = 1;
/// First seeded waitlist request id (12 requests).
pub const FIRST_WAITLIST_REQUEST: i64 = 1;

/// The sandbox's "now": writes are stamped from here on, a minute apart.
const NOW: (&str, u32) = ("2026-11-29", 12);
/// The Accuro user the sandbox's writes are made as.
pub const SERVICE_USER: &str = "synthetic.integration";
/// That user's id.
pub const SERVICE_USER_ID: i32 = 90;
/// The Accuro user who made the seeded records.
const FRONT_DESK: &str = "synthetic.frontdesk";
/// That user's id.
const FRONT_DESK_ID: i32 = 91;

/// One appointment with its custom statuses and its history.
#[derive(Clone)]
pub struct Booking {
    pub appointment: Appointment,
    /// Ids of [`scheduler_statuses`] set on it.
    pub statuses: Vec<i64>,
    pub history: Vec<AppointmentHistoryEntry>,
}

/// A document filed in a patient's chart.
#[derive(Clone, Copy)]
pub struct Document {
    pub patient_id: i64,
    pub folder_id: i64,
    pub sub_folder_id: Option<i64>,
}

/// The clinic's data.
pub struct Db {
    pub offices: Vec<Office>,
    pub providers: Vec<Provider>,
    pub patients: BTreeMap<i64, Patient>,
    pub allergies: BTreeMap<i64, Vec<Allergy>>,
    pub immunizations: BTreeMap<i64, Vec<Immunization>>,
    pub next_patient: i64,
    pub bookings: BTreeMap<i64, Booking>,
    pub next_appointment: i64,
    pub locked: HashSet<i64>,
    pub letters: BTreeMap<i64, Letter>,
    pub next_letter: i64,
    pub documents: BTreeMap<i64, Document>,
    pub next_document: i64,
    /// User tasks by id; a deleted one keeps `deleted: true`.
    pub tasks: BTreeMap<i64, UserTask>,
    pub next_task: i64,
    /// Waitlist requests by id.
    pub waitlists: BTreeMap<i64, WaitlistRequest>,
    pub next_waitlist: i64,
    next_history: i64,
    /// Minutes after [`NOW`] of the next write.
    clock: u32,
}

fn date(s: &str) -> AccuroDate {
    s.parse()
        .unwrap_or_else(|_| unreachable!("seed dates are valid"))
}

fn date_time(s: &str) -> AccuroDateTime {
    s.parse()
        .unwrap_or_else(|_| unreachable!("seed date-times are valid"))
}

fn partial(s: &str) -> AccuroPartialDate {
    s.parse()
        .unwrap_or_else(|_| unreachable!("seed partial dates are valid"))
}

fn hhmm(v: i64) -> HhmmTime {
    HhmmTime::try_from(v).unwrap_or_else(|_| unreachable!("seed times are valid"))
}

fn text(s: &str) -> Option<String> {
    Some(s.to_owned())
}

fn phone(id: i64, number: String, contact_type: &str, order: i32) -> Phone {
    Phone {
        phone_id: Some(id),
        number: Some(number),
        contact_type: text(contact_type),
        order: Some(order.into()),
        ..Phone::default()
    }
}

fn email(id: i64, address: String, kind: &str) -> Email {
    Email {
        email_id: Some(id),
        type_: text(kind),
        address: Some(address),
        order: 1,
    }
}

/// `8:00am`, `1:15pm`: how Accuro's history writes a start time.
fn twelve_hour(t: HhmmTime) -> String {
    let hour = match t.hour() % 12 {
        0 => 12,
        h => h,
    };
    let half = if t.hour() < 12 { "am" } else { "pm" };
    format!("{hour}:{:02}{half}", t.minute())
}

// Lookups.

pub fn genders() -> Vec<Gender> {
    [
        ("Male", "M", true, true),
        ("Female", "F", true, false),
        ("Other", "O", true, false),
        ("Unknown", "U", true, false),
        ("Non-binary", "X", false, false),
    ]
    .into_iter()
    .zip(1..)
    .map(|((name, short, built_in, male), id)| Gender {
        id: Some(id),
        name: text(name),
        built_in: Some(built_in),
        short_name: text(short),
        simplifies_to_male: Some(male),
    })
    .collect()
}

pub fn locations() -> Vec<Location> {
    [
        ("AB", "Alberta"),
        ("BC", "British Columbia"),
        ("MB", "Manitoba"),
        ("NB", "New Brunswick"),
        ("NL", "Newfoundland and Labrador"),
        ("NS", "Nova Scotia"),
        ("NT", "Northwest Territories"),
        ("NU", "Nunavut"),
        ("ON", "Ontario"),
        ("PE", "Prince Edward Island"),
        ("QC", "Quebec"),
        ("SK", "Saskatchewan"),
        ("YT", "Yukon"),
        ("WA", "Washington"),
    ]
    .into_iter()
    .zip(1..)
    .map(|((province, description), id)| Location {
        location_id: Some(id),
        province: text(province),
        country: text(if province == "WA" { "USA" } else { "Canada" }),
        description: text(description),
    })
    .collect()
}

/// British Columbia's `locationId`.
const BC: i64 = 2;

pub fn insurers() -> Vec<Insurer> {
    vec![
        Insurer {
            insurer_id: Some(1),
            name: text("Synthetic Provincial Plan"),
            display_name: text("Synthetic Plan"),
            private: Some(false),
            tax_exempt: Some(true),
            external_id: text("SPP"),
            zero_bill_amount: Some(false),
            for_all_patients: Some(true),
            is_icbc: Some(false),
            is_wcb: Some(false),
            is_msp: Some(true),
            active: Some(true),
            group_code: text("1"),
            price_list_id: Some(1),
            immediate_payment_required: Some(false),
            sort_priority: Some(1),
            deleted: Some(false),
            regional_medical_associates: Some(false),
            office_phone: Some(phone(901, "(250) 555-0190".into(), "OfficePhone", 1)),
            address: Some(Address {
                street: text("1 Example Plaza"),
                city: text("Victoria"),
                postal_zip: text("V0V 0A1"),
                location_id: Some(BC),
                ..Address::default()
            }),
            ..Insurer::default()
        },
        Insurer {
            insurer_id: Some(2),
            name: text("Example Extended Health"),
            display_name: text("Example Health"),
            private: Some(true),
            tax_exempt: Some(false),
            zero_bill_amount: Some(false),
            for_all_patients: Some(false),
            is_icbc: Some(false),
            is_wcb: Some(false),
            is_msp: Some(false),
            active: Some(true),
            immediate_payment_required: Some(true),
            sort_priority: Some(2),
            deleted: Some(false),
            email: Some(email(
                902,
                "claims@health.example.invalid".into(),
                "Business",
            )),
            fax_phone: Some(phone(903, "(604) 555-0191".into(), "FaxPhone", 1)),
            ..Insurer::default()
        },
        Insurer {
            insurer_id: Some(3),
            name: text("Sample Workers Compensation"),
            display_name: text("Sample WC"),
            private: Some(false),
            is_icbc: Some(false),
            is_wcb: Some(true),
            is_msp: Some(false),
            active: Some(true),
            sort_priority: Some(3),
            deleted: Some(false),
            ..Insurer::default()
        },
    ]
}

/// `(typeId, name, cambianName, physician)`.
const PROVIDER_TYPES: [(i64, &str, &str, bool); 4] = [
    (1, "Family Practice", "FAMILY_PRACTICE", true),
    (2, "Nurse Practitioner", "NURSE_PRACTITIONER", false),
    (3, "Pediatrics", "PEDIATRICS", true),
    (4, "Dermatology", "DERMATOLOGY", true),
];

pub fn provider_types() -> Vec<ProviderType> {
    PROVIDER_TYPES
        .iter()
        .map(|&(id, name, cambian, physician)| ProviderType {
            type_id: Some(id),
            parent_type_id: Some(if physician { 1 } else { id }),
            name: text(name),
            cambian_name: text(cambian),
            selectable: Some(true),
            physician: Some(physician),
        })
        .collect()
}

pub fn provider_statuses() -> BTreeMap<String, String> {
    id_names(&[(1, "Active"), (2, "Inactive")])
}

/// Specialty codes and names.
const SPECIALTIES: [(i64, &str); 5] = [
    (1, "Family Practice"),
    (2, "Pediatrics"),
    (3, "Dermatology"),
    (4, "Internal Medicine"),
    (5, "Geriatrics"),
];

pub fn specialties() -> BTreeMap<String, String> {
    id_names(&SPECIALTIES)
}

/// The specialties of one provider: its own, and a second one for some.
pub fn provider_specialties(provider: &Provider) -> BTreeMap<String, String> {
    let own = provider.specialty.as_deref().unwrap_or_default();
    let second = (provider.provider_id.unwrap_or(0) % 4 == 1).then_some("Internal Medicine");
    SPECIALTIES
        .iter()
        .filter(|(_, name)| *name == own || Some(*name) == second)
        .map(|(code, name)| (code.to_string(), (*name).to_owned()))
        .collect()
}

fn id_names(items: &[(i64, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(id, name)| (id.to_string(), (*name).to_owned()))
        .collect()
}

fn hex(s: &str) -> Option<Color> {
    Some(Color::String(s.to_owned()))
}

/// A colour the way the server's `java.awt.Color` serializes.
fn awt_color(red: i32, green: i32, blue: i32) -> Option<Color> {
    Some(Color::ColorComponents(ColorComponents {
        red: Some(red),
        green: Some(green),
        blue: Some(blue),
        alpha: Some(255),
        rgb: Some(
            ((0xFFu32 << 24) | ((red as u32) << 16) | ((green as u32) << 8) | blue as u32) as i32,
        ),
        color_space: Some(ColorComponentsColorSpace {
            type_: Some(5),
            num_components: Some(3),
            cs_s_rgb: Some(true),
        }),
        transparency: Some(1),
    }))
}

pub fn appointment_types() -> Vec<AppointmentType> {
    [
        (1, "Office Visit", hex("#33CCFF"), true, 1),
        (2, "Phone Visit", awt_color(255, 204, 0), true, 1),
        (3, "Walk-In", hex("#99CC66"), false, 2),
        (4, "Video Visit", hex("#CC99FF"), true, 3),
    ]
    .into_iter()
    .map(|(id, name, color, shared, office)| AppointmentType {
        type_id: Some(id),
        name: text(name),
        color,
        shared: Some(shared),
        office_id: Some(office),
    })
    .collect()
}

pub fn appointment_reasons() -> Vec<AppointmentReason> {
    [
        (1, "Check-up", 1, true, 1),
        (2, "Follow-up", 2, true, 1),
        (3, "New concern", 3, false, 2),
        (4, "Prescription renewal", 4, true, 3),
    ]
    .into_iter()
    .map(|(id, name, physician, shared, office)| AppointmentReason {
        reason_id: Some(id),
        name: text(name),
        physician_id: Some(physician),
        shared: Some(shared),
        office_id: Some(office),
    })
    .collect()
}

/// Custom statuses an appointment can carry.
const CONFIRMED_BY_PHONE: i64 = 3;
const REMINDER_SENT: i64 = 4;

pub fn scheduler_statuses() -> Vec<SchedulerStatus> {
    [
        (1, "No Show", "NS", "CIRCLE", hex("#FF6666")),
        (2, "Arrived", "AR", "SQUARE", hex("#66CC66")),
        (
            CONFIRMED_BY_PHONE,
            "Confirmed by Phone",
            "CP",
            "TRIANGLE",
            hex("#3399FF"),
        ),
        (
            REMINDER_SENT,
            "Reminder Sent",
            "RS",
            "NONE",
            awt_color(204, 204, 204),
        ),
        (5, "Ready for Billing", "RB", "SQUARE", hex("#FFCC00")),
    ]
    .into_iter()
    .map(|(id, name, abbreviation, shape, color)| SchedulerStatus {
        status_id: Some(id),
        status_name: name.to_owned(),
        status_abbreviation: abbreviation.to_owned(),
        shape: text(shape),
        color,
    })
    .collect()
}

pub fn appointment_priorities() -> Vec<AppointmentPriority> {
    ["Routine", "Urgent", "Emergency"]
        .into_iter()
        .zip(1..)
        .map(|(name, id)| AppointmentPriority {
            priority_id: Some(id),
            priority_name: text(name),
        })
        .collect()
}

pub fn scheduler_sites() -> Vec<SchedulerSite> {
    [
        ("Examination Room 1", "EX1", "Exam 1", 1, true),
        ("Examination Room 2", "EX2", "Exam 2", 1, true),
        ("Procedure Room", "PR", "Procedure", 1, true),
        ("Consult Room A", "CRA", "Consult A", 2, true),
        ("Consult Room B", "CRB", "Consult B", 2, true),
        ("Telehealth Suite", "TEL", "Telehealth", 3, true),
        ("Old Annex", "OLD", "Annex", 3, false),
    ]
    .into_iter()
    .zip(1..)
    .map(
        |((name, abbreviation, short, office, active), id)| SchedulerSite {
            site_id: Some(id),
            name: text(name),
            abbreviation: text(abbreviation),
            short_name: text(short),
            site_office_id: Some(office),
            active: Some(active),
        },
    )
    .collect()
}

/// Every letter type, the inactive ones too (the endpoint lists the active ones).
pub fn letter_types() -> Vec<LetterType> {
    [
        ("Clinical Note", "CN", true),
        ("Referral Letter", "RL", true),
        ("Consult Letter", "CL", true),
        ("Discharge Summary", "DS", true),
        ("Retired Form", "RF", false),
    ]
    .into_iter()
    .zip(1..)
    .map(|((name, abbreviation, active), id)| LetterType {
        type_id: Some(id),
        type_name: text(name),
        active: Some(active),
        abbreviation: text(abbreviation),
    })
    .collect()
}

pub fn folders() -> Vec<Folder> {
    let folder = |id: i64, name: &str, subs: &[(i64, &str)]| Folder {
        id: Some(id),
        name: name.to_owned(),
        sub_folders: subs
            .iter()
            .map(|(id, name)| SubFolder {
                id: Some(*id),
                name: (*name).to_owned(),
            })
            .collect(),
    };
    vec![
        folder(11, "Lab reports", &[]),
        folder(
            12,
            "Consult letters",
            &[(1, "Cardiology"), (2, "Dermatology")],
        ),
        folder(13, "Imaging", &[(3, "X-Ray"), (4, "Ultrasound")]),
        folder(14, "Document", &[(5, "Family History"), (6, "Allergy")]),
    ]
}

pub fn lab_tests() -> Vec<LabTest> {
    [
        ("Synthetic panel", 5, true),
        ("Example count", 5, true),
        ("Placeholder lipid panel", 7, true),
        ("Retired synthetic test", 7, false),
    ]
    .into_iter()
    .zip(501..)
    .map(|((name, source, active), id)| LabTest {
        test_id: Some(id),
        test_name: text(name),
        source_id: Some(source),
        active: Some(active),
    })
    .collect()
}

/// `(testId, resultId, name, dataType, units, referenceRange, description)`.
type ResultRow = (
    i64,
    i64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const LAB_RESULTS: [ResultRow; 8] = [
    (
        501,
        601,
        "Synthetic potassium",
        "Numeric",
        "mmol/L",
        "3.5-5.5",
        "Serum potassium",
    ),
    (
        501,
        602,
        "Synthetic sodium",
        "Numeric",
        "mmol/L",
        "135-145",
        "Serum sodium",
    ),
    (
        501,
        603,
        "Synthetic panel comment",
        "Text",
        "",
        "",
        "Free-text comment",
    ),
    (
        502,
        604,
        "Example leukocyte count",
        "Numeric",
        "10*9/L",
        "4.0-11.0",
        "White cells",
    ),
    (
        503,
        605,
        "Placeholder LDL",
        "Numeric",
        "mmol/L",
        "< 3.5",
        "LDL cholesterol",
    ),
    (
        503,
        606,
        "Placeholder HDL",
        "Numeric",
        "mmol/L",
        "> 1.0",
        "HDL cholesterol",
    ),
    (
        503,
        607,
        "Placeholder triglycerides",
        "Numeric",
        "mmol/L",
        "< 1.7",
        "Triglycerides",
    ),
    (
        504,
        608,
        "BP - Diastolic",
        "Unidentified",
        "mmHg",
        "< 80",
        "Arterial pressure between beats",
    ),
];

/// The result templates of one test, or of every test.
pub fn lab_results(test: Option<i64>) -> Vec<LabResult> {
    LAB_RESULTS
        .iter()
        .filter(|r| test.is_none_or(|t| t == r.0))
        .map(
            |&(test_id, id, name, data_type, units, range, description)| LabResult {
                result_id: Some(id),
                result_name: text(name),
                data_type: text(data_type),
                units: (!units.is_empty()).then(|| units.to_owned()),
                source_id: Some(if test_id < 503 { 5 } else { 7 }),
                imperial: Some(false),
                description: text(description),
                reference_range: (!range.is_empty()).then(|| range.to_owned()),
                active: Some(test_id != 504),
            },
        )
        .collect()
}

// Offices and providers.

fn offices() -> Vec<Office> {
    [
        ("Synthetic Family Clinic", "SFC", "Kelowna", true),
        ("Example Walk-in", "EWI", "Kelowna", true),
        ("Placeholder Health Centre", "PHC", "Vernon", true),
    ]
    .into_iter()
    .zip(1..)
    .map(
        |((name, abbreviation, city, active), id): ((_, _, _, _), i64)| Office {
            office_id: Some(id),
            name: text(name),
            address: Some(Address {
                street: Some(format!("{} Example Street", 100 * id)),
                city: text(city),
                postal_zip: Some(format!("V1V 0A{id}")),
                location_id: Some(BC),
                type_: text("Civil"),
                ..Address::default()
            }),
            office_phone: Some(Phone {
                ext: (id == 2).then(|| "12".to_owned()),
                ..phone(
                    10 * id,
                    format!("(250) 555-01{:02}", 2 * id - 1),
                    "OfficePhone",
                    1,
                )
            }),
            fax: (id != 3).then(|| {
                phone(
                    10 * id + 1,
                    format!("(250) 555-01{:02}", 2 * id),
                    "FaxPhone",
                    2,
                )
            }),
            email: Some(email(
                id,
                format!("front-desk@office{id}.example.invalid"),
                "Business",
            )),
            website: (id != 3).then(|| format!("https://office{id}.example.invalid/")),
            facility_number: Some(format!("{:05}", 100 + id)),
            abbreviation: text(abbreviation),
            active: Some(active),
        },
    )
    .collect()
}

fn provider(id: i64) -> Provider {
    let office = 1 + (id - 1) % 3;
    let (type_id, specialty) = match id {
        6 => (2, "Family Practice"),
        7 => (3, "Pediatrics"),
        8 => (4, "Dermatology"),
        _ => (1, "Family Practice"),
    };
    let mut phones = vec![Phone {
        ext: (id % 3 == 0).then(|| format!("2{id}")),
        ..phone(100 + id, format!("(250) 555-02{id:02}"), "WorkPhone", 1)
    }];
    if id % 2 == 1 {
        phones.push(phone(
            200 + id,
            format!("(778) 555-02{id:02}"),
            "CellPhone",
            2,
        ));
    }
    Provider {
        provider_id: Some(id),
        status_id: Some(if id == 8 { 2 } else { 1 }),
        type_id,
        title: (type_id != 2).then(|| "Dr.".to_owned()),
        first_name: FIRST[(id as usize + 3) % FIRST.len()].to_owned(),
        middle_name: (id % 4 == 0).then(|| "Q".to_owned()),
        last_name: format!("Provider{id}"),
        suffix: None,
        // Provider 8 carries its address as a plain string, as QHR's own
        // example does; the others as the server's object.
        address: Some(if id == 8 {
            ProviderAddressValue::String("8 Placeholder Lane, Vernon".to_owned())
        } else {
            ProviderAddressValue::ProviderAddress(ProviderAddress {
                street: Some(format!("{} Example Street", 100 * office)),
                city: text(if office == 3 { "Vernon" } else { "Kelowna" }),
                postal_zip: Some(format!("V1V 0A{office}")),
                location_id: Some(BC),
                masks: Vec::new(),
            })
        }),
        phones,
        email: Some(email(
            100 + id,
            format!("provider{id}@example.invalid"),
            "Business",
        )),
        specialty: text(specialty),
        default_office: Some(office),
        cpso_number: (id == 7).then(|| format!("{:07}", 99_000 + id)),
        practitioner_number: Some(format!("{:05}", 10_000 + id)),
    }
}

// Patients and their charts.

fn patient(i: i64) -> Patient {
    let id = FIRST_PATIENT + i;
    let first = FIRST[(i as usize) % FIRST.len()];
    let last = LAST[(i as usize / FIRST.len()) % LAST.len()];
    let (year, month, day) = (1940 + (i % 60), 1 + (i % 12), 1 + (i % 28));
    let city = CITIES[(i as usize) % CITIES.len()];
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
            notes: (i % 6 == 0).then(|| "Texts preferred".to_owned()),
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
        medeo_id: Some(50_000 + i),
        medeo_patient_uuid: format!("6d0e0000-0000-4000-8000-{id:012}").parse().ok(),
        medeo_user_uuid: format!("6d0e0001-0000-4000-8000-{id:012}").parse().ok(),
    });
    Patient {
        patient_id: Some(id),
        demographics: Some(Demographics {
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
                phn: Some(format!("9{id:09}")),
                location_id: Some(BC),
                expiry: Some(date(&format!("{}-{month:02}-{day:02}", 2027 + i % 5))),
            }),
            preferred_contact_type: text(if i % 3 == 0 { "CellPhone" } else { "HomePhone" }),
            next_kin_name: (i % 4 == 0)
                .then(|| format!("{} {last}", FIRST[(i as usize + 1) % FIRST.len()])),
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
        paper_chart_note: (i % 30 == 15).then(|| "Older visits on paper".to_owned()),
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
        occupation: (i % 4 == 1).then(|| "Synthetic occupation".to_owned()),
        alert: (i % 25 == 0).then(|| PatientFlag {
            message: text("Synthetic alert: prefers afternoon appointments"),
            last_updated: Some(date_time("2016-02-16T00:00:00.000")),
            flag_user: Some(12),
        }),
        alberta_details: None,
        ontario_details: None,
        nova_scotia_details: None,
        manitoba_details: None,
        medeo_patient_id_dto: medeo,
    }
}

fn allergies(i: i64) -> Vec<Allergy> {
    if i % 4 != 0 {
        return Vec::new();
    }
    let id = FIRST_PATIENT + i;
    let mut list = vec![Allergy {
        id: Some(10 * id),
        patient_id: Some(id),
        allergy_id: Some(12),
        allergy_name: text("Synthetic penicillin-like drug"),
        allergy_type: text("DRUG_ALLERGY"),
        clinical_status: text("ConfirmedOrVerified"),
        severity_code: text("Moderate"),
        reaction_code: text("RashHives"),
        reaction_date: Some(partial(&format!("{}-{:02}", 2015 + i % 8, 1 + i % 12))),
        reported_date: Some(partial(&format!("{}-{:02}-15", 2015 + i % 8, 1 + i % 12))),
        modified_date: Some(date_time(&format!(
            "{}-{:02}-16T09:30:00.000-0800",
            2015 + i % 8,
            1 + i % 12
        ))),
        life_stage_type: text("Adult"),
        masked: Some(false),
        medication_type: text("DIN"),
        drug_code: text("00000012"),
        patient_reaction: text("Hives"),
        provider_information: Some(format!("Provider{}, Dr. [{}]", 1 + i % 7, 10_001 + i % 7)),
        legacy: Some(false),
        ..Allergy::default()
    }];
    if i % 8 == 0 {
        list.push(Allergy {
            id: Some(10 * id + 1),
            patient_id: Some(id),
            allergy_id: Some(40),
            allergy_name: text("Synthetic pollen"),
            allergy_type: text("NON_DRUG_ALLERGY"),
            clinical_status: text("Suspect"),
            severity_code: text("Mild"),
            reaction_code: text("Other"),
            // Known to the year only.
            reaction_date: Some(partial(&format!("{}", 2000 + i % 20))),
            reported_date: Some(partial("2019-01-31")),
            modified_date: Some(date_time("2019-02-01T09:30:00.000")),
            reaction_description: text("Sneezing in spring"),
            masked: Some(false),
            legacy: Some(false),
            ..Allergy::default()
        });
    }
    list
}

fn immunizations(i: i64) -> Vec<Immunization> {
    if i % 3 == 2 {
        return Vec::new();
    }
    let id = FIRST_PATIENT + i;
    let mut list = vec![Immunization {
        immunization_id: Some(10 * id + 1),
        patient_id: Some(id),
        vaccine_id: Some(151),
        vaccine_name: text("Synthetic influenza vaccine"),
        code_value: text("00000151"),
        code_table: text("DIN"),
        manufacturer: text("Example Biologics"),
        lot_number: Some(format!("SYN-{:04}", i % 10_000)),
        expiry_date: Some(date_time("2021-05-06T00:00:00.000-0700")),
        dose: text("0.5ml"),
        // Administered in some month of 2020: Accuro keeps the precision.
        administered_date: Some(partial(&format!("2020-{:02}", 1 + i % 12))),
        site: text("Left deltoid"),
        route: text("IM"),
        status: text("completed"),
        administered_in_clinic: Some(true),
        ..Immunization::default()
    }];
    if i % 2 == 0 {
        list.push(Immunization {
            immunization_id: Some(10 * id + 2),
            patient_id: Some(id),
            immunization_age: Some(ImmunizationAge {
                id: text("4"),
                years: Some(0),
                months: Some(2),
                custom_name: None,
                from_scheduled_date: Some(false),
            }),
            vaccine_id: Some(152),
            vaccine_name: text("Synthetic tetanus booster"),
            lot_number: Some(format!("TB-{:04}", i % 10_000)),
            expiry_date: Some(date_time("2023-10-31T00:00:00.000-0700")),
            administered_date: Some(partial(&format!("2021-10-{:02}", 1 + i % 28))),
            route: text("IM"),
            status: text("completed"),
            administered_in_clinic: Some(false),
            administered_location: text("Synthetic pharmacy"),
            ..Immunization::default()
        });
    }
    list
}

// Tasks and waitlist requests.

/// The reasons seeded tasks have (`GET /tasks?reason=` filters on them).
pub const TASK_REASONS: [&str; 5] = [
    "Call patient",
    "Review lab result",
    "Renew prescription",
    "Book follow-up",
    "Scan paper chart",
];

/// The seeded patient `i` points at (`None` in a clinic without patients).
fn some_patient(i: i64, patients: i64) -> Option<i32> {
    (patients > 0)
        .then(|| FIRST_PATIENT + i % patients)
        .and_then(|id| i32::try_from(id).ok())
}

/// Task `i`: created in November 2026 (day 5 + `i`), due in December, every
/// fourth one completed, assigned to a user and, every third, a role too.
fn task(i: i64, patients: i64) -> UserTask {
    let completed = i % 4 == 3;
    let office = |n: i64| i32::try_from(1 + n % 3).ok();
    UserTask {
        id: i32::try_from(FIRST_TASK + i).ok(),
        assigned_to_user_ids: vec![1 + (i % 4) as i32],
        assigned_to_role_ids: if i % 3 == 0 { vec![2] } else { Vec::new() },
        patient_id: (i % 5 != 4)
            .then(|| some_patient(i * 11, patients))
            .flatten(),
        reason: text(TASK_REASONS[i as usize % TASK_REASONS.len()]),
        notes: (i % 2 == 0).then(|| "Synthetic task note".to_owned()),
        priority: text(["Normal", "Urgent", "Very_Urgent"][i as usize % 3]),
        completed: Some(completed),
        completed_date: completed
            .then(|| format!("2026-11-28T15:{:02}:00.000", i))
            .and_then(|t| t.parse().ok()),
        completed_by: completed.then(|| FRONT_DESK.to_owned()),
        created_by: text(FRONT_DESK),
        created_by_id: Some(FRONT_DESK_ID),
        created_on: format!("2026-11-{:02}T09:{:02}:00.000", 5 + i % 24, (i * 7) % 60)
            .parse()
            .ok(),
        office_id_assigned_to: office(i),
        office_id_assigned_from: office(i + 1),
        task_due_date: Some(date(&format!("2026-12-{:02}", 1 + i % 28))),
        deleted: Some(false),
    }
}

/// Waitlist request `i`: a consult request, every third one with a surgical
/// part.
fn waitlist_request(i: i64, patients: i64) -> WaitlistRequest {
    let surgical = i % 3 == 2;
    let day = |d: i64| -> Option<AccuroDateTime> {
        format!("2026-10-{:02}T00:00:00.000", 1 + d % 28)
            .parse()
            .ok()
    };
    WaitlistRequest {
        id: i32::try_from(FIRST_WAITLIST_REQUEST + i).ok(),
        waitlist_provider_id: Some(1 + (i % 4) as i32),
        patient_id: some_patient(i * 13, patients),
        consult_priority: text(["Routine", "Urgent", "Emergency"][i as usize % 3]),
        consult_status: text(["Waiting", "Booked", "Seen"][i as usize % 3]),
        consult_type: text(if i % 2 == 0 {
            "New Consult"
        } else {
            "Follow-up Consult"
        }),
        expedited: Some(i % 5 == 0),
        provider_type_id: Some(1),
        referral_triaged: Some(i % 2 == 0),
        notes: (i % 4 == 0).then(|| "Synthetic waitlist note".to_owned()),
        complaint: text("Synthetic referral reason"),
        referring_provider_id: Some(1 + (i % 8) as i32),
        specific_provider_requested: Some(i % 3 == 0),
        first_available: Some(i % 3 != 0),
        referred_out: Some(false),
        referral_date: day(i),
        request_date: day(i + 1),
        first_contact_date: format!("2026-10-{:02}T13:50:00.000", 2 + i % 27)
            .parse()
            .ok(),
        tentative_date: (i % 3 == 1)
            .then(|| format!("2026-12-{:02}T14:20:00.000", 1 + i))
            .and_then(|t| t.parse().ok()),
        case_state: text("Active"),
        case_number: Some(1 + i as i32),
        follow_up: Some(i % 2 == 1),
        surgical_priority: surgical.then(|| "Routine".to_owned()),
        surgical_site_id: surgical.then_some(1 + (i % 2) as i32),
        surgical_status: surgical.then(|| "Waiting".to_owned()),
        surgical_type: surgical.then(|| "Day Surgery".to_owned()),
        target_date: surgical.then(|| day(i + 14)).flatten(),
        available_for_cancellation: surgical.then_some(i % 2 == 0),
        ..WaitlistRequest::default()
    }
}

/// Builds the clinic: 3 offices, 8 providers, `patients` patients with their
/// charts, 60 appointments over twelve days from [`FIRST_DAY`], 24 tasks and
/// 12 waitlist requests.
pub fn clinic(patients: usize) -> Db {
    let mut db = Db {
        offices: offices(),
        providers: (1..=8).map(provider).collect(),
        patients: BTreeMap::new(),
        allergies: BTreeMap::new(),
        immunizations: BTreeMap::new(),
        next_patient: FIRST_PATIENT + 100_000,
        bookings: BTreeMap::new(),
        next_appointment: LOCKED_APPOINTMENT + 10_000,
        locked: HashSet::from([LOCKED_APPOINTMENT]),
        letters: BTreeMap::new(),
        next_letter: 8001,
        documents: BTreeMap::new(),
        next_document: 7001,
        tasks: (0..24)
            .map(|i| (FIRST_TASK + i, task(i, patients as i64)))
            .collect(),
        next_task: 1001,
        waitlists: (0..12)
            .map(|i| {
                (
                    FIRST_WAITLIST_REQUEST + i,
                    waitlist_request(i, patients as i64),
                )
            })
            .collect(),
        next_waitlist: 101,
        next_history: 1,
        clock: 0,
    };
    let mut seeded_document = 6001;
    for i in 0..patients as i64 {
        let id = FIRST_PATIENT + i;
        db.patients.insert(id, patient(i));
        let allergies = allergies(i);
        if !allergies.is_empty() {
            db.allergies.insert(id, allergies);
        }
        let shots = immunizations(i);
        if !shots.is_empty() {
            db.immunizations.insert(id, shots);
        }
        let mut file = |folder_id, sub_folder_id| {
            db.documents.insert(
                seeded_document,
                Document {
                    patient_id: id,
                    folder_id,
                    sub_folder_id,
                },
            );
            seeded_document += 1;
        };
        if i % 3 == 0 {
            file(11, None);
        }
        if i % 5 == 0 {
            file(14, Some(6));
        }
        if i % 7 == 0 {
            file(12, Some(1));
        }
    }
    for i in 0..60i64 {
        seed_appointment(&mut db, i, patients as i64);
    }
    db
}

fn seed_appointment(db: &mut Db, i: i64, patients: i64) {
    let id = LOCKED_APPOINTMENT + i;
    let start = 900 + (i % 5) * 100;
    let provider = 1 + i % 8;
    let office = 1 + i % 3;
    let site = match office {
        1 => 1 + i % 2,
        2 => 4 + i % 2,
        _ => 6,
    };
    let confirmed = i % 2 == 0;
    let appointment = Appointment {
        appointment_id: Some(id),
        date: date(&format!("2026-12-{:02}", 1 + i / 5)),
        start_time: hhmm(start),
        end_time: hhmm(start + if i % 4 == 3 { 30 } else { 15 }),
        sub_column: (i % 5 == 4) as i32,
        patient_id: (patients > 0).then(|| FIRST_PATIENT + (i * 7) % patients),
        provider_id: provider,
        resource_id: Some(provider),
        office_id: office,
        mask_id: None,
        bill_only: Some(false),
        accession_number: Some(format!("SYN-{id}")),
        cancelled: Some(false),
        deleted: Some(false),
        site_id: Some(site),
        appointment_details: Some(AppointmentDetails {
            room_ids: if i % 4 == 0 {
                vec![100 + site]
            } else {
                Vec::new()
            },
            other_provider_ids: if i % 10 == 5 {
                vec![1 + (i + 1) % 7]
            } else {
                Vec::new()
            },
            billing_provider_id: Some(provider),
            referring_provider_id: (i % 7 == 2).then_some(7),
            notes: (i % 6 == 0).then(|| "Synthetic booking note".to_owned()),
            alerts: None,
            reason_id: Some(1 + i % 3),
            type_id: Some(1 + i % 2),
            priority_id: Some(if i % 10 == 7 { 2 } else { 1 }),
            arrived: Some(false),
            confirmed: Some(confirmed),
            service_location: "O".to_owned(),
        }),
    };
    let mut statuses = Vec::new();
    if confirmed {
        statuses.push(CONFIRMED_BY_PHONE);
    }
    if i % 3 != 2 {
        statuses.push(REMINDER_SENT);
    }
    db.bookings.insert(
        id,
        Booking {
            appointment,
            statuses,
            history: Vec::new(),
        },
    );
    // Every tenth appointment came in by an import that kept no history
    // (its history answers 404); the others were booked at the front desk.
    if i % 10 == 9 {
        return;
    }
    let booked_at = format!(
        "2026-11-{:02}T{:02}:{:02}:00.000-0800",
        10 + i % 15,
        8 + i % 9,
        (i * 7) % 60
    );
    db.record_at(id, "Created", None, FRONT_DESK, &booked_at);
    if confirmed {
        let at = format!("2026-11-{:02}T16:{:02}:00.000-0800", 25 + i % 3, i % 60);
        db.record_at(id, "Confirmed", None, FRONT_DESK, &at);
    }
    // Two of the last day's appointments are already gone: one cancelled,
    // one deleted (listed only with includeCancelled / includeDeleted).
    match i {
        57 => {
            if let Some(b) = db.bookings.get_mut(&id) {
                b.appointment.cancelled = Some(true);
            }
            db.record_at(
                id,
                "Cancelled",
                Some("Patient request"),
                FRONT_DESK,
                "2026-11-28T10:05:00.000-0800",
            );
        }
        58 => {
            if let Some(b) = db.bookings.get_mut(&id) {
                b.appointment.deleted = Some(true);
            }
            db.record_at(
                id,
                "Deleted",
                None,
                FRONT_DESK,
                "2026-11-28T10:07:00.000-0800",
            );
        }
        _ => {}
    }
}

/// The name of the lookup item `id` in `items`, if there is one.
fn name_of<T>(
    items: Vec<T>,
    id: Option<i64>,
    key: impl Fn(&T) -> (Option<i64>, Option<String>),
) -> Option<String> {
    let id = id?;
    items
        .iter()
        .map(key)
        .find(|(k, _)| *k == Some(id))
        .and_then(|(_, name)| name)
}

impl Db {
    /// The date-time of the next write: the sandbox's fixed "now", a minute
    /// later each time (deterministic), in Accuro's form.
    fn stamp(&mut self) -> String {
        let minutes = self.clock;
        self.clock += 1;
        format!(
            "{}T{:02}:{:02}:00.000-0800",
            NOW.0,
            NOW.1 + (minutes / 60) % 12,
            minutes % 60
        )
    }

    /// The date-time of the next write without an offset
    /// (`2026-11-29T12:00:00.000`), as tasks carry theirs.
    pub fn local_stamp(&mut self) -> String {
        let stamp = self.stamp();
        if let Some((local, _)) = stamp
            .rsplit_once(['+', '-'])
            .filter(|(_, offset)| offset.len() == 4)
        {
            return local.to_owned();
        }
        stamp
    }

    /// `Last, First` of a provider.
    fn provider_name(&self, id: Option<i64>) -> Option<String> {
        let id = id?;
        self.providers
            .iter()
            .find(|p| p.provider_id == Some(id))
            .map(|p| format!("{}, {}", p.last_name, p.first_name))
    }

    /// Adds a history entry to an appointment, as the service user, now.
    pub fn record(&mut self, appointment: i64, action: &str, reason: Option<&str>) {
        let at = self.stamp();
        self.record_at(appointment, action, reason, SERVICE_USER, &at);
    }

    fn record_at(
        &mut self,
        appointment: i64,
        action: &str,
        reason: Option<&str>,
        username: &str,
        at: &str,
    ) {
        let Some(a) = self
            .bookings
            .get(&appointment)
            .map(|b| b.appointment.clone())
        else {
            return;
        };
        let details = a.appointment_details.as_ref();
        let entry = AppointmentHistoryEntry {
            history_id: Some(self.next_history),
            appointment_id: Some(appointment),
            patient_id: a.patient_id,
            appointment_date: Some(a.date),
            start_time: Some(twelve_hour(a.start_time)),
            provider_name: self.provider_name(Some(a.provider_id)),
            billing_provider_name: self.provider_name(details.and_then(|d| d.billing_provider_id)),
            username: text(username),
            timestamp: Some(date_time(at)),
            action_type: text(action),
            action_reason: reason.map(str::to_owned),
            appointment_type: name_of(appointment_types(), details.and_then(|d| d.type_id), |t| {
                (t.type_id, t.name.clone())
            }),
            appointment_reason: name_of(
                appointment_reasons(),
                details.and_then(|d| d.reason_id),
                |r| (r.reason_id, r.name.clone()),
            ),
        };
        self.next_history += 1;
        if let Some(b) = self.bookings.get_mut(&appointment) {
            b.history.push(entry);
        }
    }

    /// The names of the folders and sub-folders holding a patient's documents.
    pub fn patient_folders(&self, patient: i64) -> (Vec<String>, Vec<String>) {
        let mut held = BTreeSet::new();
        let mut subs = BTreeSet::new();
        for d in self.documents.values().filter(|d| d.patient_id == patient) {
            held.insert(d.folder_id);
            if let Some(s) = d.sub_folder_id {
                subs.insert(s);
            }
        }
        let all = folders();
        let names = all
            .iter()
            .filter(|f| f.id.is_some_and(|id| held.contains(&id)))
            .map(|f| f.name.clone())
            .collect();
        let sub_names = all
            .iter()
            .flat_map(|f| &f.sub_folders)
            .filter(|s| s.id.is_some_and(|id| subs.contains(&id)))
            .map(|s| s.name.clone())
            .collect();
        (names, sub_names)
    }
}
