//! The shared token store's rules, in one process on tokio's paused clock:
//! each `Transport` with a `SharedStore` of its own over one `MemoryStore`
//! stands for a replica. (`replicas.rs` runs the same over Redis with real
//! processes.)

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use accuro_client::token::{
    MemoryStore, PauseKey, SharedStore, StoreError, StoreFuture, StoreKey, StoredToken, TokenStore,
};
use accuro_client::{Client, ErrorKind, Transport};
use accuro_tests::*;
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OFFICES: &str = "/rest/v1/offices";

/// The paused clock jumps ahead while a token request is on the wire, so
/// locks here live an hour (real processes are tested in `replicas.rs`).
fn shared(store: &Arc<dyn TokenStore>) -> SharedStore {
    SharedStore::from_arc(Arc::clone(store)).lock_ttl(Duration::from_secs(3600))
}

fn replica(server: &MockServer, store: &Arc<dyn TokenStore>) -> Client {
    replica_with(server, shared(store))
}

fn replica_with(server: &MockServer, store: SharedStore) -> Client {
    Transport::builder()
        .without_timers()
        .shared_store(store)
        .build()
        .expect("transport")
        .clinic(clinic_config(&server.uri()))
        .expect("clinic")
}

fn memory() -> Arc<dyn TokenStore> {
    Arc::new(MemoryStore::new())
}

/// What `tracing` printed in this binary (installed once).
fn logs() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(Capture::install_trace)
}

/// On the real clock: the waiters poll while the holder's request is on
/// the wire, and a paused clock would run ahead meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_sharing_a_store_send_one_token_request() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    mount_get(&server, OFFICES, json!([])).await;
    let store = memory();
    let replicas: Vec<Client> = (0..20).map(|_| replica(&server, &store)).collect();
    let calls = replicas.iter().map(|c| c.list_offices().send());
    for outcome in futures::future::join_all(calls).await {
        outcome.expect("call");
    }
    assert_eq!(issuer.issued(), 1);
    // Two scope sets never share a token.
    let fewer = Transport::builder()
        .without_timers()
        .shared_store(shared(&store))
        .build()
        .expect("transport")
        .clinic(clinic_config(&server.uri()).scopes(["PATIENT_DEMOGRAPHICS_READ"]))
        .expect("clinic");
    fewer.list_offices().send().await.expect("call");
    assert_eq!(issuer.issued(), 2);
    // Nor does a client of the same tenant and client id built with another
    // secret (a wrong, rotated or revoked one): it asks for its own token
    // (here the stand-in issues one whatever the secret), never reading
    // the right secret's from the store.
    let other_secret = Transport::builder()
        .without_timers()
        .shared_store(shared(&store))
        .build()
        .expect("transport")
        .clinic(clinic_config(&server.uri()).client_secret("another-secret-0002"))
        .expect("clinic");
    other_secret.list_offices().send().await.expect("call");
    assert_eq!(issuer.issued(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_token_refused_401_is_not_taken_from_the_store_again() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    Mock::given(method("GET"))
        .and(path(OFFICES))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(gateway_401())
        .with_priority(1)
        .mount(&server)
        .await;
    mount_get(&server, OFFICES, json!([])).await;
    let store = memory();
    let (a, b) = (replica(&server, &store), replica(&server, &store));
    a.authenticate().await.expect("token-1");
    b.authenticate().await.expect("token-1 from the store");
    assert_eq!(issuer.issued(), 1);
    // token-1 is revoked: A is refused, replays with a new token (not
    // token-1 again from the store)...
    a.list_offices().send().await.expect("replayed");
    assert_eq!(issuer.issued(), 2);
    // ...and B, refused too, takes A's new token from the store.
    b.list_offices().send().await.expect("replayed");
    assert_eq!(issuer.issued(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_refresh_token_is_spent_by_one_replica_and_lifetimes_count_from_each_read() {
    let server = MockServer::start().await;
    // 120 s tokens: renewal is due 60 s before expiry.
    let issuer = TokenIssuer::new(Some(120)).with_refresh_tokens();
    issuer.mount(&server).await;
    mount_get(&server, OFFICES, json!([])).await;
    let store = memory();
    let a = replica(&server, &store);
    a.authenticate().await.expect("token-1");
    // B reads token-1 50 s later: it lives 70 s more from B's read.
    tokio::time::sleep(Duration::from_secs(50)).await; // paused clock: deterministic
    let b = replica(&server, &store);
    let info = b.token_info().await.expect("token-1 from the store");
    assert_eq!(info.expires_in, Duration::from_secs(70));
    assert!(!info.refreshable, "the refresh token stays in the store");
    assert_eq!(issuer.issued(), 1);
    // Past the renewal point, A renews with the refresh token it takes from
    // the store; B then finds A's new token there. (Renewals at once across
    // processes are in `replicas.rs`: on a paused clock, a waiter's polls
    // run the clock ahead while the holder's request is on the wire.)
    tokio::time::sleep(Duration::from_secs(15)).await; // paused clock: deterministic
    a.authenticate().await.expect("renewed");
    b.authenticate().await.expect("renewed from the store");
    assert_eq!(issuer.issued(), 2);
    for client in [&a, &b] {
        let info = client.token_info().await.expect("token-2");
        assert!(!info.refreshable);
        assert_eq!(info.expires_in, Duration::from_secs(120));
    }
    let grants = token_grants(&server).await;
    assert_eq!(
        grants,
        ["grant_type=client_credentials", "grant_type=refresh_token"]
    );
    let bodies = token_bodies(&server).await;
    assert!(
        bodies[1].contains("refresh_token=refresh-1"),
        "{}",
        bodies[1]
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_the_other_replicas_for_its_retry_after_at_most_max_pause() {
    for (retry_after, max_pause, waited) in [(3u64, 60u64, 3u64), (3600, 5, 5)] {
        let server = MockServer::start().await;
        TokenIssuer::new(Some(3600)).mount(&server).await;
        mount_once_then(
            &server,
            "GET",
            OFFICES,
            ResponseTemplate::new(429)
                .insert_header("retry-after", retry_after.to_string().as_str())
                .set_body_json(json!({"statusCode": 429, "message": "Rate limit is exceeded."})),
            ResponseTemplate::new(200).set_body_json(json!([])),
        )
        .await;
        let store = memory();
        let with_max =
            |store: &Arc<dyn TokenStore>| shared(store).max_pause(Duration::from_secs(max_pause));
        let (a, b) = (
            replica_with(&server, with_max(&store)),
            replica_with(&server, with_max(&store)),
        );
        a.authenticate().await.expect("token");
        b.authenticate().await.expect("token");
        let started = Instant::now();
        let outcome = a.list_offices().send().await;
        if retry_after > max_pause {
            // A Retry-After beyond the retry policy's bound ends A's call.
            assert_eq!(outcome.expect_err("429").kind(), ErrorKind::RateLimited);
            b.list_offices().send().await.expect("after the pause");
            assert_eq!(started.elapsed(), Duration::from_secs(waited));
        } else {
            outcome.expect("retried after the pause");
            let b_started = Instant::now();
            b.list_offices().send().await.expect("no pause left");
            assert_eq!(b_started.elapsed(), Duration::ZERO);
            // A third replica arriving mid-pause waits out the rest.
            let c = replica_with(&server, with_max(&store));
            c.authenticate().await.expect("token");
            assert_eq!(started.elapsed(), Duration::from_secs(waited));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_replica_arriving_mid_pause_waits_out_the_rest_and_sends_once() {
    let server = MockServer::start().await;
    TokenIssuer::new(Some(3600)).mount(&server).await;
    mount_get(&server, OFFICES, json!([])).await;
    let store = memory();
    let a = replica(&server, &store);
    store
        .pause(
            &PauseKey::new(SUBSCRIPTION_KEY.as_bytes()),
            Duration::from_secs(4),
        )
        .await
        .expect("pause");
    let started = Instant::now();
    a.list_offices().send().await.expect("after the pause");
    assert_eq!(started.elapsed(), Duration::from_secs(4));
    assert_eq!(received_at(&server, OFFICES).await.len(), 1);
    // Another subscription key is not paused.
    store
        .pause(&PauseKey::new(b"another-key"), Duration::from_secs(30))
        .await
        .expect("pause");
    let started = Instant::now();
    a.list_offices().send().await.expect("not paused");
    assert_eq!(started.elapsed(), Duration::ZERO);
}

/// A store that fails every operation, or never answers.
#[derive(Debug)]
struct BrokenStore {
    hangs: bool,
}

impl BrokenStore {
    fn answer<'a, T: Send + 'a>(&'a self) -> StoreFuture<'a, T> {
        let hangs = self.hangs;
        Box::pin(async move {
            if hangs {
                std::future::pending::<()>().await;
            }
            Err(StoreError::Unavailable("connection refused".into()))
        })
    }
}

impl TokenStore for BrokenStore {
    fn load<'a>(&'a self, _: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>> {
        self.answer()
    }
    fn save<'a>(&'a self, _: &'a StoreKey, _: &'a StoredToken) -> StoreFuture<'a, ()> {
        self.answer()
    }
    fn take_refresh<'a>(
        &'a self,
        _: &'a StoreKey,
    ) -> StoreFuture<'a, Option<secrecy::SecretString>> {
        self.answer()
    }
    fn try_lock<'a>(&'a self, _: &'a StoreKey, _: &'a str, _: Duration) -> StoreFuture<'a, bool> {
        self.answer()
    }
    fn unlock<'a>(&'a self, _: &'a StoreKey, _: &'a str) -> StoreFuture<'a, ()> {
        self.answer()
    }
    fn paused_for<'a>(&'a self, _: &'a PauseKey) -> StoreFuture<'a, Option<Duration>> {
        self.answer()
    }
    fn pause<'a>(&'a self, _: &'a PauseKey, _: Duration) -> StoreFuture<'a, ()> {
        self.answer()
    }
}

#[tokio::test(start_paused = true)]
async fn a_store_that_fails_or_hangs_fails_no_call_is_bounded_and_is_reported_once() {
    let logs = logs();
    // Every access and refresh token the stand-ins issued, as they issued them.
    let mut issued: Vec<String> = Vec::new();
    for hangs in [false, true] {
        let server = MockServer::start().await;
        let issuer = TokenIssuer::new(Some(1)).with_refresh_tokens();
        issuer.mount(&server).await;
        mount_get(&server, OFFICES, json!([])).await;
        let before = logs.text().matches("the token store is degraded").count();
        // The default 250 ms store timeout is what this test is about (each
        // look at a hung store costs at most that), and on the paused clock
        // it is exact: no busy runner can stretch it.
        let shared = SharedStore::new(BrokenStore { hangs })
            .timeout(Duration::from_millis(250))
            .retry_after(Duration::from_secs(1));
        let client = replica_with(&server, shared.clone());
        let started = Instant::now();
        for _ in 0..10 {
            client.list_offices().send().await.expect("no call fails");
            // 1 s tokens: every call needs a new one.
            tokio::time::sleep(Duration::from_secs(2)).await; // paused clock: deterministic
        }
        assert!(shared.is_degraded());
        assert_eq!(issuer.issued(), 10);
        issued.extend(issuer.tokens());
        // Each look at a failing store costs at most its timeout, and it is
        // looked at again at most once a second (`retry_after`): 10 calls
        // 2 s apart wait 10 x 250 ms at most for it.
        let spent = started.elapsed() - Duration::from_secs(20);
        assert!(spent <= Duration::from_millis(2500), "{spent:?}");
        if !hangs {
            assert_eq!(spent, Duration::ZERO);
        }
        // Told once, not once per call.
        let told = logs.text().matches("the token store is degraded").count() - before;
        assert_eq!(told, 1, "hangs: {hangs}");
    }
    // Nothing of a token or the store's error details beyond its kind: no
    // token or refresh token issued, nor the client secret, in any form the
    // output could hold it.
    assert_eq!(issued.len(), 40, "10 tokens and 10 refresh tokens a run");
    let text = logs.text();
    let mut secrets = issued;
    secrets.push(CLIENT_SECRET.to_owned());
    for secret in &secrets {
        for form in forms(secret) {
            assert!(!text.contains(&form), "{secret} as {form:?} in: {text}");
        }
    }
    // The secret on the wire: the token request's `Basic` credentials.
    let basic = basic_header();
    let credentials = basic.trim_start_matches("Basic ");
    assert!(
        !text.contains(credentials),
        "the Basic credentials in: {text}"
    );
    // No refresh token of any stand-in in this binary either.
    assert!(!text.contains("refresh-"), "{text}");
}

/// `secret` in every form a printed text could hold it: as it is, escaped
/// as `Debug` and JSON escape it, percent-encoded (a form body, a URL), and
/// in base64 (standard and URL-safe, with and without padding).
fn forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let debug = format!("{secret:?}");
    let json = serde_json::to_string(secret).expect("a JSON string");
    let mut forms = vec![
        secret.to_owned(),
        debug.trim_matches('"').to_owned(),
        json.trim_matches('"').to_owned(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        STANDARD.encode(secret),
        STANDARD_NO_PAD.encode(secret),
        URL_SAFE.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
    ];
    forms.sort();
    forms.dedup();
    forms
}

#[test]
fn debug_of_the_store_types_shows_no_secret() {
    use accuro_client::token::RedisStore;
    use secrecy::SecretString;
    let seal_key = "c3ludGhldGljLXNlYWwta2V5LTMyLWJ5dGVzLWxvbmc=";
    let builder = RedisStore::builder("redis://:redis-password-0001@127.0.0.1:6390/")
        .seal_key_base64(seal_key);
    let store = builder.clone().build().expect("store");
    let shared = SharedStore::new(store);
    let transport = Transport::builder()
        .shared_store(shared.clone())
        .build()
        .expect("transport");
    let stored = StoredToken {
        access_token: SecretString::from("access-token-marker"),
        refresh_token: Some(SecretString::from("refresh-token-marker")),
        scope: Some("PATIENT_DEMOGRAPHICS_READ".into()),
        lifetime: Duration::from_secs(3600),
        remaining: Duration::from_secs(3000),
    };
    let client = transport
        .clinic(clinic_config("https://accuro.example.invalid"))
        .expect("clinic");
    for shown in [
        format!("{builder:?}"),
        format!("{shared:?}"),
        format!("{transport:?}"),
        format!("{stored:?}"),
        format!("{client:?}"),
        format!(
            "{:?}",
            StoreKey::new(
                "https://h.example",
                TENANT,
                CLIENT_ID,
                &SecretString::from(CLIENT_SECRET),
                SCOPES
            )
        ),
        format!("{:?}", PauseKey::new(SUBSCRIPTION_KEY.as_bytes())),
    ] {
        for secret in [
            "redis-password-0001",
            seal_key,
            "access-token-marker",
            "refresh-token-marker",
            SUBSCRIPTION_KEY,
            CLIENT_SECRET,
            CLINIC_UUID,
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    assert!(format!("{shared:?}").contains("RedisStore"));
}

#[test]
fn a_lock_longer_than_half_the_token_timeout_is_refused() {
    let store = || SharedStore::new(MemoryStore::new());
    let refused = Transport::builder()
        .token_timeout(Duration::from_secs(10))
        .shared_store(store().lock_ttl(Duration::from_secs(6)))
        .build()
        .expect_err("a waiter could run out of token time");
    assert!(refused.to_string().contains("lock_ttl"), "{refused}");
    Transport::builder()
        .token_timeout(Duration::from_secs(10))
        .shared_store(store().lock_ttl(Duration::from_secs(5)))
        .build()
        .expect("half is enough");
    // The defaults fit together.
    Transport::builder()
        .shared_store(store())
        .build()
        .expect("defaults");
}

/// Offices through a shared store (issue 26): an office's token is stored
/// under a key of its own and shared, whichever client of the clinic asked
/// for the office first (a client whose token is its own included); a
/// token of its own is never stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_office_s_token_is_shared_through_the_store_and_an_own_token_is_not() {
    let server = MockServer::start().await;
    let issuer = TokenIssuer::new(Some(3600));
    issuer.mount(&server).await;
    mount_get(&server, OFFICES, json!([])).await;
    wiremock::Mock::given(wiremock::matchers::method("PUT"))
        .and(wiremock::matchers::path(
            "/rest/v1/provider-portal/current-office",
        ))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let store = memory();
    // Process A reaches office 2 through a client whose token is its own.
    let a = replica(&server, &store);
    a.with_own_token()
        .for_office(2)
        .list_offices()
        .send()
        .await
        .expect("office 2 in A");
    // Process B's office 2 takes A's stored office-2 token.
    replica(&server, &store)
        .for_office(2)
        .list_offices()
        .send()
        .await
        .expect("office 2 in B");
    assert_eq!(issuer.issued(), 1, "one token for office 2");
    // A's own token is not stored: B's default office fetches its own.
    a.with_own_token().list_offices().send().await.expect("own");
    replica(&server, &store)
        .list_offices()
        .send()
        .await
        .expect("default office in B");
    assert_eq!(issuer.issued(), 3);
    let switches = received_at(&server, "/rest/v1/provider-portal/current-office").await;
    assert_eq!(switches.len(), 1, "office 2's token was switched once");
}
