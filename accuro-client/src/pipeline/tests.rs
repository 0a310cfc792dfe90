//! The pipeline alone: the send loop over a stand-in [`Parts`] (no HTTP),
//! the token cache seeded through it, tokio's clock paused.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use progenitor_client::OperationInfo;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, Request, Response, StatusCode};
use secrecy::SecretString;
use tokio::time::Instant;

use super::send::{Parts, send};
use crate::retry::RetryPolicy;
use crate::state::ClinicState;
use crate::token::{Fetch, Token, TokenCache, TokenError, TokenResponse};

/// Headers of a scripted answer.
type Headers = &'static [(&'static str, &'static str)];
/// A scripted answer: status, headers, body.
type Scripted = (u16, Headers, &'static str);

/// Answers attempts from a script, records the token each carried, and
/// issues `token-<n>` on renewal.
#[derive(Default)]
struct StandIn {
    answers: Mutex<VecDeque<Scripted>>,
    carried: Mutex<Vec<Option<HeaderValue>>>,
    renewals: Arc<AtomicUsize>,
    /// The lifetime of the tokens it issues, in seconds (0: an hour).
    lifetime: u64,
    /// Renewals after the first fail (503).
    renewals_fail: bool,
}

impl StandIn {
    fn answering(answers: &[Scripted]) -> Self {
        Self {
            answers: Mutex::new(answers.iter().copied().collect()),
            ..Self::default()
        }
    }

    fn carried(&self) -> Vec<Option<HeaderValue>> {
        self.carried
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Parts for StandIn {
    fn execute(&self, request: Request) -> impl Future<Output = reqwest::Result<Response>> + Send {
        let carried = request.headers().get(AUTHORIZATION).cloned();
        self.carried
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(carried);
        let (status, headers, body) = self
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or((599, &[], "the script ran out"));
        let mut answer = http::Response::builder().status(status);
        for (name, value) in headers {
            answer = answer.header(*name, *value);
        }
        let answer = answer
            .body(body.to_owned())
            .unwrap_or_else(|_| http::Response::new(String::new()));
        std::future::ready(Ok(Response::from(answer)))
    }

    fn renewal(&self, _refresh: Option<SecretString>) -> Fetch {
        let n = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
        let lifetime = if self.lifetime == 0 {
            3600
        } else {
            self.lifetime
        };
        let fails = self.renewals_fail && n > 1;
        Box::pin(async move {
            if fails {
                return Err(TokenError::UnexpectedStatus { status: 503 });
            }
            token(n, lifetime)
        })
    }
}

fn token(n: usize, lifetime: u64) -> Result<Token, TokenError> {
    let answer: TokenResponse = serde_json::from_value(serde_json::json!({
        "access_token": format!("token-{n}"),
        "expires_in": lifetime,
    }))
    .map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
    Token::from_response(answer, Instant::now(), Duration::from_secs(30), 0.0)
}

fn bearer(n: usize) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("Bearer token-{n}")).ok()
}

fn clinic_state() -> ClinicState {
    ClinicState {
        tenant: "tenant".into(),
        client_id: "client".into(),
        basic: HeaderValue::from_static("Basic c3RhbmQtaW46c2VjcmV0"),
        scope: String::new(),
        subscription_key: HeaderValue::from_static("key"),
        uuid: "00000000-0000-4000-8000-000000000001".into(),
        refresh_margin: Duration::from_secs(30),
        retry: RetryPolicy::default(),
        cache: TokenCache::new(Duration::from_secs(5)),
        jitter: Arc::new(|| 0.0),
        max_answer_bytes: 1 << 20,
        in_flight: None,
        store: None,
        audit: None,
        token_requests: Default::default(),
        requests: Default::default(),
        office: None,
        own_token: false,
        offices: crate::state::Offices::new(),
    }
}

/// A request for `operation` carrying the cached token, as `pre` sends it.
async fn request(stand_in: &StandIn, clinic: &ClinicState, method: Method) -> Request {
    let mut request = Request::new(
        method,
        "http://stand-in.invalid/rest/v1/offices"
            .parse()
            .unwrap_or_else(|_| unreachable!()),
    );
    if let Ok(token) = clinic.cache.token(|r| stand_in.renewal(r)).await {
        request
            .headers_mut()
            .insert(AUTHORIZATION, token.header.clone());
    }
    request
}

async fn run(
    stand_in: &StandIn,
    clinic: &ClinicState,
    operation: &'static str,
    method: Method,
) -> (StatusCode, u32, String) {
    let request = request(stand_in, clinic, method).await;
    let info = OperationInfo {
        operation_id: operation,
    };
    let (outcome, attempts) = send(stand_in, clinic, &clinic.retry, request, &info).await;
    match outcome {
        Ok(response) => {
            let status = response.status();
            let unknown = crate::outcome::is_marked(response.headers());
            let body = response.text().await.unwrap_or_default();
            let body = if unknown {
                format!("[unknown outcome] {body}")
            } else {
                body
            };
            (status, attempts, body)
        }
        Err(_) => (
            StatusCode::from_u16(599).unwrap_or_default(),
            attempts,
            String::new(),
        ),
    }
}

#[tokio::test(start_paused = true)]
async fn a_401_drops_the_token_and_replays_once_with_a_new_one() {
    let stand_in = StandIn::answering(&[(401, &[], ""), (200, &[], "[]")]);
    let clinic = clinic_state();
    let (status, attempts, _) = run(&stand_in, &clinic, "list_offices", Method::GET).await;
    assert_eq!((status, attempts), (StatusCode::OK, 2));
    assert_eq!(stand_in.carried(), [bearer(1), bearer(2)]);
    assert_eq!(stand_in.renewals.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn a_second_401_is_the_answer_not_a_third_attempt() {
    let stand_in = StandIn::answering(&[(401, &[], ""), (401, &[], ""), (200, &[], "[]")]);
    let clinic = clinic_state();
    let (status, attempts, _) = run(&stand_in, &clinic, "list_offices", Method::GET).await;
    assert_eq!((status, attempts), (StatusCode::UNAUTHORIZED, 2));
    assert_eq!(
        clinic.cache.current_header(),
        None,
        "the refused token is dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_is_waited_out_for_its_retry_after_on_the_clock() {
    let stand_in = StandIn::answering(&[(429, &[("retry-after", "3")], ""), (200, &[], "[]")]);
    let clinic = clinic_state();
    let started = Instant::now();
    let (status, attempts, _) = run(&stand_in, &clinic, "list_offices", Method::GET).await;
    assert_eq!((status, attempts), (StatusCode::OK, 2));
    assert_eq!(started.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn a_503_is_sent_again_only_when_sending_twice_is_harmless() {
    let clinic = clinic_state();
    let read = StandIn::answering(&[(503, &[], ""), (200, &[], "[]")]);
    let (status, attempts, _) = run(&read, &clinic, "list_offices", Method::GET).await;
    assert_eq!((status, attempts), (StatusCode::OK, 2));
    let write = StandIn::answering(&[(503, &[], ""), (201, &[], "1")]);
    let (status, attempts, _) = run(&write, &clinic, "create_patient", Method::POST).await;
    assert_eq!((status, attempts), (StatusCode::SERVICE_UNAVAILABLE, 1));
}

#[tokio::test(start_paused = true)]
async fn a_refused_resend_of_a_write_is_an_unknown_outcome() {
    let stand_in = StandIn::answering(&[(502, &[], ""), (404, &[], "")]);
    let clinic = clinic_state();
    let (status, attempts, body) = run(
        &stand_in,
        &clinic,
        "delete_lab_test_results",
        Method::DELETE,
    )
    .await;
    assert_eq!((status, attempts), (StatusCode::NOT_FOUND, 2));
    assert!(body.starts_with("[unknown outcome]"), "{body}");
}

#[tokio::test(start_paused = true)]
async fn a_new_id_answered_only_in_location_becomes_the_201_the_spec_documents() {
    let stand_in = StandIn::answering(&[(204, &[("location", "/rest/v1/patients/42")], "")]);
    let clinic = clinic_state();
    let (status, attempts, body) = run(&stand_in, &clinic, "create_patient", Method::POST).await;
    assert_eq!(
        (status, attempts, body.as_str()),
        (StatusCode::CREATED, 1, "42")
    );
}

/// A retry policy that waits out a `Retry-After` of up to a minute.
fn patient_retries() -> RetryPolicy {
    RetryPolicy {
        max_elapsed: Duration::from_secs(60),
        ..RetryPolicy::default()
    }
}

#[tokio::test(start_paused = true)]
async fn a_resend_after_a_long_wait_goes_with_a_sendable_token() {
    // 20 s tokens, a 30 s refresh margin: renewal due at once (half the
    // lifetime, 10 s), sent until 5 s before expiry (SEND_MARGIN).
    let stand_in = StandIn {
        lifetime: 20,
        ..StandIn::answering(&[(429, &[("retry-after", "17")], ""), (200, &[], "[]")])
    };
    let clinic = ClinicState {
        retry: patient_retries(),
        ..clinic_state()
    };
    let (status, attempts, _) = run(&stand_in, &clinic, "list_offices", Method::GET).await;
    assert_eq!((status, attempts), (StatusCode::OK, 2));
    // token-1 had 3 s left after the wait: below the send margin, so the
    // resend went with the renewal's token.
    assert_eq!(stand_in.carried(), [bearer(1), bearer(2)]);
}

#[tokio::test(start_paused = true)]
async fn a_resend_that_no_sendable_token_can_go_with_is_not_sent() {
    const THROTTLED: &str = r#"{"statusCode":429,"message":"Rate limit is exceeded."}"#;
    let stand_in = StandIn {
        lifetime: 20,
        renewals_fail: true,
        ..StandIn::answering(&[(429, &[("retry-after", "17")], THROTTLED), (200, &[], "[]")])
    };
    let clinic = ClinicState {
        retry: patient_retries(),
        ..clinic_state()
    };
    let (status, attempts, body) = run(&stand_in, &clinic, "list_offices", Method::GET).await;
    // The 429 stands, its body kept through the wait: the token would have
    // expired on the way.
    assert_eq!(
        (status, attempts, body.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, 1, THROTTLED)
    );
    assert_eq!(stand_in.carried(), [bearer(1)]);
}

#[tokio::test(start_paused = true)]
async fn a_resend_shortly_after_goes_with_the_same_token() {
    let stand_in = StandIn::answering(&[(429, &[("retry-after", "2")], ""), (200, &[], "[]")]);
    let clinic = clinic_state();
    let (status, attempts, _) = run(&stand_in, &clinic, "list_offices", Method::GET).await;
    assert_eq!((status, attempts), (StatusCode::OK, 2));
    assert_eq!(stand_in.carried(), [bearer(1), bearer(1)]);
    assert_eq!(stand_in.renewals.load(Ordering::SeqCst), 1);
}
