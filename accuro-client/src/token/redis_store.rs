//! [`RedisStore`]: a [`TokenStore`] on Redis, for many processes.
//!
//! Built on redis-rs (`redis`) and its `ConnectionManager`: the most used
//! Redis client for Rust, kept by the Redis project, plain async commands
//! on one multiplexed connection that reconnects by itself. `fred` does
//! more (pools, clusters, its own reconnect policy) than a handful of
//! commands need, and pulls in more to build.
//!
//! | what | Redis key | value |
//! | --- | --- | --- |
//! | a token | `{prefix}:token:{name}` | sealed (AES-256-GCM): the token, its scopes, lifetime and expiry; expiring with it (`PX`) |
//! | its refresh token | `{prefix}:refresh:{name}` | sealed; taken with a get-and-delete script, so one process gets it |
//! | its lock | `{prefix}:lock:{name}` | the holder's id, `SET NX PX` |
//! | a 429 pause | `{prefix}:pause:{name}` | sealed: when the pause ends (wall clock); expiring then |
//! | the seal check | `{prefix}:seal-check` | a fixed text, sealed: a replica whose seal key does not open it says so |
//!
//! `{name}` is an HMAC-SHA-256 of the [`StoreKey`] (or [`PauseKey`]) under a
//! key derived from the seal key (see `key_names`): it tells nothing of the
//! clinic, nor of its secret, to anyone without the seal key. A replica
//! given another seal key therefore finds none of the others' values: the
//! seal check tells it (a warning, once), and it goes on with tokens of its
//! own.
//!
//! A token's time left is the lesser of Redis's `PTTL` and the expiry sealed
//! in the value (wall clock, with 30 s for the hosts' clocks), so a value
//! cannot be given much more life by anyone able to write to Redis, nor by
//! a write that lands late. A pause is sealed the same way: one that does
//! not open is no pause, and one lasts at most until its sealed end (1 s for
//! the clocks), so writing to Redis cannot stall the replicas' calls (each
//! process also caps a pause at `SharedStore::max_pause`).
//!
//! Each command is bounded by [`RedisStoreBuilder::response_timeout`]; after
//! two commands in a row that time out or whose connection fails, the
//! connection is dropped and a new one opened, so a connection that silently
//! stopped answering (a partition, a failover behind one address, a dropped
//! NAT entry) is replaced, not waited on.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use base64::Engine as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::key_names::KeyNames;
use super::seal::Sealer;
use super::store::{
    PauseKey, StoreConfigError, StoreError, StoreFuture, StoreKey, StoredToken, TokenStore,
};

/// How far apart two hosts' clocks may be for the sealed expiry.
const CLOCK_SKEW_MS: u64 = 30_000;

/// Default bound on one Redis command.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_millis(200);

/// Releases a lock only if its holder still holds it.
const UNLOCK: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                      return redis.call('DEL', KEYS[1]) else return 0 end";
/// Takes a value out: of all the processes asking, one gets it.
const TAKE: &str = "local v = redis.call('GET', KEYS[1]) \
                    if v then redis.call('DEL', KEYS[1]) end return v";
/// Sets a pause (its sealed end, `ARGV[2]`, for `ARGV[1]` ms) unless a
/// longer one is already set; when `ARGV[3]` is `1`, over the value
/// `ARGV[4]` (one that does not open, written by anyone else) whatever its
/// expiry.
const PAUSE: &str = "local current = redis.call('GET', KEYS[1]) \
                     if (ARGV[3] == '1' and current == ARGV[4]) \
                     or redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then \
                     redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1]) end return 1";

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
/// failure; building the store connects to nothing.
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

    /// The connection and its generation: the current one, or a new one
    /// (opened in the background at once, so that its first command need
    /// not wait for it). Outside a Tokio runtime there is none.
    fn connection(&self) -> Result<(u64, ConnectionManager), StoreError> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(StoreError::Unavailable("no Tokio runtime".into()));
        };
        let mut slot = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((generation, connection)) = slot.as_ref() {
            return Ok((*generation, connection.clone()));
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            .map_err(store_error)?;
        let mut warm = connection.clone();
        let timeout = self.connect_timeout;
        runtime.spawn(async move {
            let ping = redis::cmd("PING");
            let _ = tokio::time::timeout(timeout, ping.query_async::<String>(&mut warm)).await;
        });
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        self.failures.store(0, Ordering::Relaxed);
        *slot = Some((generation, connection.clone()));
        Ok((generation, connection))
    }

    /// Runs `cmd` (a command or a pipeline) under the response timeout.
    /// A command that times out, or whose connection fails, counts against
    /// its connection; after two in a row the connection is replaced. (A
    /// command dropped unanswered counts only if it waited the whole
    /// response timeout; an error the server answers does not count.)
    async fn run<'o, T: redis::FromRedisValue>(
        &self,
        op: impl Into<Op<'o>>,
    ) -> Result<T, StoreError> {
        let op = op.into();
        let (generation, mut conn) = self.connection()?;
        let mut attempt = Attempt {
            store: self,
            generation,
            started: tokio::time::Instant::now(),
            verdict: None,
        };
        let sent = async {
            match op {
                Op::Cmd(cmd) => cmd.query_async(&mut conn).await,
                Op::Pipe(pipe) => pipe.query_async(&mut conn).await,
            }
        };
        let outcome = match tokio::time::timeout(self.response_timeout, sent).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => {
                let broken = e.is_timeout()
                    || e.is_io_error()
                    || e.is_connection_dropped()
                    || e.is_connection_refusal();
                attempt.verdict = Some(!broken);
                Err(store_error(e))
            }
            Err(_) => {
                attempt.verdict = Some(false);
                Err(StoreError::Timeout)
            }
        };
        if outcome.is_ok() {
            attempt.verdict = Some(true);
        }
        outcome
    }

    /// Records how a command on connection `generation` ended: `true`, the
    /// connection answered; `false`, it did not.
    fn record(&self, generation: u64, healthy: bool) {
        let mut slot = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        if slot
            .as_ref()
            .is_none_or(|(current, _)| *current != generation)
        {
            return; // an older connection's command
        }
        if healthy {
            self.failures.store(0, Ordering::Relaxed);
        } else if self.failures.fetch_add(1, Ordering::Relaxed) >= 1 {
            *slot = None;
        }
    }

    async fn load_token(&self, key: &StoreKey) -> Result<Option<StoredToken>, StoreError> {
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

    async fn save_token(&self, key: &StoreKey, token: &StoredToken) -> Result<(), StoreError> {
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

    async fn take_refresh_token(&self, key: &StoreKey) -> Result<Option<SecretString>, StoreError> {
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
    /// [`SharedStore::timeout`](super::SharedStore::timeout).
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

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, millis)
}

/// A redis-rs error, told by its kind (never a value or the URL).
fn store_error(e: redis::RedisError) -> StoreError {
    if e.is_timeout() {
        StoreError::Timeout
    } else if e.is_connection_refusal() {
        StoreError::Unavailable("connection refused".into())
    } else if e.is_connection_dropped() || e.is_io_error() {
        StoreError::Unavailable("connection lost".into())
    } else {
        StoreError::Unavailable(format!("{:?}", e.kind()))
    }
}

/// A command in flight: how it ended is recorded when it is dropped. One
/// dropped unanswered (a caller's timeout, a cancelled call) counts as a
/// failure only if it had waited the whole response timeout.
struct Attempt<'a> {
    store: &'a RedisStore,
    generation: u64,
    started: tokio::time::Instant,
    /// Whether the connection answered, once known.
    verdict: Option<bool>,
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        let healthy = match self.verdict {
            Some(healthy) => healthy,
            None if self.started.elapsed() >= self.store.response_timeout => false,
            None => return,
        };
        self.store.record(self.generation, healthy);
    }
}

/// A command or a pipeline.
enum Op<'a> {
    Cmd(&'a redis::Cmd),
    Pipe(&'a redis::Pipeline),
}

impl<'a> From<&'a redis::Cmd> for Op<'a> {
    fn from(cmd: &'a redis::Cmd) -> Self {
        Op::Cmd(cmd)
    }
}

impl<'a> From<&'a mut redis::Cmd> for Op<'a> {
    fn from(cmd: &'a mut redis::Cmd) -> Self {
        Op::Cmd(cmd)
    }
}

impl<'a> From<&'a redis::Pipeline> for Op<'a> {
    fn from(pipe: &'a redis::Pipeline) -> Self {
        Op::Pipe(pipe)
    }
}

impl<'a> From<&'a mut redis::Pipeline> for Op<'a> {
    fn from(pipe: &'a mut redis::Pipeline) -> Self {
        Op::Pipe(pipe)
    }
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
