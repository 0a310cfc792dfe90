//! The operations a client really finished, as its audit trail names them:
//! the operation id of each call, from the generated routes, recorded by the
//! transport under every call. What a run is checked against, apart from the
//! names the run gives itself.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use accuro_client::Transport;
use accuro_client::audit::{AuditEvent, AuditSink};

/// A transport whose audit trail keeps each finished call's operation id.
pub struct Audited {
    transport: Transport,
    seen: Arc<Mutex<Vec<&'static str>>>,
}

/// The sink: each event's operation id (token requests aside: they are the
/// layer's, not the run's).
struct Recorder(Arc<Mutex<Vec<&'static str>>>);

impl AuditSink for Recorder {
    fn record(&self, event: &AuditEvent) -> std::io::Result<()> {
        if event.operation != "request_token" {
            self.0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(event.operation);
        }
        Ok(())
    }
}

impl Audited {
    /// A transport with the recording sink and room for a whole run's events.
    pub fn new() -> Self {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let transport = Transport::builder()
            .audit_sink(Recorder(Arc::clone(&seen)))
            .audit_queue(4096)
            .build()
            .expect("an audited transport");
        Self { transport, seen }
    }

    /// The transport, for `ClientBuilder::transport` or `Transport::clinic`.
    pub fn transport(&self) -> Transport {
        self.transport.clone()
    }

    /// The operations finished since the last look, sorted, a call each;
    /// every event delivered first, and none dropped.
    pub fn take(&self) -> Vec<String> {
        assert!(
            self.transport.flush_audit(Duration::from_secs(30)),
            "the audit queue did not drain"
        );
        if let Some(stats) = self.transport.audit_stats() {
            assert_eq!(stats.dropped, 0, "audit events dropped: {stats:?}");
        }
        let seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()));
        let mut seen: Vec<String> = seen.into_iter().map(str::to_owned).collect();
        seen.sort_unstable();
        seen
    }
}

impl Default for Audited {
    fn default() -> Self {
        Self::new()
    }
}
