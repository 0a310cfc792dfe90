//! The shared store alone, over [`MemoryStore`] on tokio's paused clock:
//! two `SharedStore`s over one store stand for two processes; no HTTP, no
//! Redis.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use tokio::time::Instant;

use super::{SharedStore, StoredTokenCheck};
use crate::token::store::{StoreKey, TokenStore};
use crate::token::{MemoryStore, Token, TokenError, TokenResponse};

const LIFETIME: u64 = 100;
const MARGIN: Duration = Duration::from_secs(10);

fn key() -> StoreKey {
    StoreKey::new(
        "https://accuro.example",
        "tenant",
        "client",
        &SecretString::from("secret"),
        ["A"],
    )
}

fn judge(refused: Option<HeaderValue>) -> StoredTokenCheck {
    StoredTokenCheck {
        refused,
        margin: MARGIN,
        jitter: 0.0,
    }
}

fn token(name: &str, refresh: Option<&str>) -> Result<Token, TokenError> {
    let mut answer = serde_json::json!({"access_token": name, "expires_in": LIFETIME});
    if let Some(refresh) = refresh {
        answer["refresh_token"] = refresh.into();
    }
    let answer: TokenResponse =
        serde_json::from_value(answer).map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
    Token::from_response(answer, Instant::now(), MARGIN, 0.0)
}

fn bearer(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer {name}")).unwrap_or(HeaderValue::from_static("?"))
}

/// Two processes over one store.
fn processes() -> (Arc<MemoryStore>, SharedStore, SharedStore) {
    let store = Arc::new(MemoryStore::new());
    let shared: Arc<dyn TokenStore> = store.clone();
    (
        store,
        SharedStore::from_arc(Arc::clone(&shared)),
        SharedStore::from_arc(shared),
    )
}

#[tokio::test(start_paused = true)]
async fn two_processes_ask_the_token_endpoint_once() {
    let (_, a, b) = processes();
    let requests = AtomicUsize::new(0);
    let request = |_refresh: Option<SecretString>| {
        requests.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            token("shared-1", None)
        }
    };
    let k = key();
    let (x, y) = tokio::join!(
        a.fetch(&k, None, judge(None), request),
        b.fetch(&k, None, judge(None), request),
    );
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    assert!(x.is_ok_and(|t| t.header == bearer("shared-1")));
    assert!(y.is_ok_and(|t| t.header == bearer("shared-1")));
}

#[tokio::test(start_paused = true)]
async fn a_token_refused_here_is_not_taken_from_the_store_again() {
    let (_, a, _) = processes();
    let first = a
        .fetch(&key(), None, judge(None), |_| async { token("one", None) })
        .await;
    assert!(first.is_ok_and(|t| t.header == bearer("one")));
    let again = a
        .fetch(&key(), None, judge(None), |_| async { token("two", None) })
        .await;
    assert!(
        again.is_ok_and(|t| t.header == bearer("one")),
        "the stored token serves"
    );
    let refused = a
        .fetch(&key(), None, judge(Some(bearer("one"))), |_| async {
            token("two", None)
        })
        .await;
    assert!(refused.is_ok_and(|t| t.header == bearer("two")));
}

#[tokio::test(start_paused = true)]
async fn a_refresh_token_is_spent_by_one_process_only() {
    let (_, a, b) = processes();
    let first = a
        .fetch(&key(), None, judge(None), |_| async {
            token("one", Some("refresh-1"))
        })
        .await;
    assert!(first.is_ok());
    // Due for renewal in both processes: each is told to look again.
    tokio::time::advance(Duration::from_secs(LIFETIME - MARGIN.as_secs() + 1)).await;
    let spent = Arc::new(std::sync::Mutex::new(Vec::new()));
    let request = |refresh: Option<SecretString>| {
        let spent = Arc::clone(&spent);
        async move {
            use secrecy::ExposeSecret as _;
            let given = refresh.map(|r| r.expose_secret().to_owned());
            spent.lock().unwrap_or_else(|e| e.into_inner()).push(given);
            tokio::time::sleep(Duration::from_millis(100)).await;
            token("two", Some("refresh-2"))
        }
    };
    let k = key();
    let (x, y) = tokio::join!(
        a.fetch(&k, None, judge(None), request),
        b.fetch(&k, None, judge(None), request),
    );
    assert!(x.is_ok() && y.is_ok());
    let spent = spent.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(spent, [Some("refresh-1".to_owned())]);
}

#[tokio::test(start_paused = true)]
async fn a_dead_holders_lock_is_taken_over_once_it_expires() {
    let (store, a, _) = processes();
    let ttl = Duration::from_secs(3);
    let a = a.lock_ttl(ttl);
    // A holder that died after taking the lock.
    assert!(
        store
            .try_lock(&key(), "dead-process", ttl)
            .await
            .unwrap_or(false)
    );
    let started = Instant::now();
    let outcome = a
        .fetch(&key(), None, judge(None), |_| async {
            token("after", None)
        })
        .await;
    assert!(outcome.is_ok_and(|t| t.header == bearer("after")));
    let waited = started.elapsed();
    assert!(waited >= ttl, "{waited:?}");
    assert!(waited <= ttl + Duration::from_secs(1), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_holder_whose_renewal_is_dropped_releases_its_lock() {
    let (store, a, _) = processes();
    let k = key();
    let never = a.fetch(&k, None, judge(None), |_| std::future::pending());
    let given_up = tokio::time::timeout(Duration::from_millis(50), never).await;
    assert!(given_up.is_err());
    // The release runs in the background: let it.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
    let taken = store
        .try_lock(&key(), "another-process", Duration::from_secs(3))
        .await
        .unwrap_or(false);
    assert!(taken, "the dropped holder's lock is still held");
}

#[tokio::test(start_paused = true)]
async fn one_processs_failed_token_request_backs_every_process_off() {
    let (_, a, b) = processes();
    let k = key();
    let requests = AtomicUsize::new(0);
    let failing = |_refresh: Option<SecretString>| {
        requests.fetch_add(1, Ordering::SeqCst);
        async { Err::<Token, _>(TokenError::UnexpectedStatus { status: 503 }) }
    };
    let first = a.fetch(&k, None, judge(None), failing).await;
    assert!(matches!(
        first,
        Err(TokenError::UnexpectedStatus { status: 503 })
    ));
    // The other process does not ask: it backs off for the window recorded
    // (1 s with no jitter... half of it: the check's jitter is 0).
    let second = b.fetch(&k, None, judge(None), failing).await;
    let Err(TokenError::BackingOff {
        failures,
        retry_in,
        last,
    }) = second
    else {
        panic!("not backing off: {:?}", second.err());
    };
    assert_eq!((failures, retry_in), (1, Duration::from_millis(500)));
    assert_eq!(*last, TokenError::UnexpectedStatus { status: 503 });
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    // After the window, one process asks again; a failure doubles it.
    tokio::time::advance(Duration::from_millis(500)).await;
    assert!(b.fetch(&k, None, judge(None), failing).await.is_err());
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    let Err(TokenError::BackingOff {
        failures, retry_in, ..
    }) = a.fetch(&k, None, judge(None), failing).await
    else {
        panic!("not backing off");
    };
    assert_eq!((failures, retry_in), (2, Duration::from_secs(1)));
    // A token clears it for everyone.
    tokio::time::advance(Duration::from_secs(1)).await;
    let ok = a
        .fetch(&k, None, judge(None), |_| async { token("back", None) })
        .await;
    assert!(ok.is_ok());
    tokio::time::advance(Duration::from_secs(LIFETIME)).await;
    let again = b
        .fetch(&k, None, judge(None), |_| async { token("again", None) })
        .await;
    assert!(again.is_ok_and(|t| t.header == bearer("again")));
}

#[tokio::test(start_paused = true)]
async fn a_live_holder_keeps_its_lock_while_its_slow_request_runs() {
    let (store, a, b) = processes();
    let ttl = Duration::from_secs(3);
    let (a, b) = (a.lock_ttl(ttl), b.lock_ttl(ttl));
    let k = key();
    let requests = AtomicUsize::new(0);
    // A token request of 10 s, over three lock lives.
    let slow = |_refresh: Option<SecretString>| {
        requests.fetch_add(1, Ordering::SeqCst);
        async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            token("slow", None)
        }
    };
    let (x, y) = tokio::join!(a.fetch(&k, None, judge(None), slow), async {
        // The other process comes once the lock would have expired unextended.
        tokio::time::sleep(Duration::from_secs(4)).await;
        b.fetch(&k, None, judge(None), slow).await
    });
    assert!(x.is_ok_and(|t| t.header == bearer("slow")));
    assert!(
        y.is_ok_and(|t| t.header == bearer("slow")),
        "the waiter took the holder's token"
    );
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "the lock was taken from a live holder"
    );
    let free = store
        .try_lock(&k, "another-process", ttl)
        .await
        .unwrap_or(false);
    assert!(free, "the holder released its lock");
}
