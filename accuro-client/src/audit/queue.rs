//! The bounded queue between the calls and the sink, and its thread.
//!
//! A call only locks a mutex and pushes its event (no system call, no
//! allocation once the queue has grown): the thread is not woken per event.
//! It wakes every [`BATCH_WAIT`], or at once when the queue is half full,
//! swaps the queue for an empty one and hands the sink the batch, one
//! event at a time. Measured in `benches/layer.rs` (BENCHMARKS.md): waking
//! the thread per event cost a sequential call about 40 µs on two cores.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::Thread;
use std::time::Duration;

use super::{AuditEvent, AuditSink};

/// How long an event may wait for the thread when the queue is quiet.
pub(crate) const BATCH_WAIT: Duration = Duration::from_millis(50);

/// What became of the audit events of a transport so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditStats {
    /// Recorded by the sink.
    pub delivered: u64,
    /// Not recorded: the queue was full (the sink is slow or stuck), or
    /// the audit thread had ended.
    pub dropped: u64,
    /// Handed to the sink, which returned an error (or panicked).
    pub failed: u64,
    /// Waiting in the queue, or being recorded.
    pub pending: u64,
}

struct QueueState {
    queue: Mutex<VecDeque<AuditEvent>>,
    capacity: usize,
    accepted: AtomicU64,
    delivered: AtomicU64,
    dropped: AtomicU64,
    failed: AtomicU64,
    /// Every handle is gone: the thread finishes the queue and ends.
    closed: AtomicBool,
    /// The thread has ended.
    gone: AtomicBool,
    /// Signalled after each batch (for `flush`).
    done: Mutex<()>,
    changed: Condvar,
}

impl QueueState {
    fn lock_queue(&self) -> MutexGuard<'_, VecDeque<AuditEvent>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn signal(&self) {
        let _guard = self.done.lock().unwrap_or_else(|e| e.into_inner());
        self.changed.notify_all();
    }
}

/// The calls' end of the queue. Dropping it (with the transport and its
/// clients) lets the thread finish the queue and end.
pub(crate) struct AuditQueue {
    state: Arc<QueueState>,
    thread: Thread,
}

impl AuditQueue {
    /// Starts the thread that hands `sink` the events.
    pub(crate) fn start(sink: Box<dyn AuditSink>, capacity: usize) -> std::io::Result<Self> {
        let capacity = capacity.max(1);
        let state = Arc::new(QueueState {
            queue: Mutex::new(VecDeque::new()),
            capacity,
            accepted: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            gone: AtomicBool::new(false),
            done: Mutex::new(()),
            changed: Condvar::new(),
        });
        let theirs = Arc::clone(&state);
        let handle = std::thread::Builder::new()
            .name("accuro-audit".into())
            .spawn(move || {
                deliver(sink.as_ref(), &theirs);
                // The sink is dropped after the last event: a panic in its
                // `Drop` ends only this thread.
                drop(sink);
            })?;
        Ok(Self {
            state,
            thread: handle.thread().clone(),
        })
    }

    /// Queues `event` without waiting; a full queue drops it (counted).
    pub(crate) fn push(&self, event: AuditEvent) {
        let s = &*self.state;
        let gone = s.gone.load(Ordering::Relaxed);
        let len = {
            let mut queue = s.lock_queue();
            if gone || queue.len() >= s.capacity {
                None
            } else {
                queue.push_back(event);
                Some(queue.len())
            }
        };
        match len {
            Some(len) => {
                s.accepted.fetch_add(1, Ordering::Release);
                // Half full: the thread need not wait for its next round.
                if len == s.capacity.div_ceil(2) {
                    self.thread.unpark();
                }
            }
            None => {
                let dropped = s.dropped.fetch_add(1, Ordering::Relaxed).saturating_add(1);
                if dropped.is_power_of_two() {
                    if gone {
                        tracing::warn!(
                            dropped,
                            "the audit thread has ended: events dropped so far"
                        );
                    } else {
                        tracing::warn!(
                            dropped,
                            "the audit sink is not keeping up: events dropped so far"
                        );
                    }
                }
            }
        }
    }

    pub(crate) fn stats(&self) -> AuditStats {
        let s = &*self.state;
        let delivered = s.delivered.load(Ordering::Acquire);
        let failed = s.failed.load(Ordering::Acquire);
        let accepted = s.accepted.load(Ordering::Acquire);
        AuditStats {
            delivered,
            dropped: s.dropped.load(Ordering::Acquire),
            failed,
            pending: accepted.saturating_sub(delivered.saturating_add(failed)),
        }
    }

    /// Wakes the thread, then waits (blocking) until every queued event is
    /// recorded or `timeout` has passed; whether the queue was emptied.
    pub(crate) fn flush(&self, timeout: Duration) -> bool {
        let s = &*self.state;
        let deadline = std::time::Instant::now().checked_add(timeout);
        let mut guard = s.done.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.stats().pending == 0 {
                return true;
            }
            if s.gone.load(Ordering::Acquire) {
                return false;
            }
            self.thread.unpark();
            let left = match deadline {
                Some(d) => d.saturating_duration_since(std::time::Instant::now()),
                None => Duration::from_secs(3600),
            };
            if left.is_zero() {
                return false;
            }
            // Bounded: an unpark between the check and the wait is not lost
            // for longer than a batch round.
            guard = match s.changed.wait_timeout(guard, left.min(BATCH_WAIT)) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

impl Drop for AuditQueue {
    fn drop(&mut self) {
        self.state.closed.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Marks the thread gone when it ends, however it ends.
struct Gone<'a>(&'a QueueState);

impl Drop for Gone<'_> {
    fn drop(&mut self) {
        self.0.gone.store(true, Ordering::Release);
        self.0.signal();
    }
}

fn deliver(sink: &dyn AuditSink, s: &QueueState) {
    let _gone = Gone(s);
    let mut batch = VecDeque::new();
    loop {
        std::mem::swap(&mut *s.lock_queue(), &mut batch);
        if batch.is_empty() {
            if s.closed.load(Ordering::Acquire) && s.lock_queue().is_empty() {
                return;
            }
            std::thread::park_timeout(BATCH_WAIT);
            continue;
        }
        for event in batch.drain(..) {
            match catch_unwind(AssertUnwindSafe(|| sink.record(&event))) {
                Ok(Ok(())) => {
                    s.delivered.fetch_add(1, Ordering::AcqRel);
                }
                Ok(Err(e)) => {
                    let failed = s.failed.fetch_add(1, Ordering::AcqRel).saturating_add(1);
                    if failed.is_power_of_two() {
                        tracing::warn!(failed, error_kind = ?e.kind(), "the audit sink failed to record events");
                    }
                }
                Err(_) => {
                    s.failed.fetch_add(1, Ordering::AcqRel);
                    tracing::warn!("the audit sink panicked recording an event");
                }
            }
        }
        s.signal();
    }
}
