//! [`MemoryStore`]: a [`TokenStore`] in this process's memory.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use secrecy::SecretString;
use tokio::time::Instant;

use super::RENEWAL_BACKOFF_MAX;
use super::store::{PauseKey, StoreFuture, StoreKey, StoredBackoff, StoredToken, TokenStore};

/// A [`TokenStore`] in this process's memory, on tokio's clock: clients of
/// one process that share it share their tokens, as replicas do over Redis.
/// Nothing leaves the process, so nothing is sealed.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    tokens: HashMap<StoreKey, (StoredToken, Instant)>,
    locks: HashMap<StoreKey, (String, Instant)>,
    pauses: HashMap<PauseKey, Instant>,
    backoffs: HashMap<StoreKey, (StoredBackoff, Instant)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Entries, Instant) -> T) -> T {
        let mut entries = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut entries, Instant::now())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (tokens, locks) = self.with(|e, _| (e.tokens.len(), e.locks.len()));
        f.debug_struct("MemoryStore")
            .field("tokens", &tokens)
            .field("locks", &locks)
            .finish()
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok(value)))
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>> {
        ready(self.with(|e, now| match e.tokens.get(key) {
            Some((token, until)) if *until > now => Some(StoredToken {
                remaining: until.saturating_duration_since(now),
                refresh_token: None,
                ..token.clone()
            }),
            Some(_) => {
                e.tokens.remove(key);
                None
            }
            None => None,
        }))
    }

    fn save<'a>(&'a self, key: &'a StoreKey, token: &'a StoredToken) -> StoreFuture<'a, ()> {
        self.with(|e, now| {
            match now.checked_add(token.remaining) {
                Some(until) if !token.remaining.is_zero() => {
                    e.tokens.insert(key.clone(), (token.clone(), until));
                }
                _ => {
                    e.tokens.remove(key);
                }
            };
        });
        ready(())
    }

    fn take_refresh<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<SecretString>> {
        ready(self.with(|e, now| match e.tokens.get_mut(key) {
            Some((token, until)) if *until > now => token.refresh_token.take(),
            _ => None,
        }))
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a StoreKey,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        ready(self.with(|e, now| {
            if e.locks.get(key).is_some_and(|(_, until)| *until > now) {
                return false;
            }
            let until = now.checked_add(ttl).unwrap_or(now);
            e.locks.insert(key.clone(), (owner.to_owned(), until));
            true
        }))
    }

    fn extend_lock<'a>(
        &'a self,
        key: &'a StoreKey,
        owner: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        ready(self.with(|e, now| match e.locks.get_mut(key) {
            Some((holder, until)) if holder == owner && *until > now => {
                *until = now.checked_add(ttl).unwrap_or(now);
                true
            }
            _ => false,
        }))
    }

    fn unlock<'a>(&'a self, key: &'a StoreKey, owner: &'a str) -> StoreFuture<'a, ()> {
        self.with(|e, _| {
            if e.locks.get(key).is_some_and(|(o, _)| o == owner) {
                e.locks.remove(key);
            }
        });
        ready(())
    }

    fn paused_for<'a>(&'a self, key: &'a PauseKey) -> StoreFuture<'a, Option<Duration>> {
        ready(self.with(|e, now| {
            e.pauses
                .get(key)
                .map(|until| until.saturating_duration_since(now))
                .filter(|left| !left.is_zero())
        }))
    }

    fn pause<'a>(&'a self, key: &'a PauseKey, duration: Duration) -> StoreFuture<'a, ()> {
        self.with(|e, now| {
            let until = now.checked_add(duration).unwrap_or(now);
            let slot = e.pauses.entry(key.clone()).or_insert(until);
            if *slot < until {
                *slot = until;
            }
        });
        ready(())
    }

    fn backoff<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredBackoff>> {
        ready(self.with(|e, now| {
            let (backoff, until) = e.backoffs.get(key)?;
            // The count outlives the window by a minute.
            if now >= until.checked_add(RENEWAL_BACKOFF_MAX).unwrap_or(*until) {
                e.backoffs.remove(key);
                return None;
            }
            Some(StoredBackoff {
                window: until.saturating_duration_since(now),
                ..*backoff
            })
        }))
    }

    fn set_backoff<'a>(
        &'a self,
        key: &'a StoreKey,
        backoff: &'a StoredBackoff,
    ) -> StoreFuture<'a, ()> {
        self.with(|e, now| {
            let until = now.checked_add(backoff.window).unwrap_or(now);
            e.backoffs.insert(key.clone(), (*backoff, until));
        });
        ready(())
    }

    fn clear_backoff<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, ()> {
        self.with(|e, _| {
            e.backoffs.remove(key);
        });
        ready(())
    }
}
