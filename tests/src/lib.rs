//! Helpers shared by the integration tests: synthetic credentials, a loopback
//! Accuro stand-in (wiremock) and a client pointed at it.
//!
//! Every value here is synthetic: no real name, PHN or credential.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use accuro_client::{Client, ClientBuilder};
use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The tenant the tests configure.
pub const TENANT: &str = "synthclinic";
/// The client id the tests configure.
pub const CLIENT_ID: &str = "synthetic-client-id";
/// The client secret the tests configure.
pub const CLIENT_SECRET: &str = "synthetic-client-secret-0001";
/// The subscription key the tests configure.
pub const SUBSCRIPTION_KEY: &str = "synthetic-subscription-key-0001";
/// The clinic uuid the tests configure.
pub const CLINIC_UUID: &str = "0f0e0d0c-0b0a-4909-8807-060504030201";
/// The scopes the tests configure.
pub const SCOPES: [&str; 2] = ["PATIENT_DEMOGRAPHICS_READ", "SCHEDULING_WRITE"];
/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/v1/token";

/// The `Authorization` header the token request must carry.
pub fn basic_header() -> String {
    let raw = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

/// A builder with every setting pointed at `server`.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .tenant(TENANT)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .scopes(SCOPES)
        .subscription_key(SUBSCRIPTION_KEY)
        .clinic_uuid(CLINIC_UUID)
}

/// A client for tests on tokio's paused clock: with no timer of its own (no
/// request timeout, no pool-idle timer), since a paused runtime that waits on
/// loopback I/O jumps the clock to the next pending timer.
pub fn paused_clock_client(server: &MockServer) -> Client {
    builder(server)
        .http_client(timerless_http_client())
        .build()
        .expect("test client")
}

/// A `reqwest::Client` that arms no timer (see [`paused_clock_client`]).
pub fn timerless_http_client() -> reqwest::Client {
    accuro_client::ensure_crypto_provider();
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client for tests")
}

/// A client with default settings pointed at `server`.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("test client")
}

/// Answers token requests with `token-1`, `token-2`, ... and counts them.
#[derive(Clone)]
pub struct TokenIssuer {
    count: Arc<AtomicUsize>,
    expires_in: Option<i64>,
    refresh_tokens: bool,
    delay: std::time::Duration,
}

impl TokenIssuer {
    /// An issuer of tokens that live `expires_in` seconds (`None`: field absent).
    pub fn new(expires_in: Option<i64>) -> Self {
        Self {
            count: Arc::default(),
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
        let mut body = json!({
            "token_type": "Bearer",
            "access_token": format!("token-{n}"),
            "scope": "PATIENT_DEMOGRAPHICS_READ, SCHEDULING_WRITE",
        });
        if let Some(e) = self.expires_in {
            body["expires_in"] = json!(e);
        }
        if self.refresh_tokens {
            body["refresh_token"] = json!(format!("refresh-{n}"));
        }
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

/// A loopback server that issues tokens but cuts every other connection
/// without answering (a connection reset, as a crashing gateway does).
pub struct CuttingServer {
    /// Its base URL.
    pub uri: String,
    /// REST connections it cut.
    pub cut: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CuttingServer {
    /// Starts it on 127.0.0.1.
    pub async fn start() -> Self {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let uri = format!("http://{}", listener.local_addr().expect("addr"));
        let cut = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&cut);
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 8192];
                    let mut read = 0;
                    // Read the request head (and a small body).
                    loop {
                        match stream.read(&mut buf[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                        let text = String::from_utf8_lossy(&buf[..read]);
                        if let Some(head_end) = text.find("\r\n\r\n") {
                            let length = text[..head_end]
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            if read >= head_end + 4 + length {
                                break;
                            }
                        }
                    }
                    if buf.starts_with(b"POST /v1/token") {
                        let body = r#"{"access_token":"token-1","expires_in":3600}"#;
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(answer.as_bytes()).await;
                    } else {
                        counter.fetch_add(1, Ordering::SeqCst);
                        // Dropping the stream closes it without an answer.
                    }
                });
            }
        });
        Self { uri, cut, task }
    }
}

impl Drop for CuttingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
