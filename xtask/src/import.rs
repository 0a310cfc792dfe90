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

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_yaml::Value;

use crate::paths::{Paths, display_path};
use crate::source::Source;
use crate::vendor_diff::doc::template_key;
use accuro_gen::example;
use convert::Converter;
use insert::Additions;

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

/// One imported operation, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Our area.
    pub area: String,
    /// `GET /rest/v1/...`.
    pub route: String,
    /// The vendor's operationId.
    pub vendor_id: String,
    /// Ours.
    pub id: String,
    /// Why it is handwritten, if it is.
    pub handwritten: Option<String>,
}

/// What `import` did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The operations imported.
    pub imported: Vec<Imported>,
    /// Schemas imported: `(ours, vendor)`.
    pub schemas: Vec<(String, String)>,
    /// Selected operations the spec already had.
    pub already: usize,
    /// With `--dry-run`, the spec as it would be written.
    pub dry_run_text: Option<String>,
    /// The spec, as shown to people.
    pub spec: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.dry_run_text.is_some() {
            "would import"
        } else {
            "imported"
        };
        writeln!(
            f,
            "{verb} {} operations and {} schemas into {} ({} selected were already there)",
            self.imported.len(),
            self.schemas.len(),
            self.spec,
            self.already
        )?;
        let mut by_area: BTreeMap<&str, usize> = BTreeMap::new();
        for op in &self.imported {
            *by_area.entry(op.area.as_str()).or_default() += 1;
        }
        for (area, n) in by_area {
            writeln!(f, "  {area}: {n}")?;
        }
        for op in &self.imported {
            let note = op
                .handwritten
                .as_deref()
                .map(|why| format!("  (handwritten: {why})"))
                .unwrap_or_default();
            writeln!(
                f,
                "  {:<11} {:<75} {:<48} <- {}{note}",
                op.area, op.route, op.id, op.vendor_id
            )?;
        }
        if self.imported.iter().any(|op| op.handwritten.is_some()) {
            writeln!(
                f,
                "operations marked x-accuro-handwritten need a method in accuro-client (src/handwritten/)"
            )?;
        }
        write!(
            f,
            "review the change (git diff spec/) against ../shared/accuro-api.md, then run `cargo xtask regen`"
        )
    }
}

/// A vendor operation, with what the import needs of it.
struct VendorOp<'a> {
    path: String,
    method: String,
    op: &'a Value,
    vendor_id: String,
    tag: String,
}

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

/// The result of [`import`]: the new spec text and the report.
pub struct ImportText {
    /// The spec with the operations inserted.
    pub text: String,
    /// What was imported (its `spec` and `dry_run_text` are left empty).
    pub outcome: Outcome,
}

/// The pure part of [`run`]: `ours` is `spec_text` parsed.
pub fn import(
    ours: &Value,
    spec_text: &str,
    vendor: &Value,
    selection: &Selection,
) -> Result<ImportText, String> {
    let present: BTreeSet<(String, String)> = operations_of(ours)
        .into_iter()
        .filter_map(|(path, method, _)| {
            path.strip_prefix("/rest")
                .map(|p| (method.to_ascii_uppercase(), template_key(p)))
        })
        .collect();
    let mut taken: BTreeSet<String> = operations_of(ours)
        .into_iter()
        .filter_map(|(_, _, op)| {
            op.get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();

    let mut vendor_ops: Vec<VendorOp<'_>> = operations_of(vendor)
        .into_iter()
        .map(|(path, method, op)| VendorOp {
            vendor_id: text_of(op, "operationId"),
            tag: op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            path,
            method,
            op,
        })
        .collect();
    // The provider portal and v1 name first: they keep the plain names.
    vendor_ops.sort_by_key(|v| {
        (
            !v.path.contains("/provider-portal"),
            v.path.contains("/v2/"),
        )
    });

    let mut names = Vec::with_capacity(vendor_ops.len());
    for v in &vendor_ops {
        let base = naming::base_name(&v.method, &v.path, &v.vendor_id);
        let present = present.contains(&(v.method.to_ascii_uppercase(), template_key(&v.path)));
        let name = if present {
            base
        } else {
            naming::unique(base, &v.path, &taken)
        };
        if !present {
            taken.insert(name.clone());
        }
        names.push((name, present));
    }

    let selected = |v: &VendorOp<'_>, name: &str, present: bool| -> bool {
        match selection {
            Selection::Missing => !present,
            Selection::Operations(ids) => ids.iter().any(|id| *id == v.vendor_id || id == name),
            Selection::Tags(tags) => tags
                .iter()
                .any(|t| *t == v.tag || areas::area_of(&v.tag).is_some_and(|a| a == t)),
        }
    };
    match selection {
        Selection::Missing => {}
        Selection::Operations(ids) => {
            for id in ids {
                let known = vendor_ops
                    .iter()
                    .zip(&names)
                    .any(|(v, (name, _))| *id == v.vendor_id || id == name);
                if !known {
                    return Err(format!("the vendor file has no operation `{id}`"));
                }
            }
        }
        Selection::Tags(tags) => {
            for tag in tags {
                let known = vendor_ops
                    .iter()
                    .any(|v| *tag == v.tag || areas::area_of(&v.tag).is_some_and(|a| a == tag));
                if !known {
                    return Err(format!("the vendor file has no tag or area `{tag}`"));
                }
            }
        }
    }

    let unknown_tags: BTreeSet<&str> = vendor_ops
        .iter()
        .zip(&names)
        .filter(|(v, (name, present))| selected(v, name, *present) && !present)
        .filter(|(v, _)| areas::area_of(&v.tag).is_none())
        .map(|(v, _)| v.tag.as_str())
        .collect();
    if !unknown_tags.is_empty() {
        return Err(format!(
            "no area for the vendor tags {unknown_tags:?}: add them to xtask/src/import/areas.rs"
        ));
    }

    let schema_names = schema_names(ours, vendor);
    let ours_schemas: BTreeSet<String> = schemas_of(ours).into_iter().map(|(n, _)| n).collect();
    let claimed: BTreeSet<String> = vendor_schemas_claimed(ours);
    let mut cx = Converter::new(vendor, schema_names);

    let mut additions = Additions::default();
    let mut imported = Vec::new();
    let mut already = 0;
    let mut chosen: Vec<(usize, &VendorOp<'_>, &String)> = Vec::new();
    for (v, (name, present)) in vendor_ops.iter().zip(&names) {
        if !selected(v, name, *present) {
            continue;
        }
        if *present {
            already += 1;
            continue;
        }
        let area = areas::area_of(&v.tag).unwrap_or("practice");
        let rank = areas::AREAS
            .iter()
            .position(|(a, _)| *a == area)
            .unwrap_or(usize::MAX);
        chosen.push((rank, v, name));
    }
    // By area, then by path within an area.
    chosen.sort_by(|a, b| (a.0, &a.1.path).cmp(&(b.0, &b.1.path)));
    // A path the spec (or this import) already has under other parameter
    // names (`/users/{id}` for `/users/{userId}`) is the same path item:
    // OpenAPI forbids two. The operation takes the existing names.
    let mut path_keys: BTreeMap<String, String> = operations_of(ours)
        .into_iter()
        .filter_map(|(path, _, _)| {
            let key = template_key(path.strip_prefix("/rest")?);
            Some((key, path))
        })
        .collect();
    for (_, v, name) in chosen {
        let area = areas::area_of(&v.tag).unwrap_or("practice");
        let path = path_keys
            .entry(template_key(&v.path))
            .or_insert_with(|| format!("/rest{}", v.path))
            .clone();
        let converted = cx.operation(v.op, &v.method, &path, name, area);
        imported.push(Imported {
            area: area.to_owned(),
            route: format!("{} {path}", v.method.to_ascii_uppercase()),
            vendor_id: v.vendor_id.clone(),
            id: name.clone(),
            handwritten: converted.handwritten,
        });
        additions
            .operations
            .push((path, v.method.to_ascii_lowercase(), converted.operation));
    }

    // The schemas the imported operations reach, transitively.
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut schemas = Vec::new();
    loop {
        let pending: Vec<String> = cx
            .referenced
            .iter()
            .filter(|name| !done.contains(*name))
            .cloned()
            .collect();
        if pending.is_empty() {
            break;
        }
        for vendor_name in pending {
            done.insert(vendor_name.clone());
            let our_name = cx.our_name(&vendor_name);
            if claimed.contains(&vendor_name) || ours_schemas.contains(&our_name) {
                continue;
            }
            let Some(schema) = cx.schema_component(&vendor_name) else {
                return Err(format!(
                    "the vendor file refers to the schema `{vendor_name}` and does not define it"
                ));
            };
            schemas.push((our_name.clone(), vendor_name.clone()));
            additions.schemas.push((our_name, schema));
        }
    }
    additions.schemas.sort_by(|a, b| a.0.cmp(&b.0));
    schemas.sort();

    // Every 2xx body gets an example, built from the schemas it uses.
    let mut components = ours
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (name, schema) in &additions.schemas {
        components.insert(name.as_str().into(), schema.clone());
    }
    for (_, _, operation) in &mut additions.operations {
        add_examples(operation, &components);
    }

    let existing_tags: BTreeSet<String> = ours
        .get("tags")
        .and_then(Value::as_sequence)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    for (area, description) in areas::AREAS {
        if !existing_tags.contains(area) && imported.iter().any(|op| op.area == area) {
            additions
                .tags
                .push((area.to_owned(), description.to_owned()));
        }
    }

    let text = insert::insert(spec_text, &additions)?;
    // What is written must read back, and every reference must resolve.
    let written: Value = serde_yaml::from_str(&text)
        .map_err(|e| format!("the import produced YAML that does not read back: {e}"))?;
    let mut dangling = BTreeSet::new();
    collect_refs(&written, &mut |name| {
        let defined = written
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(name))
            .is_some();
        if !defined {
            dangling.insert(name.to_owned());
        }
    });
    if !dangling.is_empty() {
        return Err(format!(
            "the import would leave references to undefined schemas: {dangling:?}"
        ));
    }
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

/// Vendor schema names to ours: the schemas our spec already maps
/// (`x-accuro-vendor-schema`) keep our name; the others lose a `Dto` suffix
/// when the shorter name is free.
fn schema_names(ours: &Value, vendor: &Value) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut taken: BTreeSet<String> = schemas_of(ours).into_iter().map(|(n, _)| n).collect();
    for (name, schema) in schemas_of(ours) {
        if let Some(Value::Sequence(list)) = schema.get("x-accuro-vendor-schema") {
            for vendor_name in list.iter().filter_map(Value::as_str) {
                names.insert(vendor_name.to_owned(), name.clone());
            }
        }
    }
    let mut vendor_schemas: Vec<String> = schemas_of(vendor).into_iter().map(|(n, _)| n).collect();
    // Pages the vendor's operations refer to without defining them.
    for (_, _, op) in operations_of(vendor) {
        collect_refs(op, &mut |name| {
            if name.starts_with(convert::PAGE_PREFIX) && !vendor_schemas.iter().any(|n| n == name) {
                vendor_schemas.push(name.to_owned());
            }
        });
    }
    taken.extend(vendor_schemas.iter().cloned());
    // Plain names first, so that a page can be named after its item.
    vendor_schemas.sort_by_key(|n| n.starts_with(convert::PAGE_PREFIX));
    for name in &vendor_schemas {
        if names.contains_key(name) {
            continue;
        }
        if let Some(item) = name.strip_prefix(convert::PAGE_PREFIX)
            && let Some(item_name) = names.get(item).cloned()
        {
            let page = format!("{item_name}Page");
            if !taken.contains(&page) {
                taken.insert(page.clone());
                names.insert(name.clone(), page);
                continue;
            }
        }
        let short = name
            .strip_suffix("Dto")
            .or_else(|| name.strip_suffix("DTO"))
            .filter(|s| !s.is_empty() && !taken.contains(*s));
        let chosen = short.map(str::to_owned).unwrap_or_else(|| name.clone());
        taken.insert(chosen.clone());
        names.insert(name.clone(), chosen);
    }
    names
}

/// Gives every 2xx body of `operation` an example (see [`example`]).
fn add_examples(operation: &mut Value, components: &serde_yaml::Mapping) {
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_mapping_mut)
    else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if !status.as_str().is_some_and(|s| s.starts_with('2')) {
            continue;
        }
        let Some(content) = response.get_mut("content").and_then(Value::as_mapping_mut) else {
            continue;
        };
        for (_, media) in content.iter_mut() {
            if let Value::Mapping(media) = media
                && !media.contains_key("example")
            {
                let schema = media.get("schema").cloned().unwrap_or(Value::Null);
                let value = example::example(&schema, components);
                media.insert("example".into(), value);
            }
        }
    }
}

/// Calls `found` with the schema name of every `$ref` under `node`.
fn collect_refs(node: &Value, found: &mut impl FnMut(&str)) {
    match node {
        Value::Mapping(map) => {
            for (key, value) in map {
                if key.as_str() == Some("$ref")
                    && let Some(name) = value
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    found(name);
                }
                collect_refs(value, found);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|i| collect_refs(i, found)),
        _ => {}
    }
}

fn vendor_schemas_claimed(ours: &Value) -> BTreeSet<String> {
    schemas_of(ours)
        .into_iter()
        .filter_map(|(_, s)| {
            s.get("x-accuro-vendor-schema")
                .and_then(Value::as_sequence)
                .cloned()
        })
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn schemas_of(doc: &Value) -> Vec<(String, &Value)> {
    doc.get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| k.as_str().map(|k| (k.to_owned(), v)))
                .collect()
        })
        .unwrap_or_default()
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// `(path, METHOD, operation)` of a document, in document order.
fn operations_of(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_mapping) {
        for (path, item) in paths {
            let Some(path) = path.as_str() else { continue };
            for method in METHODS {
                if let Some(op) = item.get(method).filter(|op| op.is_mapping()) {
                    out.push((path.to_owned(), method.to_ascii_uppercase(), op));
                }
            }
        }
    }
    out
}

fn text_of(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}
