//! Waitlist requests (`/rest/v1/provider-portal/waitlists`): listed by page,
//! created, read and replaced, over the seeded ones.
//!
//! As the spec says: the list filters combine with AND, `waitlistProviderId`
//! and `patientId` can only be numbers; a replacement keeps the request's
//! surgical fields (`surgicalPriority`, `surgicalSiteId`, `surgicalStatus`,
//! `surgicalType`, `surgicalRefusedReason`, `availableForCancellation`),
//! whatever it carries for them.

// Handlers return early with a ready `Response` as their error: axum's idiom.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use accuro_client::types::{WaitlistRequest, WaitlistRequestPage};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::State;
use crate::api_error::api_error;
use crate::respond::{Q, S, not_found, ok, page_request, parse_body, refuse};

/// `GET`/`POST /waitlists`, `GET`/`PUT /waitlists/{id}` (the spec names the
/// path parameter `id` for the one and `waitlistId` for the other).
pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route(
            "/rest/v1/provider-portal/waitlists",
            get(list_waitlists).post(create_waitlist),
        )
        .route(
            "/rest/v1/provider-portal/waitlists/{id}",
            get(get_waitlist).put(update_waitlist),
        )
}

/// A filter that "can only be numbers".
fn number(
    q: &std::collections::HashMap<String, String>,
    name: &str,
) -> Result<Option<i64>, Response> {
    match q.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| refuse(name, Some(v), "can only be numbers")),
    }
}

async fn list_waitlists(Extract(state): S, Query(q): Q) -> Response {
    let filters = (
        number(&q, "waitlistProviderId"),
        number(&q, "patientId"),
        page_request(&q),
    );
    let (provider, patient, (size, after)) = match filters {
        (Ok(a), Ok(b), Ok(page)) => (a, b, page),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return e,
    };
    let status = q
        .get("consultStatus")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty());
    let db = state.db();
    let matching: Vec<&WaitlistRequest> = db
        .waitlists
        .values()
        .filter(|w| provider.is_none_or(|p| w.waitlist_provider_id.map(i64::from) == Some(p)))
        .filter(|w| patient.is_none_or(|p| w.patient_id.map(i64::from) == Some(p)))
        .filter(|w| {
            status.is_none_or(|s| {
                w.consult_status
                    .as_deref()
                    .is_some_and(|have| have.eq_ignore_ascii_case(s))
            })
        })
        .collect();
    let contents: Vec<WaitlistRequest> = matching
        .iter()
        .filter(|w| w.id.map_or(0, i64::from) > after)
        .take(size)
        .map(|w| (*w).clone())
        .collect();
    ok(WaitlistRequestPage {
        count: Some(contents.len() as i64),
        total: Some(matching.len() as i64),
        last_id: Some(contents.last().and_then(|w| w.id).map_or(0, i64::from)),
        contents: Some(contents),
    })
}

/// 200 with the new request's id.
async fn create_waitlist(Extract(state): S, body: Bytes) -> Response {
    let mut request: WaitlistRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut db = state.db();
    let Ok(id) = i32::try_from(db.next_waitlist) else {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            accuro_spec::texts::INTERNAL_SERVER_ERROR,
        );
    };
    db.next_waitlist += 1;
    request.id = Some(id);
    db.waitlists.insert(id.into(), request);
    ok(id)
}

/// The id in the path, if it is a waitlist request's.
fn known(db: &crate::seed::Db, id: &str) -> Result<i64, Response> {
    id.parse::<i64>()
        .ok()
        .filter(|id| db.waitlists.contains_key(id))
        .ok_or_else(not_found)
}

async fn get_waitlist(Extract(state): S, Path(id): Path<String>) -> Response {
    let db = state.db();
    match known(&db, &id) {
        Ok(id) => ok(db.waitlists.get(&id)),
        Err(e) => e,
    }
}

/// 204; the surgical fields stay as they were.
async fn update_waitlist(Extract(state): S, Path(id): Path<String>, body: Bytes) -> Response {
    let mut db = state.db();
    let id = match known(&db, &id) {
        Ok(id) => id,
        Err(e) => return e,
    };
    let mut request: WaitlistRequest = match parse_body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Some(before) = db.waitlists.get(&id) {
        request.id = before.id;
        request
            .surgical_priority
            .clone_from(&before.surgical_priority);
        request.surgical_site_id = before.surgical_site_id;
        request.surgical_status.clone_from(&before.surgical_status);
        request.surgical_type.clone_from(&before.surgical_type);
        request
            .surgical_refused_reason
            .clone_from(&before.surgical_refused_reason);
        request.available_for_cancellation = before.available_for_cancellation;
    }
    db.waitlists.insert(id, request);
    StatusCode::NO_CONTENT.into_response()
}
