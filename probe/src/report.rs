//! The probe's report: per operation, what was sent and what disagreed;
//! read by people (text) or by CI (`--json`).

use std::fmt::Write as _;

use serde::Serialize;

use crate::finding::Finding;

/// What happened to one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Sent and answered.
    Answered {
        /// The status code.
        status: u16,
    },
    /// Not sent: why (names only).
    Skipped {
        /// Why.
        reason: String,
    },
    /// Sent, but no answer could be checked (connection, timeout, size cap,
    /// rate limit).
    Failed {
        /// Why.
        reason: String,
    },
}

/// One operation's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperationReport {
    /// The operation id (the client's method).
    pub operation: String,
    /// The path template.
    pub path: String,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Identifiers not seen in earlier answers, sent as the spec's example or
    /// a made-up value (a 404 is then expected).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub from_examples: Vec<String>,
    /// Every disagreement found.
    pub findings: Vec<Finding>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The base URL probed, without query.
    pub base_url: String,
    /// Each read operation of the spec, in the order probed.
    pub operations: Vec<OperationReport>,
    /// The tally.
    pub summary: Summary,
}

/// Counts of the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Read operations in the spec (or selected).
    pub operations: usize,
    /// Operations sent and answered.
    pub checked: usize,
    /// Operations answered with a 2xx.
    pub answering: usize,
    /// Operations with at least one finding.
    pub disagreeing: usize,
    /// Findings that break the typed client's decoding.
    pub breaking_decoding: usize,
    /// Operations not sent.
    pub skipped: usize,
    /// Operations sent but not answered.
    pub failed: usize,
    /// Token requests sent.
    pub token_requests: u32,
    /// REST requests sent (retries included).
    pub requests: u32,
    /// Time taken, in milliseconds.
    pub millis: u128,
}

impl Summary {
    /// The tally of `operations`.
    pub fn of(operations: &[OperationReport]) -> Self {
        let mut s = Self {
            operations: operations.len(),
            ..Self::default()
        };
        for op in operations {
            match op.outcome {
                Outcome::Answered { status } => {
                    s.checked += 1;
                    if (200..300).contains(&status) {
                        s.answering += 1;
                    }
                }
                Outcome::Skipped { .. } => s.skipped += 1,
                Outcome::Failed { .. } => s.failed += 1,
            }
            if !op.findings.is_empty() {
                s.disagreeing += 1;
            }
            s.breaking_decoding += op.findings.iter().filter(|f| f.breaks_decoding).count();
        }
        s
    }
}

impl Report {
    /// The exit status: 1 when something disagrees; otherwise 3 when the
    /// check is incomplete (an operation got no answer or was skipped, or
    /// none answered 2xx: wrong clinic, missing scopes); 0 when every
    /// operation answered and agrees. (2 is for a probe that could not run
    /// at all.)
    pub fn exit_code(&self) -> u8 {
        let s = &self.summary;
        if s.disagreeing > 0 {
            1
        } else if s.failed > 0 || s.skipped > 0 || s.answering == 0 {
            3
        } else {
            0
        }
    }

    /// The summary line.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        format!(
            "{} read operations: checked {} / answering {} / disagreeing {} ({} skipped, {} failed; {} findings break decoding; {} requests, {} token requests, {:.1} s)",
            s.operations,
            s.checked,
            s.answering,
            s.disagreeing,
            s.skipped,
            s.failed,
            s.breaking_decoding,
            s.requests,
            s.token_requests,
            // Milliseconds to seconds for display.
            s.millis as f64 / 1000.0,
        )
    }

    /// The report for people: every operation that disagrees, was skipped or
    /// failed (all of them with `all`), then the summary line.
    pub fn render_text(&self, all: bool) -> String {
        let mut out = format!("accuro probe of {}\n\n", self.base_url);
        for op in &self.operations {
            let quiet = op.findings.is_empty()
                && matches!(op.outcome, Outcome::Answered { .. })
                && op.from_examples.is_empty();
            if quiet && !all {
                continue;
            }
            let what = match &op.outcome {
                Outcome::Answered { status } if op.findings.is_empty() => {
                    format!("{status}, agrees with the spec")
                }
                Outcome::Answered { status } => format!(
                    "{status}, {} finding{}",
                    op.findings.len(),
                    if op.findings.len() == 1 { "" } else { "s" }
                ),
                Outcome::Skipped { reason } => format!("skipped: {reason}"),
                Outcome::Failed { reason } => format!("failed: {reason}"),
            };
            let _ = writeln!(out, "{}  GET {}  {what}", op.operation, op.path);
            if !op.from_examples.is_empty() {
                let _ = writeln!(
                    out,
                    "    (no {} seen in earlier answers: sent the spec's example or a made-up value)",
                    op.from_examples.join(", ")
                );
            }
            for f in &op.findings {
                let _ = writeln!(out, "    {f}");
            }
        }
        out.push('\n');
        out.push_str(&self.summary_line());
        out.push('\n');
        out
    }

    /// The report as one JSON document.
    pub fn render_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into())
    }
}
