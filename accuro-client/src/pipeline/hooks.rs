//! progenitor's hooks under every call: `pre` stamps the credentials on the
//! request, `exec` runs the [`send`](super::send) loop inside its span and
//! audit event, and caps the answer.

use progenitor_client::{ClientHooks, OperationInfo};
use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response, StatusCode};
use tracing::Instrument as _;

use super::{SUBSCRIPTION_KEY, TOKEN_OPERATION, millis};
use crate::Client;
use crate::audit::{self, AuditOutcome};
use crate::generated::operation_route;
use crate::outcome;
use crate::state::{ClientState, ClinicState};

/// How a call ended: its last status, if any, and its outcome as the audit
/// trail names it (an answer marked by [`outcome::mark`] is an unknown outcome).
fn ended(outcome: &reqwest::Result<Response>) -> (Option<StatusCode>, AuditOutcome) {
    match outcome {
        Ok(response) => {
            let status = response.status();
            let kind = if outcome::is_marked(response.headers()) {
                AuditOutcome::OutcomeUnknown
            } else if status.is_client_error() || status.is_server_error() {
                AuditOutcome::Refused
            } else {
                AuditOutcome::Success
            };
            (Some(status), kind)
        }
        Err(e) if e.is_timeout() => (None, AuditOutcome::Timeout),
        Err(_) => (None, AuditOutcome::Transport),
    }
}

/// The clinic on a REST request: the subscription key header and the
/// `uuid` query parameter, once each (every call, and the office switch).
pub(crate) fn stamp_clinic(request: &mut Request, clinic: &ClinicState) {
    request
        .headers_mut()
        .insert(SUBSCRIPTION_KEY, clinic.subscription_key.clone());
    request
        .url_mut()
        .query_pairs_mut()
        .append_pair("uuid", &clinic.uuid);
}

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(
        &self,
        request: &mut Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let clinic = &self.inner.clinic;
        if info.operation_id == TOKEN_OPERATION {
            request
                .headers_mut()
                .insert(AUTHORIZATION, clinic.basic.clone());
            return Ok(());
        }
        // `before_call` made sure a sendable token is cached (and, for a
        // streamed body, `before_streamed_send` a fresh one). A token that
        // expired on arrival (`expires_in` 0) still serves the call it was
        // fetched for. Should the token have been dropped since (a 401 of
        // another call), the request goes without one: its 401 is then
        // replayed once with a new token (unless its body is streamed).
        let bearer = clinic
            .cache
            .sendable_header(|refresh| self.renewal(refresh))
            .or_else(|| clinic.cache.current_header());
        let headers = request.headers_mut();
        if let Some(bearer) = bearer {
            headers.insert(AUTHORIZATION, bearer);
        }
        if let Some(timeout) = self.call_timeout() {
            *request.timeout_mut() = Some(timeout);
        }
        stamp_clinic(request, clinic);
        Ok(())
    }

    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let clinic = &self.inner.clinic;
        let route = operation_route(info.operation_id);
        let template = route.map_or("?", |r| r.path);
        // Field values are only computed when a subscriber wants the span.
        // Names of OpenTelemetry's HTTP client conventions; no query, no
        // path value, no body.
        let span = tracing::debug_span!(
            "accuro.request",
            otel.kind = "client",
            otel.name = %format_args!("{} {template}", request.method()),
            operation = info.operation_id,
            http.request.method = %request.method(),
            url.template = template,
            server.address = request.url().host_str().unwrap_or(""),
            server.port = request.url().port_or_known_default(),
            http.response.status_code = tracing::field::Empty,
            error.type = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let limit = clinic.max_answer_bytes;
        // Recorded when the call ends, or when it is dropped first.
        let pending = clinic
            .audit
            .as_ref()
            .filter(|_| info.operation_id != TOKEN_OPERATION)
            .map(|audit| {
                let method = route.map_or("?", |r| r.method);
                audit::Pending::start(
                    audit,
                    info.operation_id,
                    method,
                    template,
                    request.url().path(),
                )
            });
        let (outcome, attempts) = if span.is_disabled() {
            super::send::send(self, clinic, self.retry_policy(), request, info).await
        } else {
            let started = std::time::Instant::now();
            let (outcome, attempts) =
                super::send::send(self, clinic, self.retry_policy(), request, info)
                    .instrument(span.clone())
                    .await;
            span.record("latency_ms", millis(started.elapsed()));
            span.record("attempts", attempts);
            if attempts > 1 {
                span.record("http.request.resend_count", attempts - 1);
            }
            (outcome, attempts)
        };
        // How the call ended, read once for the span and the audit event.
        if pending.is_some() || !span.is_disabled() {
            let (status, kind) = ended(&outcome);
            if let Some(status) = status {
                span.record("http.response.status_code", status.as_u16());
            }
            match (kind, status) {
                (AuditOutcome::Success, _) => {}
                (_, Some(status)) => {
                    span.record("error.type", status.as_str());
                }
                (AuditOutcome::Timeout, None) => {
                    span.record("error.type", "timeout");
                }
                (_, None) => {
                    span.record("error.type", "transport");
                }
            }
            if let Some(pending) = pending {
                pending.finish(status.map(|s| s.as_u16()), kind, attempts);
            }
        }
        outcome.map(|response| crate::answer_cap::cap(response, limit))
    }
}
