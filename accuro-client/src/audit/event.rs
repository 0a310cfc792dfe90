//! One audited call.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The clinic a call was made for. `Debug` redacts the clinic `uuid`.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditClinic {
    /// The tenant (`ACCURO_TENANT`).
    pub tenant: String,
    /// The OAuth client id.
    pub client_id: String,
    /// The clinic's `uuid` (the query parameter every REST call carries).
    pub uuid: String,
}

impl AuditClinic {
    pub(crate) fn new(tenant: String, client_id: String, uuid: String) -> Self {
        Self {
            tenant,
            client_id,
            uuid,
        }
    }
}

impl fmt::Debug for AuditClinic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditClinic")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("uuid", &format_args!("[redacted]"))
            .finish()
    }
}

/// How a call ended, as far as the wire tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditOutcome {
    /// Answered with a 1xx-3xx status.
    Success,
    /// Answered with a 4xx or 5xx status.
    Refused,
    /// Answered with a refusal after an earlier attempt of the same write
    /// may have acted: the change may have been made
    /// ([`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown)).
    OutcomeUnknown,
    /// No answer in time.
    Timeout,
    /// No answer: the connection failed or was cut.
    Transport,
    /// The caller dropped the call (a timeout of its own, a `select!`)
    /// after its request was handed to the transport: it may have reached
    /// Accuro. `attempts` is 0 (not known).
    Cancelled,
}

impl AuditOutcome {
    /// `success`, `refused`, `outcome_unknown`, `timeout`, `transport`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Refused => "refused",
            Self::OutcomeUnknown => "outcome_unknown",
            Self::Timeout => "timeout",
            Self::Transport => "transport",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One finished call (its retries included). See the [module docs](super).
#[derive(Clone)]
#[non_exhaustive]
pub struct AuditEvent {
    /// When the call was handed to the transport.
    pub time: SystemTime,
    /// The clinic it was made for.
    pub clinic: Arc<AuditClinic>,
    /// The operation id (`get_patient`).
    pub operation: &'static str,
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// The path template (`/rest/v1/provider-portal/patients/{patientId}`).
    pub path: &'static str,
    /// The path parameters, by name, as sent (`("patientId", "1001")`).
    pub resource_ids: Vec<(&'static str, String)>,
    /// The status of the last answer, if any.
    pub status: Option<u16>,
    /// Requests sent: 1, or more after retries and a 401 replay (0 for a
    /// cancelled call: not known).
    pub attempts: u32,
    /// From the first attempt to the last answer's headers.
    pub duration: Duration,
    /// How it ended.
    pub outcome: AuditOutcome,
}

impl fmt::Debug for AuditEvent {
    /// The resource ids' names only: their values are for the sink.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.resource_ids.iter().map(|(name, _)| *name).collect();
        f.debug_struct("AuditEvent")
            .field("time", &self.time)
            .field("clinic", &self.clinic)
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("resource_ids", &format_args!("{names:?} [values redacted]"))
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("duration", &self.duration)
            .field("outcome", &self.outcome)
            .finish()
    }
}

impl AuditEvent {
    /// The event as one line of JSON (no newline), the form
    /// [`JsonLinesFile`](super::JsonLinesFile) writes:
    ///
    /// ```text
    /// {"time":"2026-12-06T18:00:00.123Z","tenant":"clinic-a","client_id":"app",
    ///  "clinic_uuid":"…","operation":"get_patient","method":"GET",
    ///  "path":"/rest/v1/provider-portal/patients/{patientId}",
    ///  "resource_ids":{"patientId":"1001"},"status":200,"attempts":1,
    ///  "duration_ms":12.5,"outcome":"success"}
    /// ```
    pub fn to_json_line(&self) -> String {
        let ids: serde_json::Map<String, serde_json::Value> = self
            .resource_ids
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.as_str().into()))
            .collect();
        let time: chrono::DateTime<chrono::Utc> = self.time.into();
        serde_json::json!({
            "time": time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "tenant": self.clinic.tenant,
            "client_id": self.clinic.client_id,
            "clinic_uuid": self.clinic.uuid,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "resource_ids": ids,
            "status": self.status,
            "attempts": self.attempts,
            "duration_ms": self.duration.as_secs_f64() * 1000.0,
            "outcome": self.outcome.as_str(),
        })
        .to_string()
    }
}
