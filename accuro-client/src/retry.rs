//! Retrying transient failures: the policy, and the decision after each
//! attempt as a pure function ([`RetryPolicy::decide`]).

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When and how often a request is sent again after a transient failure.
///
/// What may be sent again depends on whether the request may have reached
/// the server, and on whether the operation is idempotent: every write of
/// the spec says so, with a reason, in `x-accuro-idempotent` (Accuro does
/// not follow HTTP: some `PUT`s and `DELETE`s make a new lab group or file a
/// letter); a read always is. See the endpoint table.
///
/// | what happened | idempotent operation | any other (`create_letter`, `update_patient_lab_group`, ...) |
/// | --- | --- | --- |
/// | the connection could not be opened | retried | retried (nothing was sent) |
/// | 429 Too Many Requests | retried | retried (the server did not act) |
/// | 502, 503, 504 | retried | **not retried**: it may have acted |
/// | the connection was cut after sending | retried | **not retried** |
/// | a timeout | not retried (the time is spent) | not retried |
///
/// The wait doubles from `initial_backoff` up to `max_backoff`, with jitter,
/// or is what the server's `Retry-After` asks (seconds or an HTTP date). A
/// `Retry-After` longer than `max_elapsed` ends the retries, and no retry
/// starts once `max_elapsed` would be exceeded. The token request is never
/// retried here (the token cache has its own backoff), nor is a body that
/// cannot be replayed (a streamed upload).
///
/// When an idempotent write sent again after a 502-504 or a cut is then
/// refused (a resent delete answered 404), the earlier attempt may have
/// succeeded: the error is [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown),
/// never a plain `NotFound`.
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
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

/// What one attempt came to, as far as retrying goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The server answered.
    Answered {
        /// The status.
        status: StatusCode,
        /// The wait its `Retry-After` asks for, if any.
        retry_after: Option<Duration>,
    },
    /// The connection could not be opened: the request never left.
    NotSent,
    /// The request failed after it may have been written (a reset, a cut
    /// answer), or timed out.
    Failed {
        /// Whether it timed out.
        timeout: bool,
    },
}

impl Attempt {
    /// Whether the server may have acted on this attempt: a gateway answered
    /// 502, 503 or 504 (the server behind it may have done the work), or the
    /// request failed after it may have been written.
    pub(crate) fn may_have_acted(&self) -> bool {
        match self {
            Attempt::NotSent => false,
            Attempt::Failed { .. } => true,
            Attempt::Answered { status, .. } => matches!(
                *status,
                StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Give the outcome to the caller.
    Stop,
    /// Send the request again after this wait.
    RetryAfter(Duration),
}

impl RetryPolicy {
    /// No retry at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Whether to send the request again after attempt number `attempts`
    /// (1-based) came to `attempt`, `elapsed` after the first one started.
    /// `jitter` (0..=1) spreads the computed backoff.
    pub(crate) fn decide(
        &self,
        attempt: Attempt,
        attempts: u32,
        idempotent: bool,
        elapsed: Duration,
        jitter: f64,
    ) -> Decision {
        if attempts >= self.max_attempts {
            return Decision::Stop;
        }
        let (retryable, asked) = match attempt {
            Attempt::NotSent => (true, None),
            Attempt::Failed { timeout } => (!timeout && idempotent, None),
            Attempt::Answered {
                status,
                retry_after,
            } => match status {
                StatusCode::TOO_MANY_REQUESTS => (true, retry_after),
                StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT => (idempotent, retry_after),
                _ => (false, None),
            },
        };
        if !retryable {
            return Decision::Stop;
        }
        let wait = asked.unwrap_or_else(|| self.backoff(attempts, jitter));
        if wait > self.max_elapsed || elapsed.saturating_add(wait) > self.max_elapsed {
            return Decision::Stop;
        }
        Decision::RetryAfter(wait)
    }

    /// The computed wait before retry number `retry` (1-based): exponential,
    /// with "equal jitter" (half fixed, half spread by `jitter`, 0..=1).
    pub(crate) fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        (exp / 2).saturating_add((exp / 2).mul_f64(jitter))
    }
}

/// How a `reqwest` error counts for retrying.
pub(crate) fn attempt_of_error(e: &reqwest::Error) -> Attempt {
    if e.is_connect() && !e.is_timeout() {
        Attempt::NotSent
    } else {
        Attempt::Failed {
            timeout: e.is_timeout(),
        }
    }
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date.
/// Any value reads without panicking; absurd ones are left to
/// [`RetryPolicy::decide`], which stops rather than wait past `max_elapsed`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    parse_retry_after(value, now)
}

/// [`retry_after`] on the header's text.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Longer than u64: a wait no one will have; saturate.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_WAIT: Duration = Duration::ZERO;

    fn answered(status: u16, retry_after: Option<u64>) -> Attempt {
        Attempt::Answered {
            status: StatusCode::from_u16(status).expect("status"),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn backoff_doubles_with_injected_equal_jitter_and_is_capped() {
        let policy = RetryPolicy::default();
        for (retry, base_ms) in [(1u32, 200u64), (2, 400), (3, 800), (6, 5000), (40, 5000)] {
            let base = Duration::from_millis(base_ms);
            assert_eq!(policy.backoff(retry, 0.0), base / 2, "retry {retry}");
            assert_eq!(policy.backoff(retry, 1.0), base, "retry {retry}");
            assert_eq!(policy.backoff(retry, 0.5), base * 3 / 4, "retry {retry}");
            assert_eq!(policy.backoff(retry, f64::NAN), base / 2, "retry {retry}");
        }
    }

    #[test]
    fn writes_that_may_have_reached_the_server_are_never_repeated() {
        let p = RetryPolicy::default();
        for status in [502, 503, 504] {
            assert_eq!(
                p.decide(answered(status, None), 1, false, NO_WAIT, 0.0),
                Decision::Stop
            );
            assert!(matches!(
                p.decide(answered(status, None), 1, true, NO_WAIT, 0.0),
                Decision::RetryAfter(_)
            ));
        }
        let reset = Attempt::Failed { timeout: false };
        assert_eq!(p.decide(reset, 1, false, NO_WAIT, 0.0), Decision::Stop);
        assert!(matches!(
            p.decide(reset, 1, true, NO_WAIT, 0.0),
            Decision::RetryAfter(_)
        ));
        // Nothing reached the server, or it said it did not act.
        for idempotent in [false, true] {
            assert!(matches!(
                p.decide(Attempt::NotSent, 1, idempotent, NO_WAIT, 0.0),
                Decision::RetryAfter(_)
            ));
            assert_eq!(
                p.decide(answered(429, Some(7)), 1, idempotent, NO_WAIT, 0.0),
                Decision::RetryAfter(Duration::from_secs(7))
            );
            assert_eq!(
                p.decide(
                    Attempt::Failed { timeout: true },
                    1,
                    idempotent,
                    NO_WAIT,
                    0.0
                ),
                Decision::Stop
            );
        }
        for status in [400, 401, 404, 409, 500] {
            assert_eq!(
                p.decide(answered(status, None), 1, true, NO_WAIT, 0.0),
                Decision::Stop
            );
        }
    }

    #[test]
    fn attempts_time_budget_and_absurd_waits_stop() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(answered(503, None), 3, true, NO_WAIT, 0.0),
            Decision::Stop
        );
        assert_eq!(
            p.decide(answered(429, Some(31)), 1, true, NO_WAIT, 0.0),
            Decision::Stop
        );
        assert_eq!(
            p.decide(answered(429, Some(u64::MAX)), 1, true, Duration::MAX, 0.0),
            Decision::Stop
        );
        assert_eq!(
            p.decide(
                answered(429, Some(5)),
                1,
                true,
                Duration::from_secs(26),
                0.0
            ),
            Decision::Stop
        );
        assert_eq!(
            RetryPolicy::none().decide(Attempt::NotSent, 1, true, NO_WAIT, 0.0),
            Decision::Stop
        );
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
        for bad in ["soon", "-1", "1.5", "", " "] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        assert_eq!(
            parse_retry_after("18446744073709551615", now),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    /// Property tests: any header text, any clock, any attempt, any policy.
    mod props {
        use proptest::prelude::*;

        use super::*;

        /// Any duration, the extremes included.
        fn duration() -> impl Strategy<Value = Duration> {
            prop_oneof![
                Just(Duration::ZERO),
                Just(Duration::MAX),
                (0u64..120_000).prop_map(Duration::from_millis),
                (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
            ]
        }

        /// Any `SystemTime` the platform can hold, before and after the epoch.
        fn system_time() -> impl Strategy<Value = SystemTime> {
            prop_oneof![
                Just(SystemTime::UNIX_EPOCH),
                Just(SystemTime::now()),
                duration().prop_map(|d| SystemTime::UNIX_EPOCH
                    .checked_add(d)
                    .unwrap_or(SystemTime::UNIX_EPOCH)),
                duration().prop_map(|d| SystemTime::UNIX_EPOCH
                    .checked_sub(d)
                    .unwrap_or(SystemTime::UNIX_EPOCH)),
            ]
        }

        /// A `Retry-After` text: anything, digits of any length, HTTP dates
        /// (valid, far future, past) and date-like garbage.
        fn retry_after_text() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[0-9]{1,45}",
                " *-?[0-9]{0,25}(\\.[0-9]{0,5})? *",
                // Up to 9999-12-31, the last date an HTTP date can write.
                (0u64..253_402_300_800).prop_map(|s| httpdate::fmt_http_date(
                    SystemTime::UNIX_EPOCH + Duration::from_secs(s)
                )),
                "(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Xyz), [0-9]{1,3} (Jan|Feb|Dec|Foo) [0-9]{1,6} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2} (GMT|UTC)",
            ]
        }

        fn attempt() -> impl Strategy<Value = Attempt> {
            let status = prop_oneof![
                prop::sample::select(vec![429u16, 502, 503, 504]),
                100u16..=999,
            ]
            .prop_map(|s| StatusCode::from_u16(s).expect("100..=999"));
            prop_oneof![
                Just(Attempt::NotSent),
                any::<bool>().prop_map(|timeout| Attempt::Failed { timeout }),
                (status, proptest::option::of(duration())).prop_map(|(status, retry_after)| {
                    Attempt::Answered {
                        status,
                        retry_after,
                    }
                }),
            ]
        }

        fn policy() -> impl Strategy<Value = RetryPolicy> {
            prop_oneof![
                Just(RetryPolicy::default()),
                Just(RetryPolicy::none()),
                (any::<u32>(), duration(), duration(), duration()).prop_map(
                    |(max_attempts, initial_backoff, max_backoff, max_elapsed)| RetryPolicy {
                        max_attempts,
                        initial_backoff,
                        max_backoff,
                        max_elapsed,
                    }
                ),
            ]
        }

        fn jitter() -> impl Strategy<Value = f64> {
            prop_oneof![
                Just(f64::NAN),
                Just(f64::INFINITY),
                Just(f64::NEG_INFINITY),
                Just(0.0),
                Just(1.0),
                -2.0..2.0f64,
                any::<f64>(),
            ]
        }

        proptest! {
            // No regression files written into the source tree: a failure
            // prints its minimal input.
            #![proptest_config(ProptestConfig {
                cases: 512,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            #[test]
            fn parse_retry_after_never_panics(value in retry_after_text(), now in system_time()) {
                let _ = parse_retry_after(&value, now);
                let _ = parse_retry_after(value.trim(), now);
            }

            #[test]
            fn decide_never_panics_nor_waits_past_the_budget(
                policy in policy(),
                attempt in attempt(),
                attempts in prop_oneof![0u32..5, Just(u32::MAX), any::<u32>()],
                idempotent in any::<bool>(),
                elapsed in duration(),
                jitter in jitter(),
            ) {
                if let Decision::RetryAfter(wait) =
                    policy.decide(attempt, attempts, idempotent, elapsed, jitter)
                {
                    prop_assert!(wait <= policy.max_elapsed, "{:?} > {:?}", wait, policy.max_elapsed);
                    // Within the budget (an unbounded budget holds any wait).
                    prop_assert!(
                        elapsed
                            .checked_add(wait)
                            .map_or(policy.max_elapsed == Duration::MAX, |end| {
                                end <= policy.max_elapsed
                            }),
                        "{:?} + {:?} > {:?}", elapsed, wait, policy.max_elapsed
                    );
                }
            }
        }
    }
}
