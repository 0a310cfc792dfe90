//! An audit sink that emits `tracing` events under a target of its own.

use super::{AuditEvent, AuditSink};

/// Emits every event at `INFO` under the target `accuro_client::audit`,
/// resource ids and clinic uuid included, for users who route that target
/// themselves to a locked-down log: with `tracing-subscriber`, a layer for
/// the audit store filtered to [`TARGET`](Self::TARGET), and the general
/// log's filter excluding that same target (`accuro_client::audit=off`).
///
/// The events are emitted on the audit thread, which sees the *global*
/// subscriber (`tracing::subscriber::set_global_default`, or `init()`), not
/// one set with `set_default` on another thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingSink;

impl TracingSink {
    /// The target of its events.
    pub const TARGET: &'static str = "accuro_client::audit";
}

impl AuditSink for TracingSink {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        let ids = event
            .resource_ids
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join(",");
        tracing::info!(
            target: "accuro_client::audit",
            tenant = %event.clinic.tenant,
            client_id = %event.clinic.client_id,
            clinic_uuid = %event.clinic.uuid,
            operation = event.operation,
            method = event.method,
            path = event.path,
            resource_ids = %ids,
            status = event.status,
            attempts = event.attempts,
            duration_ms = event.duration.as_secs_f64() * 1000.0,
            outcome = event.outcome.as_str(),
            "accuro call"
        );
        Ok(())
    }
}
