//! Office-bound clients. A token carries a *current office* on the server's
//! side ([`accuro_spec::token_state`]): a new token starts at the service
//! user's default office, `change_current_office` switches it, and a renewal
//! returns to the default. Every caller of a [`Client`] shares its token (and
//! every replica, with a shared store), so:
//!
//! - [`Client::for_office`] gives the client of one office: each of its
//!   tokens is switched to that office right after it is fetched, before any
//!   call uses it, and it is cached (and stored) apart from other offices';
//! - `change_current_office` through a client whose token is shared is
//!   refused (by the pipeline's token source); [`Client::with_own_token`] is the
//!   deliberate opt-out.

use std::sync::Arc;

use accuro_spec::token_state::OFFICE_SWITCH_PATH;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};

use crate::Client;
use crate::pipeline::stamp_clinic;
use crate::state::{ClientState, ClinicState};
use crate::token::{Token, TokenError};

impl Client {
    /// The client of this clinic for office `office_id`: every token it uses
    /// has been switched to that office (`PUT
    /// /rest/v1/provider-portal/current-office`) right after it was fetched
    /// or renewed, before any call uses it. Its tokens are cached apart from
    /// the clinic's other offices', and shared by every client of the same
    /// office (call this as often as you like: the same office gets the same
    /// token), across replicas too with a shared store, where they are stored
    /// under a key of their own: two offices never share a token. 1,000
    /// concurrent calls over 2 offices: 2 token requests and 2 switches.
    ///
    /// If the switch fails, the token is used nowhere: the call fails with
    /// [`TokenError::OfficeSwitch`], whose [`ErrorKind`](crate::ErrorKind)
    /// follows the switch's answer (`Forbidden` for a 403: the service user's
    /// access to that office), or `Timeout` or `Transport` when there was
    /// none.
    ///
    /// ```no_run
    /// # async fn run(client: accuro_client::Client) -> accuro_client::Result<()> {
    /// let north = client.for_office(2);
    /// let offices = north.list_offices().send().await?; // as office 2
    /// # let _ = offices; Ok(()) }
    /// ```
    pub fn for_office(&self, office_id: i64) -> Client {
        let clinic = &self.inner.clinic;
        if clinic.office == Some(office_id) && !clinic.own_token {
            // Already that office's client: the same token (even once the
            // clinic's first client is gone).
            return self.clone();
        }
        self.with_state(clinic.for_office(office_id))
    }

    /// A client of this clinic whose token is its own: fetched apart, shared
    /// with no other client and no replica (its clones share it). Only
    /// through such a client may `change_current_office` be called (through
    /// any other it is refused, [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest),
    /// pointing to `for_office`); prefer
    /// [`for_office`](Self::for_office), whose tokens are switched again
    /// after every renewal (a renewal returns a token to the default office,
    /// or to the office of `for_office`).
    pub fn with_own_token(&self) -> Client {
        self.with_state(Arc::new(self.inner.clinic.with_own_token()))
    }

    /// The office this client's tokens are switched to, if it is bound to
    /// one ([`for_office`](Self::for_office)).
    pub fn office(&self) -> Option<i64> {
        self.inner.clinic.office
    }

    fn with_state(&self, clinic: Arc<ClinicState>) -> Client {
        // The calls' own settings go with it.
        let call = self.inner.call.clone();
        Client::new_with_client(
            &self.baseurl,
            self.client.clone(),
            ClientState { clinic, call },
        )
    }

    /// Switches a new `token` to `office` before anyone uses it. One
    /// attempt: a failure fails the token request it belongs to (which the
    /// token backoff then spaces out).
    pub(crate) async fn switch_office(&self, token: &Token, office: i64) -> Result<(), TokenError> {
        let clinic = &self.inner.clinic;
        let failed = |status: Option<u16>, timeout: bool| TokenError::OfficeSwitch {
            office_id: office,
            status,
            timeout,
        };
        let url = format!("{}{OFFICE_SWITCH_PATH}", self.baseurl);
        // The token's header is marked sensitive (never logged by hyper).
        let mut request = self
            .client
            .put(url)
            .header(AUTHORIZATION, token.header.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .body(office.to_string())
            .build()
            .map_err(|_| failed(None, false))?;
        stamp_clinic(&mut request, clinic);
        let answer = self.client.execute(request).await;
        match answer {
            Ok(response) if response.status().is_success() => {
                tracing::debug!(office, "the new token was switched to its office");
                Ok(())
            }
            Ok(response) => {
                let status = response.status().as_u16();
                tracing::warn!(
                    office,
                    status,
                    "the office switch was refused; the new token is not used"
                );
                Err(failed(Some(status), false))
            }
            Err(e) => {
                let timeout = e.is_timeout();
                tracing::warn!(
                    office,
                    timeout,
                    "the office switch failed; the new token is not used"
                );
                Err(failed(None, timeout))
            }
        }
    }
}
