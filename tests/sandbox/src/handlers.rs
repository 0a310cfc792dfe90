//! The REST endpoints of the spec, over the in-memory clinic.

// Handlers return early with a ready `Response` as their error: axum's idiom,
// and a test server's error path, where the size of `Err` does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use accuro_client::shapes::AccuroDate;
use accuro_client::types::{
    Appointment, AppointmentHistoryEntry, AppointmentStatus, Letter, Patient, PatientPage,
};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State as Extract};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::auth::api_error;
use crate::{State, seed};

type S = Extract<Arc<State>>;
type Q = Query<HashMap<String, String>>;

fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, "Not Found", &[])
}

fn bad_request(field: &str, constraint: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        "Validation failed",
        &[(field, constraint)],
    )
}

fn ok<T: serde::Serialize>(value: T) -> Response {
    Json(value).into_response()
}

fn int(query: &HashMap<String, String>, name: &str) -> Result<Option<i64>, Response> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| bad_request(name, "must be an integer")),
    }
}

fn date(query: &HashMap<String, String>, name: &str) -> Result<Option<AccuroDate>, Response> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| bad_request(name, "must be a date YYYY-MM-DD")),
    }
}

fn now_stamp() -> &'static str {
    "2026-11-29T12:00:00.000-0800"
}

// Lookups and practice structure.

async fn api_version() -> Response {
    ok(json!({"version": "sandbox-2026.1"}))
}

async fn offices(Extract(state): S) -> Response {
    if state.faults().break_spec {
        // `officeId` must be an integer: this answer breaks the spec on purpose.
        return ok(json!([{"officeId": "not-an-integer", "name": "Broken"}]));
    }
    ok(&state.db().offices)
}

async fn providers(Extract(state): S) -> Response {
    ok(&state.db().providers)
}

async fn provider(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state
        .db()
        .providers
        .iter()
        .find(|p| p.provider_id == Some(id))
    {
        Some(p) => ok(p),
        None => not_found(),
    }
}

async fn provider_specialties(Extract(state): S, Path(id): Path<i64>) -> Response {
    if !state
        .db()
        .providers
        .iter()
        .any(|p| p.provider_id == Some(id))
    {
        return not_found();
    }
    ok(seed::lookup(&["Family Medicine"]))
}

async fn provider_offices(Extract(state): S) -> Response {
    ok(seed::provider_offices(&state.db()))
}

// Patients.

fn matches(p: &Patient, q: &HashMap<String, String>) -> bool {
    let d = p.demographics.as_ref();
    let starts = |have: Option<&String>, want: &String| {
        have.is_some_and(|h| h.to_lowercase().starts_with(&want.to_lowercase()))
    };
    q.get("phn").is_none_or(|phn| {
        d.and_then(|d| d.health_card.as_ref())
            .and_then(|h| h.phn.as_ref())
            == Some(phn)
    }) && q
        .get("firstName")
        .is_none_or(|n| starts(d.and_then(|d| d.first_name.as_ref()), n))
        && q.get("lastName")
            .is_none_or(|n| starts(d.and_then(|d| d.last_name.as_ref()), n))
        && q.get("phone").is_none_or(|n| {
            d.and_then(|d| d.phones.as_ref()).is_some_and(|phones| {
                phones
                    .iter()
                    .any(|ph| ph.number.as_ref().is_some_and(|x| x.contains(n.as_str())))
            })
        })
        && q.get("fileNumber")
            .is_none_or(|f| p.file_number.as_ref() == Some(f))
        && q.get("patientUuid")
            .is_none_or(|u| p.uuid.as_ref() == Some(u))
}

async fn search_patients(Extract(state): S, Query(q): Q) -> Response {
    for (field, min, max) in [
        ("firstName", 2, 100),
        ("lastName", 2, 100),
        ("phone", 3, 50),
    ] {
        if let Some(v) = q.get(field)
            && (v.chars().count() < min || v.chars().count() > max)
        {
            return bad_request(field, &format!("size must be between {min} and {max}"));
        }
    }
    let (size, after) = match (int(&q, "pageSize"), int(&q, "startingId")) {
        (Ok(size), Ok(after)) => (
            size.filter(|s| *s >= 1).unwrap_or(25).min(50),
            after.unwrap_or(0),
        ),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let db = state.db();
    let matching: Vec<&Patient> = db.patients.values().filter(|p| matches(p, &q)).collect();
    let contents: Vec<Patient> = matching
        .iter()
        .filter(|p| p.patient_id.unwrap_or(0) > after)
        .take(size as usize)
        .map(|p| (*p).clone())
        .collect();
    ok(PatientPage {
        count: Some(contents.len() as i64),
        total: Some(matching.len() as i64),
        last_id: Some(contents.last().and_then(|p| p.patient_id).unwrap_or(0)),
        contents: Some(contents),
    })
}

async fn get_patient(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state.db().patients.get(&id) {
        Some(p) => ok(p),
        None => not_found(),
    }
}

fn check_patient(p: &Patient) -> Result<(), Response> {
    let d = p.demographics.as_ref();
    if d.and_then(|d| d.last_name.as_ref())
        .is_none_or(|n| n.trim().is_empty())
    {
        return Err(bad_request("demographics.lastName", "must not be empty"));
    }
    Ok(())
}

async fn create_patient(
    Extract(state): S,
    body: Result<Json<Patient>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(mut patient)) = body else {
        return bad_request("body", "must be a patient");
    };
    if let Err(e) = check_patient(&patient) {
        return e;
    }
    let mut db = state.db();
    let id = db.next_patient;
    db.next_patient += 1;
    patient.patient_id = Some(id);
    db.patients.insert(id, patient);
    let mut response = ok(id);
    if let Ok(location) = HeaderValue::from_str(&format!("/rest/v2/provider-portal/patients/{id}"))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn replace_patient(
    Extract(state): S,
    Path(id): Path<i64>,
    body: Result<Json<Patient>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(mut patient)) = body else {
        return bad_request("body", "must be a patient");
    };
    if let Err(e) = check_patient(&patient) {
        return e;
    }
    let mut db = state.db();
    let Some(slot) = db.patients.get_mut(&id) else {
        return not_found();
    };
    patient.patient_id = Some(id);
    *slot = patient;
    ok(true)
}

/// RFC 7396.
fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

async fn patch_patient(Extract(state): S, Path(id): Path<i64>, body: Bytes) -> Response {
    let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
        return bad_request("body", "must be JSON");
    };
    let mut db = state.db();
    let Some(slot) = db.patients.get_mut(&id) else {
        return not_found();
    };
    let Ok(mut current) = serde_json::to_value(&*slot) else {
        return not_found();
    };
    merge_patch(&mut current, &patch);
    match serde_json::from_value::<Patient>(current) {
        Ok(mut patched) => {
            patched.patient_id = Some(id);
            *slot = patched;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(_) => bad_request("body", "the patched patient is not valid"),
    }
}

fn known_patient(state: &State, id: i64) -> Result<(), Response> {
    if state.db().patients.contains_key(&id) {
        Ok(())
    } else {
        Err(not_found())
    }
}

async fn allergies(Extract(state): S, Path(id): Path<i64>) -> Response {
    known_patient(&state, id)
        .map(|()| ok(seed::allergies(id)))
        .unwrap_or_else(|e| e)
}

async fn immunizations(Extract(state): S, Path(id): Path<i64>) -> Response {
    known_patient(&state, id)
        .map(|()| ok(seed::immunizations(id)))
        .unwrap_or_else(|e| e)
}

async fn patient_folders(Extract(state): S, Path(id): Path<i64>) -> Response {
    known_patient(&state, id)
        .map(|()| ok(&seed::folders()[..2]))
        .unwrap_or_else(|e| e)
}

// Documents and letters.

async fn folders() -> Response {
    ok(seed::folders())
}

async fn upload_document(Extract(state): S, mut multipart: Multipart) -> Response {
    let (mut details, mut size) = (None::<Value>, None::<usize>);
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("details") => {
                details = field
                    .bytes()
                    .await
                    .ok()
                    .and_then(|b| serde_json::from_slice(&b).ok())
            }
            Some("document") => size = field.bytes().await.ok().map(|b| b.len()),
            _ => {}
        }
    }
    let Some(details) = details else {
        return bad_request("details", "must be a JSON part");
    };
    let Some(size) = size else {
        return bad_request("document", "is required");
    };
    if size > state.config.max_upload_bytes {
        return api_error(StatusCode::PAYLOAD_TOO_LARGE, "Payload Too Large", &[]);
    }
    let patient = details.get("patientId").and_then(Value::as_i64);
    if patient.is_none_or(|p| !state.db().patients.contains_key(&p)) {
        return bad_request("details.patientId", "must be a patient of the clinic");
    }
    let mut db = state.db();
    let id = db.next_document;
    db.next_document += 1;
    (StatusCode::CREATED, Json(id)).into_response()
}

async fn create_letter(
    Extract(state): S,
    body: Result<Json<Letter>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(letter)) = body else {
        return bad_request("body", "must be a letter");
    };
    if !state.db().patients.contains_key(&letter.patient_id) {
        return not_found();
    }
    if letter.title.trim().is_empty() {
        return bad_request("title", "must not be empty");
    }
    state.db().letters += 1;
    StatusCode::NO_CONTENT.into_response()
}

// Labs.

async fn lab_tests() -> Response {
    ok(seed::lab_tests())
}

async fn lab_test_results(Extract(state): S, Path(test): Path<i64>, Query(q): Q) -> Response {
    if !seed::lab_tests().iter().any(|t| t.test_id == Some(test)) {
        return not_found();
    }
    let patient = match int(&q, "patientId") {
        Ok(p) => p,
        Err(e) => return e,
    };
    let ids: Vec<i64> = state
        .db()
        .patients
        .keys()
        .copied()
        .filter(|id| patient.is_none_or(|p| p == *id))
        .collect();
    ok(ids
        .into_iter()
        .flat_map(seed::lab_results)
        .filter(|r| r.test_id == Some(test))
        .collect::<Vec<_>>())
}

async fn lab_results(Extract(state): S, Query(q): Q) -> Response {
    let (patient, start, end) = match (
        int(&q, "patientId"),
        date(&q, "startDate"),
        date(&q, "endDate"),
    ) {
        (Ok(p), Ok(s), Ok(e)) => (p, s, e),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return e,
    };
    let ids: Vec<i64> = state
        .db()
        .patients
        .keys()
        .copied()
        .filter(|id| patient.is_none_or(|p| p == *id))
        .collect();
    let in_range = |r: &accuro_client::types::LabResult| {
        let day = r.collected_at.map(|t| AccuroDate::from(t.date()));
        start.is_none_or(|s| day.is_some_and(|d| d >= s))
            && end.is_none_or(|e| day.is_some_and(|d| d <= e))
    };
    ok(ids
        .into_iter()
        .flat_map(seed::lab_results)
        .filter(in_range)
        .collect::<Vec<_>>())
}

// Scheduling.

async fn list_appointments(Extract(state): S, Query(q): Q) -> Response {
    if !["startDate", "patient", "accessionNumber"]
        .iter()
        .any(|k| q.contains_key(*k))
    {
        return bad_request(
            "startDate",
            "one of startDate, patient or accessionNumber is required",
        );
    }
    let filters = (
        date(&q, "startDate"),
        date(&q, "endDate"),
        int(&q, "provider"),
        int(&q, "resource"),
        int(&q, "patient"),
        int(&q, "officeId"),
    );
    let (start, end, provider, resource, patient, office) = match filters {
        (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e), Ok(f)) => (a, b, c, d, e, f),
        (Err(e), ..)
        | (_, Err(e), ..)
        | (_, _, Err(e), ..)
        | (_, _, _, Err(e), ..)
        | (.., Err(e), _)
        | (.., Err(e)) => return e,
    };
    let end = end.or(start);
    let db = state.db();
    let found: Vec<&Appointment> = db
        .bookings
        .values()
        .filter(|b| !b.cancelled)
        .map(|b| &b.appointment)
        .filter(|a| start.is_none_or(|s| a.date.is_some_and(|d| d >= s)))
        .filter(|a| end.is_none_or(|e| a.date.is_some_and(|d| d <= e)))
        .filter(|a| provider.is_none_or(|p| a.provider_id == Some(p)))
        .filter(|a| resource.is_none_or(|r| a.resource_id == Some(r)))
        .filter(|a| patient.is_none_or(|p| a.patient_id == Some(p)))
        .filter(|a| office.is_none_or(|o| a.office_id == Some(o)))
        .collect();
    ok(found)
}

fn check_appointment(state: &State, a: &Appointment) -> Result<(), Response> {
    if a.date.is_none() {
        return Err(bad_request("date", "is required"));
    }
    match (a.start_time, a.end_time) {
        (Some(s), Some(e)) if e > s => {}
        (Some(_), Some(_)) => return Err(bad_request("endTime", "must be after startTime")),
        _ => {
            return Err(bad_request(
                "startTime",
                "startTime and endTime are required",
            ));
        }
    }
    let db = state.db();
    if a.patient_id.is_none_or(|p| !db.patients.contains_key(&p)) {
        return Err(bad_request("patientId", "must be a patient of the clinic"));
    }
    if a.provider_id
        .is_none_or(|p| !db.providers.iter().any(|x| x.provider_id == Some(p)))
    {
        return Err(bad_request(
            "providerId",
            "must be a provider of the clinic",
        ));
    }
    Ok(())
}

async fn create_appointment(
    Extract(state): S,
    body: Result<Json<Appointment>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(mut appointment)) = body else {
        return bad_request("body", "must be an appointment");
    };
    if let Err(e) = check_appointment(&state, &appointment) {
        return e;
    }
    let mut db = state.db();
    let id = db.next_appointment;
    db.next_appointment += 1;
    appointment.appointment_id = Some(id);
    db.bookings
        .insert(id, seed::booked(appointment, now_stamp()));
    (StatusCode::CREATED, Json(id)).into_response()
}

async fn get_appointment(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state.db().bookings.get(&id) {
        Some(b) => ok(&b.appointment),
        None => not_found(),
    }
}

fn locked() -> Response {
    api_error(
        StatusCode::CONFLICT,
        "Appointment is locked by another user",
        &[],
    )
}

async fn update_appointment(
    Extract(state): S,
    Path(id): Path<i64>,
    body: Result<Json<Appointment>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(mut appointment)) = body else {
        return bad_request("body", "must be an appointment");
    };
    if !state.db().bookings.contains_key(&id) {
        return not_found();
    }
    if state.db().locked.contains(&id) {
        return locked();
    }
    if let Err(e) = check_appointment(&state, &appointment) {
        return e;
    }
    appointment.appointment_id = Some(id);
    let mut db = state.db();
    if let Some(b) = db.bookings.get_mut(&id) {
        b.appointment = appointment;
        b.history.push(history("Updated", None));
    }
    StatusCode::NO_CONTENT.into_response()
}

fn history(action: &str, details: Option<String>) -> AppointmentHistoryEntry {
    AppointmentHistoryEntry {
        changed_at: now_stamp().parse().ok(),
        user_id: Some(1),
        action: Some(action.to_owned()),
        details,
    }
}

async fn cancel_appointment(Extract(state): S, Path(id): Path<i64>, Query(q): Q) -> Response {
    if q.get("cancel").map(String::as_str) != Some("true") {
        return bad_request("cancel", "must be true");
    }
    let mut db = state.db();
    if !db.bookings.contains_key(&id) {
        return not_found();
    }
    if db.locked.contains(&id) {
        return locked();
    }
    if let Some(b) = db.bookings.get_mut(&id) {
        b.cancelled = true;
        b.statuses.push(AppointmentStatus {
            status_id: Some(9),
            name: Some("Cancelled".into()),
            changed_at: now_stamp().parse().ok(),
            user_id: Some(1),
        });
        b.history
            .push(history("Cancelled", q.get("cancellationReason").cloned()));
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn appointment_statuses(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state.db().bookings.get(&id) {
        Some(b) => ok(&b.statuses),
        None => not_found(),
    }
}

async fn appointment_history(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state.db().bookings.get(&id) {
        Some(b) => ok(&b.history),
        None => not_found(),
    }
}

macro_rules! lookup {
    ($($name:literal),*) => {
        get(|| async { ok(seed::lookup(&[$($name),*])) })
    };
}

/// Every REST route of the spec.
pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/rest/v1/api-version", get(api_version))
        .route("/rest/v1/offices", get(offices))
        .route("/rest/v1/genders", get(|| async { ok(seed::genders()) }))
        .route(
            "/rest/v1/locations",
            get(|| async { ok(seed::locations()) }),
        )
        .route(
            "/rest/v1/provider-portal/insurers",
            get(|| async { ok(seed::insurers()) }),
        )
        .route("/rest/v1/providers", get(providers))
        .route("/rest/v1/providers/offices", get(provider_offices))
        .route(
            "/rest/v1/providers/types",
            lookup!("Physician", "Nurse Practitioner", "Resident"),
        )
        .route("/rest/v1/providers/statuses", lookup!("Active", "Inactive"))
        .route(
            "/rest/v1/providers/specialties",
            lookup!("Family Medicine", "Pediatrics", "Dermatology"),
        )
        .route("/rest/v1/providers/{providerId}", get(provider))
        .route(
            "/rest/v1/providers/{providerId}/specialties",
            get(provider_specialties),
        )
        .route(
            "/rest/v2/provider-portal/patients/search",
            get(search_patients),
        )
        .route("/rest/v2/provider-portal/patients", post(create_patient))
        .route(
            "/rest/v2/provider-portal/patients/{patientId}",
            get(get_patient).put(replace_patient).patch(patch_patient),
        )
        .route(
            "/rest/v1/provider-portal/patients/{patientId}/allergies",
            get(allergies),
        )
        .route(
            "/rest/v1/provider-portal/patients/{patientId}/immunizations",
            get(immunizations),
        )
        .route(
            "/rest/v1/provider-portal/patients/{patientId}/documents/folders",
            get(patient_folders),
        )
        .route("/rest/v1/provider-portal/folders", get(folders))
        .route("/rest/v1/provider-portal/documents", post(upload_document))
        .route(
            "/rest/v1/provider-portal/letters/types",
            lookup!("Referral", "Consult note", "Discharge summary"),
        )
        .route("/rest/v1/provider-portal/letters", put(create_letter))
        .route("/rest/v1/provider-portal/labs/tests", get(lab_tests))
        .route(
            "/rest/v1/provider-portal/labs/tests/{testId}/results",
            get(lab_test_results),
        )
        .route("/rest/v1/provider-portal/labs/results", get(lab_results))
        .route(
            "/rest/v1/provider-portal/scheduler/appointments",
            get(list_appointments).post(create_appointment),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments/{appointmentId}",
            get(get_appointment)
                .put(update_appointment)
                .delete(cancel_appointment),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments/{appointmentId}/statuses",
            get(appointment_statuses),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/appointments/{appointmentId}/history",
            get(appointment_history),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/types",
            lookup!("Office visit", "Phone visit"),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/reasons",
            lookup!("Check-up", "Follow-up", "New concern"),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/statuses",
            lookup!("Booked", "Arrived", "Cancelled"),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/priorities",
            lookup!("Routine", "Urgent"),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/sites",
            lookup!("Main site", "Satellite site"),
        )
}
