//! What every stateful handler shares: building its answers (a JSON body,
//! Accuro's refusals) and reading its request (a query value, a JSON body, a
//! page request, a merge patch).

// Handlers return early with a ready `Response` as their error: axum's idiom,
// and a test server's error path, where the size of `Err` does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use accuro_client::shapes::AccuroDate;
use axum::Json;
use axum::extract::{Query, State as Extract};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::State;
use crate::api_error::{Violation, api_error, constraint_violations};

/// The sandbox's state, as handlers take it.
pub(crate) type S = Extract<Arc<State>>;
/// A request's query, as handlers take it.
pub(crate) type Q = Query<HashMap<String, String>>;

/// 404 `{"error":"Not Found"}`.
pub(crate) fn not_found() -> Response {
    api_error(StatusCode::NOT_FOUND, accuro_spec::texts::NOT_FOUND)
}

/// 400 with one constraint violation.
pub(crate) fn refuse(field: &str, value: Option<&str>, constraint: &str) -> Response {
    constraint_violations(&[Violation::new(field, value, constraint)])
}

/// 200 with `value` as JSON.
pub(crate) fn ok<T: serde::Serialize>(value: T) -> Response {
    Json(value).into_response()
}

/// The query value `name` as an integer, if present (400 if it is not one).
pub(crate) fn int(query: &HashMap<String, String>, name: &str) -> Result<Option<i64>, Response> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| refuse(name, Some(v), "must be an integer")),
    }
}

/// The query value `name` as `true`/`false`, if present (400 otherwise).
pub(crate) fn boolean(
    query: &HashMap<String, String>,
    name: &str,
) -> Result<Option<bool>, Response> {
    match query.get(name).map(String::as_str) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(refuse(name, Some(v), "must be true or false")),
    }
}

/// The query value `name` as a `yyyy-MM-dd` date, if present (400 otherwise).
pub(crate) fn day(
    query: &HashMap<String, String>,
    name: &str,
) -> Result<Option<AccuroDate>, Response> {
    match query.get(name) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| refuse(name, Some(v), "must be a date yyyy-MM-dd")),
    }
}

/// The page a cursor-paginated list is asked for: its size (`pageSize`:
/// above 50 is cut to 50, not refused; below 1 means the default, 25) and
/// the id it starts after (`startingId`, 0 for the first page).
pub(crate) fn page_request(query: &HashMap<String, String>) -> Result<(usize, i64), Response> {
    let size = int(query, "pageSize")?
        .filter(|s| *s >= 1)
        .unwrap_or(25)
        .min(50);
    let after = int(query, "startingId")?.unwrap_or(0);
    Ok((usize::try_from(size).unwrap_or(25), after))
}

/// A JSON body as `T`, refused the way Accuro refuses one: a missing required
/// field is a constraint violation (`"(null)"`), any other mismatch
/// "Unable to process json. Invalid value at field(s): ...". Neither repeats
/// the refused value's JSON error (it may be a health number).
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Err(api_error(
            StatusCode::BAD_REQUEST,
            "Unable to process json.",
        ));
    };
    let error = match serde_json::from_value::<T>(value.clone()) {
        Ok(parsed) => return Ok(parsed),
        Err(e) => e.to_string(),
    };
    let culprit = culprit::<T>(&value, &error);
    if let Some(missing) = error
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        let field = match culprit {
            Some(top) if top != missing => format!("{top}.{missing}"),
            _ => missing.to_owned(),
        };
        return Err(refuse(&field, None, "must not be null"));
    }
    Err(api_error(
        StatusCode::BAD_REQUEST,
        &format!(
            "Unable to process json. Invalid value at field(s): {}",
            culprit.as_deref().unwrap_or("(body)")
        ),
    ))
}

/// The top-level field an error of `T` comes from: the first whose removal
/// makes the error go away or change (other than into its own absence).
fn culprit<T: DeserializeOwned>(value: &Value, error: &str) -> Option<String> {
    let map = value.as_object()?;
    let base_missing = error.starts_with("missing field");
    map.keys()
        .find(|key| {
            let mut rest = map.clone();
            rest.remove(*key);
            match serde_json::from_value::<T>(Value::Object(rest)) {
                Ok(_) => true,
                Err(e) => {
                    let e = e.to_string();
                    e != error && !(base_missing && e == format!("missing field `{key}`"))
                }
            }
        })
        .cloned()
}

/// Applies a merge-patch body to `target` (RFC 7396).
pub(crate) fn merge_patch(target: &mut Value, patch: &Value) {
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
