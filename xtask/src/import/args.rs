//! The arguments of `cargo xtask import`: the vendor file, our spec and
//! which operations to bring over.

use std::path::PathBuf;

use crate::paths::Paths;
use crate::source::Source;

/// Which vendor operations to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every operation the spec lacks.
    Missing,
    /// These, by the vendor's operationId or the name the import gives them.
    Operations(Vec<String>),
    /// Those under these vendor tags or areas.
    Tags(Vec<String>),
}

/// What `import` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// The vendor's OpenAPI file (JSON or YAML), or its https URL.
    pub vendor: Source,
    /// An extra root CA (PEM) for an https URL.
    pub ca_cert: Option<PathBuf>,
    /// Our spec, read and written.
    pub spec: PathBuf,
    /// Which operations.
    pub selection: Selection,
    /// Print the YAML instead of writing the spec.
    pub dry_run: bool,
}

const USAGE: &str = "usage: cargo xtask import (VENDOR.json | https://…) (--missing | --operation ID... | --tag TAG...) [--spec PATH] [--ca-cert PEM] [--dry-run]";

impl Args {
    /// Parses the arguments after `import`, for this checkout.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        Self::parse_in(&Paths::default(), args)
    }

    /// Parses the arguments after `import` for the workspace at `paths`.
    pub fn parse_in(paths: &Paths, args: &[String]) -> Result<Self, String> {
        let (mut vendor, mut spec, mut dry_run) = (None, None, false);
        let mut ca_cert = None;
        let (mut missing, mut ids, mut tags) = (false, Vec::new(), Vec::new());
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .filter(|v| !v.starts_with('-'))
                    .cloned()
                    .ok_or_else(|| format!("`{name}` needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--missing" => missing = true,
                "--operation" => ids.push(value("--operation")?),
                "--tag" => tags.push(value("--tag")?),
                "--spec" => spec = Some(PathBuf::from(value("--spec")?)),
                "--ca-cert" => ca_cert = Some(PathBuf::from(value("--ca-cert")?)),
                "--dry-run" => dry_run = true,
                other if other.starts_with('-') || vendor.is_some() => {
                    return Err(format!("unknown argument `{other}` for `import`\n{USAGE}"));
                }
                other => vendor = Some(Source::parse(other)),
            }
        }
        let selection = match (missing, ids.is_empty(), tags.is_empty()) {
            (true, true, true) => Selection::Missing,
            (false, false, true) => Selection::Operations(ids),
            (false, true, false) => Selection::Tags(tags),
            _ => {
                return Err(format!(
                    "give one of --missing, --operation, --tag\n{USAGE}"
                ));
            }
        };
        Ok(Args {
            vendor: vendor.ok_or(USAGE)?,
            ca_cert,
            spec: spec.unwrap_or_else(|| paths.spec()),
            selection,
            dry_run,
        })
    }
}
