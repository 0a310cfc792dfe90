//! Patients: searched by page, read, created, replaced and merge-patched,
//! with the server's checks; their allergies, immunizations and the folders
//! of their documents.

use std::collections::HashMap;

use accuro_client::types::{Patient, PatientPage};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::known_provider;
use crate::api_error::{Violation, api_error, constraint_violations};
use crate::respond::{Q, S, merge_patch, not_found, ok, page_request, parse_body, refuse};
use crate::seed::Db;

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

pub(super) async fn search_patients(Extract(state): S, Query(q): Q) -> Response {
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

pub(super) async fn get_patient(Extract(state): S, Path(id): Path<i64>) -> Response {
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
            if !db.lookups.genders.iter().any(|g| g.id == Some(d.gender_id)) {
                v.push(Violation::new(
                    "demographics.genderId",
                    Some(&d.gender_id.to_string()),
                    "must be a gender of the clinic",
                ));
            }
            if let Some(location) = d.health_card.as_ref().and_then(|h| h.location_id)
                && !db
                    .lookups
                    .locations
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
        && !db.lookups.insurers.iter().any(|i| i.insurer_id == Some(id))
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

pub(super) async fn create_patient(Extract(state): S, headers: HeaderMap, body: Bytes) -> Response {
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

pub(super) async fn replace_patient(
    Extract(state): S,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
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

pub(super) async fn patch_patient(Extract(state): S, Path(id): Path<i64>, body: Bytes) -> Response {
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

pub(super) async fn allergies(Extract(state): S, Path(id): Path<i64>, Query(q): Q) -> Response {
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

pub(super) async fn immunizations(Extract(state): S, Path(id): Path<i64>) -> Response {
    let db = state.db();
    if let Err(e) = known_patient(&db, id) {
        return e;
    }
    ok(db.immunizations.get(&id).cloned().unwrap_or_default())
}

pub(super) async fn patient_folders(Extract(state): S, Path(id): Path<i64>) -> Response {
    let db = state.db();
    if let Err(e) = known_patient(&db, id) {
        return e;
    }
    let (folders, subtypes) = db.patient_folders(id);
    ok(json!({"patient_id": id, "folders": folders, "subtypes": subtypes}))
}
