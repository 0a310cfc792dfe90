//! The report: differences sorted into explained and unexplained, rendered
//! as text (or JSON). Pure: the caller prints it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::json;

use super::allowlist::Allowlist;
use super::compare::OperationCounts;
use super::model::{Difference, Kind};

/// A difference with the reason that explains it, if any.
type Listed<'a> = (&'a Difference, Option<&'a str>);

/// Width of the kind column.
const KIND_WIDTH: usize = 22;

/// Widest the location column of the vendor-only operations grows.
const MAX_LOCATION_WIDTH: usize = 60;

/// What the report says about the files compared.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// Our spec, as shown.
    pub ours_path: String,
    /// Our spec's `title version`.
    pub ours_title: String,
    /// The vendor file, as shown.
    pub vendor_path: String,
    /// The vendor file's `title version`.
    pub vendor_title: String,
    /// The allowlist, as shown (with a note when it does not exist).
    pub allow_path: String,
    /// How the operations pair up.
    pub counts: OperationCounts,
}

/// The outcome of a comparison, ready to be rendered.
#[derive(Debug, Clone)]
pub struct Report {
    header: Header,
    differences: Vec<Difference>,
    explained_by: Vec<Option<usize>>,
    allowlist: Allowlist,
    unused: Vec<usize>,
}

impl Report {
    /// Sorts `differences` out with `allowlist`.
    pub fn new(header: Header, differences: Vec<Difference>, allowlist: Allowlist) -> Self {
        let explained_by = allowlist.explain(&differences);
        let unused = allowlist.unused(&differences);
        Self {
            header,
            differences,
            explained_by,
            allowlist,
            unused,
        }
    }

    /// How many differences no allowlist entry explains (vendor-only operations included).
    pub fn unexplained(&self) -> usize {
        self.explained_by.iter().filter(|e| e.is_none()).count()
    }

    /// The unexplained differences counted by kind.
    pub fn unexplained_by_kind(&self) -> BTreeMap<Kind, usize> {
        let mut counts = BTreeMap::new();
        for (d, _) in self.with_reasons().filter(|(_, r)| r.is_none()) {
            *counts.entry(d.kind).or_default() += 1;
        }
        counts
    }

    /// Each difference with the reason that explains it, if any.
    fn with_reasons(&self) -> impl Iterator<Item = Listed<'_>> {
        self.differences
            .iter()
            .zip(&self.explained_by)
            .map(|(d, e)| {
                (
                    d,
                    e.and_then(|i| self.allowlist.entries.get(i))
                        .map(|e| e.reason.as_str()),
                )
            })
    }

    /// The report as text; `all` also lists every explained difference.
    pub fn text(&self, all: bool) -> String {
        let mut out = String::new();
        self.write_header(&mut out);
        self.write_unexplained(&mut out);
        if all {
            self.write_explained(&mut out);
        }
        self.write_reasons(&mut out);
        self.write_vendor_only(&mut out);
        self.write_unused(&mut out);
        let verdict = match self.unexplained() {
            0 => "no unexplained difference".to_owned(),
            n => format!("{n} unexplained difference(s)"),
        };
        let _ = writeln!(out, "\nresult: {verdict}");
        out
    }

    fn write_header(&self, out: &mut String) {
        let h = &self.header;
        let c = &h.counts;
        let explained = self.differences.len() - self.unexplained();
        let _ = writeln!(out, "ours:       {} ({})", h.ours_path, h.ours_title);
        let _ = writeln!(out, "vendor:     {} ({})", h.vendor_path, h.vendor_title);
        let _ = writeln!(
            out,
            "allowlist:  {} ({} entries)",
            h.allow_path,
            self.allowlist.entries.len()
        );
        let _ = writeln!(
            out,
            "operations: ours {}, vendor {}, shared {}, ours only {}, vendor only {}",
            c.ours, c.vendor, c.shared, c.ours_only, c.vendor_only
        );
        let _ = writeln!(
            out,
            "differences: {} ({explained} explained, {} unexplained)",
            self.differences.len(),
            self.unexplained()
        );
        let by_kind: Vec<String> = self
            .unexplained_by_kind()
            .into_iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        if !by_kind.is_empty() {
            let _ = writeln!(out, "unexplained by kind: {}", by_kind.join(", "));
        }
    }

    fn write_unexplained(&self, out: &mut String) {
        let listed: Vec<Listed<'_>> = self
            .with_reasons()
            .filter(|(d, r)| r.is_none() && d.kind != Kind::OperationVendorOnly)
            .collect();
        let _ = writeln!(
            out,
            "\nunexplained differences ({}; vendor-only operations are listed further down):",
            listed.len()
        );
        write_groups(out, &listed, false);
    }

    fn write_explained(&self, out: &mut String) {
        let listed: Vec<Listed<'_>> = self.with_reasons().filter(|(_, r)| r.is_some()).collect();
        let _ = writeln!(out, "\nexplained differences ({}):", listed.len());
        write_groups(out, &listed, true);
    }

    fn write_reasons(&self, out: &mut String) {
        let mut counts: Vec<(usize, &str)> = Vec::new();
        for (_, reason) in self.with_reasons() {
            let Some(reason) = reason else { continue };
            match counts.iter_mut().find(|(_, r)| *r == reason) {
                Some((n, _)) => *n += 1,
                None => counts.push((1, reason)),
            }
        }
        counts.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
        let total: usize = counts.iter().map(|(n, _)| n).sum();
        let _ = writeln!(out, "\nexplained differences by reason ({total}):");
        for (n, reason) in counts {
            let _ = writeln!(out, "  {n:>5}  {}", one_line(reason));
        }
    }

    fn write_vendor_only(&self, out: &mut String) {
        let ops: Vec<Listed<'_>> = self
            .with_reasons()
            .filter(|(d, _)| d.kind == Kind::OperationVendorOnly)
            .collect();
        let unexplained = ops.iter().filter(|(_, r)| r.is_none()).count();
        let _ = writeln!(
            out,
            "\noperations in the vendor file that our spec lacks ({}; {unexplained} unexplained):",
            ops.len()
        );
        let width = ops
            .iter()
            .map(|(d, _)| d.location.len())
            .max()
            .unwrap_or(0)
            .min(MAX_LOCATION_WIDTH);
        for (d, reason) in ops {
            let mark = if reason.is_some() {
                "  [allowlisted]"
            } else {
                ""
            };
            let _ = writeln!(out, "  {:<width$}  {}{mark}", d.location, d.detail);
        }
    }

    fn write_unused(&self, out: &mut String) {
        if self.unused.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\nwarning: allowlist entries that matched nothing ({}):",
            self.unused.len()
        );
        for &i in &self.unused {
            if let Some(e) = self.allowlist.entries.get(i) {
                let _ = writeln!(
                    out,
                    "  differences[{i}]: {} ({})",
                    e.summary(),
                    one_line(&e.reason)
                );
            }
        }
    }

    /// The report as JSON: the header, every difference with its reason (or
    /// null), and the unused allowlist entries.
    pub fn json(&self) -> String {
        let h = &self.header;
        let differences: Vec<_> = self
            .with_reasons()
            .map(|(d, reason)| {
                json!({
                    "kind": d.kind.as_str(),
                    "location": d.location,
                    "detail": d.detail,
                    "ours": d.ours,
                    "vendor": d.vendor,
                    "reason": reason,
                })
            })
            .collect();
        let unused: Vec<_> = self
            .unused
            .iter()
            .filter_map(|&i| self.allowlist.entries.get(i).map(|e| (i, e)))
            .map(|(i, e)| json!({"index": i, "entry": e.summary(), "reason": e.reason}))
            .collect();
        let c = &h.counts;
        let doc = json!({
            "ours": {"path": h.ours_path, "title": h.ours_title},
            "vendor": {"path": h.vendor_path, "title": h.vendor_title},
            "allowlist": h.allow_path,
            "operations": {
                "ours": c.ours, "vendor": c.vendor, "shared": c.shared,
                "ours_only": c.ours_only, "vendor_only": c.vendor_only,
            },
            "unexplained": self.unexplained(),
            "differences": differences,
            "unused_allowlist_entries": unused,
        });
        format!("{doc:#}\n")
    }
}

/// Writes differences grouped by location: operations first (by path), then
/// named schema pairs (alphabetically).
fn write_groups(out: &mut String, listed: &[Listed<'_>], with_reason: bool) {
    let mut groups: BTreeMap<(bool, &str, &str), Vec<Listed<'_>>> = BTreeMap::new();
    for &(d, reason) in listed {
        groups
            .entry(group_key(&d.location))
            .or_default()
            .push((d, reason));
    }
    for ((_, _, location), items) in groups {
        let _ = writeln!(out, "{location}");
        for (d, reason) in items {
            let _ = write!(out, "  {:<KIND_WIDTH$} {}", d.kind.as_str(), d.detail);
            if let (true, Some(reason)) = (with_reason, reason) {
                let _ = write!(out, "  -- {}", one_line(reason));
            }
            out.push('\n');
        }
    }
}

/// Sort key of a location: operation locations (`GET /v1/x ...`) by path,
/// before schema locations (`A~B.c`).
fn group_key(location: &str) -> (bool, &str, &str) {
    const METHODS: [&str; 8] = [
        "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
    ];
    let mut words = location.splitn(3, ' ');
    match (words.next(), words.next()) {
        (Some(method), Some(path)) if METHODS.contains(&method) => (false, path, location),
        _ => (true, "", location),
    }
}

/// A reason on one line (allowlist reasons may be folded YAML blocks).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
