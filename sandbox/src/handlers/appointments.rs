//! Scheduling: appointments listed, booked, read, changed, cancelled or
//! deleted, with the server's checks, the lock another user holds, their
//! custom statuses and their history.

use accuro_client::types::Appointment;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::known_provider;
use crate::api_error::{Violation, api_error, constraint_violations};
use crate::respond::{Q, S, boolean, day, int, not_found, ok, parse_body, refuse};
use crate::seed::{Booking, Db};

/// A deleted appointment is gone for everything but `includeDeleted`.
pub(super) fn gone(b: &Booking) -> bool {
    b.appointment.deleted == Some(true)
}

pub(super) async fn list_appointments(Extract(state): S, Query(q): Q) -> Response {
    if !["startDate", "patient", "accessionNumber"]
        .iter()
        .any(|k| q.get(*k).is_some_and(|v| !v.is_empty()))
    {
        return refuse(
            "startDate",
            None,
            "one of startDate, patient or accessionNumber is required",
        );
    }
    let dates = (day(&q, "startDate"), day(&q, "endDate"));
    let (start, end) = match dates {
        (Ok(s), Ok(e)) => (s, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let ids = (
        int(&q, "provider"),
        int(&q, "resource"),
        int(&q, "patient"),
        int(&q, "officeId"),
    );
    let (provider, resource, patient, office) = match ids {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(e), ..) | (_, Err(e), ..) | (.., Err(e), _) | (.., Err(e)) => return e,
    };
    let flags = (
        boolean(&q, "includeDeleted"),
        boolean(&q, "includeCancelled"),
    );
    let (deleted, cancelled) = match flags {
        (Ok(d), Ok(c)) => (d.unwrap_or(false), c.unwrap_or(false)),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let accession = q.get("accessionNumber").filter(|a| !a.is_empty());
    // A start date alone is that one day.
    let end = end.or(start);
    let db = state.db();
    let found: Vec<&Appointment> = db
        .bookings
        .values()
        .map(|b| &b.appointment)
        .filter(|a| deleted || a.deleted != Some(true))
        .filter(|a| cancelled || a.cancelled != Some(true))
        .filter(|a| start.is_none_or(|s| a.date >= s))
        .filter(|a| end.is_none_or(|e| a.date <= e))
        .filter(|a| provider.is_none_or(|p| a.provider_id == p))
        .filter(|a| resource.is_none_or(|r| a.resource_id == Some(r)))
        .filter(|a| patient.is_none_or(|p| a.patient_id == Some(p)))
        .filter(|a| office.is_none_or(|o| a.office_id == o))
        .filter(|a| accession.is_none_or(|n| a.accession_number.as_ref() == Some(n)))
        .collect();
    ok(found)
}

/// What the server checks beyond the shape.
fn check_appointment(db: &Db, a: &Appointment) -> Result<(), Response> {
    let mut v = Vec::new();
    let mut bad = |field: &str, value: String, constraint: &str| {
        v.push(Violation::new(field, Some(&value), constraint));
    };
    if a.end_time <= a.start_time {
        bad(
            "endTime",
            a.end_time.as_hhmm().to_string(),
            "must be after startTime",
        );
    }
    if a.sub_column < 0 {
        bad("subColumn", a.sub_column.to_string(), "must be 0 or more");
    }
    if let Some(p) = a.patient_id
        && !db.patients.contains_key(&p)
    {
        bad(
            "patientId",
            p.to_string(),
            "must be a patient of the clinic",
        );
    }
    for (field, id) in [
        ("providerId", Some(a.provider_id)),
        ("resourceId", a.resource_id),
    ] {
        if let Some(id) = id
            && !known_provider(db, id)
        {
            bad(field, id.to_string(), "must be a provider of the clinic");
        }
    }
    if !db.offices.iter().any(|o| o.office_id == Some(a.office_id)) {
        bad(
            "officeId",
            a.office_id.to_string(),
            "must be an office of the clinic",
        );
    }
    if let Some(site) = a.site_id
        && !db
            .lookups
            .scheduler_sites
            .iter()
            .any(|s| s.site_id == Some(site))
    {
        bad("siteId", site.to_string(), "must be a site of the clinic");
    }
    if let Some(d) = &a.appointment_details {
        if d.service_location.chars().count() != 1 {
            bad(
                "appointmentDetails.serviceLocation",
                d.service_location.clone(),
                "size must be between 1 and 1",
            );
        }
        if let Some(r) = d.reason_id
            && !db
                .lookups
                .appointment_reasons
                .iter()
                .any(|x| x.reason_id == Some(r))
        {
            bad(
                "appointmentDetails.reasonId",
                r.to_string(),
                "must be an appointment reason",
            );
        }
        if let Some(t) = d.type_id
            && !db
                .lookups
                .appointment_types
                .iter()
                .any(|x| x.type_id == Some(t))
        {
            bad(
                "appointmentDetails.typeId",
                t.to_string(),
                "must be an appointment type",
            );
        }
        if let Some(p) = d.priority_id
            && !db
                .lookups
                .appointment_priorities
                .iter()
                .any(|x| x.priority_id == Some(p))
        {
            bad(
                "appointmentDetails.priorityId",
                p.to_string(),
                "must be an appointment priority",
            );
        }
        let others = d
            .other_provider_ids
            .iter()
            .map(|p| ("otherProviderIds", *p));
        let named = [
            ("billingProviderId", d.billing_provider_id),
            ("referringProviderId", d.referring_provider_id),
        ]
        .into_iter()
        .filter_map(|(f, p)| p.map(|p| (f, p)));
        for (field, p) in named.chain(others) {
            if !known_provider(db, p) {
                bad(
                    &format!("appointmentDetails.{field}"),
                    p.to_string(),
                    "must be a provider of the clinic",
                );
            }
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(constraint_violations(&v))
    }
}

pub(super) async fn create_appointment(Extract(state): S, body: Bytes) -> Response {
    let mut appointment: Appointment = match parse_body(&body) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let mut db = state.db();
    if let Err(e) = check_appointment(&db, &appointment) {
        return e;
    }
    let id = db.next_appointment;
    db.next_appointment += 1;
    appointment.appointment_id = Some(id);
    appointment.cancelled = Some(appointment.cancelled.unwrap_or(false));
    appointment.deleted = Some(false);
    appointment.bill_only = Some(appointment.bill_only.unwrap_or(false));
    db.bookings.insert(
        id,
        Booking {
            appointment,
            statuses: Vec::new(),
            history: Vec::new(),
        },
    );
    db.record(id, "Created", None);
    (StatusCode::CREATED, Json(id)).into_response()
}

/// The appointment, unless it does not exist or was deleted (404).
fn booking(db: &Db, id: i64) -> Result<&Booking, Response> {
    db.bookings
        .get(&id)
        .filter(|b| !gone(b))
        .ok_or_else(not_found)
}

pub(super) async fn get_appointment(Extract(state): S, Path(id): Path<i64>) -> Response {
    match booking(&state.db(), id) {
        Ok(b) => ok(&b.appointment),
        Err(e) => e,
    }
}

fn locked() -> Response {
    api_error(
        StatusCode::CONFLICT,
        "Appointment is locked by another user",
    )
}

/// 404 unless it exists, 409 when it is the locked one.
fn changeable(db: &Db, id: i64) -> Result<&Booking, Response> {
    let b = booking(db, id)?;
    if db.locked.contains(&id) {
        return Err(locked());
    }
    Ok(b)
}

pub(super) async fn update_appointment(
    Extract(state): S,
    Path(id): Path<i64>,
    Query(q): Q,
    body: Bytes,
) -> Response {
    let mut db = state.db();
    let was_cancelled = match changeable(&db, id) {
        Ok(b) => b.appointment.cancelled == Some(true),
        Err(e) => return e,
    };
    let mut appointment: Appointment = match parse_body(&body) {
        Ok(a) => a,
        Err(e) => return e,
    };
    if let Err(e) = check_appointment(&db, &appointment) {
        return e;
    }
    let cancelled = appointment.cancelled.unwrap_or(was_cancelled);
    appointment.appointment_id = Some(id);
    appointment.cancelled = Some(cancelled);
    appointment.deleted = Some(false);
    if let Some(b) = db.bookings.get_mut(&id) {
        b.appointment = appointment;
    }
    match (was_cancelled, cancelled) {
        (false, true) => db.record(
            id,
            "Cancelled",
            q.get("cancellationReason").map(String::as_str),
        ),
        (true, false) => db.record(id, "Restored", None),
        _ => db.record(id, "Edited", None),
    }
    StatusCode::NO_CONTENT.into_response()
}

/// `cancel=true` cancels (and keeps) it; without `cancel` it is deleted.
pub(super) async fn cancel_appointment(
    Extract(state): S,
    Path(id): Path<i64>,
    Query(q): Q,
) -> Response {
    let cancel = match boolean(&q, "cancel") {
        Ok(c) => c.unwrap_or(false),
        Err(e) => return e,
    };
    let mut db = state.db();
    let was_cancelled = match changeable(&db, id) {
        Ok(b) => b.appointment.cancelled == Some(true),
        Err(e) => return e,
    };
    if cancel {
        if !was_cancelled {
            if let Some(b) = db.bookings.get_mut(&id) {
                b.appointment.cancelled = Some(true);
            }
            db.record(
                id,
                "Cancelled",
                q.get("cancellationReason").map(String::as_str),
            );
        }
    } else {
        if let Some(b) = db.bookings.get_mut(&id) {
            b.appointment.deleted = Some(true);
        }
        db.record(id, "Deleted", None);
    }
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn appointment_statuses(Extract(state): S, Path(id): Path<i64>) -> Response {
    match booking(&state.db(), id) {
        Ok(b) => ok(&b.statuses),
        Err(e) => e,
    }
}

/// 404 also when the appointment has no history, as Accuro answers.
pub(super) async fn appointment_history(Extract(state): S, Path(id): Path<i64>) -> Response {
    match booking(&state.db(), id) {
        Ok(b) if b.history.is_empty() => not_found(),
        Ok(b) => ok(&b.history),
        Err(e) => e,
    }
}
