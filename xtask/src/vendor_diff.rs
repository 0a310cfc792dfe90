//! `cargo xtask vendor-diff VENDOR.json [--spec PATH] [--allow PATH] [--all] [--json]`:
//! compares our hand-written spec with QHR's published OpenAPI file.
//!
//! Both files are read into `serde_json::Value`s (ours from YAML), not through
//! an OpenAPI model: the vendor file has generator quirks a typed model would
//! refuse. [`compare()`] and [`Allowlist`] matching are pure; only [`run`] reads files.
//!
//! - Operations are matched by method and path template, parameter names
//!   ignored; our `/rest/...` paths lose `/rest` (the vendor's paths are
//!   relative to it) and our paths outside `/rest` (the token endpoint) match
//!   nothing.
//! - For shared operations: parameters (by place and name; header names in any
//!   case; path parameters by position, a rename reported as `parameter-name`),
//!   statuses, and request/response bodies (media types, then schemas).
//! - Schemas are compared recursively: type, format, nullable, enum (our
//!   `x-accuro-enum` counts as `enum`), properties, required, items,
//!   additionalProperties. A pair of named schemas is compared once and
//!   reported at `Ours~Vendor` (`Office~OfficeDto.address`); inline schemas
//!   at the operation (`GET /v1/offices response 200 body[]`).
//!
//! The kinds of difference are [`Kind`]; the allowlist format is described in
//! [`allowlist`]. Exit code: 0 when every difference is explained, 1 otherwise,
//! 2 when a file cannot be read.

pub mod allowlist;
pub mod compare;
pub(crate) mod doc;
mod keywords;
pub mod load;
pub mod model;
pub mod report;
mod schema;

use std::path::{Path, PathBuf};

pub use allowlist::{Allowlist, Entry};
pub use compare::{OperationCounts, compare, operation_counts};
pub use load::{load_document, parse_document};
pub use model::{Difference, Kind};
pub use report::{Header, Report};

use crate::paths::Paths;
use crate::paths::display_path;
use crate::source::Source;

/// What `vendor-diff` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// The vendor's OpenAPI file (JSON or YAML), or its https URL.
    pub vendor: Source,
    /// An extra root CA (PEM) for an https URL.
    pub ca_cert: Option<PathBuf>,
    /// Our spec.
    pub spec: PathBuf,
    /// The allowlist.
    pub allow: PathBuf,
    /// Whether `--allow` named the allowlist (then it must exist).
    pub allow_given: bool,
    /// Also list every explained difference.
    pub all: bool,
    /// Print JSON instead of text.
    pub json: bool,
}

impl Args {
    /// Parses the arguments after `vendor-diff`, for this checkout.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        Self::parse_in(&Paths::default(), args)
    }

    /// Parses the arguments after `vendor-diff` for the workspace at `paths`.
    pub fn parse_in(paths: &Paths, args: &[String]) -> Result<Self, String> {
        let mut vendor = None;
        let mut spec = None;
        let mut allow = None;
        let mut ca_cert = None;
        let (mut all, mut json) = (false, false);
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .map(PathBuf::from)
                    .ok_or_else(|| format!("`{name}` needs a path"))
            };
            match arg.as_str() {
                "--spec" => spec = Some(value("--spec")?),
                "--allow" => allow = Some(value("--allow")?),
                "--ca-cert" => ca_cert = Some(value("--ca-cert")?),
                "--all" => all = true,
                "--json" => json = true,
                other if other.starts_with('-') || vendor.is_some() => {
                    return Err(format!(
                        "unknown argument `{other}` for `vendor-diff` (try `cargo xtask help`)"
                    ));
                }
                other => vendor = Some(Source::parse(other)),
            }
        }
        Ok(Args {
            vendor: vendor.ok_or("usage: cargo xtask vendor-diff (VENDOR.json | https://…) [--spec PATH] [--allow PATH] [--ca-cert PEM] [--all] [--json]")?,
            ca_cert,
            spec: spec.unwrap_or_else(|| paths.spec()),
            allow_given: allow.is_some(),
            allow: allow.unwrap_or_else(|| paths.vendor_differences()),
            all,
            json,
        })
    }
}

/// What `vendor-diff` found.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The comparison, sorted out with the allowlist.
    pub report: Report,
    /// Render as JSON.
    pub json: bool,
    /// List explained differences too.
    pub all: bool,
}

impl Outcome {
    /// Whether every difference is explained (exit code 0).
    pub fn is_success(&self) -> bool {
        self.report.unexplained() == 0
    }

    /// The report as asked for.
    pub fn render(&self) -> String {
        if self.json {
            self.report.json()
        } else {
            self.report.text(self.all)
        }
    }
}

/// Reads the files, compares them and sorts the differences out. Fails when a
/// file cannot be read or parsed, or the allowlist is faulty; never prints.
pub fn run(args: &Args) -> Result<Outcome, String> {
    let ours = load_document(&args.spec)?;
    let vendor = parse_document(
        &args.vendor.read_text(args.ca_cert.as_deref())?,
        args.vendor.is_json(),
    )
    .map_err(|e| format!("cannot parse {}: {e}", args.vendor.display()))?;
    let (allowlist, allow_path) = load_allowlist(&args.allow, args.allow_given)?;
    let header = Header {
        ours_path: display_path(&args.spec),
        ours_title: doc::title(&ours),
        vendor_path: args.vendor.display(),
        vendor_title: doc::title(&vendor),
        allow_path,
        counts: operation_counts(&ours, &vendor),
    };
    let report = Report::new(header, compare(&ours, &vendor), allowlist);
    Ok(Outcome {
        report,
        json: args.json,
        all: args.all,
    })
}

/// Reads the allowlist. A missing file is an empty allowlist unless `--allow`
/// named it. Returns it with its path as shown.
fn load_allowlist(path: &Path, required: bool) -> Result<(Allowlist, String), String> {
    let shown = display_path(path);
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let allowlist = Allowlist::from_yaml(&text)
                .map_err(|e| format!("allowlist {shown} is faulty:\n{e}"))?;
            Ok((allowlist, shown))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
            Ok((Allowlist::default(), format!("{shown} (absent)")))
        }
        Err(e) => Err(format!("cannot read the allowlist {shown}: {e}")),
    }
}
