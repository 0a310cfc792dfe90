//! Synthetic credentials, and clients and builders pointed at a stand-in.

use accuro_client::{Client, ClientBuilder, RetryPolicy};
use base64::Engine as _;
use wiremock::MockServer;

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
    builder_at(server.uri())
}

/// The test credentials as one clinic's settings, pointed at `base_url`.
pub fn clinic_config(base_url: &str) -> accuro_client::ClinicConfig {
    accuro_client::ClinicConfig::new()
        .base_url(base_url)
        .tenant(TENANT)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .scopes(SCOPES)
        .subscription_key(SUBSCRIPTION_KEY)
        .clinic_uuid(CLINIC_UUID)
}

/// A builder with the test credentials, pointed at `base_url`.
pub fn builder_at(base_url: impl Into<String>) -> ClientBuilder {
    Client::builder()
        .base_url(base_url)
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
        .without_timers()
        .build()
        .expect("test client")
}

/// A plain `reqwest::Client` for requests the tests send themselves, with a
/// TLS configuration of its own (nothing installed process-wide).
pub fn raw_http_client() -> reqwest::Client {
    accuro_fetch::client_builder(&accuro_fetch::Options::default())
        .expect("TLS configuration")
        .build()
        .expect("reqwest client for tests")
}

/// A client with default settings pointed at `server`.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("test client")
}

/// The default retry policy with waits of 1 to 2 ms: retries on the real
/// clock against a stand-in on loopback, without slowing the tests.
pub fn quick_retry_policy() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: std::time::Duration::from_millis(1),
        max_backoff: std::time::Duration::from_millis(2),
        ..RetryPolicy::default()
    }
}

/// A client of the stand-in at `uri` with [`quick_retry_policy`].
pub fn quick_client_at(uri: &str) -> Client {
    builder_at(uri)
        .retry_policy(quick_retry_policy())
        .build()
        .expect("client")
}

/// A client of `server` with [`quick_retry_policy`].
pub fn quick_client(server: &MockServer) -> Client {
    quick_client_at(&server.uri())
}
