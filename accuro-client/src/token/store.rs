//! The token store: where the processes of one service share their access
//! tokens, and the pause a 429 asks for.
//!
//! Every [`Client`](crate::Client) keeps its token in memory, and the calls
//! read it from there. A store is a second tier under that cache, shared by
//! many processes (replicas) of a service: when a token is missing or due
//! for renewal, a process looks in the store first, and only one process
//! per token asks the token endpoint (under the store's lock), the others
//! waiting for its answer. See [`SharedStore`](super::SharedStore) for how a
//! store is used and what happens when it fails.
//!
//! Two stores are built in: [`MemoryStore`](super::MemoryStore) (one process)
//! and, with the `redis` feature, `RedisStore`. Another
//! engine implements [`TokenStore`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};

/// A store operation's future.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Which token is which: a SHA-256 of the base URL, the tenant, the client
/// id, the client secret and the exact set of scopes. Two scope sets never
/// share a token, and a client built with another secret (a wrong, rotated
/// or revoked one, or none of the tenant's) never finds the token of the
/// right one.
///
/// It is a plain hash of the settings and the secret: a store that writes it
/// where others can read it should key it first, as
/// `RedisStore` does (its key names are an HMAC of it
/// under the seal key), so that no one reading the store can test guesses
/// of a tenant, a client id or a secret against it. For the same reason
/// `Debug` does not show it; [`as_str`](Self::as_str) and `Display` do, for
/// a store's own use.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct StoreKey(String);

impl StoreKey {
    /// The key of the token for these settings. Scopes are a set: their
    /// order and repeats do not matter. The URL is taken without a trailing
    /// `/`.
    pub fn new<S: AsRef<str>>(
        base_url: &str,
        tenant: &str,
        client_id: &str,
        client_secret: &SecretString,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        let mut scopes: Vec<String> = scopes.into_iter().map(|s| s.as_ref().to_owned()).collect();
        scopes.sort_unstable();
        scopes.dedup();
        let mut hash = Sha256::new();
        hash.update(b"accuro-token-v2");
        // Each part is length-prefixed, so no two tuples hash the same bytes.
        for part in [
            base_url.trim_end_matches('/'),
            tenant,
            client_id,
            client_secret.expose_secret(),
        ]
        .into_iter()
        .chain(scopes.iter().map(String::as_str))
        {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        Self(hex(&hash.finalize()))
    }

    /// The key of the same settings' tokens switched to `office` (`None`:
    /// this key). Two offices never share a token: a token's current office
    /// is server-side state (see [`accuro_spec::token_state`]).
    pub(crate) fn for_office(&self, office: Option<i64>) -> Self {
        let Some(office) = office else {
            return self.clone();
        };
        let mut hash = Sha256::new();
        hash.update(b"accuro-token-office-v1");
        hash.update(self.0.as_bytes());
        hash.update(office.to_be_bytes());
        Self(hex(&hash.finalize()))
    }

    /// The hash, in hexadecimal.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey([a hash of the settings and the secret])")
    }
}

/// Whose gateway quota a 429 pause is for: a hash of the subscription key
/// (never the key itself).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PauseKey(String);

impl PauseKey {
    /// The pause key of this subscription key.
    pub fn new(subscription_key: &[u8]) -> Self {
        let mut hash = Sha256::new();
        hash.update(b"accuro-pause-v1");
        hash.update(subscription_key);
        Self(hex(&hash.finalize()))
    }

    /// The hash, in hexadecimal.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PauseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PauseKey({})", self.0)
    }
}

fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A token as a store keeps it. `Debug` shows no token.
#[derive(Clone)]
pub struct StoredToken {
    /// The access token.
    pub access_token: SecretString,
    /// When saving: the refresh token that came with it, kept apart and
    /// handed out once ([`TokenStore::take_refresh`]). Always `None` when
    /// loading.
    pub refresh_token: Option<SecretString>,
    /// The scopes granted, as the answer listed them.
    pub scope: Option<String>,
    /// The lifetime the token was issued with (for the refresh margin).
    pub lifetime: Duration,
    /// How long it has left: when saving, the time the store keeps it;
    /// when loading, what the store says is left (on the store's clock,
    /// so each process counts it from its own read).
    pub remaining: Duration,
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("scope", &self.scope)
            .field("lifetime", &self.lifetime)
            .field("remaining", &self.remaining)
            .finish()
    }
}

/// A store setting that is not acceptable: named, never shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} is invalid: {reason}")]
pub struct StoreConfigError {
    /// The setting (its builder method).
    pub name: &'static str,
    /// Why.
    pub reason: String,
}

/// Why a store operation failed. Never fails a call: the client goes on
/// without the store (see [`SharedStore`](super::SharedStore)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or refused the operation.
    #[error("the token store is unavailable: {0}")]
    Unavailable(String),
    /// The operation took longer than the store timeout.
    #[error("the token store did not answer in time")]
    Timeout,
}

/// A place many processes share tokens and pauses in. Implementations
/// keep what they are given until its time is up, and make [`try_lock`]
/// atomic across every process using the store.
///
/// Errors are reported, never retried here: the caller times each
/// operation out and carries on without the store.
///
/// [`try_lock`]: TokenStore::try_lock
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The token saved under `key`, with the time it has left; `None` when
    /// there is none, it has expired, or it cannot be read (a value that
    /// does not open is a miss, not an error).
    fn load<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>>;

    /// Saves `token` under `key` for `token.remaining`, replacing what was
    /// there; its refresh token, if it has one, apart, for the same time.
    fn save<'a>(&'a self, key: &'a StoreKey, token: &'a StoredToken) -> StoreFuture<'a, ()>;

    /// Takes the refresh token saved under `key` out of the store, in one
    /// atomic step: of all the processes asking, one gets it.
    fn take_refresh<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<SecretString>>;

    /// Takes the lock of `key` for `owner` if no one holds it, for `ttl`
    /// at most (`SET NX PX`). Returns whether it was taken.
    fn try_lock<'a>(
        &'a self,
        key: &'a StoreKey,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Releases the lock of `key` if `owner` still holds it.
    fn unlock<'a>(&'a self, key: &'a StoreKey, owner: &'a str) -> StoreFuture<'a, ()>;

    /// Makes the lock of `key` live `ttl` from now if `owner` still holds
    /// it; returns whether it did. The holder calls it every third of the
    /// lock's life while its token request is in flight, so that a short
    /// lock is taken over soon after a holder dies without being taken
    /// from a live, slow one. A store that cannot (the default) lets the
    /// lock expire on time: a request outliving it lets one other process
    /// ask too.
    fn extend_lock<'a>(
        &'a self,
        key: &'a StoreKey,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let _ = (key, owner, ttl);
        Box::pin(std::future::ready(Ok(false)))
    }

    /// How long calls under `key` are paused, if they are.
    fn paused_for<'a>(&'a self, key: &'a PauseKey) -> StoreFuture<'a, Option<Duration>>;

    /// Pauses calls under `key` for `duration`, unless they are already
    /// paused for longer.
    fn pause<'a>(&'a self, key: &'a PauseKey, duration: Duration) -> StoreFuture<'a, ()>;

    /// The token requests for `key` that failed in a row, and how long
    /// every process backs off before the next (zero once the window has
    /// passed: the count is kept a minute longer, so that the next failure
    /// doubles the window). A store that keeps none (the default) shares no
    /// backoff: each process backs off on its own.
    fn backoff<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredBackoff>> {
        let _ = key;
        Box::pin(std::future::ready(Ok(None)))
    }

    /// Records `backoff` for `key`, its window from now, replacing what was
    /// there.
    fn set_backoff<'a>(
        &'a self,
        key: &'a StoreKey,
        backoff: &'a StoredBackoff,
    ) -> StoreFuture<'a, ()> {
        let _ = (key, backoff);
        Box::pin(std::future::ready(Ok(())))
    }

    /// Forgets the backoff of `key`: a token came.
    fn clear_backoff<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, ()> {
        let _ = key;
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A token-request backoff shared by the processes of a store: how many
/// requests failed in a row, what the last answered, and the window left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredBackoff {
    /// Token requests that failed in a row.
    pub failures: u32,
    /// The last failure's HTTP status (`None`: no answer, a timeout or a
    /// cut connection).
    pub status: Option<u16>,
    /// Whether the last failure was a refusal of the credentials.
    pub rejected: bool,
    /// How long the window lasts (from when it was recorded, or is left
    /// when read: zero once it has passed), at most a minute.
    pub window: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_per_scope_set_and_secret_and_say_nothing_of_the_clinic() {
        let secret = SecretString::from("secret-1");
        let key = |base: &str, tenant: &str, id: &str, scopes: &[&str]| {
            StoreKey::new(base, tenant, id, &secret, scopes.iter().copied())
        };
        let a = key("https://h.example/", "tenant-a", "id", &["B", "A"]);
        let same = key("https://h.example", "tenant-a", "id", &["A", "B", "A"]);
        let fewer = key("https://h.example", "tenant-a", "id", &["A"]);
        let other_tenant = key("https://h.example", "tenant-b", "id", &["A", "B"]);
        // Moving a character between parts changes the key.
        let shifted = key("https://h.example", "tenant-", "aid", &["A", "B"]);
        // Another secret for the same tenant and client id: another key.
        let other_secret = StoreKey::new(
            "https://h.example",
            "tenant-a",
            "id",
            &SecretString::from("secret-2"),
            ["A", "B"],
        );
        assert_eq!(a, same);
        for other in [&fewer, &other_tenant, &shifted, &other_secret] {
            assert_ne!(&a, other);
        }
        assert_eq!(a.as_str().len(), 64);
        assert!(!a.as_str().contains("tenant"));
        assert!(!format!("{:?}", PauseKey::new(b"sub-key")).contains("sub-key"));
        // Each office has a key of its own; no office is the clinic's key.
        assert_eq!(a.for_office(None), a);
        assert_eq!(a.for_office(Some(2)), same.for_office(Some(2)));
        for (x, y) in [(Some(1), None), (Some(1), Some(2)), (Some(-1), Some(1))] {
            assert_ne!(a.for_office(x), a.for_office(y), "{x:?} {y:?}");
        }
        assert_ne!(a.for_office(Some(1)), fewer.for_office(Some(1)));
    }
}
