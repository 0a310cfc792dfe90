//! Letters: their types, and new letters.

use accuro_client::types::Letter;
use axum::body::Bytes;
use axum::extract::State as Extract;
use axum::response::Response;

use super::appointments::gone;
use super::known_provider;
use crate::api_error::{Violation, constraint_violations};
use crate::respond::{S, not_found, ok, parse_body};

pub(super) async fn letter_types(Extract(state): S) -> Response {
    let active: Vec<_> = state
        .lookups
        .letter_types
        .iter()
        .filter(|t| t.active == Some(true))
        .collect();
    ok(active)
}

pub(super) async fn create_letter(Extract(state): S, body: Bytes) -> Response {
    let letter: Letter = match parse_body(&body) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let mut db = state.db();
    if !db.patients.contains_key(&letter.patient_id) {
        return not_found();
    }
    let mut v = Vec::new();
    if !db
        .lookups
        .letter_types
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
