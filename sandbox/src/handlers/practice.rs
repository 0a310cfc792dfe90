//! Lookups and practice structure: the API version, offices, providers,
//! their specialties; lab test templates.

use axum::extract::{Path, Query, State as Extract};
use axum::response::Response;
use serde_json::json;

use crate::respond::{Q, S, boolean, not_found, ok};

/// The version the sandbox claims to run (QHR's published file's).
const API_VERSION: &str = "10.13.0";

pub(super) async fn api_version() -> Response {
    ok(API_VERSION)
}

pub(super) async fn offices(Extract(state): S) -> Response {
    if state.faults().break_spec {
        // `officeId` must be an integer: this answer breaks the spec on purpose.
        return ok(json!([{"officeId": "not-an-integer", "name": "Broken"}]));
    }
    ok(&state.db().offices)
}

pub(super) async fn providers(Extract(state): S) -> Response {
    ok(&state.db().providers)
}

pub(super) async fn provider(Extract(state): S, Path(id): Path<i64>) -> Response {
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

pub(super) async fn provider_specialties(Extract(state): S, Path(id): Path<i64>) -> Response {
    match state
        .db()
        .providers
        .iter()
        .find(|p| p.provider_id == Some(id))
    {
        Some(p) => ok(state.lookups.provider_specialties(p)),
        None => not_found(),
    }
}

pub(super) async fn provider_offices(Extract(state): S, Query(q): Q) -> Response {
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

// Labs: templates, not patients' values.

pub(super) async fn lab_test_results(Extract(state): S, Path(test): Path<i64>) -> Response {
    if !state
        .lookups
        .lab_tests
        .iter()
        .any(|t| t.test_id == Some(test))
    {
        return not_found();
    }
    ok(state.lookups.lab_results(Some(test)))
}
