//! The probe: every read operation of the spec, in an order where each
//! identifier comes from an earlier answer, each answer checked.

use std::collections::BTreeSet;
use std::time::Instant;

use secrecy::{ExposeSecret, SecretString};

use crate::check::{Observed, check};
use crate::config::Config;
use crate::ids::{Fill, Pool, fill};
use crate::report::{OperationReport, Outcome, Report, Summary};
use crate::schema::Schemas;
use crate::spec::{Operation, Spec};
use crate::transport::{Limits, SendError, Transport};

/// Other identifiers tried after a 404, at most.
pub const ALTERNATIVES: usize = 3;

/// What to probe and how.
#[derive(Clone)]
pub struct Options {
    /// The last name the patient search is sent with (never shown).
    pub patient_last_name: Option<SecretString>,
    /// Only these operations (all when empty).
    pub only: BTreeSet<String>,
    /// Pacing and limits.
    pub limits: Limits,
    /// Extra root CAs (PEM) for an https base URL.
    pub extra_roots_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field(
                "patient_last_name",
                &self.patient_last_name.as_ref().map(|_| "[redacted]"),
            )
            .field("only", &self.only)
            .field("limits", &self.limits)
            .field("extra_roots_pem", &self.extra_roots_pem.is_some())
            .finish()
    }
}

/// Why the probe could not run at all. Safe to print.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// The settings are wrong.
    #[error("{0}")]
    Config(String),
    /// No token: nothing can be checked.
    #[error("{0}")]
    Token(String),
    /// An `--operation` value names no read operation of the spec (it is
    /// not shown: it may be a value typed in the wrong place).
    #[error(
        "an --operation value is not a read (GET) operation of the spec (not shown: it may be a value)"
    )]
    UnknownOperation,
}

/// Probes every read operation of `spec` (or those of `options.only`);
/// `progress` is told each operation's id and status as it goes.
pub async fn probe(
    config: Config,
    spec: &Spec,
    options: &Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Report, ProbeError> {
    let started = Instant::now();
    for id in &options.only {
        if !spec.operations.iter().any(|op| &op.id == id) {
            return Err(ProbeError::UnknownOperation);
        }
    }
    let base_url = config.base_url_shown.clone();
    let mut transport = Transport::new(config, options.limits, options.extra_roots_pem.clone())
        .map_err(ProbeError::Config)?;
    let mut schemas = Schemas::new(&spec.document);
    let mut pool = Pool::default();
    let mut pending: Vec<&Operation> = spec
        .operations
        .iter()
        .filter(|op| options.only.is_empty() || options.only.contains(&op.id))
        .collect();
    let mut done: Vec<OperationReport> = Vec::new();
    let last_name = options
        .patient_last_name
        .as_ref()
        .map(ExposeSecret::expose_secret);

    // Rounds: each sends what the identifiers seen so far allow. When a
    // round sends nothing, the next sends one operation with the spec's
    // examples (its answer may bring identifiers for the others); what
    // cannot be sent even so is skipped.
    let mut use_examples = false;
    while !pending.is_empty() {
        // Fewest path parameters first: lists before the records they name.
        let level = pending
            .iter()
            .map(|op| op.path_parameters().count())
            .min()
            .unwrap_or(0);
        let mut sent_any = false;
        let mut example_sent = false;
        let mut still = Vec::new();
        let mut reasons = Vec::new();
        for op in pending {
            if op.path_parameters().count() > level {
                still.push(op);
                reasons.push(String::new());
                continue;
            }
            match fill(op, &pool, last_name, use_examples, false, 0) {
                Fill::Ready { from_examples, .. } if example_sent && !from_examples.is_empty() => {
                    still.push(op);
                    reasons.push(String::new());
                }
                Fill::Ready {
                    segments,
                    query,
                    from_examples,
                } => {
                    sent_any = true;
                    example_sent |= !from_examples.is_empty();
                    let accept = accept_of(op);
                    let mut outcome = transport.get(&op.id, &segments, &query, accept).await;
                    // A list refused (400) without a date range: once more with one.
                    if matches!(&outcome, Ok(raw) if raw.status == 400)
                        && let Fill::Ready { query: dated, .. } =
                            fill(op, &pool, last_name, use_examples, true, 0)
                        && dated.len() > query.len()
                    {
                        outcome = transport.get(&op.id, &segments, &dated, accept).await;
                    }
                    // A record not found: the next identifiers seen, a few times.
                    let mut alternative = 0;
                    while matches!(&outcome, Ok(raw) if raw.status == 404)
                        && from_examples.is_empty()
                        && alternative < ALTERNATIVES
                    {
                        alternative += 1;
                        let Fill::Ready {
                            segments: other,
                            query: other_query,
                            ..
                        } = fill(op, &pool, last_name, use_examples, false, alternative)
                        else {
                            break;
                        };
                        outcome = transport.get(&op.id, &other, &other_query, accept).await;
                    }
                    let report = match outcome {
                        Ok(raw) => {
                            progress(&format!("{}: {}", op.id, raw.status));
                            let observed = Observed {
                                status: raw.status,
                                content_type: raw.content_type.as_deref(),
                                body: &raw.body,
                            };
                            let decoder = if op.handwritten {
                                None
                            } else {
                                crate::decoders::decoder(&op.id)
                            };
                            let checked =
                                check(op, observed, decoder, &spec.document, &mut schemas);
                            if (200..300).contains(&raw.status)
                                && let Some(value) = &checked.value
                            {
                                pool.harvest(&op.template, value);
                            }
                            OperationReport {
                                operation: op.id.clone(),
                                path: op.template.clone(),
                                outcome: Outcome::Answered { status: raw.status },
                                from_examples,
                                findings: checked.findings,
                            }
                        }
                        Err(SendError::Token(why)) => return Err(ProbeError::Token(why)),
                        Err(error) => {
                            progress(&format!("{}: failed", op.id));
                            OperationReport {
                                operation: op.id.clone(),
                                path: op.template.clone(),
                                outcome: Outcome::Failed {
                                    reason: error.to_string(),
                                },
                                from_examples,
                                findings: Vec::new(),
                            }
                        }
                    };
                    done.push(report);
                }
                Fill::Missing(reason) => {
                    still.push(op);
                    reasons.push(reason);
                }
            }
        }
        if use_examples && !sent_any {
            // Not even the spec's examples make these sendable.
            let (skipped, rest): (Vec<_>, Vec<_>) = still
                .into_iter()
                .zip(reasons)
                .partition(|(op, _)| op.path_parameters().count() <= level);
            still = rest.into_iter().map(|(op, _)| op).collect();
            for (op, reason) in skipped {
                progress(&format!("{}: skipped", op.id));
                done.push(OperationReport {
                    operation: op.id.clone(),
                    path: op.template.clone(),
                    outcome: Outcome::Skipped { reason },
                    from_examples: Vec::new(),
                    findings: Vec::new(),
                });
            }
        }
        use_examples = !sent_any;
        pending = still;
    }
    let mut summary = Summary::of(&done);
    summary.token_requests = transport.token_requests();
    summary.requests = transport.requests();
    summary.millis = started.elapsed().as_millis();
    Ok(Report {
        base_url,
        operations: done,
        summary,
    })
}

/// The `Accept` header the generated client sends: JSON when the
/// operation's success answers are JSON, none otherwise (PDFs, images,
/// multipart letters).
fn accept_of(op: &Operation) -> Option<&'static str> {
    let json = op
        .answers
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .flat_map(|(_, answer)| &answer.media)
        .any(|(media, _)| media == "application/json" || media.ends_with("+json"));
    json.then_some("application/json")
}
