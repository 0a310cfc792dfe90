//! Retrying transient failures: 429, 502, 503, 504 and connection errors.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a request is sent again after a transient failure
/// (429, 502, 503, 504, or a connection error).
///
/// Only idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS) are retried,
/// unless [`retry_non_idempotent`](Self::retry_non_idempotent) is set: a
/// retried POST could book an appointment twice. The wait doubles from
/// `initial_backoff` up to `max_backoff`, with random jitter, or is what the
/// server's `Retry-After` asks (seconds or an HTTP date). No retry starts once
/// `max_elapsed` would be exceeded. The token request is never retried here
/// (the token cache has its own backoff), and neither is a body that cannot
/// be replayed (a streamed upload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Wait before the first retry. Default 200 ms.
    pub initial_backoff: Duration,
    /// Longest computed wait (a `Retry-After` may ask for more). Default 5 s.
    pub max_backoff: Duration,
    /// Time from the first attempt after which no retry starts. Default 30 s.
    pub max_elapsed: Duration,
    /// Also retry POST and PATCH. Default `false`.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retry at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether a request with this method may be retried.
    pub(crate) fn allows(&self, method: &Method) -> bool {
        self.max_attempts > 1
            && (self.retry_non_idempotent
                || matches!(
                    *method,
                    Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
                ))
    }

    /// The computed wait before retry number `retry` (1-based): exponential,
    /// with "equal jitter" (half fixed, half random).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        exp / 2 + exp.mul_f64(fastrand::f64() / 2.0)
    }
}

/// Whether an answer's status is worth a retry.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// Whether a transport error is worth a retry: the connection failed or was
/// reset. Timeouts are not retried (the time is already spent).
pub(crate) fn is_retryable_error(e: &reqwest::Error) -> bool {
    !e.is_timeout() && (e.is_connect() || e.is_request())
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_equal_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for (retry, base_ms) in [(1u32, 200u64), (2, 400), (3, 800), (6, 5000), (40, 5000)] {
            let waits: Vec<Duration> = (0..200).map(|_| policy.backoff(retry)).collect();
            let base = Duration::from_millis(base_ms);
            assert!(
                waits.iter().all(|w| *w >= base / 2 && *w <= base),
                "retry {retry}: {waits:?}"
            );
            let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
            assert!(distinct.len() > 100, "retry {retry}: jittered");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "12".parse().expect("header"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(12)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, date.parse().expect("header"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(RETRY_AFTER, past.parse().expect("header"));
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, "soon".parse().expect("header"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn only_idempotent_methods_unless_opted_in() {
        let policy = RetryPolicy::default();
        for m in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(policy.allows(&m), "{m}");
        }
        assert!(!policy.allows(&Method::POST) && !policy.allows(&Method::PATCH));
        let opted = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(opted.allows(&Method::POST));
        assert!(!RetryPolicy::none().allows(&Method::GET));
    }
}
