//! Per-call settings: a timeout or a retry policy of its own for one call
//! (or a group of calls), within the safety rules. Borrowed from
//! async-stripe's `customize()`, shaped for progenitor's builders: the
//! settings go on a client ([`Client::with_settings`]), which every builder
//! borrows, and share everything else with it (token, pool, office).

use std::sync::Arc;
use std::time::Duration;

use crate::Client;
use crate::retry::RetryPolicy;
use crate::state::ClientState;

/// What a call may set for itself (see [`Client::with_settings`]). Unset
/// settings are the transport's.
///
/// No setting makes a write that is not idempotent retryable: whatever the
/// policy, such a write is sent once unless nothing reached the server (a
/// connection that could not be opened, a 429). See [`RetryPolicy`].
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

impl Client {
    /// This client with `settings` for the calls made through it: the same
    /// clinic, token, pool and office, only the timeout and retry policy
    /// set here differ. Cheap (two reference counts).
    ///
    /// ```no_run
    /// # async fn run(client: accuro_client::Client) -> accuro_client::Result<()> {
    /// use std::time::Duration;
    /// use accuro_client::{CallSettings, RetryPolicy};
    ///
    /// let quick = client.with_settings(
    ///     CallSettings::new()
    ///         .timeout(Duration::from_secs(2))
    ///         .retry_policy(RetryPolicy::none()),
    /// );
    /// let offices = quick.list_offices().send().await?;
    /// # let _ = offices; Ok(()) }
    /// ```
    pub fn with_settings(&self, settings: CallSettings) -> Client {
        Client::new_with_client(
            &self.baseurl,
            self.client.clone(),
            ClientState {
                clinic: Arc::clone(&self.inner.clinic),
                call: Some(Arc::new(settings)),
            },
        )
    }

    /// The settings of this client's calls, if [`with_settings`](Self::with_settings)
    /// set any.
    pub fn settings(&self) -> Option<&CallSettings> {
        self.inner.call.as_deref()
    }

    /// The retry policy of this client's calls.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        self.inner
            .call
            .as_ref()
            .and_then(|c| c.retry.as_ref())
            .unwrap_or(&self.inner.clinic.retry)
    }

    /// The timeout this client's calls set for themselves, if any.
    pub(crate) fn call_timeout(&self) -> Option<Duration> {
        self.inner.call.as_ref().and_then(|c| c.timeout)
    }
}
