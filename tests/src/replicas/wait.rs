//! Waiting for an event: a condition looked at every 10 ms until it holds,
//! with a guard against a hang that is never a bound on how long the event
//! may take.

use std::time::{Duration, Instant};

/// How long a wait gives its event before the test fails: a guard against
/// a hang, generous for a busy 2-core runner, never a measure of anything.
pub const GUARD: Duration = Duration::from_secs(60);

/// How often a condition is looked at.
const LOOK_EVERY: Duration = Duration::from_millis(10);

/// Waits until `look` finds a value, looking every 10 ms; fails the test,
/// naming `what`, if it has found none after `guard`.
pub async fn wait_for_some_within<T>(
    guard: Duration,
    what: &str,
    mut look: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + guard;
    loop {
        if let Some(found) = look() {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "waited {guard:?} for {what} (a guard against a hang)"
        );
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// [`wait_for_some_within`] the [`GUARD`].
pub async fn wait_for_some<T>(what: &str, look: impl FnMut() -> Option<T>) -> T {
    wait_for_some_within(GUARD, what, look).await
}

/// Waits until `check` holds, looking every 10 ms; fails the test, naming
/// `what`, if it does not within the [`GUARD`].
pub async fn wait_for(what: &str, mut check: impl FnMut() -> bool) {
    wait_for_some_within(GUARD, what, || check().then_some(())).await;
}

/// [`wait_for`] with a guard of its own (for an event that may come later
/// than the [`GUARD`] and still be right, such as the end of a backoff
/// window of up to a minute).
pub async fn wait_for_within(guard: Duration, what: &str, mut check: impl FnMut() -> bool) {
    wait_for_some_within(guard, what, || check().then_some(())).await;
}
