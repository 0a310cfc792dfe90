//! [`RedisStoreBuilder`]: the store's settings, checked when it is built
//! (connecting to nothing).

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64};
use std::time::Duration;

use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};
use zeroize::Zeroizing;

use super::RedisStore;
use crate::token::key_names::KeyNames;
use crate::token::seal::Sealer;
use crate::token::store::StoreConfigError;

/// Default bound on one Redis command.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(200);

/// Builds a [`RedisStore`]. `Debug` shows no URL and no key.
#[derive(Clone)]
pub struct RedisStoreBuilder {
    url: SecretString,
    seal_key: Option<SecretString>,
    also_open: Vec<SecretString>,
    prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("url", &"[redacted]")
            .field(
                "seal_key",
                &if self.seal_key.is_some() {
                    "[redacted]"
                } else {
                    "[not set]"
                },
            )
            .field("also_open_with", &self.also_open.len())
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .finish()
    }
}

impl RedisStore {
    /// A builder for the Redis at `url` (`redis://[:password@]host:port/db`,
    /// or `rediss://` for TLS if redis-rs is built with it). The URL may
    /// hold a password: it is kept secret and never shown.
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: SecretString::from(url.into()),
            seal_key: None,
            also_open: Vec::new(),
            prefix: "accuro".into(),
            connect_timeout: Duration::from_secs(1),
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
        }
    }
}

impl RedisStoreBuilder {
    /// The seal key: 32 random bytes in base64 (standard or URL-safe,
    /// padded or not), the same on every process sharing the store. Make
    /// one with `openssl rand -base64 32`. Required.
    pub fn seal_key_base64(mut self, key: impl Into<String>) -> Self {
        self.seal_key = Some(SecretString::from(key.into()));
        self
    }

    /// Also opens values sealed with this key (base64 of 32 bytes): for
    /// rolling out a new seal key without misses. First give every process
    /// the new key here (they still seal with the old one), then make it
    /// the seal key with the old one here, then drop the old one.
    pub fn also_open_with_base64(mut self, key: impl Into<String>) -> Self {
        self.also_open.push(SecretString::from(key.into()));
        self
    }

    /// The first part of every key name (default `accuro`): services that
    /// share a Redis but not their tokens use different prefixes.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Time allowed to open a connection (default 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Longest a command may go unanswered (default 200 ms); after two
    /// failures in a row the connection is replaced. Keep it below
    /// [`SharedStore::timeout`](crate::token::SharedStore::timeout).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// Checks the settings; connects to nothing. (The error converts into
    /// `accuro_client::ConfigError` with `?`.)
    pub fn build(self) -> Result<RedisStore, StoreConfigError> {
        const SIZE: &str =
            "must be 32 bytes (44 characters of base64); make one with `openssl rand -base64 32`";
        let invalid = |name: &'static str, reason: &str| StoreConfigError {
            name,
            reason: reason.into(),
        };
        let key = self.seal_key.as_ref().ok_or_else(|| {
            invalid(
                "seal_key",
                "is required: 32 random bytes in base64 (`openssl rand -base64 32`)",
            )
        })?;
        let bytes = decode_key(key).ok_or_else(|| invalid("seal_key", "is not base64"))?;
        let mut sealer = Sealer::new(&bytes).ok_or_else(|| invalid("seal_key", SIZE))?;
        let mut names = KeyNames::new(&bytes);
        for also in &self.also_open {
            let bytes =
                decode_key(also).ok_or_else(|| invalid("also_open_with", "is not base64"))?;
            if !sealer.also_open_with(&bytes) {
                return Err(invalid("also_open_with", SIZE));
            }
            names.also(&bytes);
        }
        if self.prefix.is_empty() || self.prefix.contains(char::is_whitespace) {
            return Err(invalid("prefix", "must be non-empty, without spaces"));
        }
        // redis-rs's parse errors do not quote the URL, but a password
        // could be in it: only the kind of mistake is told.
        let client = redis::Client::open(self.url.expose_secret())
            .map_err(|_| invalid("redis_url", "is not a redis:// URL redis-rs accepts"))?;
        Ok(RedisStore {
            client,
            connection: Mutex::new(None),
            generations: AtomicU64::new(0),
            failures: AtomicU32::new(0),
            connect_timeout: self.connect_timeout,
            response_timeout: self.response_timeout,
            sealer,
            names,
            seal_checked: AtomicBool::new(false),
            prefix: self.prefix,
        })
    }
}

/// A seal key's bytes: base64, standard or URL-safe, padded or not.
fn decode_key(key: &SecretString) -> Option<Zeroizing<Vec<u8>>> {
    let text = key.expose_secret().trim();
    [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ]
    .iter()
    .find_map(|engine| engine.decode(text).ok())
    .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_named_without_their_values() {
        let secret = "c2VjcmV0LXNlYWwta2V5LXRvby1zaG9ydA==";
        let good = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        for (builder, name) in [
            (RedisStore::builder("redis://127.0.0.1/"), "seal_key"),
            (
                RedisStore::builder("redis://127.0.0.1/").seal_key_base64(secret),
                "seal_key",
            ),
            (
                RedisStore::builder("redis://127.0.0.1/").seal_key_base64("not base64 !!"),
                "seal_key",
            ),
            (
                RedisStore::builder("redis://127.0.0.1/")
                    .seal_key_base64(good.as_str())
                    .also_open_with_base64(secret),
                "also_open_with",
            ),
            (
                RedisStore::builder("nope://:hunter2@127.0.0.1/").seal_key_base64(good.as_str()),
                "redis_url",
            ),
        ] {
            let shown = format!("{builder:?}");
            assert!(
                !shown.contains(secret) && !shown.contains("hunter2"),
                "{shown}"
            );
            let err = builder.build().expect_err("refused");
            let text = err.to_string();
            assert!(text.contains(name), "{text}");
            assert!(
                !text.contains(secret) && !text.contains("hunter2"),
                "{text}"
            );
        }
        let store = RedisStore::builder("redis://:hunter2@127.0.0.1/")
            .seal_key_base64(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([1u8; 32]))
            .build()
            .expect("built");
        assert!(!format!("{store:?}").contains("hunter2"));
    }
}
