//! The API's error bodies (behind the gateway): `{"error":"..."}`, and the
//! constraint violations Accuro lists for a refused request.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The API's error shape without violations: `{"error":"..."}`.
pub(crate) fn api_error(status: StatusCode, error: &str) -> Response {
    (status, Json(accuro_spec::texts::server_body(error))).into_response()
}

/// One refused value: its field, the value as text (`None`: `"(null)"`) and
/// the constraint it broke.
pub(crate) struct Violation {
    field: String,
    value: Option<String>,
    constraint: String,
}

impl Violation {
    /// `field`'s `value` (`None`: missing) broke `constraint`.
    pub(crate) fn new(field: &str, value: Option<&str>, constraint: &str) -> Self {
        Self {
            field: field.to_owned(),
            value: value.map(str::to_owned),
            constraint: constraint.to_owned(),
        }
    }
}

/// 400 `{"error":"Request Constraint Violation","constraintViolations":[...]}`,
/// each `value` a string (`"(null)"` for a missing one), as Accuro writes it.
pub(crate) fn constraint_violations(violations: &[Violation]) -> Response {
    let list: Vec<serde_json::Value> = violations
        .iter()
        .map(|v| {
            json!({
                "field": v.field,
                "value": v.value.as_deref().unwrap_or("(null)"),
                "constraint": v.constraint,
            })
        })
        .collect();
    let mut body = accuro_spec::texts::server_body(accuro_spec::texts::CONSTRAINT_VIOLATION);
    if !list.is_empty() {
        body["constraintViolations"] = list.into();
    }
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}
