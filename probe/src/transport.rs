//! The probe's requests, sent through the client's pipeline
//! ([`Client::read_raw`]): the token, the three things every REST call
//! carries, the 401 replay, the wait for a `429 Retry-After`, the answer
//! cap, and only reads (`GET` operations of the spec) are the client's. What
//! is the probe's own: the pace, and what an answer means for the report.
//!
//! Redirects are never followed (the client's rule), so the subscription
//! key and the token never reach another host; a redirect is reported as a
//! status the spec does not list.

use std::time::Duration;

use accuro_client::{Client, Error, RetryPolicy, Transport as Pipeline};
use tokio::time::Instant;

use crate::config::Config;

/// Longest `Retry-After` the probe waits out; a longer one ends the operation.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(120);
/// Times a request is sent again after a 429.
pub const RATE_LIMIT_RETRIES: u32 = 3;

/// A raw answer.
pub struct Raw {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if readable.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Raw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Raw")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Why a request got no answer to check. Safe to print: no URL, no body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No token could be obtained.
    #[error("no token: {0}")]
    Token(String),
    /// The request failed before an answer.
    #[error("{0}")]
    Network(String),
    /// The answer is larger than the cap.
    #[error("the answer is larger than the {0}-byte cap")]
    TooLarge(u64),
    /// Still rate-limited after waiting, or asked to wait too long.
    #[error("rate-limited (429) {0}")]
    RateLimited(String),
    /// A new token could not be obtained after an earlier one worked.
    #[error("no new token: {0}")]
    Renewal(String),
    /// Refused (401) even with a token fetched for this request: the
    /// subscription key, the clinic's uuid or the token's scopes are not
    /// accepted.
    #[error(
        "refused (401) even with a fresh token: check ACCURO_SUBSCRIPTION_KEY, ACCURO_UUID and ACCURO_SCOPES"
    )]
    Refused,
}

/// Pacing and limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests per second, at most.
    pub rate: f64,
    /// The largest answer read.
    pub max_answer_bytes: u64,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request.
    pub request_timeout: Duration,
}

/// Sends the probe's requests.
pub struct Transport {
    client: Client,
    limits: Limits,
    /// Whether an answer (any status) has come: a token failure after one is
    /// a failed renewal.
    answered: bool,
    /// Whether a fresh token was refused by the gateway: no further request
    /// is sent (each would fetch one more token to be refused).
    fresh_refused: bool,
    next_send: Instant,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("client", &self.client)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport for `config`, trusting `extra_roots_pem` beside Mozilla's
    /// roots (not the platform's: the probe's trust is the same everywhere).
    pub fn new(
        config: Config,
        limits: Limits,
        extra_roots_pem: Option<Vec<u8>>,
    ) -> Result<Self, String> {
        let mut builder = Pipeline::builder()
            .connect_timeout(limits.connect_timeout)
            .request_timeout(limits.request_timeout)
            .token_timeout(limits.request_timeout)
            .max_answer_bytes(limits.max_answer_bytes)
            .retry_policy(RetryPolicy {
                max_attempts: RATE_LIMIT_RETRIES.saturating_add(1),
                initial_backoff: Duration::from_secs(1),
                max_backoff: Duration::from_secs(5),
                max_elapsed: MAX_RETRY_WAIT,
            })
            .platform_roots(false)
            .mozilla_roots(true);
        if let Some(pem) = extra_roots_pem {
            builder = builder.add_root_certificates_pem(pem);
        }
        let client = builder
            .build()
            .and_then(|pipeline| pipeline.clinic(config.clinic))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            limits,
            answered: false,
            fresh_refused: false,
            next_send: Instant::now(),
        })
    }

    /// Token requests sent.
    pub fn token_requests(&self) -> u32 {
        u32::try_from(self.client.request_counts().token_requests).unwrap_or(u32::MAX)
    }

    /// REST requests sent (retries and replays included).
    pub fn requests(&self) -> u32 {
        u32::try_from(self.client.request_counts().requests).unwrap_or(u32::MAX)
    }

    /// Waits for the next slot of the pace.
    async fn pace(&mut self) {
        tokio::time::sleep_until(self.next_send).await;
        let gap = Duration::from_secs_f64(1.0 / self.limits.rate.clamp(0.01, 10_000.0));
        self.next_send = Instant::now() + gap;
    }

    /// `GET`s the read `operation` at the REST path `segments` with `query`
    /// and `accept`. A 401 the client's replay with a fresh token did not
    /// cure is [`SendError::Refused`]; a 429 still answered after the
    /// waits, or asking to wait longer than [`MAX_RETRY_WAIT`], is
    /// [`SendError::RateLimited`].
    pub async fn get(
        &mut self,
        operation: &str,
        segments: &[String],
        query: &[(String, String)],
        accept: Option<&str>,
    ) -> Result<Raw, SendError> {
        if self.fresh_refused {
            return Err(SendError::Refused);
        }
        self.pace().await;
        let answer = match self
            .client
            .read_raw(operation, segments, query, accept)
            .await
        {
            Ok(answer) => answer,
            Err(e) => return Err(self.failed(&e)),
        };
        self.answered = true;
        match answer.status {
            401 => {
                // The server's scope refusal is the operation's own; the
                // gateway's (token, key, uuid) would refuse every request.
                let scope_refusal = serde_json::from_slice::<serde_json::Value>(&answer.body)
                    .ok()
                    .and_then(|body| {
                        body.get("error")
                            .and_then(|e| e.as_str())
                            .map(str::to_owned)
                    })
                    .is_some_and(|error| error == accuro_spec::texts::ACCESS_DENIED);
                self.fresh_refused |= !scope_refusal;
                Err(SendError::Refused)
            }
            429 => Err(SendError::RateLimited(match answer.retry_after {
                Some(wait) if wait > MAX_RETRY_WAIT => format!(
                    "with a Retry-After of {} s, longer than the {} s the probe waits",
                    wait.as_secs(),
                    MAX_RETRY_WAIT.as_secs()
                ),
                _ => format!("after {RATE_LIMIT_RETRIES} waits"),
            })),
            status => Ok(Raw {
                status,
                content_type: answer.content_type,
                body: answer.body,
            }),
        }
    }

    /// What a call that got no answer to check means for the probe.
    fn failed(&self, e: &Error) -> SendError {
        match e {
            Error::AnswerTooLarge { limit, .. } => SendError::TooLarge(*limit),
            Error::Token { source, .. } if self.answered => SendError::Renewal(source.to_string()),
            Error::Token { source, .. } => SendError::Token(source.to_string()),
            other => SendError::Network(other.to_string()),
        }
    }
}
