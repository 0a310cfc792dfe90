//! Retrying transient failures: the policy, and the decision after each
//! attempt as a pure function ([`RetryPolicy::decide`]).

use std::time::Duration;

use reqwest::StatusCode;

mod retry_after;

pub(crate) use retry_after::retry_after;

/// When and how often a request is sent again after a transient failure.
///
/// What may be sent again depends on whether the request may have reached
/// the server, and on whether the operation is idempotent. Accuro does not
/// follow HTTP here (`create_letter` is a `PUT` that files a letter each
/// time; `update_patient_lab_group` and `delete_patient_lab_group_observation`
/// make a new lab group each time), so the method decides nothing: every
/// write of the spec states `x-accuro-idempotent` with a one-line reason,
/// shown in the last column of the endpoint list (`docs/endpoints.md`); 27 of
/// the 105 writes are idempotent, 3 of them reads sent as `POST`. A read
/// always is.
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
/// or is what the server's `Retry-After` asks (seconds or an HTTP date; no
/// value can overflow or panic). A `Retry-After` longer than `max_elapsed`
/// ends the retries, and no retry starts once `max_elapsed` would be
/// exceeded. The token request is never
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

#[cfg(test)]
mod tests;
