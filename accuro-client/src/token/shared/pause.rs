//! The 429 pause shared through the store: waited out before a call,
//! recorded after one.

use std::time::Duration;

use tokio::time::Instant;

use super::SharedStore;
use crate::token::store::PauseKey;

impl SharedStore {
    /// Whether a call under `key` must wait for a known pause or look for
    /// one first: `false` on almost every call (no allocation, no await).
    pub(crate) fn may_be_paused(&self, key: &PauseKey) -> bool {
        let now = Instant::now();
        let pauses = self.state.pauses.lock().unwrap_or_else(|e| e.into_inner());
        pauses.get(key).is_none_or(|view| {
            view.until.is_some_and(|u| u > now)
                || view
                    .checked
                    .and_then(|c| c.checked_add(self.pause_check))
                    .is_none_or(|next| now >= next)
        })
    }

    /// Waits out a 429 pause another process (or client) recorded for `key`,
    /// looking in the store at most every `pause_check`; `longest` at most
    /// (the retry policy's budget: a call then goes, and handles its own
    /// 429 as the policy says).
    pub(crate) async fn wait_out_pause(&self, key: &PauseKey, longest: Duration) {
        let now = Instant::now();
        let mut wait = None;
        let look = {
            let mut pauses = self.state.pauses.lock().unwrap_or_else(|e| e.into_inner());
            let view = match pauses.get_mut(key) {
                Some(view) => view,
                None => pauses.entry(key.clone()).or_default(),
            };
            if let Some(until) = view.until.filter(|u| *u > now) {
                wait = Some(until - now);
                false
            } else if view
                .checked
                .and_then(|c| c.checked_add(self.pause_check))
                .is_some_and(|next| now < next)
            {
                false
            } else {
                view.checked = Some(now);
                true
            }
        };
        if look && let Some(Some(left)) = self.call("pause", || self.store.paused_for(key)).await {
            let left = left.min(self.max_pause);
            self.note_pause(key, Instant::now(), left);
            wait = Some(left);
        }
        if let Some(wait) = wait {
            tracing::debug!(
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "the subscription key is paused after a 429; waiting"
            );
            tokio::time::sleep(wait.min(self.max_pause).min(longest)).await;
        }
    }

    /// Records a pause of `duration` for `key` after a 429: here at once,
    /// and in the store for the other processes (best effort).
    pub(crate) async fn record_pause(&self, key: &PauseKey, duration: Duration) {
        let duration = duration.min(self.max_pause);
        if duration.is_zero() {
            return;
        }
        self.note_pause(key, Instant::now(), duration);
        self.call("pause", || self.store.pause(key, duration)).await;
    }

    fn note_pause(&self, key: &PauseKey, from: Instant, duration: Duration) {
        let Some(until) = from.checked_add(duration) else {
            return;
        };
        let mut pauses = self.state.pauses.lock().unwrap_or_else(|e| e.into_inner());
        let view = pauses.entry(key.clone()).or_default();
        if view.until.is_none_or(|u| u < until) {
            view.until = Some(until);
        }
    }
}
