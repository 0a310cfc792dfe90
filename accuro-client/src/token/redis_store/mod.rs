//! [`RedisStore`]: a [`TokenStore`] on Redis, for many processes. What it
//! keeps, under which keys, sealed how, and what it does when Redis fails or
//! stalls is the user's reference, in the [`token`](crate::token) module
//! docs ("Redis"); this file and its modules implement it.
//!
//! Built on redis-rs (`redis`) and its `ConnectionManager`: the most used
//! Redis client for Rust, kept by the Redis project, plain async commands
//! on one multiplexed connection that reconnects by itself. `fred` does
//! more (pools, clusters, its own reconnect policy) than a handful of
//! commands need, and pulls in more to build.

mod backoff;
mod builder;
mod connection;
mod scripts;
mod tokens;

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::ConnectionManager;
use secrecy::SecretString;

use super::key_names::KeyNames;
use super::seal::Sealer;
use super::store::{
    PauseKey, StoreError, StoreFuture, StoreKey, StoredBackoff, StoredToken, TokenStore,
};

pub use builder::{DEFAULT_RESPONSE_TIMEOUT, RedisStoreBuilder};
use scripts::{EXTEND, PAUSE, UNLOCK};

/// How far a pause's sealed end may be from this host's clock: a pause read
/// lasts at most until then (and never longer than Redis keeps it), so an
/// old sealed pause written again holds calls a second at most.
const PAUSE_CLOCK_SKEW_MS: u64 = 1_000;

/// A [`TokenStore`] on Redis, shared by every process given the same URL,
/// prefix and seal key. Tokens are sealed with AES-256-GCM under the seal
/// key before they leave the process: Redis, its dumps and its replicas
/// hold nothing readable. Key names are hashes (see [`StoreKey`]).
///
/// The connection is opened on first use and reopened by itself after a
/// failure; building the store connects to nothing. Its keys, sealing, key
/// rotation and failures: see the [`token`](crate::token) module docs.
///
/// ```no_run
/// use accuro_client::Transport;
/// use accuro_client::token::{RedisStore, SharedStore};
///
/// # fn run() -> Result<(), accuro_client::ConfigError> {
/// let store = RedisStore::builder("redis://127.0.0.1:6379/")
///     // 32 random bytes in base64, the same on every replica
///     // (`openssl rand -base64 32`), from your secret store.
///     .seal_key_base64(std::env::var("ACCURO_SEAL_KEY").unwrap_or_default())
///     .build()?;
/// let transport = Transport::builder()
///     .shared_store(SharedStore::new(store))
///     .build()?;
/// # let _ = transport;
/// # Ok(())
/// # }
/// ```
pub struct RedisStore {
    client: redis::Client,
    /// The connection, with its generation.
    connection: Mutex<Option<(u64, ConnectionManager)>>,
    generations: AtomicU64,
    /// Commands on the current connection that failed in a row.
    failures: AtomicU32,
    connect_timeout: Duration,
    response_timeout: Duration,
    sealer: Sealer,
    names: KeyNames,
    /// Whether the seal check was made (once per store).
    seal_checked: AtomicBool,
    prefix: String,
}

/// What the seal check's value holds.
const SEAL_CHECK: &[u8] = b"accuro-seal-check-v1";

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &"[redacted]")
            .field("prefix", &self.prefix)
            .field("seal_key", &"[redacted]")
            .field("response_timeout", &self.response_timeout)
            .finish()
    }
}

impl RedisStore {
    /// The Redis key of a `kind` value for `hash` (a [`StoreKey`] or a
    /// [`PauseKey`]): its name under the seal key.
    fn name(&self, kind: &str, hash: &str) -> String {
        format!("{}:{kind}:{}", self.prefix, self.names.primary(hash))
    }

    /// [`name`](Self::name), then the names under the keys values are also
    /// opened with (a seal key being rolled out or retired).
    fn names_of(&self, kind: &str, hash: &str) -> Vec<String> {
        std::iter::once(self.names.primary(hash))
            .chain(self.names.others(hash))
            .map(|name| format!("{}:{kind}:{name}", self.prefix))
            .collect()
    }

    /// A Redis key as logged: its last part (the keyed name), which tells
    /// nothing without the seal key.
    fn shown<'n>(&self, name: &'n str) -> &'n str {
        name.rsplit(':').next().unwrap_or_default()
    }

    /// Once per store: whether this replica's seal key opens the seal check
    /// the first replica wrote. A warning when it does not (another seal
    /// key: no value of the others will open, and none of their key names
    /// match); the check is then written anew with this key, and rewritten
    /// with it when only a key it also opens with opens it (a rotation).
    async fn check_seal(&self) {
        if self.seal_checked.swap(true, Ordering::Relaxed) {
            return;
        }
        let name = format!("{}:seal-check", self.prefix);
        let Ok(current) = self
            .run::<Option<Vec<u8>>>(redis::cmd("GET").arg(&name))
            .await
        else {
            // Looked at again on the next load.
            self.seal_checked.store(false, Ordering::Relaxed);
            return;
        };
        let opens = current
            .as_ref()
            .and_then(|v| self.sealer.open(name.as_bytes(), v))
            .is_some_and(|plain| plain.as_slice() == SEAL_CHECK);
        if current.is_some() && !opens {
            tracing::warn!(
                "the store's seal check does not open with this process's seal key: other \
                 processes use another key, and no token is shared with them"
            );
        }
        let current_with_seal_key = current
            .as_ref()
            .is_some_and(|v| self.sealer.opens_with_seal_key(name.as_bytes(), v));
        if current_with_seal_key {
            return;
        }
        let Some(sealed) = self.sealer.seal(name.as_bytes(), SEAL_CHECK) else {
            return;
        };
        let _ = self
            .run::<Option<String>>(redis::cmd("SET").arg(&name).arg(sealed))
            .await;
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, millis)
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>> {
        Box::pin(self.load_token(key))
    }

    fn save<'a>(&'a self, key: &'a StoreKey, token: &'a StoredToken) -> StoreFuture<'a, ()> {
        Box::pin(self.save_token(key, token))
    }

    fn take_refresh<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<SecretString>> {
        Box::pin(self.take_refresh_token(key))
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a StoreKey,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let taken: Option<String> = self
                .run(
                    redis::cmd("SET")
                        .arg(self.name("lock", key.as_str()))
                        .arg(owner)
                        .arg("NX")
                        .arg("PX")
                        .arg(millis(ttl).max(1)),
                )
                .await?;
            Ok(taken.is_some())
        })
    }

    fn extend_lock<'a>(
        &'a self,
        key: &'a StoreKey,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let extended: i64 = self
                .run(
                    redis::cmd("EVAL")
                        .arg(EXTEND)
                        .arg(1)
                        .arg(self.name("lock", key.as_str()))
                        .arg(owner)
                        .arg(millis(ttl).max(1)),
                )
                .await?;
            Ok(extended == 1)
        })
    }

    fn unlock<'a>(&'a self, key: &'a StoreKey, owner: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let _: i64 = self
                .run(
                    redis::cmd("EVAL")
                        .arg(UNLOCK)
                        .arg(1)
                        .arg(self.name("lock", key.as_str()))
                        .arg(owner),
                )
                .await?;
            Ok(())
        })
    }

    fn paused_for<'a>(&'a self, key: &'a PauseKey) -> StoreFuture<'a, Option<Duration>> {
        Box::pin(self.load_pause(key))
    }

    fn pause<'a>(&'a self, key: &'a PauseKey, duration: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let ms = millis(duration);
            if ms == 0 {
                return Ok(());
            }
            let name = self.name("pause", key.as_str());
            let until = unix_millis().saturating_add(ms);
            let sealed = self
                .sealer
                .seal(name.as_bytes(), &until.to_be_bytes())
                .ok_or_else(|| StoreError::Unavailable("the pause could not be sealed".into()))?;
            // A value there that does not open is no pause of ours, however
            // long it is kept: it is replaced, not deferred to.
            let current: Option<Vec<u8>> = self.run(redis::cmd("GET").arg(&name)).await?;
            let forged = current.filter(|v| self.sealer.open(name.as_bytes(), v).is_none());
            let _: i64 = self
                .run(
                    redis::cmd("EVAL")
                        .arg(PAUSE)
                        .arg(1)
                        .arg(&name)
                        .arg(ms)
                        .arg(sealed)
                        .arg(if forged.is_some() { "1" } else { "0" })
                        .arg(forged.unwrap_or_default()),
                )
                .await?;
            Ok(())
        })
    }

    fn backoff<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredBackoff>> {
        Box::pin(self.load_backoff(key))
    }

    fn set_backoff<'a>(
        &'a self,
        key: &'a StoreKey,
        backoff: &'a StoredBackoff,
    ) -> StoreFuture<'a, ()> {
        Box::pin(self.save_backoff(key, backoff))
    }

    fn clear_backoff<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, ()> {
        Box::pin(self.delete_backoff(key))
    }
}

impl RedisStore {
    /// The pause set for `key`: the lesser of what Redis keeps and the
    /// sealed end; none when there is none or it does not open.
    async fn load_pause(&self, key: &PauseKey) -> Result<Option<Duration>, StoreError> {
        let name = self.name("pause", key.as_str());
        let (value, pttl): (Option<Vec<u8>>, i64) = self
            .run(redis::pipe().atomic().get(&name).pttl(&name))
            .await?;
        let (Some(value), Ok(left)) = (value, u64::try_from(pttl)) else {
            return Ok(None);
        };
        let until = self
            .sealer
            .open(name.as_bytes(), &value)
            .and_then(|plain| <[u8; 8]>::try_from(plain.as_slice()).ok())
            .map(u64::from_be_bytes);
        let Some(until) = until else {
            tracing::warn!(
                key = %self.shown(&name),
                "a 429 pause in the store does not open (another seal key, or a changed value); \
                 it is ignored"
            );
            return Ok(None);
        };
        let sealed_left = until
            .saturating_add(PAUSE_CLOCK_SKEW_MS)
            .saturating_sub(unix_millis());
        Ok(Some(left.min(sealed_left))
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis))
    }
}
