//! The token source: a valid token before every call, the renewal the
//! cache runs (through the shared store when the transport has one), and
//! the token endpoint's failures as [`TokenError`]s.

use secrecy::SecretString;
use tokio::time::Instant;

use super::TOKEN_OPERATION;
use crate::Client;
use crate::call::BeforeCall;
use crate::error::Error;
use crate::state::ClinicState;
use crate::token::{Fetch, StoredTokenCheck, Token, TokenError, TokenInfo, TokenRequest};

impl BeforeCall for Client {
    /// Makes sure a sendable token (more than [`SEND_MARGIN`] left) is
    /// cached before `operation`'s request is built: the current token (a
    /// due renewal starts in the background), or, when there is none, the
    /// renewal in flight, waited for within the token timeout and the call's
    /// own timeout. Called by every generated `send()` and every handwritten
    /// call.
    ///
    /// [`SEND_MARGIN`]: crate::token::SEND_MARGIN
    async fn before_call(&self, operation: &'static str) -> Result<(), Error> {
        if operation == TOKEN_OPERATION {
            return Ok(());
        }
        let clinic = &self.inner.clinic;
        check_office_switch(clinic, operation)?;
        // A 429 pause another process recorded for the subscription key,
        // waited out before the token is looked at (it may expire meanwhile).
        if let Some(store) = &clinic.store
            && store.shared.may_be_paused(&store.pause)
        {
            Box::pin(
                store
                    .shared
                    .wait_out_pause(&store.pause, self.retry_policy().max_elapsed),
            )
            .await;
        }
        let cache = &clinic.cache;
        if cache.has_sendable(|refresh| self.renewal(refresh)) {
            return Ok(());
        }
        // Boxed: rare (no sendable token), and it keeps every call's future small.
        let wait = Box::pin(cache.token(|refresh| self.renewal(refresh)));
        let outcome = self.within_call_timeout(wait).await;
        outcome
            .map(drop)
            .map_err(|source| Error::Token { operation, source })
    }
}

impl Client {
    /// `wait` for a token, within the call's own timeout if it set one
    /// ([`CallSettings`](crate::CallSettings)).
    async fn within_call_timeout<T>(
        &self,
        wait: impl Future<Output = Result<T, TokenError>>,
    ) -> Result<T, TokenError> {
        match self.call_timeout() {
            Some(limit) => tokio::time::timeout(limit, wait)
                .await
                .unwrap_or(Err(TokenError::WaitedTooLong { waited: limit })),
            None => wait.await,
        }
    }

    /// Before a request whose body is streamed (an upload: a 401 cannot
    /// replay it) is stamped: when the cached token is due for renewal, waits
    /// for the renewal (within the token timeout and the call's own) so that
    /// the upload goes with the new token. Should the renewal fail while the
    /// current token can still be sent, the upload goes with it; otherwise
    /// it fails with the renewal's error, unsent.
    pub(crate) async fn before_streamed_send(&self, operation: &'static str) -> Result<(), Error> {
        let cache = &self.inner.clinic.cache;
        if !cache.is_due() {
            return Ok(());
        }
        let wait = Box::pin(cache.fresh_token(|refresh| self.renewal(refresh)));
        let outcome = self.within_call_timeout(wait).await;
        match outcome {
            Ok(_) => Ok(()),
            Err(_) if cache.has_sendable(|refresh| self.renewal(refresh)) => Ok(()),
            Err(source) => Err(Error::Token { operation, source }),
        }
    }

    /// Makes sure a fresh access token is cached: reuses it, or waits for
    /// the renewal (shared with concurrent callers, and with the background
    /// renewal calls start once a token is due). Every call gets a token by
    /// itself; call this at start-up to find bad credentials, tenant or
    /// scopes before the first real request.
    ///
    /// ```no_run
    /// # async fn run() -> accuro_client::Result<()> {
    /// let client = accuro_client::Client::from_env()?;
    /// client.authenticate().await?; // Err(kind Credentials) if QHR refuses them
    /// # Ok(()) }
    /// ```
    pub async fn authenticate(&self) -> Result<(), Error> {
        let cache = &self.inner.clinic.cache;
        if cache.has_fresh() {
            return Ok(());
        }
        Box::pin(cache.fresh_token(|refresh| self.renewal(refresh)))
            .await
            .map(drop)
            .map_err(|source| Error::Token {
                operation: TOKEN_OPERATION,
                source,
            })
    }

    /// What the clinic's access token allows and how long it lives: the
    /// scopes granted, the time left, the time to its renewal. Fetches a
    /// token first when none is fresh (as [`authenticate`](Self::authenticate)
    /// does). The token itself is never handed out.
    ///
    /// ```no_run
    /// # async fn run() -> accuro_client::Result<()> {
    /// let client = accuro_client::Client::from_env()?;
    /// let info = client.token_info().await?;
    /// println!("scopes {:?}, valid for {:?}", info.scopes, info.expires_in);
    /// # Ok(()) }
    /// ```
    pub async fn token_info(&self) -> Result<TokenInfo, Error> {
        self.authenticate().await?;
        self.inner.clinic.cache.info().ok_or(Error::Token {
            operation: TOKEN_OPERATION,
            source: TokenError::InvalidResponse("no token after a successful renewal".into()),
        })
    }

    /// A token renewal, ready to run in a task of its own: it owns a clone
    /// of the client (shared state, no copy of the settings). With a shared
    /// store, the store is asked first and the token endpoint only under the
    /// store's lock (see [`SharedStore`](crate::token::SharedStore)).
    pub(super) fn renewal(&self, refresh: Option<SecretString>) -> Fetch {
        let client = self.clone();
        Box::pin(async move {
            let clinic = &client.inner.clinic;
            match clinic.store.as_ref().filter(|s| s.shares_tokens) {
                None => client.fetch_for_use(refresh).await,
                Some(store) => {
                    store
                        .shared
                        .fetch(
                            &store.key,
                            refresh,
                            StoredTokenCheck {
                                refused: store.refused(),
                                margin: clinic.refresh_margin,
                                jitter: (clinic.jitter)(),
                            },
                            |refresh| client.fetch_for_use(refresh),
                        )
                        .await
                }
            }
        })
    }

    /// A new token, ready for use: fetched, then switched to the client's
    /// office if it is bound to one (a token whose switch failed is not
    /// used, and not stored).
    async fn fetch_for_use(&self, refresh: Option<SecretString>) -> Result<Token, TokenError> {
        let token = self.fetch_token(refresh).await?;
        if let Some(office) = self.inner.clinic.office {
            self.switch_office(&token, office).await?;
        }
        Ok(token)
    }

    /// Renews the token: with the refresh token when there is one (spent once),
    /// falling back to client credentials when there is none or it fails.
    async fn fetch_token(&self, refresh: Option<SecretString>) -> Result<Token, TokenError> {
        if let Some(refresh) = refresh {
            match self
                .request_token_once(TokenRequest::refresh(refresh))
                .await
            {
                Ok(token) => return Ok(token),
                Err(e) => {
                    tracing::debug!(error = %e, "refresh grant failed; falling back to client credentials")
                }
            }
        }
        let scope = self.inner.clinic.scope.clone();
        self.request_token_once(TokenRequest::client_credentials(scope))
            .await
    }

    async fn request_token_once(&self, body: TokenRequest) -> Result<Token, TokenError> {
        let clinic = &self.inner.clinic;
        // The lifetime counts from before the request is sent.
        let sent_at = Instant::now();
        let answer = self
            .request_token()
            .tenant(clinic.tenant.as_str())
            .body(body)
            .send()
            .await;
        match answer {
            Ok(rv) => Token::from_response(
                rv.into_inner(),
                sent_at,
                clinic.refresh_margin,
                (clinic.jitter)(),
            ),
            Err(e) => Err(token_error(e)),
        }
    }
}

/// The token endpoint's failure as a [`TokenError`].
fn token_error(e: Error) -> TokenError {
    match e {
        Error::Api {
            status, mut body, ..
        } => {
            // A refused value could echo a credential: never keep it.
            for v in body.constraint_violations.iter_mut().flatten() {
                v.value = None;
            }
            TokenError::Rejected {
                status: status.as_u16(),
                body,
            }
        }
        Error::UnexpectedStatus { status, .. } => TokenError::UnexpectedStatus {
            status: status.as_u16(),
        },
        Error::Timeout { .. } => TokenError::Timeout,
        Error::Transport { message, .. } => TokenError::Transport(message),
        Error::InvalidResponse { message, .. } => TokenError::InvalidResponse(message),
        Error::Token { source, .. } => source,
        Error::InvalidRequest { message, .. } => TokenError::InvalidRequest(message),
        Error::AnswerTooLarge { limit, .. } => {
            TokenError::InvalidResponse(format!("the answer is larger than the {limit}-byte cap"))
        }
        other => TokenError::InvalidRequest(other.to_string()),
    }
}

/// Refuses `change_current_office` through a client whose token is shared:
/// it would move every other caller (and replica) to that office without a
/// sign, until the next renewal moved them all back.
fn check_office_switch(clinic: &ClinicState, operation: &'static str) -> Result<(), Error> {
    if operation != accuro_spec::token_state::OFFICE_SWITCH || clinic.own_token {
        return Ok(());
    }
    Err(Error::InvalidRequest {
        operation,
        message: "refused: this client's token is shared by every caller of the clinic (and \
                  every replica with a shared store), so switching its office would move them \
                  all; use `Client::for_office(office_id)` for calls as another office, or \
                  `Client::with_own_token()` for a client whose token is its own"
            .into(),
    })
}
