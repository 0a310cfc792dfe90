//! The wiremock Accuro stand-in: a token issuer, mounting helpers, and what it received.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::clients::TOKEN_PATH;

/// Answers token requests with `token-1`, `token-2`, ... and counts them.
#[derive(Clone)]
pub struct TokenIssuer {
    count: Arc<AtomicUsize>,
    /// Every access and refresh token issued, in order.
    tokens: Arc<Mutex<Vec<String>>>,
    expires_in: Option<i64>,
    refresh_tokens: bool,
    delay: std::time::Duration,
}

impl TokenIssuer {
    /// An issuer of tokens that live `expires_in` seconds (`None`: field absent).
    pub fn new(expires_in: Option<i64>) -> Self {
        Self {
            count: Arc::default(),
            tokens: Arc::default(),
            expires_in,
            refresh_tokens: false,
            delay: std::time::Duration::ZERO,
        }
    }

    /// Also issue a refresh token `refresh-N` with each access token.
    pub fn with_refresh_tokens(mut self) -> Self {
        self.refresh_tokens = true;
        self
    }

    /// Answer each token request after `delay` (on the server's own thread).
    pub fn with_delay(mut self, delay: std::time::Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Token requests answered so far.
    pub fn issued(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    /// Every access token and refresh token issued so far, in the order
    /// issued: the markers a leak test looks for.
    pub fn tokens(&self) -> Vec<String> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Mounts the token endpoint on `server`.
    pub async fn mount(&self, server: &MockServer) {
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }
}

impl Respond for TokenIssuer {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let access = format!("token-{n}");
        let mut body = json!({
            "token_type": "Bearer",
            "access_token": access,
            "scope": "PATIENT_DEMOGRAPHICS_READ, SCHEDULING_WRITE",
        });
        if let Some(e) = self.expires_in {
            body["expires_in"] = json!(e);
        }
        let mut issued = vec![access];
        if self.refresh_tokens {
            let refresh = format!("refresh-{n}");
            body["refresh_token"] = json!(refresh);
            issued.push(refresh);
        }
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(issued);
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.delay)
    }
}

/// Mounts `GET path` answering `body` with 200.
pub async fn mount_get(server: &MockServer, at: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// The requests `server` received at `at`, in order.
pub async fn received_at(server: &MockServer, at: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == at)
        .collect()
}

/// The bodies of the token requests `server` received, in order.
pub async fn token_bodies(server: &MockServer) -> Vec<String> {
    received_at(server, TOKEN_PATH)
        .await
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect()
}

/// The grant (`grant_type=...`) of each token request `server` received.
pub async fn token_grants(server: &MockServer) -> Vec<String> {
    token_bodies(server)
        .await
        .into_iter()
        .map(|body| body.split('&').next().unwrap_or_default().to_owned())
        .collect()
}

/// Mounts a token endpoint that answers its first request with `first` and
/// every later one with `then`.
pub async fn mount_token_once_then(
    server: &MockServer,
    first: TokenIssuer,
    then: ResponseTemplate,
) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// The query of a request as ordered `(name, value)` pairs.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// All values of header `name` in a request.
pub fn header_values(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap_or("<non-ascii>").to_owned())
        .collect()
}

/// Mounts `http_method at` answering its first request with `first` and
/// every later one with `then`.
pub async fn mount_once_then(
    server: &MockServer,
    http_method: &str,
    at: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .and(path(at))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(http_method))
        .and(path(at))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// The gateway's 401 answer: `{"code":"401","message":"Unauthorized"}`.
pub fn gateway_401() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({"code": "401", "message": "Unauthorized"}))
}

/// A stand-in whose token endpoint issues tokens that live an hour.
pub async fn stand_in() -> MockServer {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    server
}

/// Answers every `http_method` request at `at` with `answer`.
pub async fn mount_answer(
    server: &MockServer,
    http_method: &str,
    at: &str,
    answer: ResponseTemplate,
) {
    Mock::given(method(http_method))
        .and(path(at))
        .respond_with(answer)
        .mount(server)
        .await;
}
