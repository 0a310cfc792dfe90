//! The audit trail: one [`AuditEvent`] per finished call, handed to an
//! [`AuditSink`] set on the [`Transport`](crate::Transport).
//!
//! Clinics must keep an electronic log of who accessed which health record,
//! when, and with what outcome (Ontario's PHIPA s.10.1, HIPAA
//! §164.312(b)). The client knows all of it at the one place every call
//! passes through, so an integrator sets a sink once instead of wrapping
//! every call:
//!
//! ```no_run
//! use accuro_client::audit::JsonLinesFile;
//! use accuro_client::{ClinicConfig, Transport};
//!
//! # fn run(config: ClinicConfig) -> Result<(), Box<dyn std::error::Error>> {
//! let transport = Transport::builder()
//!     .audit_sink(JsonLinesFile::open("/var/log/clinic-app/accuro-audit.jsonl")?)
//!     .build()?;
//! let client = transport.clinic(config)?;
//! // ... every call of `client` now appends one line to the file.
//! # Ok(()) }
//! ```
//!
//! # What an event holds, and what it never holds
//!
//! - the time the call started, and how long it took (retries included);
//! - the clinic: tenant, client id and clinic `uuid`;
//! - the operation id, the method and the path template;
//! - the **resource ids** taken from the path parameters, by name
//!   (`patientId=1001`): what an access log must hold, and why this is a
//!   channel of its own and not a `tracing` span;
//! - the status, the number of attempts and the [`AuditOutcome`].
//!
//! Never a query value (a search by name stays out), a body, a header or a
//! server text. The `Debug` of an event shows the parameter names, not the
//! ids nor the clinic uuid: print one by accident and it holds no record id.
//!
//! # Delivery
//!
//! Events go through a bounded queue (1,024 by default,
//! [`TransportBuilder::audit_queue`](crate::TransportBuilder::audit_queue))
//! to a thread of their own, which takes them in batches (every 50 ms, or
//! at once when the queue is half full) and calls the sink one event at a
//! time. A call only pushes its event and goes on (1.3 µs or less per
//! call, `BENCHMARKS.md`), and never waits for the sink: when the queue is
//! full (a slow or stuck sink), the event is dropped and counted, and a
//! `warn` says so (once, then at every power of two). [`Transport::audit_stats`](crate::Transport::audit_stats)
//! reports what was delivered, dropped and failed. A call whose request
//! was never built (a token that could not be had, a refused value) is not
//! recorded; one cancelled by its caller once its request was handed to
//! the transport is, as [`AuditOutcome::Cancelled`]. Events still queued
//! when the process exits are lost: call
//! [`Transport::flush_audit`](crate::Transport::flush_audit) at shutdown.
//!
//! The resource ids are the *path* parameters: a call that names its
//! patient in the query (`list_prescriptions?patientId=…`,
//! `search_patients?patientUuid=…`) or in its body records none, since a
//! query value is never recorded (a search by name is one).

mod event;
mod file;
mod ids;
mod pending;
mod queue;
mod tracing_sink;

pub use event::{AuditClinic, AuditEvent, AuditOutcome};
pub use file::JsonLinesFile;
pub(crate) use ids::resource_ids;
pub(crate) use pending::{ClinicAudit, Pending};
pub(crate) use queue::AuditQueue;
pub use queue::AuditStats;
pub use tracing_sink::TracingSink;

/// Receives the audit trail: one call of [`record`](Self::record) per
/// finished call, from a thread of the transport's own (never from the
/// caller's task). It may block (a file, a socket): calls do not wait for it.
pub trait AuditSink: Send + Sync + 'static {
    /// Records one event. An error is counted (see [`AuditStats::failed`])
    /// and reported by a `warn` naming the error's kind; the event is not
    /// retried.
    fn record(&self, event: &AuditEvent) -> std::io::Result<()>;
}

impl<S: AuditSink + ?Sized> AuditSink for std::sync::Arc<S> {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        (**self).record(event)
    }
}

impl<S: AuditSink + ?Sized> AuditSink for Box<S> {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        (**self).record(event)
    }
}
