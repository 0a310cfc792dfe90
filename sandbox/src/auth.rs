//! The token endpoint, and the checks every REST request goes through: the
//! rules are [`accuro_spec::token_endpoint`]'s and
//! [`accuro_spec::gateway`]'s; what the sandbox issues is kept here.

use std::collections::HashMap;
use std::sync::Arc;

use accuro_spec::gateway::{Clinic, RestRequest};
use accuro_spec::routes::Resolution;
use accuro_spec::token_endpoint::{self, Grant, TokenRefusal, TokenRequest};
use accuro_spec::{Operation, Spec, texts};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{MatchedPath, Request, State as Extract};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use crate::State;
use crate::api_error::api_error;
use crate::fallback::{self, Resolved};

/// Every scope the spec names (none if the built-in spec does not parse,
/// which [`crate::Sandbox::start`] reports).
pub(crate) fn spec_scopes() -> Vec<String> {
    match Spec::embedded() {
        Ok(spec) => spec.scopes(),
        Err(e) => {
            tracing::error!(error = %e, "no scope to grant");
            Vec::new()
        }
    }
}

/// An answer with Accuro's status and JSON body.
fn json_answer(status: u16, body: serde_json::Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}

struct Issued {
    scopes: Vec<String>,
    expires_at: Instant,
}

/// Issued access tokens and outstanding (single-use) refresh tokens.
#[derive(Default)]
pub(crate) struct Tokens {
    access: HashMap<String, Issued>,
    refresh: HashMap<String, Vec<String>>,
    serial: u64,
}

impl Tokens {
    pub(crate) fn revoke_all(&mut self) {
        self.access.clear();
        self.refresh.clear();
    }

    fn issue(&mut self, scopes: Vec<String>, state: &State) -> serde_json::Value {
        self.serial += 1;
        let access = format!(
            "sbx-access-{}-{:08x}",
            self.serial,
            fastish_hash(self.serial)
        );
        let lifetime = state.config.token_lifetime;
        self.access.insert(
            access.clone(),
            Issued {
                scopes: scopes.clone(),
                expires_at: Instant::now() + lifetime,
            },
        );
        let refresh = state.config.refresh_tokens.then(|| {
            let refresh = format!(
                "sbx-refresh-{}-{:08x}",
                self.serial,
                fastish_hash(!self.serial)
            );
            self.refresh.insert(refresh.clone(), scopes.clone());
            refresh
        });
        token_endpoint::answer(&access, &scopes, lifetime.as_secs(), refresh.as_deref())
    }

    /// The scopes of a valid token.
    fn scopes(&self, token: &str) -> Option<&[String]> {
        self.access
            .get(token)
            .filter(|t| Instant::now() < t.expires_at)
            .map(|t| t.scopes.as_slice())
    }
}

/// Token strings that do not look sequential (they are not secrets).
fn fastish_hash(n: u64) -> u32 {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    (x as u32) ^ ((x >> 32) as u32)
}

/// `POST /v1/token?tenant=...`: Basic credentials, form body, checked in
/// the endpoint's order ([`TokenRequest`]).
pub(crate) async fn token(
    Extract(state): Extract<Arc<State>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.stats().token_requests += 1;
    match grant(&state, &uri, &headers, &body) {
        Ok(answer) => Json(answer).into_response(),
        Err(refusal) => json_answer(refusal.status(), refusal.body()),
    }
}

/// The token a request gets, or why not.
fn grant(
    state: &State,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<serde_json::Value, TokenRefusal> {
    if state.faults().token_outage {
        return Err(TokenRefusal::Unavailable);
    }
    let headers = header_pairs(headers);
    let query = query_pairs(uri);
    let form = form_pairs(&headers, body);
    let request = TokenRequest {
        headers: &headers,
        query: &query,
        form: form.as_deref(),
    };
    let (tenant, id, secret) = request.credentials()?;
    let client = state
        .config
        .clients
        .iter()
        .find(|c| c.client_id == id && c.client_secret == secret && c.tenant == tenant)
        .ok_or(TokenRefusal::Credentials)?;
    let mut tokens = state.tokens();
    match request.grant()? {
        Grant::ClientCredentials { scopes } => {
            let scopes = token_endpoint::scopes_for(&scopes, &client.scopes)?;
            Ok(tokens.issue(scopes, state))
        }
        // Single use: spending it removes it.
        Grant::RefreshToken(refresh) => match tokens.refresh.remove(&refresh) {
            Some(scopes) => {
                state.stats().refresh_grants += 1;
                Ok(tokens.issue(scopes, state))
            }
            None => {
                state.stats().refused_refresh_grants += 1;
                Err(TokenRefusal::RefreshToken)
            }
        },
    }
}

/// A request's headers as `(name, value)` (values that are not text left
/// out).
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect()
}

/// A request's decoded query parameters.
fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// A form body's fields; `None` when it is not a form
/// (`application/x-www-form-urlencoded`, UTF-8).
fn form_pairs(headers: &[(String, String)], body: &[u8]) -> Option<Vec<(String, String)>> {
    let (_, content_type) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))?;
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return None;
    }
    std::str::from_utf8(body).ok()?;
    Some(url::form_urlencoded::parse(body).into_owned().collect())
}

/// Every REST request: resolves it to its operation of the spec (a path
/// that is none: 404; a method the path lacks: 405), [`check`]s it, then
/// lets the route's handler answer, or, when no handler serves it (a route
/// without this method, the router's fallback, or a route that a literal
/// path of the spec shadows, such as `/providers/search` under
/// `/providers/{providerId}`), answers the spec's example
/// ([`fallback::answer`]).
pub(crate) async fn guard(
    Extract(state): Extract<Arc<State>>,
    mut request: Request,
    next: Next,
) -> Response {
    let spec: &'static Spec = state.spec;
    let op = match spec.resolve(request.method().as_str(), request.uri().path()) {
        Resolution::Found(op) => op,
        Resolution::MethodNotAllowed => {
            return api_error(StatusCode::METHOD_NOT_ALLOWED, texts::METHOD_NOT_ALLOWED);
        }
        Resolution::NotFound => return StatusCode::NOT_FOUND.into_response(),
    };
    if let Err(refused) = check(&state, request.headers(), request.uri(), op) {
        return refused;
    }
    let routed = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|m| op.has_shape(m.as_str()));
    if !routed {
        return fallback::answer(op);
    }
    request.extensions_mut().insert(Resolved(op));
    next.run(request).await
}

/// What every REST request must carry, checked in Accuro's order by
/// [`Clinic::check`]: a bearer token the sandbox issued and has not
/// expired, the subscription key, the clinic `uuid`, one of the operation's
/// scopes, its other required query parameters.
// The refusal is the answer, ready to send: axum's idiom (see handlers.rs).
#[allow(clippy::result_large_err)]
fn check(state: &State, headers: &HeaderMap, uri: &Uri, op: &Operation) -> Result<(), Response> {
    let headers = header_pairs(headers);
    let query = query_pairs(uri);
    let request = RestRequest {
        headers: &headers,
        query: &query,
    };
    let clinic = Clinic {
        subscription_key: &state.config.subscription_key,
        uuid: &state.config.clinic_uuid,
    };
    let needed: Vec<&str> = op.scopes().iter().map(String::as_str).collect();
    let required: Vec<&str> = op.required_query().collect();
    let scopes_of = |token: &str| state.tokens().scopes(token).map(<[String]>::to_vec);
    clinic
        .check(&request, scopes_of, &needed, &required)
        .map(|_| ())
        .map_err(|refusal| json_answer(refusal.status(), refusal.body()))
}
