//! The REST endpoints of the spec served from the in-memory clinic (tasks
//! and waitlist requests have modules of their own: [`crate::tasks`],
//! [`crate::waitlists`]).

// Handlers return early with a ready `Response` as their error: axum's idiom,
// and a test server's error path, where the size of `Err` does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use accuro_client::types::{Appointment, DocumentDetails, Letter, Patient, PatientPage};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::State;
use crate::api_error::{Violation, api_error, constraint_violations};
use crate::respond::{
    Q, S, boolean, day, int, merge_patch, not_found, ok, page_request, parse_body, refuse,
};
use crate::seed::{self, Booking, Db, Document};

/// The version the sandbox claims to run (QHR's published file's).
const API_VERSION: &str = "10.13.0";

fn too_large() -> Response {
    api_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        accuro_spec::texts::PAYLOAD_TOO_LARGE,
    )
}

fn known_provider(db: &Db, id: i64) -> bool {
    db.providers.iter().any(|p| p.provider_id == Some(id))
}

// Lookups and practice structure.

async fn api_version() -> Response {
    ok(API_VERSION)
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
    match state
        .db()
        .providers
        .iter()
        .find(|p| p.provider_id == Some(id))
    {
        Some(p) => ok(seed::provider_specialties(p)),
        None => not_found(),
    }
}

async fn provider_offices(Extract(state): S, Query(q): Q) -> Response {
    let active_only = match boolean(&q, "includeActiveOnly") {
        Ok(a) => a.unwrap_or(false),
        Err(e) => return e,
    };
    let db = state.db();
    let found: Vec<_> = db
        .providers
        .iter()
        .filter(|p| p.default_office.is_some())
        .filter(|p| !active_only || p.status_id == Some(1))
        .collect();
    ok(found)
}

// Patients.

/// Only the digits of a phone number.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn matches(p: &Patient, q: &HashMap<String, String>) -> bool {
    let d = p.demographics.as_ref();
    let starts = |have: Option<&String>, want: &String| {
        have.is_some_and(|h| h.to_lowercase().starts_with(&want.to_lowercase()))
    };
    let same = |have: Option<String>, want: &String| {
        have.is_some_and(|h| h.eq_ignore_ascii_case(want.trim()))
    };
    q.get("phn").is_none_or(|phn| {
        d.and_then(|d| d.health_card.as_ref())
            .and_then(|h| h.phn.as_ref())
            == Some(phn)
    }) && q
        .get("firstName")
        .is_none_or(|n| starts(d.map(|d| &d.first_name), n))
        && q.get("lastName")
            .is_none_or(|n| starts(d.map(|d| &d.last_name), n))
        && q.get("phone").is_none_or(|n| {
            let wanted = digits(n);
            !wanted.is_empty()
                && d.and_then(|d| d.phones.as_ref()).is_some_and(|phones| {
                    phones.iter().any(|ph| {
                        ph.number
                            .as_deref()
                            .is_some_and(|x| digits(x).contains(&wanted))
                    })
                })
        })
        && q.get("fileNumber")
            .is_none_or(|f| p.file_number.as_ref() == Some(f))
        && q.get("patientUuid").is_none_or(|u| same(p.uuid.clone(), u))
        && q.get("medeoUserUuid").is_none_or(|u| {
            same(
                p.medeo_patient_id_dto
                    .as_ref()
                    .and_then(|m| m.medeo_user_uuid)
                    .map(|m| m.to_string()),
                u,
            )
        })
}

async fn search_patients(Extract(state): S, Query(q): Q) -> Response {
    let mut violations = Vec::new();
    for (field, min, max) in [
        ("firstName", 2, 100),
        ("lastName", 2, 100),
        ("phone", 3, 50),
    ] {
        if let Some(v) = q.get(field)
            && !(min..=max).contains(&v.chars().count())
        {
            violations.push(Violation::new(
                field,
                Some(v),
                &format!("size must be between {min} and {max}"),
            ));
        }
    }
    if !violations.is_empty() {
        return constraint_violations(&violations);
    }
    let (size, after) = match page_request(&q) {
        Ok(page) => page,
        Err(e) => return e,
    };
    let null_at_end = state.faults().null_last_id;
    let db = state.db();
    let matching: Vec<&Patient> = db.patients.values().filter(|p| matches(p, &q)).collect();
    let contents: Vec<Patient> = matching
        .iter()
        .filter(|p| p.patient_id.unwrap_or(0) > after)
        .take(size)
        .map(|p| (*p).clone())
        .collect();
    let last_id = contents.last().and_then(|p| p.patient_id).unwrap_or(0);
    let page = PatientPage {
        count: Some(contents.len() as i64),
        total: Some(matching.len() as i64),
        last_id: Some(last_id),
        contents: Some(contents),
    };
    if null_at_end && last_id == 0 {
        // Accuro has also been seen ending with `"lastId": null`.
        let mut body = serde_json::to_value(&page).unwrap_or_default();
        body["lastId"] = Value::Null;
        return ok(body);
    }
    ok(page)
}

async fn get_patient(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state.db().patients.get(&id) {
        Some(p) => ok(p),
        None => not_found(),
    }
}

/// What the server checks beyond the shape.
fn check_patient(db: &Db, p: &Patient) -> Result<(), Response> {
    let mut v = Vec::new();
    match &p.demographics {
        None => v.push(Violation::new("demographics", None, "must not be null")),
        Some(d) => {
            if d.last_name.trim().is_empty() {
                v.push(Violation::new(
                    "demographics.lastName",
                    Some(&d.last_name),
                    "must not be blank",
                ));
            }
            if d.first_name.trim().is_empty() {
                v.push(Violation::new(
                    "demographics.firstName",
                    Some(&d.first_name),
                    "must not be blank",
                ));
            }
            if !seed::genders().iter().any(|g| g.id == Some(d.gender_id)) {
                v.push(Violation::new(
                    "demographics.genderId",
                    Some(&d.gender_id.to_string()),
                    "must be a gender of the clinic",
                ));
            }
            if let Some(location) = d.health_card.as_ref().and_then(|h| h.location_id)
                && !seed::locations()
                    .iter()
                    .any(|l| l.location_id == Some(location))
            {
                v.push(Violation::new(
                    "demographics.healthCard.locationId",
                    Some(&location.to_string()),
                    "must be a location",
                ));
            }
        }
    }
    for (field, id) in [
        ("familyProviderId", p.family_provider_id),
        ("enrolledProviderId", p.enrolled_provider_id),
        ("officeProviderId", p.office_provider_id),
        ("referringProviderId", p.referring_provider_id),
    ] {
        if let Some(id) = id
            && !known_provider(db, id)
        {
            v.push(Violation::new(
                field,
                Some(&id.to_string()),
                "must be a provider of the clinic",
            ));
        }
    }
    if let Some(id) = p.insurer_id
        && !seed::insurers().iter().any(|i| i.insurer_id == Some(id))
    {
        v.push(Violation::new(
            "insurerId",
            Some(&id.to_string()),
            "must be an insurer of the clinic",
        ));
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(constraint_violations(&v))
    }
}

async fn create_patient(Extract(state): S, headers: HeaderMap, body: Bytes) -> Response {
    let mut patient: Patient = match parse_body(&body) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let mut db = state.db();
    if let Err(e) = check_patient(&db, &patient) {
        return e;
    }
    let id = db.next_patient;
    db.next_patient += 1;
    patient.patient_id = Some(id);
    if patient.uuid.is_none() {
        patient.uuid = Some(format!("00000000-0000-4000-8000-{id:012}"));
    }
    db.patients.insert(id, patient);
    let path = format!("/rest/v2/provider-portal/patients/{id}");
    let location = match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}{path}"),
        None => path,
    };
    let mut response = (StatusCode::CREATED, Json(id)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn replace_patient(Extract(state): S, Path(id): Path<i64>, body: Bytes) -> Response {
    let mut patient: Patient = match parse_body(&body) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let mut db = state.db();
    if !db.patients.contains_key(&id) {
        return not_found();
    }
    if let Err(e) = check_patient(&db, &patient) {
        return e;
    }
    patient.patient_id = Some(id);
    db.patients.insert(id, patient);
    ok(true)
}

async fn patch_patient(Extract(state): S, Path(id): Path<i64>, body: Bytes) -> Response {
    let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
        return api_error(StatusCode::BAD_REQUEST, "Unable to process json.");
    };
    let mut db = state.db();
    let Some(current) = db.patients.get(&id) else {
        return not_found();
    };
    let Ok(mut merged) = serde_json::to_value(current) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            accuro_spec::texts::INTERNAL_SERVER_ERROR,
        );
    };
    merge_patch(&mut merged, &patch);
    let Ok(bytes) = serde_json::to_vec(&merged) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            accuro_spec::texts::INTERNAL_SERVER_ERROR,
        );
    };
    let mut patched: Patient = match parse_body(&bytes) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if let Err(e) = check_patient(&db, &patched) {
        return e;
    }
    patched.patient_id = Some(id);
    db.patients.insert(id, patched);
    StatusCode::NO_CONTENT.into_response()
}

fn known_patient(db: &Db, id: i64) -> Result<(), Response> {
    if db.patients.contains_key(&id) {
        Ok(())
    } else {
        Err(not_found())
    }
}

const ALLERGY_TYPES: [&str; 4] = [
    "DRUG_ALLERGY",
    "NON_DRUG_ALLERGY",
    "DRUG_INTOLERANCE",
    "NON_DRUG_INTOLERANCE",
];

async fn allergies(Extract(state): S, Path(id): Path<i64>, Query(q): Q) -> Response {
    let kind = q.get("allergyType");
    if let Some(k) = kind
        && !ALLERGY_TYPES.contains(&k.as_str())
    {
        return refuse(
            "allergyType",
            Some(k),
            "must be one of DRUG_ALLERGY, NON_DRUG_ALLERGY, DRUG_INTOLERANCE, NON_DRUG_INTOLERANCE",
        );
    }
    let db = state.db();
    if let Err(e) = known_patient(&db, id) {
        return e;
    }
    let found: Vec<_> = db
        .allergies
        .get(&id)
        .into_iter()
        .flatten()
        .filter(|a| kind.is_none_or(|k| a.allergy_type.as_ref() == Some(k)))
        .collect();
    ok(found)
}

async fn immunizations(Extract(state): S, Path(id): Path<i64>) -> Response {
    let db = state.db();
    if let Err(e) = known_patient(&db, id) {
        return e;
    }
    ok(db.immunizations.get(&id).cloned().unwrap_or_default())
}

async fn patient_folders(Extract(state): S, Path(id): Path<i64>) -> Response {
    let db = state.db();
    if let Err(e) = known_patient(&db, id) {
        return e;
    }
    let (folders, subtypes) = db.patient_folders(id);
    ok(json!({"patient_id": id, "folders": folders, "subtypes": subtypes}))
}

// Documents and letters.

async fn folders(Query(q): Q) -> Response {
    let wanted = q
        .get("folderName")
        .map(|n| n.trim())
        .filter(|n| !n.is_empty());
    let found: Vec<_> = seed::folders()
        .into_iter()
        .filter(|f| wanted.is_none_or(|n| f.name.eq_ignore_ascii_case(n)))
        .collect();
    ok(found)
}

fn multipart_error(e: &axum::extract::multipart::MultipartError) -> Response {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        api_error(StatusCode::BAD_REQUEST, "Malformed multipart body")
    }
}

async fn upload_document(Extract(state): S, Query(q): Q, mut multipart: Multipart) -> Response {
    match q.get("type").map(String::as_str) {
        None | Some("") => {}
        Some(t) if t.eq_ignore_ascii_case("REFERRAL") => {}
        Some(t) => return refuse("type", Some(t), "must be REFERRAL"),
    }
    let (mut details, mut size) = (None::<Bytes>, None::<usize>);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return multipart_error(&e),
        };
        let name = field.name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return multipart_error(&e),
        };
        match name.as_deref() {
            Some("details") => details = Some(bytes),
            Some("document") => size = Some(bytes.len()),
            _ => {}
        }
    }
    if size.is_some_and(|s| s > state.config.max_upload_bytes) {
        return too_large();
    }
    let Some(details) = details else {
        return refuse("details", None, "must not be null");
    };
    if size.is_none() {
        return refuse("document", None, "must not be null");
    }
    let details: DocumentDetails = match parse_body(&details) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut db = state.db();
    if !db.patients.contains_key(&details.patient_id) {
        return refuse(
            "patient_id",
            Some(&details.patient_id.to_string()),
            "must be a patient of the clinic",
        );
    }
    let folders = seed::folders();
    let Some(folder) = folders.iter().find(|f| f.id == Some(details.folder_id)) else {
        return refuse(
            "folder_id",
            Some(&details.folder_id.to_string()),
            "must be a document folder",
        );
    };
    if let Some(sub) = details.sub_folder_id
        && !folder.sub_folders.iter().any(|s| s.id == Some(sub))
    {
        return refuse(
            "sub_folder_id",
            Some(&sub.to_string()),
            "must be a sub-folder of the folder",
        );
    }
    let id = db.next_document;
    db.next_document += 1;
    db.documents.insert(
        id,
        Document {
            patient_id: details.patient_id,
            folder_id: details.folder_id,
            sub_folder_id: details.sub_folder_id,
        },
    );
    ok(vec![id])
}

async fn letter_types() -> Response {
    let active: Vec<_> = seed::letter_types()
        .into_iter()
        .filter(|t| t.active == Some(true))
        .collect();
    ok(active)
}

async fn create_letter(Extract(state): S, body: Bytes) -> Response {
    let letter: Letter = match parse_body(&body) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let mut db = state.db();
    if !db.patients.contains_key(&letter.patient_id) {
        return not_found();
    }
    let mut v = Vec::new();
    if !seed::letter_types()
        .iter()
        .any(|t| t.type_id == Some(letter.type_id) && t.active == Some(true))
    {
        v.push(Violation::new(
            "typeId",
            Some(&letter.type_id.to_string()),
            "must be an active letter type",
        ));
    }
    if letter.title.trim().is_empty() {
        v.push(Violation::new(
            "title",
            Some(&letter.title),
            "must not be blank",
        ));
    }
    if letter.content.trim().is_empty() {
        v.push(Violation::new("content", Some(""), "must not be blank"));
    }
    if let Some(p) = letter.provider_id
        && !known_provider(&db, p)
    {
        v.push(Violation::new(
            "providerId",
            Some(&p.to_string()),
            "must be a provider of the clinic",
        ));
    }
    if let Some(a) = letter.appointment_id
        && db.bookings.get(&a).is_none_or(gone)
    {
        v.push(Violation::new(
            "appointmentId",
            Some(&a.to_string()),
            "must be an appointment of the clinic",
        ));
    }
    if !v.is_empty() {
        return constraint_violations(&v);
    }
    let id = db.next_letter;
    db.next_letter += 1;
    db.letters.insert(id, letter);
    ok(id)
}

// Labs: templates, not patients' values.

async fn lab_test_results(Path(test): Path<i64>) -> Response {
    if !seed::lab_tests().iter().any(|t| t.test_id == Some(test)) {
        return not_found();
    }
    ok(seed::lab_results(Some(test)))
}

// Scheduling.

/// A deleted appointment is gone for everything but `includeDeleted`.
fn gone(b: &Booking) -> bool {
    b.appointment.deleted == Some(true)
}

async fn list_appointments(Extract(state): S, Query(q): Q) -> Response {
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
        && !seed::scheduler_sites()
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
            && !seed::appointment_reasons()
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
            && !seed::appointment_types()
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
            && !seed::appointment_priorities()
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

async fn create_appointment(Extract(state): S, body: Bytes) -> Response {
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

async fn get_appointment(Extract(state): S, Path(id): Path<i64>) -> Response {
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

async fn update_appointment(
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
async fn cancel_appointment(Extract(state): S, Path(id): Path<i64>, Query(q): Q) -> Response {
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

async fn appointment_statuses(Extract(state): S, Path(id): Path<i64>) -> Response {
    match booking(&state.db(), id) {
        Ok(b) => ok(&b.statuses),
        Err(e) => e,
    }
}

/// 404 also when the appointment has no history, as Accuro answers.
async fn appointment_history(Extract(state): S, Path(id): Path<i64>) -> Response {
    match booking(&state.db(), id) {
        Ok(b) if b.history.is_empty() => not_found(),
        Ok(b) => ok(&b.history),
        Err(e) => e,
    }
}

macro_rules! fixed {
    ($list:expr) => {
        get(|| async { ok($list) })
    };
}

/// The REST routes the sandbox keeps state or lookups for, but for tasks and
/// waitlist requests ([`crate::tasks`], [`crate::waitlists`]); the other
/// operations of the spec answer its examples ([`crate::fallback`]).
pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/rest/v1/api-version", get(api_version))
        .route("/rest/v1/offices", get(offices))
        .route("/rest/v1/genders", fixed!(seed::genders()))
        .route("/rest/v1/locations", fixed!(seed::locations()))
        .route(
            "/rest/v1/provider-portal/insurers",
            fixed!(seed::insurers()),
        )
        .route("/rest/v1/providers", get(providers))
        .route("/rest/v1/providers/offices", get(provider_offices))
        .route("/rest/v1/providers/types", fixed!(seed::provider_types()))
        .route(
            "/rest/v1/providers/statuses",
            fixed!(seed::provider_statuses()),
        )
        .route(
            "/rest/v1/providers/specialties",
            fixed!(seed::specialties()),
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
        .route("/rest/v1/provider-portal/letters/types", get(letter_types))
        .route("/rest/v1/provider-portal/letters", put(create_letter))
        .route(
            "/rest/v1/provider-portal/labs/tests",
            fixed!(seed::lab_tests()),
        )
        .route(
            "/rest/v1/provider-portal/labs/tests/{testId}/results",
            get(lab_test_results),
        )
        .route(
            "/rest/v1/provider-portal/labs/results",
            fixed!(seed::lab_results(None)),
        )
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
            fixed!(seed::appointment_types()),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/reasons",
            fixed!(seed::appointment_reasons()),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/statuses",
            fixed!(seed::scheduler_statuses()),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/priorities",
            fixed!(seed::appointment_priorities()),
        )
        .route(
            "/rest/v1/provider-portal/scheduler/sites",
            fixed!(seed::scheduler_sites()),
        )
}
