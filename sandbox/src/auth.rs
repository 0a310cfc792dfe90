//! The token endpoint, and the checks every REST request goes through.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Form, MatchedPath, Query, Request, State as Extract};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use tokio::time::Instant;

use crate::State;
use crate::api_error::api_error;
use crate::fallback::{self, Resolved};
use crate::spec_routes::{Operation, Resolution, SpecRoutes};

/// Every scope the spec names (none if the built-in spec does not parse,
/// which [`crate::Sandbox::start`] reports).
pub(crate) fn spec_scopes() -> Vec<String> {
    match SpecRoutes::embedded() {
        Ok(spec) => spec.scopes(),
        Err(e) => {
            tracing::error!(error = %e, "no scope to grant");
            Vec::new()
        }
    }
}

/// The gateway's error shape: `{"code":"401","message":"..."}`.
pub(crate) fn gateway(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"code": status.as_u16().to_string(), "message": message})),
    )
        .into_response()
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
        let mut body = json!({
            "token_type": "Bearer",
            "expires_in": lifetime.as_secs(),
            "access_token": access,
            "scope": scopes.join(" "),
        });
        if state.config.refresh_tokens {
            let refresh = format!(
                "sbx-refresh-{}-{:08x}",
                self.serial,
                fastish_hash(!self.serial)
            );
            self.refresh.insert(refresh.clone(), scopes);
            body["refresh_token"] = json!(refresh);
        }
        body
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

/// `POST /v1/token?tenant=...`: Basic credentials, form body.
pub(crate) async fn token(
    Extract(state): Extract<Arc<State>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    state.stats().token_requests += 1;
    if state.faults().token_outage {
        return gateway(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
    }
    let Some(tenant) = query.get("tenant") else {
        return gateway(StatusCode::BAD_REQUEST, "Bad Request");
    };
    let Some((id, secret)) = basic_credentials(&headers) else {
        return gateway(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let Some(client) = state
        .config
        .clients
        .iter()
        .find(|c| c.client_id == id && c.client_secret == secret && &c.tenant == tenant)
    else {
        return gateway(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let Ok(Form(form)) = form else {
        return gateway(StatusCode::BAD_REQUEST, "Bad Request");
    };
    let mut tokens = state.tokens();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {
            let requested: Vec<String> = form
                .get("scope")
                .map(|s| {
                    s.split([' ', ','])
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            if requested.iter().any(|s| !client.scopes.contains(s)) {
                return gateway(StatusCode::BAD_REQUEST, "invalid_scope");
            }
            let scopes = if requested.is_empty() {
                client.scopes.clone()
            } else {
                requested
            };
            Json(tokens.issue(scopes, &state)).into_response()
        }
        Some("refresh_token") => {
            // Single use: spending it removes it.
            match form
                .get("refresh_token")
                .and_then(|r| tokens.refresh.remove(r))
            {
                Some(scopes) => {
                    state.stats().refresh_grants += 1;
                    Json(tokens.issue(scopes, &state)).into_response()
                }
                None => {
                    state.stats().refused_refresh_grants += 1;
                    gateway(StatusCode::BAD_REQUEST, "invalid_grant")
                }
            }
        }
        _ => gateway(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
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
    let spec: &'static SpecRoutes = state.spec;
    let op = match spec.resolve(request.method().as_str(), request.uri().path()) {
        Resolution::Operation(op) => op,
        Resolution::MethodNotAllowed => {
            return api_error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
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

/// What every REST request must carry, checked in Accuro's order: a bearer
/// token the sandbox issued (401, gateway shape), the subscription key (401,
/// gateway shape), the clinic `uuid` (400 `Required Parameter Missing.` or a
/// mismatch), one of the operation's scopes (401 `{"error":"Access is
/// denied"}`, not 403, as the server answers), then the operation's other
/// required query parameters (400 `Required Parameter Missing.`).
// The refusal is the answer, ready to send: axum's idiom (see handlers.rs).
#[allow(clippy::result_large_err)]
fn check(state: &State, headers: &HeaderMap, uri: &Uri, op: &Operation) -> Result<(), Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let scopes = match bearer
        .as_deref()
        .and_then(|t| state.tokens().scopes(t).map(<[String]>::to_vec))
    {
        Some(scopes) => scopes,
        None => return Err(gateway(StatusCode::UNAUTHORIZED, "Unauthorized")),
    };
    let key_ok = headers
        .get("x-qhr-subscription-key")
        .is_some_and(|k| k.as_bytes() == state.config.subscription_key.as_bytes());
    if !key_ok {
        return Err(gateway(
            StatusCode::UNAUTHORIZED,
            "Access denied due to missing or invalid subscription key.",
        ));
    }
    let query: HashMap<String, String> = Query::try_from_uri(uri).map(|q| q.0).unwrap_or_default();
    let missing = || api_error(StatusCode::BAD_REQUEST, "Required Parameter Missing.");
    match query.get("uuid").filter(|u| !u.trim().is_empty()) {
        Some(uuid) if uuid.eq_ignore_ascii_case(&state.config.clinic_uuid) => {}
        None => return Err(missing()),
        Some(_) => {
            return Err(api_error(
                StatusCode::BAD_REQUEST,
                "The provided uuid does not match one associated with your ACRON.",
            ));
        }
    }
    // A scope (or Accuro role) the token lacks: 401, not 403, from the server.
    let needed = op.scopes();
    if !needed.is_empty() && !needed.iter().any(|s| scopes.contains(s)) {
        return Err(api_error(StatusCode::UNAUTHORIZED, "Access is denied"));
    }
    if op
        .required_query()
        .iter()
        .any(|name| name != "uuid" && !query.contains_key(name))
    {
        return Err(missing());
    }
    Ok(())
}
