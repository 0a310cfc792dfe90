//! The seeded appointments (with their statuses and history), tasks and
//! waitlist requests: each a function of its index and of how many patients
//! there are.

use accuro_client::shapes::AccuroDateTime;
use accuro_client::types::{Appointment, AppointmentDetails, UserTask, WaitlistRequest};

use super::data::{Clinic, pick};
use super::{
    Booking, Db, FIRST_PATIENT, FIRST_TASK, FIRST_WAITLIST_REQUEST, FRONT_DESK, FRONT_DESK_ID,
    LOCKED_APPOINTMENT, date, hhmm, text,
};

/// Custom statuses an appointment can carry (`schedulerStatuses` of
/// `lookups.json`).
const CONFIRMED_BY_PHONE: i64 = 3;
const REMINDER_SENT: i64 = 4;

/// The seeded patient `i` points at (`None` in a clinic without patients).
fn some_patient(i: i64, patients: i64) -> Option<i32> {
    (patients > 0)
        .then(|| FIRST_PATIENT + i % patients)
        .and_then(|id| i32::try_from(id).ok())
}

/// Task `i`: created in November 2026 (day 5 + `i`), due in December, every
/// fourth one completed, assigned to a user and, every third, a role too.
pub(super) fn task(seed: &Clinic, i: i64, patients: i64) -> UserTask {
    let completed = i % 4 == 3;
    let office = |n: i64| i32::try_from(1 + n % 3).ok();
    UserTask {
        extra: Default::default(),
        id: i32::try_from(FIRST_TASK + i).ok(),
        assigned_to_user_ids: vec![1 + (i % 4) as i32],
        assigned_to_role_ids: if i % 3 == 0 { vec![2] } else { Vec::new() },
        patient_id: (i % 5 != 4)
            .then(|| some_patient(i * 11, patients))
            .flatten(),
        reason: text(pick(&seed.task_reasons, i)),
        notes: (i % 2 == 0).then(|| seed.notes.task.clone()),
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
pub(super) fn waitlist_request(seed: &Clinic, i: i64, patients: i64) -> WaitlistRequest {
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
        notes: (i % 4 == 0).then(|| seed.notes.waitlist.clone()),
        complaint: Some(seed.notes.complaint.clone()),
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

/// Appointment `i` (five a day from [`super::FIRST_DAY`]), with its statuses
/// and the history of its booking.
pub(super) fn seed_appointment(db: &mut Db, seed: &Clinic, i: i64, patients: i64) {
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
        extra: Default::default(),
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
            extra: Default::default(),
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
            notes: (i % 6 == 0).then(|| seed.notes.booking.clone()),
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
                Some(&seed.notes.cancellation_reason),
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
