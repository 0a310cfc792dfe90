//! Per-call settings on the client: a timeout or a retry policy of its
//! own for one call (or a group of calls), within the safety rules.
//! Borrowed from async-stripe's `customize()`, shaped for progenitor's
//! builders: the settings go on a client ([`Client::with_settings`]), which
//! every builder borrows, and share everything else with it (token, pool,
//! office).

use std::sync::Arc;
use std::time::Duration;

use crate::Client;
use crate::call_settings::CallSettings;
use crate::retry::RetryPolicy;
use crate::state::ClientState;

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
