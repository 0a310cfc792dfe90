//! `cargo xtask vendor-diff`: the comparison, the allowlist and the report, on
//! small synthetic documents (and on QHR's real file when `ACCURO_VENDOR_SPEC`
//! names it).

mod allowlist;
mod cycles;
mod enums;
mod every_kind;
mod files;
mod operations;
mod quirks;
mod real_file;
mod report;

use serde_json::{Value, json};
use xtask::vendor_diff::{Difference, Kind};

/// The differences of `kind`, as `(location, detail)`.
fn of_kind(diffs: &[Difference], kind: Kind) -> Vec<(String, String)> {
    diffs
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| (d.location.clone(), d.detail.clone()))
        .collect()
}

fn has(diffs: &[Difference], kind: Kind, location: &str, detail: &str) -> bool {
    diffs
        .iter()
        .any(|d| d.kind == kind && d.location == location && d.detail == detail)
}

fn pair(location: &str, detail: &str) -> (String, String) {
    (location.to_owned(), detail.to_owned())
}

/// A document with the given paths and schemas.
fn doc(paths: Value, schemas: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
           "paths": paths, "components": {"schemas": schemas}})
}

fn json_ok(schema: Value) -> Value {
    json!({"description": "ok", "content": {"application/json": {"schema": schema}}})
}

fn get(responses: Value) -> Value {
    json!({"get": {"responses": responses}})
}
