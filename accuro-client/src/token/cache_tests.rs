//! The token cache alone, on tokio's paused clock: no HTTP, the token
//! endpoint replaced by a counted fetch.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use tokio::time::Instant;

use super::{Fetch, TokenCache};
use crate::token::{Token, TokenError, TokenResponse};

const LIFETIME: u64 = 100;
const MARGIN: Duration = Duration::from_secs(10);

/// A token endpoint stand-in: counts its requests, answers `token-<n>`
/// (after `delay`) or fails while `failing` is set.
#[derive(Clone, Default)]
struct Endpoint {
    requests: Arc<AtomicUsize>,
    failing: Arc<std::sync::atomic::AtomicBool>,
    delay: Duration,
}

impl Endpoint {
    fn fetch(&self) -> impl FnOnce(Option<SecretString>) -> Fetch + use<> {
        let endpoint = self.clone();
        move |_refresh| {
            let n = endpoint.requests.fetch_add(1, Ordering::SeqCst) + 1;
            Box::pin(async move {
                let sent_at = Instant::now();
                tokio::time::sleep(endpoint.delay).await;
                if endpoint.failing.load(Ordering::SeqCst) {
                    return Err(TokenError::UnexpectedStatus { status: 503 });
                }
                token(n, sent_at)
            })
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

fn token(n: usize, sent_at: Instant) -> Result<Token, TokenError> {
    let answer: TokenResponse = serde_json::from_value(serde_json::json!({
        "access_token": format!("token-{n}"),
        "expires_in": LIFETIME,
    }))
    .map_err(|e| TokenError::InvalidResponse(e.to_string()))?;
    Token::from_response(answer, sent_at, MARGIN, 0.0)
}

fn bearer(n: usize) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer token-{n}")).unwrap_or(HeaderValue::from_static("?"))
}

async fn settle() {
    // Lets the spawned renewal run to its end on the paused clock.
    for _ in 0..8 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_without_a_token_share_one_request() {
    let endpoint = Endpoint {
        delay: Duration::from_millis(50),
        ..Endpoint::default()
    };
    let cache = TokenCache::new(Duration::from_secs(5));
    let calls = (0..10).map(|_| cache.token(endpoint.fetch()));
    let tokens = futures_util::future::join_all(calls).await;
    assert!(
        tokens
            .iter()
            .all(|t| t.as_ref().is_ok_and(|t| t.header == bearer(1)))
    );
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_due_token_is_renewed_once_in_the_background_while_it_serves() {
    let endpoint = Endpoint::default();
    let cache = TokenCache::new(Duration::from_secs(5));
    assert!(cache.token(endpoint.fetch()).await.is_ok());
    // Before the renewal point: nothing is asked.
    tokio::time::advance(Duration::from_secs(LIFETIME - MARGIN.as_secs() - 1)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    assert_eq!(endpoint.requests(), 1);
    // Past it: the current token still serves, one renewal starts.
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    settle().await;
    assert_eq!(endpoint.requests(), 2);
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(2)));
}

#[tokio::test(start_paused = true)]
async fn a_failed_renewal_backs_off_while_the_token_is_still_valid() {
    let endpoint = Endpoint::default();
    let cache = TokenCache::new(Duration::from_secs(5));
    assert!(cache.token(endpoint.fetch()).await.is_ok());
    endpoint.fail(true);
    tokio::time::advance(Duration::from_secs(LIFETIME - MARGIN.as_secs() + 1)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    settle().await;
    assert_eq!(endpoint.requests(), 2);
    // Within the first backoff (1 s): no new request, the token serves.
    tokio::time::advance(Duration::from_millis(900)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    settle().await;
    assert_eq!(endpoint.requests(), 2);
    // After it: one more try, which succeeds.
    endpoint.fail(false);
    tokio::time::advance(Duration::from_millis(200)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    settle().await;
    assert_eq!(endpoint.requests(), 3);
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(3)));
}

#[tokio::test(start_paused = true)]
async fn once_expired_a_failed_renewal_is_the_callers_error() {
    let endpoint = Endpoint::default();
    let cache = TokenCache::new(Duration::from_secs(5));
    assert!(cache.token(endpoint.fetch()).await.is_ok());
    endpoint.fail(true);
    tokio::time::advance(Duration::from_secs(LIFETIME + 1)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), None);
    let outcome = cache
        .token(endpoint.fetch())
        .await
        .map(|t| t.header.clone());
    assert_eq!(
        outcome.map_err(|e| e.status()),
        Err(reqwest::StatusCode::from_u16(503).ok())
    );
}

#[tokio::test(start_paused = true)]
async fn a_renewal_outliving_the_token_timeout_fails_as_a_timeout() {
    let endpoint = Endpoint {
        delay: Duration::from_secs(10),
        ..Endpoint::default()
    };
    let cache = TokenCache::new(Duration::from_secs(2));
    let started = Instant::now();
    let outcome = cache.token(endpoint.fetch()).await;
    assert!(matches!(outcome, Err(TokenError::Timeout)));
    assert_eq!(started.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_caller_neither_restarts_nor_duplicates_the_renewal() {
    let endpoint = Endpoint {
        delay: Duration::from_millis(100),
        ..Endpoint::default()
    };
    let cache = TokenCache::new(Duration::from_secs(5));
    let first =
        tokio::time::timeout(Duration::from_millis(10), cache.token(endpoint.fetch())).await;
    assert!(first.is_err(), "the first caller gave up");
    let second = cache.token(endpoint.fetch()).await;
    assert!(second.is_ok_and(|t| t.header == bearer(1)));
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test(start_paused = true)]
async fn reject_drops_only_the_refused_token() {
    let endpoint = Endpoint::default();
    let cache = TokenCache::new(Duration::from_secs(5));
    assert!(cache.token(endpoint.fetch()).await.is_ok());
    assert!(!cache.reject(&bearer(7)), "another token was refused");
    assert_eq!(cache.current_header(), Some(bearer(1)));
    assert!(cache.reject(&bearer(1)));
    assert_eq!(cache.current_header(), None);
    assert!(
        cache
            .token(endpoint.fetch())
            .await
            .is_ok_and(|t| t.header == bearer(2))
    );
}

#[tokio::test(start_paused = true)]
async fn a_token_close_to_expiry_is_not_handed_out_the_renewal_is_waited_for() {
    let endpoint = Endpoint {
        delay: Duration::from_millis(300),
        ..Endpoint::default()
    };
    let cache = TokenCache::new(Duration::from_secs(5));
    let issued = Instant::now();
    assert!(cache.token(endpoint.fetch()).await.is_ok());
    // The send margin is 5 s (SEND_MARGIN, half the 10 s refresh margin).
    // At 94.9 s token-1 is still sent, and a renewal starts (due since 90 s).
    tokio::time::advance(Duration::from_millis(94_900) - issued.elapsed()).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), Some(bearer(1)));
    settle().await;
    assert_eq!(endpoint.requests(), 2);
    // At 95 s it is no longer sent: a caller waits for the renewal in
    // flight, which is not sent again.
    tokio::time::advance(Duration::from_millis(100)).await;
    assert_eq!(cache.sendable_header(endpoint.fetch()), None);
    let started = Instant::now();
    let token = cache.token(endpoint.fetch()).await;
    assert!(token.is_ok_and(|t| t.header == bearer(2)));
    assert_eq!(endpoint.requests(), 2);
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}

#[tokio::test(start_paused = true)]
async fn a_failed_renewal_is_tried_last_at_the_send_margin_then_callers_get_its_error() {
    let endpoint = Endpoint::default();
    let cache = TokenCache::new(Duration::from_secs(5));
    assert!(cache.token(endpoint.fetch()).await.is_ok());
    endpoint.fail(true);
    // Due at 90 s; tried at 90.5, then after 1 s and 2 s (91.5, 93.5); the
    // next try is at 95 s, not 97.5: the backoff stops at the send margin.
    tokio::time::advance(Duration::from_millis(90_500)).await;
    for step in [0, 1_000, 2_000, 1_500] {
        tokio::time::advance(Duration::from_millis(step)).await;
        let _ = cache.sendable_header(endpoint.fetch());
        settle().await;
    }
    assert_eq!(
        endpoint.requests(),
        4,
        "renewals while token-1 was sendable"
    );
    // At 95 s: not sendable; the caller starts the last try and gets its error.
    let outcome = cache.token(endpoint.fetch()).await;
    assert_eq!(endpoint.requests(), 5);
    assert_eq!(
        outcome.map(drop).map_err(|e| e.status()),
        Err(reqwest::StatusCode::from_u16(503).ok())
    );
}

#[tokio::test(start_paused = true)]
async fn a_caller_waits_for_a_renewal_no_longer_than_its_own_timeout() {
    let endpoint = Endpoint {
        delay: Duration::from_secs(3),
        ..Endpoint::default()
    };
    let cache = TokenCache::new(Duration::from_secs(5))
        .configured(Arc::new(|| 0.0), Some(Duration::from_secs(1)));
    let started = Instant::now();
    let outcome = cache.token(endpoint.fetch()).await;
    assert!(matches!(
        outcome,
        Err(TokenError::WaitedTooLong { waited }) if waited == Duration::from_secs(1)
    ));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    // The renewal went on, bounded by the token timeout alone: once it has
    // answered (at 3 s), its token serves without another request.
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    let outcome = cache.token(endpoint.fetch()).await;
    assert!(outcome.is_ok_and(|t| t.header == bearer(1)));
    assert_eq!(endpoint.requests(), 1);
}
