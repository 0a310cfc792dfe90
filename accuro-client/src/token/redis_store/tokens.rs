//! Tokens and their refresh tokens in Redis: the sealed format, and how
//! they are saved, loaded and taken.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::scripts::TAKE;
use super::{RedisStore, millis, unix_millis};
use crate::token::store::{StoreError, StoreKey, StoredToken};

/// How far apart two hosts' clocks may be for the sealed expiry.
const CLOCK_SKEW_MS: u64 = 30_000;

impl RedisStore {
    pub(super) async fn load_token(
        &self,
        key: &StoreKey,
    ) -> Result<Option<StoredToken>, StoreError> {
        self.check_seal().await;
        let mut found = None;
        for name in self.names_of("token", key.as_str()) {
            let (value, pttl): (Option<Vec<u8>>, i64) = self
                .run(redis::pipe().atomic().get(&name).pttl(&name))
                .await?;
            if let (Some(value), Ok(left)) = (value, u64::try_from(pttl)) {
                found = Some((name, value, left));
                break;
            }
        }
        let Some((name, value, left)) = found else {
            return Ok(None);
        };
        let Some(plain) = self.sealer.open(name.as_bytes(), &value) else {
            tracing::warn!(
                key = %self.shown(&name),
                "a token in the store does not open (another seal key, or a changed value); \
                 it counts as a miss"
            );
            return Ok(None);
        };
        let Ok(sealed) = serde_json::from_slice::<Opened>(&plain) else {
            tracing::warn!(key = %self.shown(&name), "a token in the store opens but cannot be read; it counts as a miss");
            return Ok(None);
        };
        // The sealed expiry bounds what Redis says is left, give or take the
        // clocks of two hosts.
        let sealed_left = sealed
            .expires_at_ms
            .saturating_add(CLOCK_SKEW_MS)
            .saturating_sub(unix_millis());
        let left = left.min(sealed_left);
        if left == 0 {
            return Ok(None);
        }
        Ok(Some(StoredToken {
            access_token: sealed.access_token,
            refresh_token: None,
            scope: sealed.scope,
            lifetime: Duration::from_millis(sealed.lifetime_ms),
            remaining: Duration::from_millis(left),
        }))
    }

    pub(super) async fn save_token(
        &self,
        key: &StoreKey,
        token: &StoredToken,
    ) -> Result<(), StoreError> {
        let name = self.name("token", key.as_str());
        let refresh_name = self.name("refresh", key.as_str());
        let ms = millis(token.remaining);
        let mut pipe = redis::pipe();
        pipe.atomic();
        if ms == 0 {
            pipe.cmd("DEL").arg(&name).arg(&refresh_name).ignore();
            return self.run(&pipe).await;
        }
        let plain = Zeroizing::new(
            serde_json::to_vec(&Sealed {
                access_token: token.access_token.expose_secret(),
                scope: token.scope.as_deref(),
                lifetime_ms: millis(token.lifetime),
                expires_at_ms: unix_millis().saturating_add(ms),
            })
            .map_err(|_| StoreError::Unavailable("the token could not be encoded".into()))?,
        );
        let sealed = self
            .sealer
            .seal(name.as_bytes(), &plain)
            .ok_or_else(|| StoreError::Unavailable("the token could not be sealed".into()))?;
        pipe.cmd("SET")
            .arg(&name)
            .arg(sealed)
            .arg("PX")
            .arg(ms)
            .ignore();
        match &token.refresh_token {
            Some(refresh) => {
                let sealed = self
                    .sealer
                    .seal(refresh_name.as_bytes(), refresh.expose_secret().as_bytes())
                    .ok_or_else(|| {
                        StoreError::Unavailable("the refresh token could not be sealed".into())
                    })?;
                pipe.cmd("SET")
                    .arg(&refresh_name)
                    .arg(sealed)
                    .arg("PX")
                    .arg(ms)
                    .ignore();
            }
            None => {
                pipe.cmd("DEL").arg(&refresh_name).ignore();
            }
        }
        self.run(&pipe).await
    }

    pub(super) async fn take_refresh_token(
        &self,
        key: &StoreKey,
    ) -> Result<Option<SecretString>, StoreError> {
        let mut taken = None;
        for name in self.names_of("refresh", key.as_str()) {
            let value: Option<Vec<u8>> = self
                .run(redis::cmd("EVAL").arg(TAKE).arg(1).arg(&name))
                .await?;
            if let Some(value) = value {
                taken = Some((name, value));
                break;
            }
        }
        let Some((name, value)) = taken else {
            return Ok(None);
        };
        let opened = self
            .sealer
            .open(name.as_bytes(), &value)
            .and_then(|plain| String::from_utf8(plain.to_vec()).ok());
        if opened.is_none() {
            tracing::warn!(
                key = %self.shown(&name),
                "a refresh token in the store does not open (another seal key, or a changed \
                 value); client credentials are used instead"
            );
        }
        Ok(opened.map(SecretString::from))
    }
}

/// What is sealed: the token, its scopes, its lifetime and its expiry
/// (Unix milliseconds). The encoded text is in a buffer zeroed when dropped.
#[derive(Serialize)]
struct Sealed<'a> {
    #[serde(rename = "a")]
    access_token: &'a str,
    #[serde(rename = "s", skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    #[serde(rename = "l")]
    lifetime_ms: u64,
    #[serde(rename = "e")]
    expires_at_ms: u64,
}

/// [`Sealed`] as it is read back, the token straight into a secret type.
#[derive(Deserialize)]
struct Opened {
    #[serde(rename = "a")]
    access_token: SecretString,
    #[serde(rename = "s", default)]
    scope: Option<String>,
    #[serde(rename = "l")]
    lifetime_ms: u64,
    #[serde(rename = "e")]
    expires_at_ms: u64,
}
