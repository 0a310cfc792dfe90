//! Backoff for callers without a token: once a clinic's token has expired
//! and a token request fails, the callers of that clinic fail fast with the
//! last error for a window (1 s doubling to 60 s, with jitter) instead of
//! each asking a failing token endpoint again. A success resets it.
//!
//! Errors that need a person (wrong credentials, a scope the clinic did not
//! grant) back off the same way: they are not treated as permanent, so a
//! credential fixed on QHR's side is picked up within a minute without a
//! restart.

use std::time::Duration;

use tokio::time::Instant;

use super::{RENEWAL_BACKOFF_MAX, RENEWAL_BACKOFF_START, TokenError};

/// The failures since the last token, and when the next request may go.
#[derive(Debug, Default)]
pub(crate) struct Outage {
    failures: u32,
    next_try: Option<Instant>,
    last: Option<TokenError>,
}

impl Outage {
    /// Records a failed token request at `now`; returns the window before
    /// the next one may be sent. `jitter` (0..=1) spreads it: the window is
    /// between half and all of the doubled delay, so that many clients do
    /// not come back together.
    /// A refusal from the shared store (another process's failures) is
    /// taken as it is: its count, its window and its last failure.
    pub(crate) fn record(&mut self, error: &TokenError, now: Instant, jitter: f64) -> Duration {
        let window = match error {
            TokenError::BackingOff {
                failures,
                retry_in,
                last,
            } => {
                self.failures = *failures;
                self.last = Some((**last).clone());
                *retry_in
            }
            other => {
                self.failures = self.failures.saturating_add(1);
                self.last = Some(other.clone());
                window(self.failures, jitter)
            }
        };
        self.next_try = now.checked_add(window);
        window
    }

    /// The error a caller without a token gets at `now`, if the window of
    /// the last failure has not passed.
    pub(crate) fn refusal(&self, now: Instant) -> Option<TokenError> {
        let next_try = self.next_try.filter(|at| now < *at)?;
        Some(TokenError::BackingOff {
            failures: self.failures,
            retry_in: next_try.saturating_duration_since(now),
            last: Box::new(self.last.clone()?),
        })
    }

    /// A token came: no failure is remembered.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }
}

/// The window after `failures` failures in a row: 1 s doubling up to 60 s,
/// with "equal jitter" (half fixed, half spread by `jitter`, 0..=1).
pub(crate) fn window(failures: u32, jitter: f64) -> Duration {
    let doubled = RENEWAL_BACKOFF_START
        .saturating_mul(
            1u32.checked_shl(failures.saturating_sub(1))
                .unwrap_or(u32::MAX),
        )
        .min(RENEWAL_BACKOFF_MAX);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.5
    };
    doubled / 2 + (doubled / 2).mul_f64(jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_doubles_from_a_second_to_a_minute_with_jitter() {
        assert_eq!(window(1, 1.0), Duration::from_secs(1));
        assert_eq!(window(1, 0.0), Duration::from_millis(500));
        assert_eq!(window(2, 1.0), Duration::from_secs(2));
        assert_eq!(window(4, 1.0), Duration::from_secs(8));
        assert_eq!(window(7, 1.0), Duration::from_secs(60));
        assert_eq!(window(40, 1.0), Duration::from_secs(60));
        assert_eq!(window(u32::MAX, f64::NAN), Duration::from_secs(45));
    }

    #[tokio::test(start_paused = true)]
    async fn callers_are_refused_until_the_window_passes_and_a_token_resets_it() {
        let mut outage = Outage::default();
        let now = Instant::now();
        assert!(outage.refusal(now).is_none());
        let error = TokenError::UnexpectedStatus { status: 503 };
        assert_eq!(outage.record(&error, now, 1.0), Duration::from_secs(1));
        let Some(TokenError::BackingOff {
            failures,
            retry_in,
            last,
        }) = outage.refusal(now + Duration::from_millis(400))
        else {
            panic!("not backing off");
        };
        assert_eq!(
            (failures, retry_in, *last),
            (1, Duration::from_millis(600), error.clone())
        );
        assert!(outage.refusal(now + Duration::from_secs(1)).is_none());
        assert_eq!(outage.record(&error, now, 1.0), Duration::from_secs(2));
        outage.reset();
        assert!(outage.refusal(now).is_none());
    }
}
