//! The retry decision, the backoff and the `Retry-After` reading, with
//! property tests over any header text, clock, attempt and policy.

use std::time::SystemTime;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::retry_after::parse_retry_after;
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
