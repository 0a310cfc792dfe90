//! The bounded queue between the calls and the sink, and its thread.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::{AuditEvent, AuditSink};

/// What became of the audit events of a transport so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditStats {
    /// Recorded by the sink.
    pub delivered: u64,
    /// Not recorded: the queue was full (the sink is slow or stuck).
    pub dropped: u64,
    /// Handed to the sink, which returned an error (or panicked).
    pub failed: u64,
    /// Waiting in the queue, or being recorded.
    pub pending: u64,
}

#[derive(Default)]
struct Counters {
    /// Set when the delivery thread has ended (its sink panicked while
    /// being dropped, or the process is going down).
    gone: std::sync::atomic::AtomicBool,
    accepted: AtomicU64,
    delivered: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    /// Signalled after each event the sink is done with (for `flush`).
    done: Mutex<()>,
    changed: Condvar,
}

/// The calls' end of the queue. Dropping the last one (with the transport
/// and its clients) lets the thread finish the queue and end.
pub(crate) struct AuditQueue {
    sender: SyncSender<AuditEvent>,
    counters: Arc<Counters>,
}

impl AuditQueue {
    /// Starts the thread that hands `sink` the events, one at a time.
    pub(crate) fn start(sink: Box<dyn AuditSink>, capacity: usize) -> std::io::Result<Self> {
        let (sender, receiver) = sync_channel(capacity);
        let counters = Arc::new(Counters::default());
        let theirs = Arc::clone(&counters);
        std::thread::Builder::new()
            .name("accuro-audit".into())
            .spawn(move || {
                deliver(sink.as_ref(), &receiver, &theirs);
                // The sink is dropped here, after the last event: a panic
                // in its `Drop` ends only this thread.
                drop(sink);
            })?;
        Ok(Self { sender, counters })
    }

    /// Queues `event` without waiting; a full queue drops it (counted).
    pub(crate) fn push(&self, event: AuditEvent) {
        match self.sender.try_send(event) {
            Ok(()) => {
                self.counters.accepted.fetch_add(1, Ordering::Relaxed);
            }
            Err(full_or_gone) => {
                let dropped = self
                    .counters
                    .dropped
                    .fetch_add(1, Ordering::Relaxed)
                    .saturating_add(1);
                if dropped.is_power_of_two() {
                    match full_or_gone {
                        TrySendError::Full(_) => tracing::warn!(
                            dropped,
                            "the audit sink is not keeping up: events dropped so far"
                        ),
                        TrySendError::Disconnected(_) => tracing::warn!(
                            dropped,
                            "the audit thread has ended: events dropped so far"
                        ),
                    }
                }
            }
        }
    }

    pub(crate) fn stats(&self) -> AuditStats {
        let c = &self.counters;
        let delivered = c.delivered.load(Ordering::Acquire);
        let failed = c.failed.load(Ordering::Acquire);
        let accepted = c.accepted.load(Ordering::Acquire);
        AuditStats {
            delivered,
            dropped: c.dropped.load(Ordering::Acquire),
            failed,
            pending: accepted.saturating_sub(delivered.saturating_add(failed)),
        }
    }

    /// Waits (blocking the thread) until every queued event is recorded, or
    /// `timeout` has passed; whether the queue was emptied.
    pub(crate) fn flush(&self, timeout: Duration) -> bool {
        let deadline = std::time::Instant::now().checked_add(timeout);
        let mut guard = self.counters.done.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.stats().pending == 0 {
                return true;
            }
            if self.counters.gone.load(Ordering::Acquire) {
                return false;
            }
            let left = match deadline {
                Some(d) => d.saturating_duration_since(std::time::Instant::now()),
                None => Duration::from_secs(3600),
            };
            if left.is_zero() {
                return false;
            }
            guard = match self.counters.changed.wait_timeout(guard, left) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

/// Marks the thread gone when it ends, however it ends.
struct Gone<'a>(&'a Counters);

impl Drop for Gone<'_> {
    fn drop(&mut self) {
        self.0.gone.store(true, Ordering::Release);
        let _guard = self.0.done.lock().unwrap_or_else(|e| e.into_inner());
        self.0.changed.notify_all();
    }
}

fn deliver(sink: &dyn AuditSink, receiver: &Receiver<AuditEvent>, counters: &Counters) {
    let _gone = Gone(counters);
    for event in receiver {
        match catch_unwind(AssertUnwindSafe(|| sink.record(&event))) {
            Ok(Ok(())) => {
                counters.delivered.fetch_add(1, Ordering::AcqRel);
            }
            Ok(Err(e)) => {
                let failed = counters
                    .failed
                    .fetch_add(1, Ordering::AcqRel)
                    .saturating_add(1);
                if failed.is_power_of_two() {
                    tracing::warn!(failed, error_kind = ?e.kind(), "the audit sink failed to record events");
                }
            }
            Err(_) => {
                counters.failed.fetch_add(1, Ordering::AcqRel);
                tracing::warn!("the audit sink panicked recording an event");
            }
        }
        let _guard = counters.done.lock().unwrap_or_else(|e| e.into_inner());
        counters.changed.notify_all();
    }
}
