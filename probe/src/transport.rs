//! The probe's HTTP: the client-credentials token, the three things every
//! REST call carries, pacing, and obeying `429 Retry-After`.
//!
//! The probe sends its own requests (rather than the typed client's) because
//! it must see the raw answer: status, media type and bytes. Only `GET` is
//! ever sent to the REST API. Redirects are not followed, so the
//! subscription key and the token never reach another host; a redirect is
//! reported as a status the spec does not list.

use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
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
    http: reqwest::Client,
    config: Config,
    limits: Limits,
    token: Option<SecretString>,
    had_token: bool,
    fresh_refused: bool,
    next_send: Instant,
    /// Token requests sent.
    pub token_requests: u32,
    /// REST requests sent (retries included).
    pub requests: u32,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("config", &self.config)
            .field("limits", &self.limits)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport for `config`, trusting `extra_roots_pem` beside Mozilla's roots.
    pub fn new(
        config: Config,
        limits: Limits,
        extra_roots_pem: Option<Vec<u8>>,
    ) -> Result<Self, String> {
        let options = accuro_fetch::Options {
            extra_roots_pem,
            connect_timeout: limits.connect_timeout,
            timeout: limits.request_timeout,
            ..accuro_fetch::Options::default()
        };
        let http = accuro_fetch::client_builder(&options)
            .map_err(|e| e.to_string())?
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("accuro-probe/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                format!(
                    "cannot build the HTTP client: {}",
                    accuro_fetch::cause_chain(&e)
                )
            })?;
        Ok(Self {
            http,
            config,
            limits,
            token: None,
            had_token: false,
            fresh_refused: false,
            next_send: Instant::now(),
            token_requests: 0,
            requests: 0,
        })
    }

    /// Waits for the next slot of the pace.
    async fn pace(&mut self) {
        tokio::time::sleep_until(self.next_send).await;
        let gap = Duration::from_secs_f64(1.0 / self.limits.rate.clamp(0.01, 10_000.0));
        self.next_send = Instant::now() + gap;
    }

    fn url(&self, segments: &[String]) -> Result<url::Url, SendError> {
        let mut url = self.config.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| SendError::Network("the base URL cannot hold a path".into()))?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// A new token; a 429 is waited out as for REST calls. The answer is
    /// read under the same cap.
    async fn fetch_token(&mut self) -> Result<SecretString, String> {
        let mut url = self
            .url(&["v1".into(), "token".into()])
            .map_err(|e| e.to_string())?;
        url.query_pairs_mut()
            .append_pair("tenant", &self.config.tenant);
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.config.client_id,
            self.config.client_secret.expose_secret()
        ));
        let mut authorization = HeaderValue::try_from(format!("Basic {basic}"))
            .map_err(|_| "the client id or secret is not header text".to_owned())?;
        authorization.set_sensitive(true);
        let form =
            accuro_client::token::TokenRequest::client_credentials(self.config.scopes.join(" "));
        let mut waits = 0u32;
        loop {
            self.pace().await;
            self.token_requests = self.token_requests.saturating_add(1);
            let response = self
                .http
                .post(url.clone())
                .header(AUTHORIZATION, authorization.clone())
                .form(&form)
                .send()
                .await
                .map_err(|e| accuro_fetch::cause_chain(&e))?;
            let status = response.status().as_u16();
            if status == 429 {
                let wait = retry_after(response.headers().get(RETRY_AFTER));
                if waits >= RATE_LIMIT_RETRIES || wait > MAX_RETRY_WAIT {
                    return Err("the token endpoint is rate-limiting (429)".into());
                }
                waits += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            if status != 200 {
                return Err(format!("the token endpoint answered {status}"));
            }
            let body = read(response, self.limits.max_answer_bytes)
                .await
                .map_err(|e| format!("reading the token endpoint's answer: {e}"))?;
            let token: accuro_client::token::TokenResponse = serde_json::from_slice(&body.body)
                .map_err(|_| "the token endpoint's answer does not decode".to_owned())?;
            return Ok(token.access_token);
        }
    }

    /// `GET`s the REST path `segments` with `query` (the `uuid` added) and
    /// `accept`, with a fresh token once after a 401 (not again once a fresh
    /// token has been refused) and after each 429's `Retry-After`.
    pub async fn get(
        &mut self,
        segments: &[String],
        query: &[(String, String)],
        accept: Option<&str>,
    ) -> Result<Raw, SendError> {
        let mut url = self.url(segments)?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
            pairs.append_pair("uuid", self.config.uuid.expose_secret());
        }
        let mut renewed = false;
        let mut waits = 0u32;
        loop {
            let token = match &self.token {
                Some(t) => t.clone(),
                None => match self.fetch_token().await {
                    Ok(t) => {
                        self.token = Some(t.clone());
                        self.had_token = true;
                        t
                    }
                    Err(why) if self.had_token => return Err(SendError::Renewal(why)),
                    Err(why) => return Err(SendError::Token(why)),
                },
            };
            self.pace().await;
            self.requests = self.requests.saturating_add(1);
            let mut bearer = HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
                .map_err(|_| SendError::Token("the token is not header text".into()))?;
            bearer.set_sensitive(true);
            let mut key = HeaderValue::try_from(self.config.subscription_key.expose_secret())
                .map_err(|_| {
                    SendError::Network("the subscription key is not header text".into())
                })?;
            key.set_sensitive(true);
            let mut request = self
                .http
                .get(url.clone())
                .header(AUTHORIZATION, bearer)
                .header("X-QHR-Subscription-Key", key);
            if let Some(accept) = accept {
                request = request.header(reqwest::header::ACCEPT, accept);
            }
            let response = request
                .send()
                .await
                .map_err(|e| SendError::Network(accuro_fetch::cause_chain(&e)))?;
            let status = response.status().as_u16();
            if status == 401 {
                if !renewed && !self.fresh_refused {
                    renewed = true;
                    self.token = None;
                    continue;
                }
                self.fresh_refused = true;
                return Err(SendError::Refused);
            }
            self.fresh_refused = false;
            if status == 429 {
                let wait = retry_after(response.headers().get(RETRY_AFTER));
                if waits >= RATE_LIMIT_RETRIES {
                    return Err(SendError::RateLimited(format!(
                        "after {RATE_LIMIT_RETRIES} waits"
                    )));
                }
                if wait > MAX_RETRY_WAIT {
                    return Err(SendError::RateLimited(format!(
                        "with a Retry-After of {} s, longer than the {} s the probe waits",
                        wait.as_secs(),
                        MAX_RETRY_WAIT.as_secs()
                    )));
                }
                waits += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            return read(response, self.limits.max_answer_bytes).await;
        }
    }
}

/// The wait a 429 asks for: `Retry-After` in seconds or as an HTTP date;
/// 1 s when absent or unreadable.
pub fn retry_after(header: Option<&HeaderValue>) -> Duration {
    let Some(text) = header.and_then(|h| h.to_str().ok()).map(str::trim) else {
        return Duration::from_secs(1);
    };
    if let Ok(seconds) = text.parse::<u64>() {
        return Duration::from_secs(seconds);
    }
    httpdate::parse_http_date(text)
        .ok()
        .and_then(|at| at.duration_since(std::time::SystemTime::now()).ok())
        .unwrap_or(Duration::from_secs(1))
}

async fn read(mut response: reqwest::Response, cap: u64) -> Result<Raw, SendError> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if response.content_length().is_some_and(|n| n > cap) {
        return Err(SendError::TooLarge(cap));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| SendError::Network(accuro_fetch::cause_chain(&e)))?
    {
        let total = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
        if total > cap {
            return Err(SendError::TooLarge(cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Raw {
        status,
        content_type,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_falls_back() {
        assert_eq!(
            retry_after(Some(&HeaderValue::from_static("30"))),
            Duration::from_secs(30)
        );
        assert_eq!(retry_after(None), Duration::from_secs(1));
        assert_eq!(
            retry_after(Some(&HeaderValue::from_static("soon"))),
            Duration::from_secs(1)
        );
    }
}
