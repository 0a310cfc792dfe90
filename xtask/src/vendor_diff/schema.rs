//! Comparing two schemas field by field, recursively.
//!
//! A pair of named schemas (`Office` against `OfficeDto`) is compared once,
//! wherever it is met, and its differences are located at `Office~OfficeDto`;
//! inline schemas keep the location of what holds them. A stack of the pairs
//! of nodes being compared stops cycles that go through `$ref`s on one side only.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value};

use super::doc::Side;
use super::keywords::{
    Extra, composition, describe, describe_object, effective_type, enum_difference, enum_values,
    extra, format_of, nullable, properties, required, unwrap_schema,
};
use super::model::{Difference, Kind};

/// Deepest nesting compared; deeper schemas are reported as a `shape` difference.
const MAX_DEPTH: usize = 64;

/// Compares schemas of two documents and collects the differences.
pub(crate) struct Comparer<'a> {
    ours_doc: &'a Value,
    vendor_doc: &'a Value,
    /// Named pairs already compared (or being compared).
    done: HashSet<(&'a str, &'a str)>,
    /// The node pairs being compared, by address.
    stack: Vec<(*const Value, *const Value)>,
    out: Vec<Difference>,
}

impl<'a> Comparer<'a> {
    /// A comparer for schemas of `ours_doc` against schemas of `vendor_doc`.
    pub(crate) fn new(ours_doc: &'a Value, vendor_doc: &'a Value) -> Self {
        Self {
            ours_doc,
            vendor_doc,
            done: HashSet::new(),
            stack: Vec::new(),
            out: Vec::new(),
        }
    }

    /// The document of one side.
    pub(crate) fn doc(&self, side: Side) -> &'a Value {
        match side {
            Side::Ours => self.ours_doc,
            Side::Vendor => self.vendor_doc,
        }
    }

    /// Records a difference.
    pub(crate) fn push(&mut self, difference: Difference) {
        self.out.push(difference);
    }

    /// The differences recorded.
    pub(crate) fn finish(self) -> Vec<Difference> {
        self.out
    }

    /// Compares two schemas (either may be a `$ref`) met at `location`.
    pub(crate) fn schemas(&mut self, location: &str, ours: &'a Value, vendor: &'a Value) {
        self.schemas_at(location, ours, vendor, 0);
    }

    fn schemas_at(&mut self, location: &str, ours: &'a Value, vendor: &'a Value, depth: usize) {
        let resolved = (
            unwrap_schema(self.ours_doc, ours),
            unwrap_schema(self.vendor_doc, vendor),
        );
        let (o, v) = match resolved {
            (Ok(o), Ok(v)) => (o, v),
            (o, v) => {
                for (side, error) in [("ours", o.err()), ("vendor", v.err())] {
                    if let Some(error) = error {
                        let detail = format!("{error} ({side})");
                        self.push(Difference::new(Kind::Shape, location, detail));
                    }
                }
                return;
            }
        };
        let location = match (o.schema_name, v.schema_name) {
            (Some(a), Some(b)) => {
                if !self.done.insert((a, b)) {
                    return;
                }
                format!("{a}~{b}")
            }
            _ => location.to_owned(),
        };
        let id: (*const Value, *const Value) = (o.value, v.value);
        if self.stack.contains(&id) {
            return;
        }
        if depth > MAX_DEPTH {
            let detail = format!("nested deeper than {MAX_DEPTH} levels: not compared");
            self.push(Difference::new(Kind::Shape, location, detail));
            return;
        }
        self.stack.push(id);
        self.resolved(&location, o.value, v.value, depth);
        self.stack.pop();
    }

    /// Compares two schemas whose `$ref`s are followed.
    fn resolved(&mut self, location: &str, o: &'a Value, v: &'a Value, depth: usize) {
        if !o.is_object() || !v.is_object() {
            if o != v {
                let (ours, vendor) = (describe(o), describe(v));
                let detail = format!("{ours} (ours) vs {vendor} (vendor)");
                self.push(Difference::new(Kind::Shape, location, detail));
            }
            return;
        }
        if self.compositions(location, o, v, depth) {
            return;
        }
        let (ours_type, vendor_type) = match (effective_type(o), effective_type(v)) {
            (Ok(a), Ok(b)) => (a, b),
            _ => {
                let detail = format!("{} (ours) vs {} (vendor)", describe(o), describe(v));
                self.push(Difference::new(Kind::Shape, location, detail));
                return;
            }
        };
        if ours_type != vendor_type {
            let (a, b) = (ours_type.unwrap_or("any"), vendor_type.unwrap_or("any"));
            self.push(Difference::values(Kind::Type, location, a, b));
            return;
        }
        self.scalars(location, o, v);
        match ours_type {
            Some("array") => self.items(location, o, v, depth),
            Some("object") => self.objects(location, o, v, depth),
            _ => {}
        }
    }

    /// `allOf`/`oneOf`/`anyOf`: compared member by member against the same
    /// keyword with as many members; anything else is a `shape` difference.
    /// Returns whether either side was a composition.
    fn compositions(&mut self, location: &str, o: &'a Value, v: &'a Value, depth: usize) -> bool {
        match (composition(o), composition(v)) {
            (None, None) => false,
            (Some((ko, mo)), Some((kv, mv))) if ko == kv && mo.len() == mv.len() => {
                for (i, (a, b)) in mo.iter().zip(mv).enumerate() {
                    self.schemas_at(&format!("{location}<{ko} {i}>"), a, b, depth + 1);
                }
                true
            }
            (ours, vendor) => {
                let detail = format!("{} (ours) vs {} (vendor)", describe(o), describe(v));
                self.push(Difference::new(Kind::Shape, location, detail));
                match (ours, vendor) {
                    (Some((k, members)), None) => {
                        if let Some((i, m)) = member_like(self.ours_doc, k, members, v) {
                            self.schemas_at(&format!("{location}<{k} {i}>"), m, v, depth + 1);
                        }
                    }
                    (None, Some((k, members))) => {
                        if let Some((i, m)) = member_like(self.vendor_doc, k, members, o) {
                            self.schemas_at(&format!("{location}<{k} {i}>"), o, m, depth + 1);
                        }
                    }
                    _ => {}
                }
                true
            }
        }
    }

    /// `format`, `nullable` and the enumerated values.
    fn scalars(&mut self, location: &str, o: &Value, v: &Value) {
        let (fo, fv) = (format_of(o), format_of(v));
        if fo != fv {
            let none = || "none".to_owned();
            let (a, b) = (fo.unwrap_or_else(none), fv.unwrap_or_else(none));
            self.push(Difference::values(Kind::Format, location, a, b));
        }
        let (no, nv) = (nullable(o), nullable(v));
        if no != nv {
            let d = Difference::values(Kind::Nullable, location, no.to_string(), nv.to_string());
            self.push(d);
        }
        if let Some(d) = enum_difference(location, enum_values(o, true), enum_values(v, false)) {
            self.push(d);
        }
    }

    fn items(&mut self, location: &str, o: &'a Value, v: &'a Value, depth: usize) {
        match (o.get("items"), v.get("items")) {
            (Some(a), Some(b)) => self.schemas_at(&format!("{location}[]"), a, b, depth + 1),
            (None, None) => {}
            (a, b) => {
                let shown = |x: Option<&Value>| if x.is_some() { "a schema" } else { "none" };
                let detail = format!("items: {} (ours) vs {} (vendor)", shown(a), shown(b));
                self.push(Difference::new(Kind::Shape, location, detail));
            }
        }
    }

    fn objects(&mut self, location: &str, o: &'a Value, v: &'a Value, depth: usize) {
        match (properties(o), properties(v)) {
            (Some(a), Some(b)) => self.properties(location, (o, a), (v, b), depth),
            (None, None) => {}
            _ => {
                let (a, b) = (describe_object(o), describe_object(v));
                let detail = format!("{a} (ours) vs {b} (vendor)");
                self.push(Difference::new(Kind::Shape, location, detail));
                if let (Extra::Schema(a), Extra::Schema(b)) = (extra(o), extra(v)) {
                    self.schemas_at(&format!("{location}{{}}"), a, b, depth + 1);
                }
                return;
            }
        }
        match (extra(o), extra(v)) {
            (Extra::Schema(a), Extra::Schema(b)) => {
                self.schemas_at(&format!("{location}{{}}"), a, b, depth + 1);
            }
            (a, b) if a.name() != b.name() => {
                let detail = format!(
                    "additionalProperties: {} (ours) vs {} (vendor)",
                    a.name(),
                    b.name()
                );
                self.push(Difference::new(Kind::Shape, location, detail));
            }
            _ => {}
        }
    }

    fn properties(
        &mut self,
        location: &str,
        (o, ours): (&Value, &'a Map<String, Value>),
        (v, vendor): (&Value, &'a Map<String, Value>),
        depth: usize,
    ) {
        let (required_o, required_v) = (required(o), required(v));
        let names: BTreeSet<&String> = ours.keys().chain(vendor.keys()).collect();
        for name in names {
            match (ours.get(name), vendor.get(name)) {
                (Some(a), Some(b)) => {
                    let child = format!("{location}.{name}");
                    let (ro, rv) = (
                        required_o.contains(name.as_str()),
                        required_v.contains(name.as_str()),
                    );
                    if ro != rv {
                        let word = |r: bool| if r { "required" } else { "optional" };
                        let d = Difference::values(Kind::Required, &child, word(ro), word(rv));
                        self.push(d);
                    }
                    self.schemas_at(&child, a, b, depth + 1);
                }
                (Some(_), None) => {
                    self.push(Difference::new(Kind::PropertyOursOnly, location, name));
                }
                (None, _) => {
                    self.push(Difference::new(Kind::PropertyVendorOnly, location, name));
                }
            }
        }
    }
}

/// The one member of a `oneOf`/`anyOf` with the same type as `other` (the
/// alternative the other side describes), if exactly one has it.
fn member_like<'a>(
    doc: &'a Value,
    keyword: &str,
    members: &'a [Value],
    other: &Value,
) -> Option<(usize, &'a Value)> {
    if keyword == "allOf" {
        return None;
    }
    let wanted = effective_type(other).ok()?;
    let type_of = |m: &'a Value| {
        unwrap_schema(doc, m)
            .ok()
            .and_then(|r| effective_type(r.value).ok())
    };
    let mut alike = members
        .iter()
        .enumerate()
        .filter(|(_, m)| type_of(m) == Some(wanted));
    match (alike.next(), alike.next()) {
        (Some(found), None) => Some(found),
        _ => None,
    }
}
