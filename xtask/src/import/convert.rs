//! One vendor operation or schema, rewritten in this project's conventions.
//!
//! Values are `serde_yaml::Value`s (JSON is YAML), so key order survives and
//! the YAML written reads in the vendor's order.

mod bodies;
mod operation;
mod schema;

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};

/// The vendor's name of a page of `X`: `EnvelopeDtoX` (`{contents, count,
/// total, lastId}`).
pub const PAGE_PREFIX: &str = "EnvelopeDto";

/// What an imported write says of its retry safety until a person has read
/// its description and decided (`x-accuro-idempotent-reason`). Its
/// `x-accuro-idempotent` is `false` meanwhile: never sent twice.
pub const NOT_REVIEWED: &str = "not reviewed";

/// The conversion's state: vendor schema names to ours, and the vendor
/// schemas the converted values refer to.
#[derive(Debug)]
pub struct Converter<'a> {
    vendor: &'a Value,
    names: BTreeMap<String, String>,
    /// Vendor schema names referred to by what was converted.
    pub referenced: BTreeSet<String>,
}

/// What a converted operation needs besides its YAML.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The operation object.
    pub operation: Value,
    /// Whether it is marked `x-accuro-handwritten`, and why.
    pub handwritten: Option<String>,
}

impl<'a> Converter<'a> {
    /// A converter for `vendor`'s schemas, named by `names` (vendor → ours).
    pub fn new(vendor: &'a Value, names: BTreeMap<String, String>) -> Self {
        Self {
            vendor,
            names,
            referenced: BTreeSet::new(),
        }
    }

    /// Our name of a vendor schema.
    pub fn our_name(&self, vendor_name: &str) -> String {
        self.names
            .get(vendor_name)
            .cloned()
            .unwrap_or_else(|| vendor_name.to_owned())
    }
}

/// A `$ref` to `target`.
fn reference_to(target: &str) -> Value {
    let mut map = Mapping::new();
    map.insert("$ref".into(), target.into());
    Value::Mapping(map)
}

#[cfg(test)]
mod tests;
