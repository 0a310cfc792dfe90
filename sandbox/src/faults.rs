//! Fault knobs, and the admin endpoints that set them from outside.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State as Extract};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::State;

/// Faults the sandbox injects into REST answers (and the token endpoint).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every REST answer.
    pub latency_ms: u64,
    /// Fraction (0 to 1) of REST requests answered 500, spread evenly.
    pub error_rate: f64,
    /// The next this many REST requests are answered 429.
    pub burst_429: u32,
    /// `Retry-After` seconds of those 429 answers.
    pub retry_after_secs: u64,
    /// The token endpoint answers 503.
    pub token_outage: bool,
    /// `GET /rest/v1/offices` answers a body that breaks the spec (for
    /// checking that the conformance test notices).
    pub break_spec: bool,
    /// The patient search's last (empty) page answers `"lastId": null`
    /// instead of `0` (Accuro has been seen writing both).
    pub null_last_id: bool,
}

/// Applies latency, 429 bursts and the error rate to REST requests.
pub(crate) async fn inject(
    Extract(state): Extract<Arc<State>>,
    request: Request,
    next: Next,
) -> Response {
    let n = {
        let mut stats = state.stats();
        stats.rest_requests += 1;
        stats.rest_requests
    };
    let (latency, burst, retry_after, rate) = {
        let mut faults = state.faults();
        let burst = faults.burst_429 > 0;
        if burst {
            faults.burst_429 -= 1;
        }
        (
            faults.latency_ms,
            burst,
            faults.retry_after_secs,
            faults.error_rate,
        )
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if burst {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({"code": "429", "message": "Too Many Requests"})),
        )
            .into_response();
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from(retry_after));
        return response;
    }
    // Deterministic: exactly `rate` of the requests, evenly spread.
    let rate = rate.clamp(0.0, 1.0);
    if rate > 0.0 && ((n as f64) * rate).floor() > (((n - 1) as f64) * rate).floor() {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": accuro_spec::texts::INTERNAL_SERVER_ERROR})),
        )
            .into_response();
    }
    next.run(request).await
}

async fn get_faults(Extract(state): Extract<Arc<State>>) -> Json<Faults> {
    Json(state.faults().clone())
}

async fn put_faults(Extract(state): Extract<Arc<State>>, Json(faults): Json<Faults>) -> StatusCode {
    *state.faults() = faults;
    StatusCode::NO_CONTENT
}

async fn revoke(Extract(state): Extract<Arc<State>>) -> StatusCode {
    state.tokens().revoke_all();
    StatusCode::NO_CONTENT
}

async fn stats(Extract(state): Extract<Arc<State>>) -> Json<crate::Stats> {
    Json(*state.stats())
}

/// `GET`/`PUT /__sandbox/faults`, `POST /__sandbox/revoke-tokens`, `GET /__sandbox/stats`.
pub(crate) fn admin_routes() -> Router<Arc<State>> {
    Router::new()
        .route("/__sandbox/faults", get(get_faults).put(put_faults))
        .route("/__sandbox/revoke-tokens", post(revoke))
        .route("/__sandbox/stats", get(stats))
}
