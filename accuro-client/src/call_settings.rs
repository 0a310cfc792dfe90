//! [`CallSettings`]: what a call may set for itself, a timeout or a retry
//! policy of its own, within the safety rules. The client side of it is in
//! `per_call` (a module apart, so that the state the generated client
//! carries does not depend on the client).

use std::time::Duration;

use crate::retry::RetryPolicy;

/// What a call may set for itself (see [`Client::with_settings`](crate::Client::with_settings)). Unset
/// settings are the transport's.
///
/// No setting makes a write that is not idempotent retryable: whatever the
/// policy, such a write is sent once unless nothing reached the server (a
/// connection that could not be opened, a 429). `create_letter` answered 503
/// is sent once, even with `max_attempts: 10`. See [`RetryPolicy`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallSettings {
    /// The time allowed for each attempt, answer included, instead of the
    /// transport's `request_timeout`; also the longest the call waits for a
    /// token renewal in flight.
    pub timeout: Option<Duration>,
    /// The retry policy instead of the transport's.
    pub retry: Option<RetryPolicy>,
}

impl CallSettings {
    /// No override: the transport's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The time allowed for each attempt (and for a wait for a token).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The retry policy ([`RetryPolicy::none`] to send once).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }
}
