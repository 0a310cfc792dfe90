//! Reading an answer with the typed client's own decoding, resumed past
//! each value that stops it, to mark the findings that break it.

use serde_json::Value;

use super::MAX_DECODE_RESUMES;
use crate::finding::{Finding, Findings, Kind};
use crate::shape::shape;
use crate::walk::{Step, at, label};

/// Marks the findings at each path where the typed client's decoding stops
/// as breaking it, or adds a decoding finding where no schema finding is.
/// Decoding stops at the first value it cannot read; it is resumed past that
/// value (made `null`) a bounded number of times to find the others.
pub(super) fn decoding(
    decode: fn(&[u8]) -> Result<(), crate::decode::DecodeFailure>,
    body: &[u8],
    value: &Value,
    document: &Value,
    schema: &Value,
    findings: &mut Findings,
) {
    let mut patched: Option<Value> = None;
    let mut seen: Vec<Vec<Step>> = Vec::new();
    for _ in 0..=MAX_DECODE_RESUMES {
        let result = match &patched {
            None => decode(body),
            Some(v) => match serde_json::to_vec(v) {
                Ok(bytes) => decode(&bytes),
                Err(_) => return,
            },
        };
        let Err(failure) = result else {
            return;
        };
        if failure.syntax || seen.contains(&failure.steps) {
            return;
        }
        let path = label(document, schema, &failure.steps);
        if !findings.mark_breaking(Kind::Schema, &path) {
            let actual = at(value, &failure.steps).map_or_else(|| "absent".to_owned(), shape);
            findings.push(
                Finding::new(
                    Kind::Decoding,
                    path,
                    "a value the typed client reads (the spec allows this one)",
                    actual,
                )
                .breaking(true),
            );
        }
        let mut next = patched.take().unwrap_or_else(|| value.clone());
        match at_mut(&mut next, &failure.steps) {
            Some(slot) if !slot.is_null() => *slot = Value::Null,
            // Nothing left to skip past: stop.
            _ => return,
        }
        seen.push(failure.steps);
        patched = Some(next);
    }
}

fn at_mut<'a>(value: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    steps.iter().try_fold(value, |node, step| match step {
        Step::Index(i) => node.get_mut(*i),
        Step::Key(k) => node.get_mut(k.as_str()),
    })
}
