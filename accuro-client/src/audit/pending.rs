//! The audit event of a call in flight: recorded when the call ends, or
//! when its future is dropped first (the request may have reached Accuro).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use super::{AuditClinic, AuditEvent, AuditOutcome, AuditQueue, resource_ids};

/// Where a clinic's calls are audited: the transport's queue, and the
/// clinic as every event names it.
#[derive(Clone)]
pub(crate) struct ClinicAudit {
    pub(crate) queue: Arc<AuditQueue>,
    pub(crate) clinic: Arc<AuditClinic>,
}

/// A call being audited. [`finish`](Self::finish) records how it ended;
/// dropped without it (the caller cancelled), it records
/// [`AuditOutcome::Cancelled`].
pub(crate) struct Pending<'a> {
    audit: &'a ClinicAudit,
    operation: &'static str,
    method: &'static str,
    path: &'static str,
    resource_ids: Vec<(&'static str, String)>,
    time: SystemTime,
    started: Instant,
    done: bool,
}

impl<'a> Pending<'a> {
    /// Starts the event of `operation` (`method` and path template
    /// `path`), sent to `url_path`.
    pub(crate) fn start(
        audit: &'a ClinicAudit,
        operation: &'static str,
        method: &'static str,
        path: &'static str,
        url_path: &str,
    ) -> Self {
        Self {
            audit,
            operation,
            method,
            path,
            resource_ids: resource_ids(path, url_path),
            time: SystemTime::now(),
            started: Instant::now(),
            done: false,
        }
    }

    /// Records how the call ended.
    pub(crate) fn finish(mut self, status: Option<u16>, outcome: AuditOutcome, attempts: u32) {
        self.done = true;
        self.push(status, outcome, attempts);
    }

    fn push(&mut self, status: Option<u16>, outcome: AuditOutcome, attempts: u32) {
        self.audit.queue.push(AuditEvent {
            time: self.time,
            clinic: Arc::clone(&self.audit.clinic),
            operation: self.operation,
            method: self.method,
            path: self.path,
            resource_ids: std::mem::take(&mut self.resource_ids),
            status,
            attempts,
            duration: self.started.elapsed(),
            outcome,
        });
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.push(None, AuditOutcome::Cancelled, 0);
        }
    }
}
