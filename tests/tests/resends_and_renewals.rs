//! Resends and renewals under stress: issue 10's defects, one test each
//! (the comment above each group says how the code before the issue-10
//! work, `4d06322`, failed it), and next to them the guards the issue
//! asked for that the old code already met (a POST answered 502/503 sent
//! once, a 429 and a refused connection retried for `create_letter`, no
//! `api-version` header and one `uuid`): those say so.
//! Synthetic data only.
//!
//! Timing: tokio's paused clock where waits matter. Where a test must wait
//! for the stand-in to receive a request, it yields to the runtime (which
//! does not move a paused clock) and checks again, with a real-time bound
//! that is only a liveness guard ([`until`]).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use accuro_client::token::TokenError;
use accuro_client::{Client, DEFAULT_TOKEN_TIMEOUT, Error, ErrorKind, RetryPolicy, types};
use accuro_tests::*;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const OFFICES: &str = "/rest/v1/offices";
const PROVIDERS: &str = "/rest/v1/providers";
const LETTERS: &str = "/rest/v1/provider-portal/letters";
const APPOINTMENTS: &str = "/rest/v1/provider-portal/scheduler/appointments";
const DOCUMENTS: &str = "/rest/v1/provider-portal/documents";
const PATIENT: &str = "/rest/v2/provider-portal/patients/1001";
const API_VERSION: &str = "/rest/v1/api-version";
/// Synthetic markers: a health number and a family name.
const PHN: &str = "9000000001";
const NAME: &str = "Qzxmarkerson";

fn letter() -> types::Letter {
    types::Letter {
        type_id: 1,
        patient_id: 1001,
        provider_id: Some(7),
        appointment_id: None,
        title: "Synthetic letter".into(),
        content: "{\\rtf1 Synthetic.}".into(),
    }
}

fn booking() -> types::Appointment {
    appointment("2026-12-24", (1300, 1315), Some(1001), 7, 1)
}

fn bearer_of(request: &Request) -> String {
    header_values(request, "authorization").join(",")
}

async fn bearers_at(server: &MockServer, at: &str) -> Vec<String> {
    received_at(server, at)
        .await
        .iter()
        .map(bearer_of)
        .collect()
}

/// A client on the paused clock (no timer of its own) with no jitter.
fn paused_client_at(base_url: &str) -> Client {
    builder_at(base_url)
        .without_timers()
        .jitter(|| 0.0)
        .build()
        .expect("test client")
}

/// Waits until `done()` holds, yielding to the runtime between checks: a
/// paused clock does not move while a task yields. The real-time bound is a
/// liveness guard only (the test fails instead of hanging), never a
/// performance bound; the condition is normally met within milliseconds.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::task::yield_now().await;
        std::thread::sleep(Duration::from_millis(1));
    }
}

// ---------------------------------------------------------------------------
// A loopback stand-in on the test's own runtime, so that it works on a paused
// clock and can hold token answers until the test releases them.
// ---------------------------------------------------------------------------

struct StandState {
    expires_in: i64,
    refresh_tokens: bool,
    /// Token answers wait while this is `false`.
    gate: watch::Sender<bool>,
    token_bodies: Mutex<Vec<String>>,
    bearers: Mutex<Vec<String>>,
}

/// `POST /v1/token` answers `token-N` (and `refresh-N` when asked) once the
/// gate is open; `GET /rest/v1/offices` answers `[]`. Every answer closes its
/// connection (nothing is pooled). Records token bodies and bearers.
struct Stand {
    uri: String,
    state: Arc<StandState>,
    task: JoinHandle<()>,
}

impl Stand {
    async fn start(expires_in: i64, refresh_tokens: bool, open: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(StandState {
            expires_in,
            refresh_tokens,
            gate: watch::Sender::new(open),
            token_bodies: Mutex::default(),
            bearers: Mutex::default(),
        });
        let shared = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&shared)));
            }
        });
        Self { uri, state, task }
    }

    fn open(&self) {
        self.state.gate.send_replace(true);
    }

    fn close(&self) {
        self.state.gate.send_replace(false);
    }

    fn token_requests(&self) -> usize {
        self.state.token_bodies.lock().expect("lock").len()
    }

    fn token_bodies(&self) -> Vec<String> {
        self.state.token_bodies.lock().expect("lock").clone()
    }

    fn bearers(&self) -> Vec<String> {
        self.state.bearers.lock().expect("lock").clone()
    }

    /// Stops listening: connecting to its port is then refused.
    async fn stop(&mut self) {
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

impl Drop for Stand {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request: its head and its body (by `content-length`).
async fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).into_owned();
                return Some((head.to_owned(), body));
            }
        }
    }
}

async fn serve(mut stream: TcpStream, state: Arc<StandState>) {
    let Some((head, body)) = read_request(&mut stream).await else {
        return;
    };
    let first = head.lines().next().unwrap_or_default().to_owned();
    let (status, answer) = if first.starts_with("POST /v1/token") {
        let n = {
            let mut bodies = state.token_bodies.lock().expect("lock");
            bodies.push(body);
            bodies.len()
        };
        let mut gate = state.gate.subscribe();
        if gate.wait_for(|open| *open).await.is_err() {
            return;
        }
        let mut token = json!({
            "token_type": "Bearer",
            "access_token": format!("token-{n}"),
            "expires_in": state.expires_in,
        });
        if state.refresh_tokens {
            token["refresh_token"] = json!(format!("refresh-{n}"));
        }
        ("200 OK", token.to_string())
    } else if first.starts_with("GET /rest/v1/offices") {
        let bearer = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("authorization")
                    .then(|| value.trim().to_owned())
            })
            .unwrap_or_default();
        state.bearers.lock().expect("lock").push(bearer);
        ("200 OK", "[]".to_owned())
    } else {
        ("404 Not Found", r#"{"error":"Not Found"}"#.to_owned())
    };
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

// ---------------------------------------------------------------------------
// a. A write that may have reached the server is never sent twice.
//    Old code: retries by method only (PUT, GET, DELETE), so `create_letter`
//    (a PUT that files a letter) answered 504 or cut was sent 3 times. The
//    POST, 429 and refused-connection tests below are guards: the old code
//    already sent a POST once and retried a PUT on 429 or a refused connection.
// ---------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn create_letter_answered_504_is_sent_once() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("PUT"))
        .and(path(LETTERS))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let client = paused_clock_client(&server);
    let err = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("504");
    assert_eq!(err.kind(), ErrorKind::Server, "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
    assert_eq!(err.operation(), Some("create_letter"));
    let sends = received_at(&server, LETTERS).await.len();
    eprintln!("LETTER_SENDS_AFTER_504={sends}");
    assert_eq!(sends, 1, "a letter answered 504 is filed at most once");
}

#[tokio::test(start_paused = true)]
async fn a_post_answered_502_or_503_is_sent_once() {
    for status in [502, 503] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        Mock::given(method("POST"))
            .and(path(APPOINTMENTS))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let client = paused_clock_client(&server);
        let err = client
            .create_appointment()
            .body(booking())
            .send()
            .await
            .expect_err("gateway error");
        assert_eq!(err.kind(), ErrorKind::Server, "{status}: {err:?}");
        assert_eq!(
            received_at(&server, APPOINTMENTS).await.len(),
            1,
            "{status}: a POST is sent once"
        );
    }
}

#[tokio::test]
async fn a_letter_whose_connection_was_cut_after_sending_is_not_sent_again() {
    // The server reads the whole request, then closes without answering.
    let server = CuttingServer::start().await;
    let client = builder_at(&server.uri)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client");
    let err = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("cut");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(
        server.cut.load(Ordering::SeqCst),
        1,
        "the letter may have been filed: not sent again"
    );
    // An idempotent operation is sent again on the same cut.
    let err = client.list_offices().send().await.expect_err("cut");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    assert_eq!(server.cut.load(Ordering::SeqCst), 1 + 3);
}

#[tokio::test(start_paused = true)]
async fn a_429_is_retried_even_for_create_letter() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_once_then(
        &server,
        "PUT",
        LETTERS,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        ResponseTemplate::new(200).set_body_json(8001),
    )
    .await;
    let client = paused_clock_client(&server);
    let id = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect("sent again after the 429");
    assert_eq!(id.into_inner(), 8001);
    assert_eq!(received_at(&server, LETTERS).await.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_retried_even_for_create_letter() {
    let mut stand = Stand::start(3600, false, true).await;
    let client = paused_client_at(&stand.uri);
    client.authenticate().await.expect("token");
    // Nothing listens on the port any more: every connection is refused.
    stand.stop().await;
    let started = tokio::time::Instant::now();
    let err = client
        .create_letter()
        .body(letter())
        .send()
        .await
        .expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Transport, "{err:?}");
    // Jitter 0: waits of 100 ms then 200 ms, so 3 attempts. Without retries
    // the error would come at once (the paused clock does not move by itself).
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(400),
        "{waited:?}"
    );
}

// ---------------------------------------------------------------------------
// b. Retry-After values that overflow. Old code: `started.elapsed() + wait`
//    panicked on `Retry-After: 18446744073709551615` once a second had
//    passed, and read `99999999999999999999999` as no value (then retried).
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_huge_retry_after_after_a_slow_answer_does_not_panic() {
    // Real clock: the answer's delay is the elapsed time when the decision is
    // made. `Duration::from_secs(u64::MAX)` still has room for nanoseconds, so
    // only a whole second elapsed made the old `elapsed + wait` overflow.
    for (value, delay_ms) in [
        ("18446744073709551615", 1100),
        ("99999999999999999999999", 50),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 50),
    ] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        Mock::given(method("GET"))
            .and(path(OFFICES))
            .respond_with(
                ResponseTemplate::new(503)
                    .insert_header("retry-after", value)
                    .set_delay(Duration::from_millis(delay_ms)),
            )
            .mount(&server)
            .await;
        let err = client(&server)
            .list_offices()
            .send()
            .await
            .expect_err("503");
        assert_eq!(err.kind(), ErrorKind::Server, "{value}: {err:?}");
        assert_eq!(
            received_at(&server, OFFICES).await.len(),
            1,
            "{value}: a wait past the budget ends the retries"
        );
    }
}

// ---------------------------------------------------------------------------
// c. Cancelled callers. Old code: the token request ran inside the first
//    caller's future (a `OnceCell` initialiser); cancelling that caller
//    dropped the request, the next caller sent another, and a refresh token
//    taken out for the dropped request was lost.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_caller_cancelled_while_fetching_the_token_does_not_restart_it() {
    let stand = Stand::start(3600, false, false).await;
    let client = builder_at(&stand.uri).build().expect("client");
    let first = tokio::spawn({
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    until("the token request reached the server", || {
        stand.token_requests() == 1
    })
    .await;
    first.abort();
    let aborted = first.await.expect_err("aborted");
    assert!(aborted.is_cancelled(), "the answer is held: still waiting");

    let second = tokio::spawn({
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    stand.open();
    second
        .await
        .expect("task")
        .expect("the renewal in flight serves it");
    let requests = stand.token_requests();
    eprintln!("TOKEN_REQUESTS_AFTER_CANCELLED_CALLER={requests}");
    assert_eq!(requests, 1, "one token request in all");
    assert_eq!(stand.bearers(), ["Bearer token-1"]);
}

#[tokio::test(start_paused = true)]
async fn a_caller_cancelled_during_a_refresh_neither_resends_nor_loses_the_refresh_token() {
    let stand = Stand::start(600, true, true).await;
    let client = paused_client_at(&stand.uri);
    client.list_offices().send().await.expect("first token");

    // Expired: callers wait for the renewal, which spends refresh-1.
    stand.close();
    tokio::time::advance(Duration::from_secs(600)).await;
    let caller = tokio::spawn({
        let client = client.clone();
        async move { client.list_offices().send().await.map(drop) }
    });
    until("the refresh request reached the server", || {
        stand.token_requests() == 2
    })
    .await;
    caller.abort();
    assert!(caller.await.expect_err("aborted").is_cancelled());
    stand.open();
    // Joins the renewal the cancelled caller started.
    client.authenticate().await.expect("the renewal completes");
    client.list_offices().send().await.expect("with token-2");
    assert_eq!(
        stand.token_bodies()[1..],
        ["grant_type=refresh_token&refresh_token=refresh-1"],
        "refresh-1 sent once, no other request"
    );

    // The next renewal spends the refresh token the completed renewal brought.
    tokio::time::advance(Duration::from_secs(600)).await;
    client.list_offices().send().await.expect("with token-3");
    assert_eq!(
        stand.token_bodies(),
        [
            "grant_type=client_credentials&scope=PATIENT_DEMOGRAPHICS_READ+SCHEDULING_WRITE",
            "grant_type=refresh_token&refresh_token=refresh-1",
            "grant_type=refresh_token&refresh_token=refresh-2",
        ]
    );
    assert_eq!(
        stand.bearers(),
        ["Bearer token-1", "Bearer token-2", "Bearer token-3"]
    );
}

// ---------------------------------------------------------------------------
// d. No call waits for a renewal while it has a valid token. Old code: a
//    token inside the refresh margin was no longer "fresh", so every call
//    waited for the renewal (3 s here) and went out with the new token.
// ---------------------------------------------------------------------------

/// Answers the first token request at once and every later one after `delay`
/// (real time: wiremock answers on a thread of its own).
#[derive(Clone)]
struct SlowRenewals {
    issuer: TokenIssuer,
    delay: Duration,
}

impl Respond for SlowRenewals {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let answer = self.issuer.respond(request);
        if self.issuer.issued() > 1 {
            answer.set_delay(self.delay)
        } else {
            answer
        }
    }
}

#[tokio::test(start_paused = true)]
async fn calls_do_not_wait_for_a_slow_renewal_while_the_token_is_valid() {
    let issuer = TokenIssuer::new(Some(3600));
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(SlowRenewals {
            issuer: issuer.clone(),
            delay: Duration::from_secs(3),
        })
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = paused_client_at(&server.uri());
    client.list_offices().send().await.expect("first token");

    // Jitter 0: renewal is due at 3,540 s; the token is valid until 3,600 s.
    tokio::time::advance(Duration::from_secs(3541)).await;
    let started = std::time::Instant::now();
    client
        .list_offices()
        .send()
        .await
        .expect("with the valid token");
    let latency = started.elapsed();
    eprintln!("LATENCY_DURING_RENEWAL_MS={}", latency.as_millis());

    // The call has returned; the renewal it started is in flight.
    until("the renewal request reached the server", || {
        issuer.issued() == 2
    })
    .await;
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-1"],
        "the call went out with the valid token, token-2 is not in use yet"
    );
    // `authenticate` joins the renewal in flight.
    client.authenticate().await.expect("renewed");
    assert_eq!(issuer.issued(), 2, "joined, not sent again");
    client.list_offices().send().await.expect("with token-2");
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    );
}

// ---------------------------------------------------------------------------
// e. Every 401 drops the refused token. Old code: the refused token was
//    dropped only on the way to a replay, so a 401 on a body that cannot be
//    replayed (multipart upload), or on the replay itself, left it cached.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_401_on_an_upload_that_cannot_be_replayed_still_drops_the_refused_token() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let client = client(&server);
    let err = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect_err("401");
    assert_eq!(err.kind(), ErrorKind::Unauthorized, "{err:?}");
    assert_eq!(err.operation(), Some("upload_document"));
    assert_eq!(
        received_at(&server, DOCUMENTS).await.len(),
        1,
        "a streamed body is not replayed"
    );
    client.list_offices().send().await.expect("offices");
    assert_eq!(issuer.issued(), 2, "the refused token is not used again");
    assert_eq!(bearers_at(&server, OFFICES).await, ["Bearer token-2"]);
}

#[tokio::test]
async fn a_401_on_the_replay_drops_that_token_too() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(gateway_401())
        .mount(&server)
        .await;
    mount_get(&server, PROVIDERS, json!([])).await;
    let client = client(&server);
    let err = client.list_offices().send().await.expect_err("401 twice");
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        bearers_at(&server, OFFICES).await,
        ["Bearer token-1", "Bearer token-2"]
    );
    client.list_providers().send().await.expect("providers");
    assert_eq!(
        issuer.issued(),
        3,
        "token-2 was refused too: not used again"
    );
    assert_eq!(bearers_at(&server, PROVIDERS).await, ["Bearer token-3"]);
}

// ---------------------------------------------------------------------------
// f. The token request has its own timeout. Old code: a `reqwest::Client` of
//    the user's without a timeout made a silent token endpoint hang every
//    call forever.
// ---------------------------------------------------------------------------

/// A loopback port that accepts connections and never answers.
async fn silent_listener() -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let uri = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    (uri, task)
}

#[tokio::test(start_paused = true)]
async fn the_token_request_times_out_even_on_a_transport_without_timeouts() {
    let (uri, task) = silent_listener().await;
    for (set, expected) in [
        (Some(Duration::from_secs(5)), Duration::from_secs(5)),
        (None, DEFAULT_TOKEN_TIMEOUT),
    ] {
        // No timer but the token's: as a transport without timeouts.
        let mut builder = builder_at(&uri)
            .without_timers()
            .token_timeout(DEFAULT_TOKEN_TIMEOUT);
        if let Some(timeout) = set {
            builder = builder.token_timeout(timeout);
        }
        let client = builder.build().expect("client");
        let started = tokio::time::Instant::now();
        // A guard on the paused clock: nothing but the token timeout ends the
        // call sooner; without one the guard fails the test instead of a hang.
        let answer =
            tokio::time::timeout(Duration::from_secs(24 * 3600), client.list_offices().send())
                .await
                .expect("the token timeout ended the call");
        let err = answer.expect_err("no answer");
        assert!(
            matches!(
                err,
                Error::Token {
                    operation: "list_offices",
                    source: TokenError::Timeout
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::Timeout);
        let waited = started.elapsed();
        assert!(
            waited >= expected && waited < expected + Duration::from_secs(1),
            "{set:?}: {waited:?}"
        );
    }
    task.abort();
}

// ---------------------------------------------------------------------------
// g. Builders' Debug. Old code: progenitor's derived Debug printed every
//    parameter's value (a PHN, a name, a letter's text).
// ---------------------------------------------------------------------------

#[test]
fn builders_debug_prints_parameter_names_never_values() {
    let client = builder_at("http://127.0.0.1:9").build().expect("client");
    let search = format!("{:?}", client.search_patients().phn(PHN).last_name(NAME));
    assert!(
        search.contains("phn") && search.contains("last_name"),
        "{search}"
    );
    assert!(!search.contains(PHN) && !search.contains(NAME), "{search}");

    let letter = types::Letter {
        title: format!("Letter for {NAME}"),
        content: format!("{{\\rtf1 PHN {PHN}}}"),
        ..letter()
    };
    let body = format!("{:?}", client.create_letter().body(letter));
    assert!(body.contains("body"), "{body}");
    assert!(!body.contains(PHN) && !body.contains(NAME), "{body}");

    let get = format!("{:?}", client.get_patient().patient_id(424_242));
    assert!(
        get.contains("patient_id") && !get.contains("424242"),
        "{get}"
    );
}

// ---------------------------------------------------------------------------
// h. Every error names its operation. Old code: a decode error of a 2xx
//    answer had no operation (`operation: None`); only error statuses were
//    tagged, through a response header.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_decode_error_names_its_operation() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"patientId": 1001, "demographics": {"firstName": "Sam""#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect_err("malformed");
    assert!(
        matches!(
            &err,
            Error::InvalidResponse {
                operation: "get_patient",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("get_patient"), "{err}");
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);

    // A handwritten call too.
    let err = client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect_err("not a list of ids");
    assert!(
        matches!(
            &err,
            Error::InvalidResponse {
                operation: "upload_document",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("upload_document"), "{err}");
}

// ---------------------------------------------------------------------------
// i. The wire: no `api-version` header, `uuid` exactly once, on every kind of
//    request (token, generated, handwritten, a 401 replay, a retry).
//    A guard: the old code's `pre` removed the header progenitor had built,
//    so nothing reached the wire either; now it is never built.
// ---------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn no_api_version_header_and_uuid_exactly_once_on_every_request() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    // 401 for token-1, then the replay with token-2 succeeds.
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .respond_with(gateway_401())
        .with_priority(2)
        .mount(&server)
        .await;
    // 503 once, then the retry succeeds.
    Mock::given(method("GET"))
        .and(path(APPOINTMENTS))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_get(&server, APPOINTMENTS, json!([])).await;
    mount_get(
        &server,
        PATIENT,
        json!({"patientId": 1001, "patientStatusId": 1}),
    )
    .await;
    mount_get(&server, API_VERSION, json!("10.13.0")).await;
    Mock::given(method("PATCH"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(DOCUMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1])))
        .mount(&server)
        .await;

    let client = paused_clock_client(&server);
    client.list_offices().send().await.expect("replayed");
    client
        .list_appointments()
        .patient(1001)
        .send()
        .await
        .expect("retried");
    client
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect("patient");
    client.get_api_version().send().await.expect("version");
    client
        .patch_patient(1001, &json!({"fileNumber": "F-1"}))
        .await
        .expect("patched");
    client
        .upload_document(&document_details(1001, 1), synthetic_pdf("scan.pdf"))
        .await
        .expect("uploaded");

    let received = server.received_requests().await.expect("recorded");
    let (mut token, mut rest) = (0, 0);
    for request in &received {
        let what = format!("{} {}", request.method, request.url.path());
        assert!(
            header_values(request, "api-version").is_empty(),
            "{what}: api-version header"
        );
        let uuids: Vec<String> = query_pairs(request)
            .into_iter()
            .filter(|(k, _)| k == "uuid")
            .map(|(_, v)| v)
            .collect();
        if request.url.path() == TOKEN_PATH {
            token += 1;
            assert!(uuids.is_empty(), "{what}: {uuids:?}");
        } else {
            rest += 1;
            assert_eq!(uuids, [CLINIC_UUID], "{what}: uuid exactly once");
        }
    }
    assert_eq!(token, 2, "token-1, then token-2 after the 401");
    assert_eq!(rest, 2 + 2 + 1 + 1 + 1 + 1, "replay and retry included");
}

// ---------------------------------------------------------------------------
// Findings: behaviour that contradicts the README's promise, kept ignored so
// the suite stays green. Run with `--ignored` to see them fail.
// ---------------------------------------------------------------------------

/// README: "The server's error texts are shown only when they cannot carry a
/// value the caller sent". A text of plain words can: a family name the
/// caller searched for, echoed back, is printed.
#[tokio::test]

async fn a_name_echoed_in_an_error_text_is_withheld() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path("/rest/v2/provider-portal/patients/search"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": format!("No patient named {NAME}")})),
        )
        .mount(&server)
        .await;
    let err = client(&server)
        .search_patients()
        .last_name(NAME)
        .send()
        .await
        .expect_err("400");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(NAME), "{shown}");
}

/// The path of a decode error is made of the document's keys; a key is
/// printed even when it is data (here a name used as a key, then the answer
/// is cut short).
#[tokio::test]

async fn a_decode_error_path_does_not_print_data_used_as_a_key() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(PATIENT))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"patientId": 1001, "{NAME}": {{"phn": "#),
            "application/json",
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_patient()
        .patient_id(1001)
        .send()
        .await
        .expect_err("malformed");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(NAME), "{shown}");
}
