//! `cargo xtask import VENDOR.json (--missing | --operation ID... | --tag TAG...) [--dry-run]`:
//! brings operations from a QHR OpenAPI file into `spec/accuro.yaml`, in
//! this project's conventions.
//!
//! - Operation ids are snake_case verbs and nouns read from the path
//!   ([`naming`]), unique in the spec; areas (our tags) come from the vendor
//!   tags ([`areas`]).
//! - Each operation gets the shared `uuid` parameter and loses the vendor's
//!   `authorization` header (the layer adds both); its `security` scopes
//!   become `x-accuro-scopes`; its error statuses the shared error responses
//!   (400, 401, 403 and 500 always); its summary and description become the
//!   method's rustdoc. Bodies progenitor cannot send, and multipart answers,
//!   are marked `x-accuro-handwritten` ([`convert`]).
//! - Schemas come along as far as the operations refer to them, named
//!   without the `Dto` suffix where the name is free, marked
//!   `x-accuro-vendor-schema`, with Accuro's date shapes for `date` and
//!   `date-time` strings, open enums, and no constraints that would refuse a
//!   real answer.
//! - Nothing already in the spec is overwritten: an operation is matched by
//!   method and path template (as `vendor-diff` does), a schema by its
//!   `x-accuro-vendor-schema` or its name.
//!
//! The result is a proposal a person reviews (`git diff spec/`) against
//! what is known of the server before committing.

pub mod areas;
pub mod convert;
pub mod insert;
pub mod naming;

mod additions;
mod args;
mod check;
mod document;
mod examples;
mod outcome;
mod schema_names;
mod select;
mod vendor_ops;

use std::path::PathBuf;

use serde_yaml::Value;

use crate::paths::display_path;
use convert::Converter;
use insert::Additions;

pub use args::{Args, Selection};
pub use outcome::{ImportText, Imported, Outcome};

/// Reads both files, converts the selected operations and writes the spec
/// (or, with `--dry-run`, returns its new text).
pub fn run(args: &Args) -> Result<Outcome, String> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let spec_text = read(&args.spec)?;
    let vendor_text = args.vendor.read_text(args.ca_cert.as_deref())?;
    let ours: Value = serde_yaml::from_str(&spec_text)
        .map_err(|e| format!("cannot parse {}: {e}", args.spec.display()))?;
    let vendor: Value = serde_yaml::from_str(&vendor_text)
        .map_err(|e| format!("cannot parse {}: {e}", args.vendor.display()))?;
    let text = import(&ours, &spec_text, &vendor, &args.selection)?;
    let spec = display_path(&args.spec);
    let (outcome_text, written) = (text.text, text.outcome);
    if !args.dry_run && !written.imported.is_empty() {
        std::fs::write(&args.spec, &outcome_text)
            .map_err(|e| format!("cannot write {}: {e}", args.spec.display()))?;
    }
    Ok(Outcome {
        spec,
        dry_run_text: args.dry_run.then_some(outcome_text),
        ..written
    })
}

/// The pure part of [`run`]: `ours` is `spec_text` parsed.
pub fn import(
    ours: &Value,
    spec_text: &str,
    vendor: &Value,
    selection: &Selection,
) -> Result<ImportText, String> {
    // Read the vendor file's operations and name them.
    let present = vendor_ops::present_routes(ours);
    let taken = vendor_ops::taken_ids(ours);
    let ops = vendor_ops::read_vendor_ops(vendor);
    let named = vendor_ops::name_operations(ops, &present, taken);

    // Select operations.
    select::check_selection(selection, &named)?;
    select::check_areas(selection, &named)?;
    let (chosen, already) = select::choose(selection, &named);

    // Convert them, with the schemas they reach.
    let mut cx = Converter::new(vendor, schema_names::schema_names(ours, vendor));
    let mut additions = Additions::default();
    let imported = additions::add_operations(ours, &chosen, &mut cx, &mut additions);
    let schemas = additions::add_schemas(ours, &mut cx, &mut additions)?;
    examples::add_all_examples(ours, &mut additions);
    additions::add_tags(ours, &imported, &mut additions);

    // Merge into the spec text, and check the result.
    let text = insert::insert(spec_text, &additions)?;
    check::check_written(&text)?;
    Ok(ImportText {
        text,
        outcome: Outcome {
            imported,
            schemas,
            already,
            dry_run_text: None,
            spec: String::new(),
        },
    })
}
