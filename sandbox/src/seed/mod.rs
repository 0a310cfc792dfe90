//! Deterministic synthetic data: the same seed gives the same clinic every time.
//! Every name, number, address and date here is made up.
//!
//! The literal records are data ([`data`]: `sandbox/data/*.json`, read once);
//! the code here makes the clinic from them, each generated record a
//! function of its index: the patients and their charts ([`charts`]), the
//! appointments, tasks and waitlist requests ([`schedule`]), and the
//! appointments' history ([`history`]).

mod charts;
mod data;
mod history;
mod schedule;

use std::collections::{BTreeMap, HashSet};

use accuro_client::shapes::{AccuroDate, AccuroDateTime, AccuroPartialDate, HhmmTime};
use accuro_client::types::{
    Allergy, Appointment, AppointmentHistoryEntry, Email, Immunization, Letter, Office, Patient,
    Phone, Provider, UserTask, WaitlistRequest,
};

pub use data::{Lookups, SeedError};

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

/// British Columbia's `locationId`.
const BC: i64 = 2;

/// One appointment with its custom statuses and its history.
#[derive(Clone)]
pub struct Booking {
    pub appointment: Appointment,
    /// Ids of [`Lookups::scheduler_statuses`] set on it.
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
    /// The lookup lists (fixed).
    pub lookups: &'static Lookups,
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
        extra: Default::default(),
        email_id: Some(id),
        type_: text(kind),
        address: Some(address),
        order: 1,
    }
}

/// Builds the clinic: the offices and providers of the data files,
/// `patients` patients with their charts, 60 appointments over twelve days
/// from [`FIRST_DAY`], 24 tasks and 12 waitlist requests. Fails if the
/// built-in data files do not read.
pub fn clinic(patients: usize) -> Result<Db, SeedError> {
    let data = data::embedded()?;
    let seed = &data.clinic;
    let count = patients as i64;
    let mut db = Db {
        lookups: &data.lookups,
        offices: seed.offices.clone(),
        providers: seed.providers.clone(),
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
            .map(|i| (FIRST_TASK + i, schedule::task(seed, i, count)))
            .collect(),
        next_task: 1001,
        waitlists: (0..12)
            .map(|i| {
                (
                    FIRST_WAITLIST_REQUEST + i,
                    schedule::waitlist_request(seed, i, count),
                )
            })
            .collect(),
        next_waitlist: 101,
        next_history: 1,
        clock: 0,
    };
    let mut seeded_document = 6001;
    for i in 0..count {
        let id = FIRST_PATIENT + i;
        db.patients.insert(id, charts::patient(seed, i));
        let allergies = charts::allergies(seed, i);
        if !allergies.is_empty() {
            db.allergies.insert(id, allergies);
        }
        let shots = charts::immunizations(seed, i);
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
        schedule::seed_appointment(&mut db, seed, i, count);
    }
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_clinic_is_the_documented_one() {
        let db = clinic(300).expect("the built-in data");
        assert_eq!((db.offices.len(), db.providers.len()), (3, 8));
        assert_eq!(db.patients.len(), 300);
        assert_eq!(db.patients.keys().next(), Some(&FIRST_PATIENT));
        let first = db.patients[&FIRST_PATIENT].demographics.as_ref();
        assert_eq!(
            first.map(|d| (d.first_name.as_str(), d.last_name.as_str())),
            Some(("Alex", "Sample"))
        );
        assert_eq!(db.bookings.len(), 60);
        assert_eq!(db.bookings.keys().next(), Some(&LOCKED_APPOINTMENT));
        assert!(db.locked.contains(&LOCKED_APPOINTMENT));
        assert_eq!(
            db.bookings[&LOCKED_APPOINTMENT].appointment.date,
            date(FIRST_DAY)
        );
        // Every tenth came in by an import without history.
        assert!(db.bookings[&(LOCKED_APPOINTMENT + 9)].history.is_empty());
        assert_eq!(db.tasks.len(), 24);
        assert_eq!(db.tasks.keys().next(), Some(&FIRST_TASK));
        assert_eq!(db.waitlists.len(), 12);
        assert_eq!(db.waitlists.keys().next(), Some(&FIRST_WAITLIST_REQUEST));
        assert_eq!(db.documents.len(), 100 + 60 + 43);
    }

    #[test]
    fn a_clinic_without_patients_books_none() {
        let db = clinic(0).expect("the built-in data");
        assert!(db.patients.is_empty() && db.documents.is_empty());
        assert!(
            db.bookings
                .values()
                .all(|b| b.appointment.patient_id.is_none())
        );
        assert!(db.tasks.values().all(|t| t.patient_id.is_none()));
    }
}
